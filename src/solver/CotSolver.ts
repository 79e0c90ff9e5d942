import {extractAnswer, type ExtractedAnswer} from "../answers/extractAnswer.js";
import type {LlmBackend, StopReason} from "../llm/LlmBackend.js";
import type {Prompt} from "../llm/Prompt.js";
import type {ModelProfile} from "../profiles/ModelProfile.js";
import {RepetitionDetector} from "./RepetitionDetector.js";
import {ThinkingSplitter} from "./ThinkingSplitter.js";

export type CotRequest = {
    readonly prompt: Prompt,
    readonly profile: ModelProfile,
    readonly maxTokens: number,
    readonly seed?: number,
    readonly signal?: AbortSignal,
    readonly onThinking?: (text: string) => void,
    readonly onText?: (text: string) => void
};

export type CotOutcome = {
    readonly rawOutput: string,
    readonly thinking: string,
    readonly solution: string,
    readonly answer: ExtractedAnswer | undefined,
    readonly stopReason: StopReason | "repetition",
    readonly promptTokens: number,
    readonly completionTokens: number,
    readonly generationMs: number
};

/** Chain-of-thought solving: one generation, thinking separated from the solution, answer from the last \boxed{}. */
export class CotSolver {
    public constructor(private readonly backend: LlmBackend) {}

    public async solve(request: CotRequest): Promise<CotOutcome> {
        const {profile} = request;
        const splitter = new ThinkingSplitter(profile.thinking);
        const repetition = new RepetitionDetector();
        const runaway = new AbortController();
        const signal = request.signal != null ? AbortSignal.any([request.signal, runaway.signal]) : runaway.signal;

        const forward = ({thinking, shown}: {thinking: string, shown: string}): void => {
            if (thinking !== "") request.onThinking?.(thinking);
            if (shown !== "") request.onText?.(shown);
        };

        const startedAt = performance.now();
        const result = await this.backend.complete({
            prompt: request.prompt,
            maxTokens: request.maxTokens,
            stopTriggers: profile.stop,
            temperature: profile.sampling.temperature,
            topP: profile.sampling.topP,
            topK: profile.sampling.topK,
            minP: profile.sampling.minP,
            repeatPenalty: profile.sampling.repeatPenalty,
            ...(request.seed != null ? {seed: request.seed} : {}),
            signal,
            onTextChunk: (chunk) => {
                forward(splitter.push(chunk));
                if (repetition.push(chunk))
                    runaway.abort();
            }
        });
        forward(splitter.finish());

        const stopReason = runaway.signal.aborted && request.signal?.aborted !== true ? "repetition" : result.stopReason;
        return {
            rawOutput: result.text,
            thinking: splitter.thinking,
            solution: splitter.shown,
            answer: findAnswer(splitter),
            stopReason,
            promptTokens: result.promptTokens,
            completionTokens: result.completionTokens,
            generationMs: performance.now() - startedAt
        };
    }
}

/** The answer in the shown solution; failing that, in a finished thinking block (never in an unfinished one). */
function findAnswer(splitter: ThinkingSplitter): ExtractedAnswer | undefined {
    return extractAnswer(splitter.shown)
        ?? (splitter.thinkingFinished && splitter.shown.trim() === "" ? extractAnswer(splitter.thinking) : undefined);
}
