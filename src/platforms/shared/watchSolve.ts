import type {EngineEvent, SolveResult} from "../../engine/EngineEvent.js";
import {rejectionCodes} from "../../engine/failureStatus.js";
import {localize} from "../../i18n/messages.js";
import type {UiTexts} from "../../i18n/uiTexts.js";
import type {ProgressBudget} from "./ProgressBudget.js";
import {ProgressThrottle} from "./ProgressThrottle.js";
import {phaseAfter, samePhase, type SolvePhase} from "./SolveProgress.js";

/** How a solve ended, as an adapter needs it for its final reply. */
export type WatchedSolve = {
    readonly interactionId: number | undefined,
    readonly result: SolveResult | undefined,
    /** The localised message of a failure (or cancellation). */
    readonly failure: string | undefined,
    /** The localised message when the request was refused (admission or the engine) before anything was shown (told privately). */
    readonly refusal: string | undefined,
    /** Localised notices for the solution the user watches (sample 0), e.g. the fallback to text reasoning. */
    readonly notices: readonly string[]
};


/**
 * Watches a solve (the solve use case's events) and reduces them to what a chat reply shows: the phases as they change (for a
 * status line), the interaction id as soon as it exists (for a cancel button), then the outcome, in the
 * asker's language.
 */
export async function watchSolve(events: AsyncIterable<EngineEvent>, locale: string | undefined, listener: {
    onInteraction?: (interactionId: number) => void,
    onPhase?: (phase: SolvePhase) => void,
    /** Told of every event first, and whether it is a refusal (the engine's last event then). */
    onEvent?: (refused: boolean) => void
}): Promise<WatchedSolve> {
    let interactionId: number | undefined;
    let result: SolveResult | undefined;
    let failure: string | undefined;
    let refusal: string | undefined;
    const notices: string[] = [];
    for await (const event of events) {
        const refused = event.type === "failed" && rejectionCodes.has(event.code);
        listener.onEvent?.(refused);
        if (refused) refusal = localize(event.code, locale, event.params);
        if (interactionId == null && "interactionId" in event && event.interactionId != null) {
            interactionId = event.interactionId;
            listener.onInteraction?.(interactionId);
        }
        const phase = phaseAfter(event);
        if (phase != null) listener.onPhase?.(phase);
        if (event.type === "notice" && event.sample === 0) notices.push(localize(event.code, locale));
        if (event.type === "done") result = event.result;
        if (event.type === "failed" && !refused) failure = localize(event.code, locale, event.params);
    }
    return {interactionId, result, failure, refusal, notices};
}

/**
 * Watches a solve with a live status message: `acknowledge` makes it (a deferred reply, a posted message)
 * once the engine has accepted the request, so a refusal can be told privately instead, leaving nothing
 * public; `show` gets each new phase (at most once per interval, never two at once, with the interaction
 * id once known, for a cancel button; the engine cancels it by that id).
 * After a refusal neither is called; otherwise the message exists when this returns.
 * A message that already shows the phase and the cancel button when it is made saves the first edit: on
 * Slack, where a channel takes about one write a second, that edit would hold back a quick answer.
 */
export async function watchWithProgress(events: AsyncIterable<EngineEvent>, locale: string | undefined, options: {
    readonly intervalMs: number,
    /** What this solve's edits share with the account's other solves (default: no shared limit). */
    readonly budget?: ProgressBudget,
    /**
     * Makes the status message, given the phase and interaction id known by then; true when the message
     * shows both already (then `show` is not called for that phase and id).
     */
    readonly acknowledge: (phase: SolvePhase | undefined, interactionId: number | undefined) => Promise<boolean>,
    readonly show: (phase: SolvePhase, interactionId: number | undefined) => Promise<void>
}): Promise<WatchedSolve> {
    let interactionId: number | undefined;
    let phaseNow: SolvePhase | undefined;
    let shownByAcknowledgement: {phase: SolvePhase | undefined, interactionId: number | undefined} | undefined;
    let decide!: (accepted: boolean) => void;
    const acknowledged = new Promise<boolean>((resolve) => { decide = resolve; })
        .then(async (accepted) => {
            if (!accepted) return false;
            const showing = {phase: phaseNow, interactionId};
            if (await options.acknowledge(showing.phase, showing.interactionId)) shownByAcknowledgement = showing;
            return true;
        });
    // The engine refuses within the microtasks after its first event (the queue answers at once), so one
    // turn of the event loop without a refusal means accepted.
    let accepting: NodeJS.Immediate | undefined;
    const progress = new ProgressThrottle<SolvePhase>(async (phase) => {
        if (!await acknowledged) return;
        const shown = shownByAcknowledgement;
        shownByAcknowledgement = undefined;
        if (shown?.phase != null && samePhase(shown.phase, phase) && shown.interactionId === interactionId) return;
        await options.show(phase, interactionId);
    }, options.intervalMs, samePhase, options.budget);
    try {
        const watched = await watchSolve(events, locale, {
            onEvent: (refused) => {
                if (refused) {
                    clearImmediate(accepting);
                    decide(false);
                } else accepting ??= setImmediate(() => decide(true));
            },
            onInteraction: (id) => { interactionId = id; },
            onPhase: (phase) => {
                phaseNow = phase;
                progress.update(phase);
            }
        });
        clearImmediate(accepting);
        decide(watched.refusal == null);
        await acknowledged;
        return watched;
    } finally {
        await progress.stop();
    }
}

/** The one-line summary of a result: the answer (with the agreement when voting), or that there is none. */
export function answerSummary(result: SolveResult, texts: UiTexts): string {
    if (result.answer == null)
        return texts.noAnswer;
    return texts.answer(result.answer) + (result.agreement.samples > 1 ? texts.agreement(result.agreement.votes, result.agreement.samples) : "");
}
