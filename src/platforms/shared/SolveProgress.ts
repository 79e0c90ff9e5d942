import type {EngineEvent} from "../../engine/EngineEvent.js";
import type {UiTexts} from "../../i18n/uiTexts.js";

/** Where a solve is, as a status line shows it. */
export type SolvePhase =
    | {readonly phase: "queued", readonly position: number}
    | {readonly phase: "starting" | "thinking" | "drawing"}
    | {readonly phase: "code", readonly n: number, readonly max: number};

/** The phase after an engine event (of the solution a user watches, sample 0), or undefined when it does not change it. */
export function phaseAfter(event: EngineEvent): SolvePhase | undefined {
    switch (event.type) {
        case "queued": return event.position > 0 ? {phase: "queued", position: event.position} : {phase: "starting"};
        case "started": return {phase: "starting"};
        case "thinking":
        case "text": return event.sample === 0 ? {phase: "thinking"} : undefined;
        case "code": return event.sample === 0 ? {phase: "code", n: event.n, max: event.max} : undefined;
        case "answer": return {phase: "drawing"};
        default: return undefined;
    }
}

export function describePhase(phase: SolvePhase, texts: UiTexts): string {
    switch (phase.phase) {
        case "queued": return texts.queued(phase.position);
        case "starting": return texts.starting;
        case "thinking": return texts.thinking;
        case "code": return texts.runningCode(phase.n, phase.max);
        case "drawing": return texts.drawing;
    }
}

export function samePhase(a: SolvePhase, b: SolvePhase): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}
