import type {EngineEvent, FollowUpEvent} from "./EngineEvent.js";

/** The request an observed solve or follow-up belongs to, as far as counting it needs. */
export type ObservedSolve = {
    /** The requester's platform: discord, slack, web, cli. */
    readonly platform: string,
    /** The mode asked for (the engine's default when none was). */
    readonly mode: string
};

/**
 * Watches what the engine does without being part of it (metrics): the engine tells it about each solve
 * and the solve's events, whether or not anyone still reads them, and knows nothing of what it does.
 */
export interface EngineObserver {
    /** A solve was received; the returned function sees every event it produces, in order, ending with `done` or `failed`. */
    observeSolve(solve: ObservedSolve): (event: EngineEvent) => void;
    /** A follow-up question was received; the returned function sees its events, ending with `replied` or `failed`. */
    observeFollowUp(followUp: Pick<ObservedSolve, "platform">): (event: FollowUpEvent) => void;
}
