import {ErrorCode, toKotaeError, type KotaeError} from "../errors/ErrorCode.js";
import type {Attempt} from "../solver/HybridSolver.js";
import type {ExecutionRecord, SolutionOutcome} from "../solver/SolutionOutcome.js";
import type {InteractionStart, NewInteraction} from "../domain/Interaction.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import {canonicalOf, type Representative} from "./chooseRepresentative.js";
import {statusOfFailure} from "./failureStatus.js";
import {RequestLifecycle, type LifecycleServices} from "./RequestLifecycle.js";

/** How long a finished solve waited for its slot, generated, and took in all (ms). */
export type SolveTimings = {readonly queueMs: number, readonly generationMs: number, readonly totalMs: number};

/**
 * A solve's lifecycle and its log row: created when the request arrives (`queued`), marked `running` when
 * generation starts, then finished with the chosen solution or failed, once. Every write of a solve's
 * row and of its samples' attempts and code runs goes through here. While it lives, the solve can be
 * cancelled by id (see RunningSolves).
 */
export class SolveLifecycle extends RequestLifecycle {
    public readonly interactionId: number;
    private readonly tracked: Disposable;
    private queueMs = 0;
    /** What was generated before a cancellation, kept in the row. */
    private partial: SolutionOutcome | undefined;

    /** Logs a request an adapter refused before it reached the engine (rate limit, channel not allowed). */
    public static logRefusal(store: KotaeStore, asked: NewInteraction, refusal: KotaeError): number {
        const interactionId = store.interactions.create(asked);
        store.interactions.finish(interactionId, {status: "rejected", errorCode: refusal.code, errorMessage: refusal.message, totalMs: 0});
        return interactionId;
    }

    /** Logs the request as `queued`; `cancel` stops it when its asker cancels it by id. */
    public constructor(services: LifecycleServices, private readonly asked: NewInteraction, signal: AbortSignal, cancel: () => void) {
        super(services, services.store.pseudonymOf(asked.requester), signal);
        this.interactionId = services.store.interactions.create(asked);
        this.tracked = services.running.track(this.interactionId, asked.requester, cancel);
    }

    /** Generation starts now: the queue wait ends, and the row gets the model and the prompt. */
    public async markRunning(start: Omit<InteractionStart, "queueMs" | "modelSha256">, modelSha256: Promise<string | null>): Promise<void> {
        this.queueMs = this.elapsed();
        const sha256 = await modelSha256.catch(() => null);
        this.services.store.interactions.markRunning(this.interactionId, {...start, modelSha256: sha256, queueMs: this.queueMs});
    }

    public recordAttempt(sample: number, seed: number | undefined, attempt: Attempt): void {
        this.services.store.interactions.addSolution({
            interactionId: this.interactionId, sampleIndex: sample, attempt: attempt.attempt, mode: attempt.mode,
            ...(seed != null ? {seed} : {}),
            prompt: attempt.prompt.toText(),
            ...solutionColumns(attempt.outcome),
            stopReason: attempt.outcome.stopReason,
            ...(attempt.fallbackReason != null ? {fallbackReason: attempt.fallbackReason} : {})
        });
    }

    public recordExecution(sample: number, execution: ExecutionRecord): void {
        this.services.store.interactions.addExecution({interactionId: this.interactionId, sampleIndex: sample, executionIndex: execution.index, ...execution});
    }

    /** A sample that failed while others went on to the vote: logged, so the loss is not silent. */
    public recordLostSample(sample: number, error: unknown): void {
        const failure = toKotaeError(error, ErrorCode.GenerationFailed);
        this.services.store.interactions.recordEvent({
            interactionId: this.interactionId, requester: this.asked.requester, kind: "sample_failed",
            detail: {sample, code: failure.code, message: failure.message}
        });
    }

    /** Keeps what a cancelled solve generated so far (its first finished sample) for the row. */
    public keepPartial(outcome: SolutionOutcome | undefined): void {
        this.partial = outcome;
    }

    /** Logs the solve's end with the representative solution of `samples` drawn. */
    public finish(chosen: Representative, samples: number): SolveTimings & {status: "answered" | "no_answer"} {
        const {outcome} = chosen.representative;
        const status = chosen.answer != null ? "answered" : "no_answer";
        const totalMs = this.elapsed();
        const timings = {queueMs: this.queueMs, generationMs: totalMs - this.queueMs, totalMs};
        this.end(() => this.services.store.interactions.finish(this.interactionId, {
            status,
            ...solutionColumns(outcome),
            stopReason: outcome.stopReason,
            promptTokens: chosen.promptTokens,
            completionTokens: chosen.completionTokens,
            generationMs: timings.generationMs,
            totalMs,
            solvePath: chosen.representative.path,
            sampleCount: samples,
            agreementVotes: chosen.agreement.votes,
            representativeSample: chosen.representative.sample
        }));
        return {status, ...timings};
    }

    public override [Symbol.dispose](): void {
        super[Symbol.dispose]();
        this.tracked[Symbol.dispose]();
    }

    protected recordFailure(failure: KotaeError): void {
        const partial = this.partial != null ? {...solutionColumns(this.partial), stopReason: this.partial.stopReason} : {};
        this.services.store.interactions.finish(this.interactionId, {
            ...partial, status: statusOfFailure(failure.code), errorCode: failure.code, errorMessage: failure.message, totalMs: this.elapsed()
        });
    }
}

/** The columns a solution fills in both the interaction and its per-attempt rows. */
function solutionColumns(outcome: SolutionOutcome) {
    return {
        rawOutput: outcome.rawOutput,
        thinking: outcome.thinking,
        shownSolution: outcome.solution,
        answer: outcome.answer?.value ?? null,
        answerCanonical: canonicalOf(outcome),
        answerMethod: outcome.answer?.method ?? null,
        promptTokens: outcome.promptTokens,
        completionTokens: outcome.completionTokens,
        generationMs: Math.round(outcome.generationMs)
    };
}
