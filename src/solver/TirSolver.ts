import {ErrorCode, isKotaeError} from "../errors/ErrorCode.js";
import type {CompletionResult, LlmBackend} from "../llm/LlmBackend.js";
import type {Prompt} from "../llm/Prompt.js";
import type {ModelProfile, ToolTags} from "../profiles/ModelProfile.js";
import {splitTranscript} from "../profiles/splitTranscript.js";
import type {CodeSession, ExecutionResult} from "../sandbox/CodeSandbox.js";
import {samplingOf} from "./CotSolver.js";
import type {ExecutionRecord, SolutionOutcome, SolutionStopReason} from "./SolutionOutcome.js";
import {SolutionStream, type SolutionListener} from "./SolutionStream.js";

export type TirLimits = {
    /** Code executions per solution; after the last one the model is told to finish in text. */
    readonly maxExecutions: number,
    /** Wall-clock budget for the whole solution, generation and executions together. */
    readonly maxSeconds: number,
    /** Give up (for a fallback to text reasoning) after this many failed executions in a row; unset = never. */
    readonly giveUpAfterFailures?: number
};

export type TirRequest = SolutionListener & {
    readonly prompt: Prompt,
    readonly profile: ModelProfile & {readonly tools: ToolTags},
    readonly session: CodeSession,
    /** Tokens for the whole solution, across every continuation. */
    readonly maxTokens: number,
    readonly limits: TirLimits,
    readonly seed?: number,
    readonly signal?: AbortSignal,
    /** A block is about to run (n is 1-based). */
    readonly onCode?: (n: number, max: number, code: string) => void,
    /** A block ran; called before generation continues, so a log of executions is never behind. */
    readonly onExecution?: (execution: ExecutionRecord) => void
};

export type TirOutcome = SolutionOutcome & {
    /** The solution stopped because code kept failing (only with `giveUpAfterFailures`). */
    readonly gaveUp: boolean
};

export const defaultExecutionLimitNotice =
    "コードの実行回数の上限に達しました。これ以上コードは実行できません。ここまでの結果をもとに推論を続け、最終的な答えを \\boxed{} に書いてください。";

const restartNotice = "(The Python session was restarted because the previous block was stopped; earlier variables are gone.)";

/**
 * Tool-integrated reasoning: the model writes Python between the profile's code tags; generation stops at
 * the closing tag, the block runs in the solution's sandbox session, its output is appended between the
 * output tags, and generation continues from there until the model finishes.
 */
export class TirSolver {
    public constructor(private readonly backend: LlmBackend) {}

    public async solve(request: TirRequest): Promise<TirOutcome> {
        const {profile, limits} = request;
        const {tools} = profile;
        const stream = new SolutionStream(profile.thinking, request);
        const runaway = new AbortController();
        const outOfTime = AbortSignal.timeout(limits.maxSeconds * 1000);
        const signal = AbortSignal.any([runaway.signal, outOfTime, ...(request.signal != null ? [request.signal] : [])]);
        const executions: ExecutionRecord[] = [];
        const startedAt = performance.now();

        let promptTokens: number | undefined;
        let completionTokens = 0;
        let failuresInARow = 0;
        let gaveUp = false;
        let stopReason: SolutionStopReason;

        for (;;) {
            const tokensLeft = request.maxTokens - completionTokens;
            if (tokensLeft <= 0) {
                stopReason = "maxTokens";
                break;
            }
            const canExecute = executions.length < limits.maxExecutions;
            const generation = await this.continueGeneration(request, stream, {
                maxTokens: tokensLeft,
                stopTriggers: canExecute ? [tools.codeClose, ...profile.stop] : profile.stop,
                signal,
                onLoop: () => runaway.abort()
            });
            if (generation == null) { // the transcript no longer fits in the context
                stopReason = "maxTokens";
                break;
            }
            promptTokens ??= generation.promptTokens;
            completionTokens += generation.completionTokens;
            stopReason = generation.stopReason;

            if (generation.stopReason !== "stopTrigger" || generation.stopTrigger !== tools.codeClose)
                break;

            const block = openCodeBlock(stream.raw, tools);
            stream.insert(closingTag(stream.raw, tools));
            if (block == null) // a closing tag outside any code block is just text
                continue;
            const code = withoutClosingFence(block);

            const n = executions.length + 1;
            request.onCode?.(n, limits.maxExecutions, code);
            const execution = await this.runBlock(request, n, code, signal, outOfTime);
            if (execution != null) {
                executions.push(execution);
                request.onExecution?.(execution);
            }
            if (signal.aborted || execution == null)
                break; // cancelled, out of time or looping: the stop reason is set below
            stream.insert(tools.outputOpen + execution.output + tools.outputClose + executionsNotice(tools, limits.maxExecutions - n));

            failuresInARow = execution.status === "ok" ? 0 : failuresInARow + 1;
            if (limits.giveUpAfterFailures != null && failuresInARow >= limits.giveUpAfterFailures) {
                gaveUp = true;
                break;
            }
        }
        stream.finish();

        if (request.signal?.aborted !== true) {
            if (runaway.signal.aborted) stopReason = "repetition";
            else if (outOfTime.aborted) stopReason = "timeLimit";
        }
        return {
            rawOutput: stream.raw,
            thinking: stream.thinking,
            solution: stream.shown,
            answer: stream.answer((text) => withoutCode(text, tools)),
            stopReason,
            promptTokens: promptTokens ?? 0,
            completionTokens,
            generationMs: performance.now() - startedAt,
            executions,
            gaveUp
        };
    }

    /**
     * Runs the n-th block; its record is what the model is shown, with the notices it needs. Undefined when
     * the solution was cancelled mid-block (the code stays in the transcript); a block cut off by the
     * solution's time limit did run, so it gets a timeout record.
     */
    private async runBlock(request: TirRequest, n: number, code: string, signal: AbortSignal, outOfTime: AbortSignal): Promise<ExecutionRecord | undefined> {
        const {limits, profile: {tools}} = request;
        const startedAt = performance.now();
        let ran: ExecutionResult;
        try {
            ran = await request.session.execute(code, {signal});
        } catch (error) {
            if (!signal.aborted)
                throw error;
            if (!outOfTime.aborted || request.signal?.aborted === true)
                return undefined;
            ran = {
                status: "timeout", truncated: false, restarted: false, durationMs: performance.now() - startedAt,
                output: `Execution stopped: the solution reached its time limit of ${limits.maxSeconds} s.`
            };
        }
        // A profile trained with a notice after every output gets that instead (see executionsNotice).
        const lastAllowed = n === limits.maxExecutions && tools.executionsNotice == null;
        return toRecord(n, code, ran, lastAllowed ? tools.executionLimitNotice ?? defaultExecutionLimitNotice : undefined);
    }

    /** Generates from the prompt plus everything so far; undefined when that no longer fits in the context. */
    private async continueGeneration(request: TirRequest, stream: SolutionStream, options: {
        maxTokens: number, stopTriggers: readonly string[], signal: AbortSignal, onLoop: () => void
    }): Promise<CompletionResult | undefined> {
        const continuing = stream.raw !== "";
        try {
            return await this.backend.complete({
                prompt: request.prompt.append(stream.raw),
                maxTokens: options.maxTokens,
                stopTriggers: options.stopTriggers,
                ...samplingOf(request.profile),
                ...(request.seed != null ? {seed: request.seed} : {}),
                signal: options.signal,
                onTextChunk: (chunk) => {
                    if (stream.pushGenerated(chunk))
                        options.onLoop();
                }
            });
        } catch (error) {
            if (continuing && isKotaeError(error) && error.code === ErrorCode.ProblemTooLong)
                return undefined;
            throw error;
        }
    }
}

/** The code of the block the closing tag just ended, or undefined when no block is open. */
function openCodeBlock(transcript: string, tools: ToolTags): string | undefined {
    const opened = transcript.lastIndexOf(tools.codeOpen);
    if (opened < 0 || transcript.indexOf(tools.codeClose, opened + tools.codeOpen.length) >= 0)
        return undefined;
    return transcript.slice(opened + tools.codeOpen.length);
}

/**
 * The code as it runs: a block written as a Markdown fence inside the tags (OpenMathReasoning's
 * "<tool_call>\n```python\n…\n```\n</tool_call>", where generation stops at </tool_call>) loses its
 * closing fence, which is markup, not Python.
 */
function withoutClosingFence(block: string): string {
    return block.replace(/(^|\n)```[ \t]*\n?$/, "$1");
}

/** What follows an output block for profiles trained with NeMo-Skills' remaining-executions notice; "" otherwise. */
function executionsNotice(tools: ToolTags, remaining: number): string {
    const notice = tools.executionsNotice;
    if (notice == null)
        return "";
    return remaining > 0 ? notice.remaining.replace("{remaining}", String(remaining)) : notice.exhausted;
}

/**
 * The closing tag as it belongs in the transcript. The stop trigger is not part of the generated text, and
 * a newline sharing a token with it is lost, so a line-based block (e.g. a ``` fence) gets its newline back.
 */
function closingTag(transcript: string, tools: ToolTags): string {
    const lineBased = tools.codeOpen.endsWith("\n");
    return (lineBased && !transcript.endsWith("\n") ? "\n" : "") + tools.codeClose;
}

function toRecord(index: number, code: string, result: ExecutionResult, limitNotice: string | undefined): ExecutionRecord {
    const parts = [
        ...(result.restarted ? [restartNotice] : []),
        result.output.replace(/\n+$/, ""),
        ...(limitNotice != null ? [limitNotice] : [])
    ].filter((part) => part !== "");
    return {
        index,
        code,
        status: result.status,
        output: parts.join("\n"),
        truncated: result.truncated,
        restarted: result.restarted,
        durationMs: Math.round(result.durationMs)
    };
}

/**
 * The text without its code blocks, so a \boxed{} written in code is not taken as the answer; what the
 * code printed stays, as the model saw it and may rely on it.
 */
function withoutCode(text: string, tools: ToolTags): string {
    return splitTranscript(text, tools).filter((part) => part.kind !== "code").map((part) => part.text).join("\n");
}
