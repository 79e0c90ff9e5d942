import type {ErrorCode, KotaeError} from "../errors/ErrorCode.js";
import type {NoticeCode} from "../errors/NoticeCode.js";
import type {ExecutionStatus} from "../sandbox/CodeSandbox.js";
import type {ExecutionRecord, SolutionStopReason} from "../solver/SolutionOutcome.js";
import type {SolveMode, SolvePath} from "../solver/SolveMode.js";

/** How many samples gave the winning answer, out of how many were drawn (e.g. 4 of 5). */
export type Agreement = {readonly votes: number, readonly samples: number};

export type SolveResult = {
    readonly interactionId: number,
    readonly status: "answered" | "no_answer",
    /** The final answer as written by the model, or null when none could be extracted. */
    readonly answer: string | null,
    /** The normalised answer used for comparisons and voting. */
    readonly answerCanonical: string | null,
    readonly answerMethod: "boxed" | "phrase" | null,
    readonly agreement: Agreement,
    /** The sample whose solution is shown (the first that gave the winning answer). */
    readonly representativeSample: number,
    /** The solution shown to users (the thinking section removed). */
    readonly solution: string,
    readonly thinking: string,
    /** The representative solution's code executions, in order. */
    readonly executions: readonly ExecutionRecord[],
    readonly stopReason: SolutionStopReason,
    readonly profile: string,
    readonly mode: SolveMode,
    readonly path: SolvePath,
    readonly modelName: string,
    /** Tokens over all samples and attempts. */
    readonly promptTokens: number,
    readonly completionTokens: number,
    readonly queueMs: number,
    readonly generationMs: number,
    readonly totalMs: number
};

/**
 * What a solve reports as it goes; every adapter (terminal, Discord, Slack, web) renders this one stream.
 * Events of a solution carry its `sample` index (0 unless self-consistency draws several); an adapter
 * that shows one solution live shows sample 0.
 */
export type EngineEvent =
    /** Always first for an accepted request; repeated while waiting, with the 1-based position (0 = starting now). */
    | {readonly type: "queued", readonly interactionId: number, readonly position: number}
    | {readonly type: "started", readonly interactionId: number, readonly profile: string, readonly mode: SolveMode, readonly samples: number}
    | {readonly type: "thinking", readonly sample: number, readonly text: string}
    | {readonly type: "text", readonly sample: number, readonly text: string}
    /** A code block is about to run: the n-th of at most `max` for this solution. */
    | {readonly type: "code", readonly sample: number, readonly n: number, readonly max: number, readonly code: string}
    | {
        readonly type: "codeResult", readonly sample: number, readonly n: number,
        readonly status: ExecutionStatus, readonly output: string, readonly durationMs: number
    }
    /** Something the user should know that is not a failure (e.g. falling back to text reasoning); each edge words it. */
    | {readonly type: "notice", readonly sample: number, readonly code: NoticeCode}
    /** A sample finished (only when several are drawn). */
    | {readonly type: "sampleDone", readonly sample: number, readonly answer: string | null, readonly canonical: string | null, readonly path: SolvePath}
    | {readonly type: "answer", readonly answer: string | null, readonly canonical: string | null, readonly agreement: Agreement}
    | {readonly type: "done", readonly result: SolveResult}
    | FailedEvent;

/**
 * How a request ended without an answer. It carries no words: each edge (chat, web, terminal) tells the
 * person with `localize(code, locale, params)` in their language.
 */
export type FailedEvent = {
    readonly type: "failed",
    /** Present whenever the request was logged (always, unless the database itself failed). */
    readonly interactionId?: number,
    readonly code: ErrorCode,
    /** Values the message names, e.g. `{limit: 2000}`; absent when it names none. */
    readonly params?: Readonly<Record<string, string | number>>,
    /** The technical detail, for logs and operators. */
    readonly detail: string
};

/** What a follow-up question in a thread reports; the answer is one more turn of the conversation. */
export type FollowUpEvent =
    | {readonly type: "queued", readonly interactionId: number, readonly position: number}
    | {readonly type: "started", readonly interactionId: number}
    | {readonly type: "thinking", readonly text: string}
    | {readonly type: "text", readonly text: string}
    | {
        readonly type: "replied", readonly interactionId: number, readonly turnIndex: number,
        /** The answer shown to the user (thinking removed). */
        readonly text: string,
        readonly completionTokens: number, readonly totalMs: number
    }
    | FailedEvent;

/** The event that reports `error`, for the request logged as `interactionId` (when it was). */
export function failedEvent(error: KotaeError, interactionId?: number): FailedEvent {
    return {
        type: "failed",
        ...(interactionId != null ? {interactionId} : {}),
        code: error.code,
        ...(Object.keys(error.params).length > 0 ? {params: error.params} : {}),
        detail: error.message
    };
}
