import type {ExtractedAnswer} from "../answers/extractAnswer.js";
import type {StopReason} from "../llm/LlmBackend.js";
import type {ExecutionStatus} from "../sandbox/CodeSandbox.js";

/** Why a solution's generation ended: the backend's reasons, plus Kotae's own cut-offs. */
export type SolutionStopReason = StopReason | "repetition" | "timeLimit";

/** One code block of a tool-integrated solution and what running it gave. */
export type ExecutionRecord = {
    /** 1-based, in the order the model wrote the blocks. */
    readonly index: number,
    readonly code: string,
    readonly status: ExecutionStatus,
    /** Exactly what the model was shown between the output tags. */
    readonly output: string,
    readonly truncated: boolean,
    readonly restarted: boolean,
    readonly durationMs: number
};

/** What one attempt at a problem produced, in text (CoT) or with code (TIR). */
export type SolutionOutcome = {
    readonly rawOutput: string,
    readonly thinking: string,
    readonly solution: string,
    readonly answer: ExtractedAnswer | undefined,
    readonly stopReason: SolutionStopReason,
    readonly promptTokens: number,
    readonly completionTokens: number,
    readonly generationMs: number,
    /** Empty for text reasoning. */
    readonly executions: readonly ExecutionRecord[]
};
