import type {ErrorCode} from "../errors/ErrorCode.js";
import type {StopReason} from "../llm/LlmBackend.js";

export const solveModes = ["cot"] as const;
export type SolveMode = typeof solveModes[number];

export type SolveResult = {
    readonly interactionId: number,
    readonly status: "answered" | "no_answer",
    /** The final answer as written by the model, or null when none could be extracted. */
    readonly answer: string | null,
    /** The normalised answer used for comparisons and voting. */
    readonly answerCanonical: string | null,
    readonly answerMethod: "boxed" | "phrase" | null,
    /** The solution shown to users (the thinking section removed). */
    readonly solution: string,
    readonly thinking: string,
    readonly stopReason: StopReason | "repetition",
    readonly profile: string,
    readonly mode: SolveMode,
    readonly modelName: string,
    readonly promptTokens: number,
    readonly completionTokens: number,
    readonly queueMs: number,
    readonly generationMs: number,
    readonly totalMs: number
};

/** What a solve reports as it goes; every adapter (terminal, Discord, Slack, web) renders this one stream. */
export type EngineEvent =
    /** Always first for an accepted request; repeated while waiting, with the 1-based position (0 = starting now). */
    | {readonly type: "queued", readonly interactionId: number, readonly position: number}
    | {readonly type: "started", readonly interactionId: number, readonly profile: string, readonly mode: SolveMode}
    | {readonly type: "thinking", readonly text: string}
    | {readonly type: "text", readonly text: string}
    | {readonly type: "answer", readonly answer: string | null, readonly canonical: string | null}
    | {readonly type: "done", readonly result: SolveResult}
    | {
        readonly type: "failed",
        /** Present whenever the request was logged (always, unless the database itself failed). */
        readonly interactionId?: number,
        readonly code: ErrorCode,
        /** The localised, user-facing message (ja or en by the requester's locale). */
        readonly message: string,
        /** The technical detail, for logs and operators. */
        readonly detail: string
    };
