import type {LlmBackend} from "../llm/LlmBackend.js";
import type {Prompt} from "../llm/Prompt.js";
import type {ModelProfile} from "../profiles/ModelProfile.js";
import type {SolutionOutcome} from "./SolutionOutcome.js";
import {SolutionStream, type SolutionListener} from "./SolutionStream.js";

export type CotRequest = SolutionListener & {
    readonly prompt: Prompt,
    readonly profile: ModelProfile,
    readonly maxTokens: number,
    readonly seed?: number,
    readonly signal?: AbortSignal
};

/** Chain-of-thought solving: one generation, thinking separated from the solution, answer from the last \boxed{}. */
export class CotSolver {
    public constructor(private readonly backend: LlmBackend) {}

    public async solve(request: CotRequest): Promise<SolutionOutcome> {
        const {profile} = request;
        const stream = new SolutionStream(profile.thinking, request);
        const runaway = new AbortController();
        const signal = request.signal != null ? AbortSignal.any([request.signal, runaway.signal]) : runaway.signal;

        const startedAt = performance.now();
        const result = await this.backend.complete({
            prompt: request.prompt,
            maxTokens: request.maxTokens,
            stopTriggers: profile.stop,
            ...samplingOf(profile),
            ...(request.seed != null ? {seed: request.seed} : {}),
            signal,
            onTextChunk: (chunk) => {
                if (stream.pushGenerated(chunk))
                    runaway.abort();
            }
        });
        stream.finish();

        return {
            rawOutput: result.text,
            thinking: stream.thinking,
            solution: stream.shown,
            answer: stream.answer(),
            stopReason: runaway.signal.aborted && request.signal?.aborted !== true ? "repetition" : result.stopReason,
            promptTokens: result.promptTokens,
            completionTokens: result.completionTokens,
            generationMs: performance.now() - startedAt,
            executions: []
        };
    }
}

/** The profile's sampling settings as a completion request takes them. */
export function samplingOf(profile: ModelProfile) {
    const {temperature, topP, topK, minP, repeatPenalty} = profile.sampling;
    return {temperature, topP, topK, minP, repeatPenalty};
}
