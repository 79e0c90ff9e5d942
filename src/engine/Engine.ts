import {ErrorCode, KotaeError, toKotaeError} from "../errors/ErrorCode.js";
import type {LlmBackend} from "../llm/LlmBackend.js";
import type {ModelProfile} from "../profiles/ModelProfile.js";
import type {ProfileRegistry} from "../profiles/ProfileRegistry.js";
import {promptFormatFor, renderConversation, renderPrompt} from "../profiles/renderPrompt.js";
import {FairQueue} from "../queue/FairQueue.js";
import type {CodeSandbox} from "../sandbox/CodeSandbox.js";
import {CotSolver} from "../solver/CotSolver.js";
import {assertModeSupported, HybridSolver} from "../solver/HybridSolver.js";
import {isSolveMode, type SolveMode} from "../solver/SolveMode.js";
import type {TirLimits} from "../solver/TirSolver.js";
import type {InteractionRecord, NewInteraction} from "../domain/Interaction.js";
import type {Requester} from "../domain/Requester.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import {canonicalOf, chooseRepresentative, type SampleResult} from "./chooseRepresentative.js";
import {EventChannel} from "./EventChannel.js";
import {failedEvent, type EngineEvent, type FailedEvent, type FollowUpEvent} from "./EngineEvent.js";
import type {EngineObserver} from "./EngineObserver.js";
import {fanOutSamples} from "./fanOutSamples.js";
import {FollowUpLifecycle} from "./FollowUpLifecycle.js";
import type {LifecycleServices} from "./RequestLifecycle.js";
import {RunningSolves, type CancelOutcome} from "./RunningSolves.js";
import {sampleListeners} from "./sampleListeners.js";
import {SolveLifecycle} from "./SolveLifecycle.js";
import {createKotaeLogger, type KotaeLogger} from "../observability/KotaeLogger.js";

export type SolveRequest = {
    readonly problem: string,
    readonly requester: Requester,
    /** A SolveMode; anything else is answered with mode_unsupported. */
    readonly mode?: string,
    readonly profile?: string,
    /** An explanation style the profile offers (default: the profile's); anything else is answered with style_unsupported. */
    readonly style?: string,
    /** Self-consistency samples to draw and vote on (default: the engine's `samples`). */
    readonly samples?: number,
    /** Sample i uses seed + i, so a run can be repeated exactly. */
    readonly seed?: number,
    /** The interaction this one re-solves (「もう一度解く」). */
    readonly parentId?: number,
    readonly signal?: AbortSignal
};

export type FollowUpRequest = {
    /** The solved interaction the thread belongs to. */
    readonly interactionId: number,
    readonly question: string,
    readonly requester: Requester,
    readonly signal?: AbortSignal
};

export type EngineOptions = {
    /** The model; a promise while it is still loading (requests wait in the queue meanwhile). */
    readonly backend: LlmBackend | Promise<LlmBackend>,
    /** The SHA-256 of the model file, for the log; may resolve after the model is loaded. */
    readonly modelSha256?: Promise<string | null>,
    /** The Python sandbox, started on first use; rejects with tir_unavailable where the host cannot run it. */
    readonly sandbox: () => Promise<CodeSandbox>,
    readonly store: KotaeStore,
    readonly profiles: ProfileRegistry,
    readonly defaultProfile: string,
    readonly defaultMode: SolveMode,
    /** Parallel generations: must not exceed the backend's context sequences. */
    readonly concurrency: number,
    readonly queueCapacity: number,
    readonly maxPendingPerUser: number,
    readonly maxProblemChars: number,
    /** Self-consistency samples per request unless the request says otherwise. */
    readonly samples: number,
    readonly tirLimits: TirLimits,
    readonly failuresBeforeFallback: number,
    /** Overrides the profile's token budget when set. */
    readonly maxTokens?: number,
    /** Where the operator's lines go: the database refusing a write (default: a logger of its own on stderr, see createKotaeLogger). */
    readonly logger?: KotaeLogger,
    /** Sees every solve and its events (metrics); none by default. */
    readonly observer?: EngineObserver
};

/**
 * The request that solves a logged problem again (「もう一度解く」, an audit recheck): the same question,
 * mode, profile and style, as a child of the original.
 */
export function solveAgain(original: Pick<InteractionRecord, "id" | "question" | "mode" | "profile" | "style">): Pick<SolveRequest, "problem" | "mode" | "profile" | "style" | "parentId"> {
    return {
        problem: original.question, mode: original.mode, profile: original.profile, parentId: original.id,
        ...(original.style != null ? {style: original.style} : {})
    };
}

/** The most samples one request may ask for. */
export const maxSamples = 64;

/** A request that passed validation: what to solve, how, and how many times. */
type SolvePlan = {
    readonly problem: string, readonly profile: ModelProfile, readonly mode: SolveMode, readonly samples: number,
    readonly style?: string, readonly seed?: number
};

/**
 * Kotae's engine: validates a request, logs it, queues it fairly, runs the model (in text, with code, or
 * both; once or several times with a vote) and reports typed events, which carry codes, not words. It
 * knows nothing about Discord, Slack or the terminal.
 */
export class Engine {
    private readonly queue: FairQueue;
    /** Every request's work until it is logged, which close() waits for. */
    private readonly underWay = new Set<Promise<void>>();
    /** Solves a cancel button can stop by id. */
    private readonly runningSolves = new RunningSolves();
    private readonly shutdown = new AbortController();
    /** What each request's lifecycle borrows from the engine. */
    private readonly lifecycles: LifecycleServices;
    private readonly logger: KotaeLogger;

    public constructor(private readonly options: EngineOptions) {
        this.logger = (options.logger ?? createKotaeLogger({stream: "stderr"})).child({component: "engine"});
        options.profiles.get(options.defaultProfile); // fail at start, not on the first request
        this.queue = new FairQueue({
            concurrency: options.concurrency,
            capacity: options.queueCapacity,
            maxPerUser: options.maxPendingPerUser
        });
        this.lifecycles = {store: options.store, queue: this.queue, running: this.runningSolves, shutdown: this.shutdown.signal};
        // A load failure is reported per request; this keeps it from also being an unhandled rejection.
        Promise.resolve(options.backend).catch(() => {});
    }

    /** Requests waiting for a run slot, and generations holding one (a sample each). */
    public get load(): {readonly waiting: number, readonly running: number} {
        return {waiting: this.queue.waitingCount, running: this.queue.runningCount};
    }

    /** Solves a problem, reporting progress as events. Breaking out of the loop cancels the solve. */
    public solve(request: SolveRequest): AsyncIterable<EngineEvent> {
        const observe = this.options.observer?.observeSolve({platform: request.requester.platform, mode: request.mode ?? this.options.defaultMode});
        return this.stream<EngineEvent>(request.signal, (signal, channel, cancel) => this.run(request, signal, channel, cancel), observe);
    }

    /**
     * Answers a follow-up question about a solved problem (a message in its thread), with the problem, the
     * solution and the earlier turns as context. Both turns are logged with the interaction.
     */
    public followUp(request: FollowUpRequest): AsyncIterable<FollowUpEvent> {
        const observe = this.options.observer?.observeFollowUp({platform: request.requester.platform});
        return this.stream<FollowUpEvent>(request.signal, (signal, channel) => this.runFollowUp(request, signal, channel), observe);
    }

    /**
     * Stops a solve under way (queued or generating) for the person who asked it, as a cancel button does:
     * `not_yours` for anyone else (by platform and user id), `not_running` when it has already ended.
     */
    public cancel(interactionId: number, requester: Pick<Requester, "platform" | "userId">): CancelOutcome {
        return this.runningSolves.cancel(interactionId, requester);
    }

    /**
     * Logs a request an adapter refused before it reached the engine (rate limit, channel not allowed), so
     * nothing a user sent is lost, and returns the `failed` event that tells them (in words the edge chooses).
     */
    public refuse(request: SolveRequest, error: KotaeError): FailedEvent & {readonly interactionId: number} {
        const interactionId = SolveLifecycle.logRefusal(this.options.store, this.asked(request), error);
        return {...failedEvent(error, interactionId), interactionId};
    }

    /** Refuses new work, cancels what is queued or running, and waits until every request is logged. */
    public async close(): Promise<void> {
        this.queue.close();
        this.shutdown.abort();
        await Promise.allSettled([...this.underWay]);
    }

    /**
     * An event stream whose work is cancelled by the caller's signal, by the consumer leaving, by close(),
     * or by the work's `cancel` (a cancel button). Work reports its own failures; what escapes it is the
     * database refusing a write (a full disk), which must not take the process down with everyone's
     * requests: the user is told, the operator gets a line.
     */
    private stream<Event>(
        callerSignal: AbortSignal | undefined,
        work: (signal: AbortSignal, channel: EventChannel<Event | FailedEvent>, cancel: () => void) => Promise<void>,
        observe?: (event: Event | FailedEvent) => void
    ): AsyncIterable<Event | FailedEvent> {
        const cancel = new AbortController();
        const signals = [cancel.signal, this.shutdown.signal, ...(callerSignal != null ? [callerSignal] : [])];
        const channel = new EventChannel<Event | FailedEvent>(() => cancel.abort(), observe);
        const run = work(AbortSignal.any(signals), channel, () => cancel.abort()).catch((error: unknown) => {
            const detail = error instanceof Error ? error.message : String(error);
            this.logger.error({err: error}, `the database could not record a request (${detail}): free space on its disk, or check KOTAE_DB`);
            channel.push(failedEvent(new KotaeError(ErrorCode.StorageFailed, detail)));
        }).finally(() => {
            channel.close();
            this.underWay.delete(run);
        });
        this.underWay.add(run);
        return channel;
    }

    private async runFollowUp(request: FollowUpRequest, signal: AbortSignal, channel: EventChannel<FollowUpEvent>): Promise<void> {
        using lifecycle = new FollowUpLifecycle(this.lifecycles, request, signal);
        try {
            const {original, earlier} = lifecycle.open();
            const question = request.question.trim();
            this.validateText(question);
            await lifecycle.waitForSlot((event) => channel.push(event));
            const backend = await this.backendOrUnavailable();
            lifecycle.throwIfCancelled("before generation started");
            // The profile the problem was solved with, unless it has since been removed from the configuration.
            const {profiles} = this.options;
            const profile = profiles.find(original.profile) ?? profiles.get(this.options.defaultProfile);
            // The style it was solved in, unless the profile has since stopped offering it.
            const style = original.style != null && Object.hasOwn(profile.styles, original.style) ? original.style : undefined;
            const prompt = renderConversation(profile, style, [
                {role: "user", content: original.question},
                {role: "assistant", content: original.shownSolution},
                ...earlier,
                {role: "user", content: question}
            ], backend);
            channel.push({type: "started", interactionId: request.interactionId});
            const outcome = await new CotSolver(backend).solve({
                prompt, profile, signal,
                maxTokens: this.options.maxTokens ?? profile.sampling.maxTokens,
                onThinking: (text) => channel.push({type: "thinking", text}),
                onText: (text) => channel.push({type: "text", text})
            });
            lifecycle.throwIfCancelled("during generation");
            const text = outcome.solution.trim();
            const {turnIndex, totalMs} = lifecycle.finish({text, promptTokens: outcome.promptTokens, completionTokens: outcome.completionTokens});
            channel.push({type: "replied", interactionId: request.interactionId, turnIndex, text, completionTokens: outcome.completionTokens, totalMs});
        } catch (error) {
            channel.push(lifecycle.fail(error));
        }
    }

    private async run(request: SolveRequest, signal: AbortSignal, channel: EventChannel<EngineEvent>, cancel: () => void): Promise<void> {
        const asked = this.asked(request);
        using lifecycle = new SolveLifecycle(this.lifecycles, asked, signal, cancel);
        try {
            const plan = this.validate(request, asked);
            const firstSlot = await lifecycle.waitForSlot((event) => channel.push(event));
            const backend = await this.backendOrUnavailable();
            lifecycle.throwIfCancelled("before generation started");
            const prompt = renderPrompt(plan.profile, {style: plan.style, withTools: plan.mode !== "cot" && plan.profile.tools != null}, plan.problem, backend);
            await lifecycle.markRunning({modelName: backend.model.name, modelFile: backend.model.path, prompt: prompt.toText()}, this.options.modelSha256 ?? Promise.resolve(null));
            channel.push({type: "started", interactionId: lifecycle.interactionId, profile: plan.profile.name, mode: plan.mode, samples: plan.samples});

            const {solved, lost} = await fanOutSamples(plan.samples, {first: firstSlot, next: () => lifecycle.extraSlot()},
                this.sampleSolver(plan, backend, lifecycle, (event) => channel.push(event)));
            if (signal.aborted) // keep what was generated before the cancellation
                lifecycle.keepPartial(solved[0]?.outcome);
            lifecycle.throwIfCancelled("during generation");
            if (solved.length === 0) // every sample failed: report the first sample's error
                throw lost[0]!.error;
            for (const {sample, error} of lost) // the vote goes on without them, but a lost sample is logged
                lifecycle.recordLostSample(sample, error);

            const chosen = chooseRepresentative(solved, plan.samples);
            const {status, ...timings} = lifecycle.finish(chosen, plan.samples);
            const {outcome, sample: representativeSample, path} = chosen.representative;
            channel.push({type: "answer", answer: chosen.answer, canonical: chosen.canonical, agreement: chosen.agreement});
            channel.push({
                type: "done",
                result: {
                    interactionId: lifecycle.interactionId, status, answer: chosen.answer, answerCanonical: chosen.canonical,
                    answerMethod: outcome.answer?.method ?? null, agreement: chosen.agreement, representativeSample,
                    solution: outcome.solution, thinking: outcome.thinking, executions: outcome.executions,
                    stopReason: outcome.stopReason, profile: plan.profile.name, mode: plan.mode, path, modelName: backend.model.name,
                    promptTokens: chosen.promptTokens, completionTokens: chosen.completionTokens, ...timings
                }
            });
        } catch (error) {
            channel.push(lifecycle.fail(error));
        }
    }

    /** Solves sample i of a plan (seed + i when seeded), reporting it as it goes and, when several are drawn, when it is done. */
    private sampleSolver(plan: SolvePlan, backend: LlmBackend, lifecycle: SolveLifecycle, report: (event: EngineEvent) => void): (sample: number) => Promise<SampleResult> {
        const solver = new HybridSolver(backend, this.options.sandbox);
        const listenerFor = sampleListeners(lifecycle, report);
        return async (sample) => {
            const seed = plan.seed != null ? plan.seed + sample : undefined;
            const solved = await solver.solve({
                problem: plan.problem, profile: plan.profile, mode: plan.mode,
                ...(plan.style != null ? {style: plan.style} : {}),
                maxTokens: this.options.maxTokens ?? plan.profile.sampling.maxTokens,
                tirLimits: this.options.tirLimits,
                failuresBeforeFallback: this.options.failuresBeforeFallback,
                ...(seed != null ? {seed} : {}),
                signal: lifecycle.signal,
                listener: listenerFor(sample, seed)
            });
            if (plan.samples > 1)
                report({type: "sampleDone", sample, answer: solved.outcome.answer?.value ?? null, canonical: canonicalOf(solved.outcome), path: solved.path});
            return {...solved, sample};
        };
    }

    /** How a request is logged: as asked, with the engine's default mode and profile filled in. */
    private asked(request: SolveRequest): NewInteraction {
        return {
            requester: request.requester,
            question: request.problem,
            mode: request.mode ?? this.options.defaultMode,
            profile: request.profile ?? this.options.defaultProfile,
            ...(request.style != null ? {style: request.style} : {}),
            ...(request.parentId != null ? {parentId: request.parentId} : {})
        };
    }

    /** The request's problem, profile, mode, style and samples, or the reason it cannot run. */
    private validate(request: SolveRequest, asked: NewInteraction): SolvePlan {
        const problem = request.problem.trim();
        this.validateText(problem);
        const {mode} = asked;
        const {style, samples = this.options.samples} = request;
        if (!isSolveMode(mode))
            throw new KotaeError(ErrorCode.ModeUnsupported, `Unsupported mode "${mode}"`, {params: {mode}});
        if (!Number.isInteger(samples) || samples < 1 || samples > maxSamples)
            throw new RangeError(`samples must be an integer from 1 to ${maxSamples}, got ${samples}`);
        const profile = this.options.profiles.get(asked.profile);
        assertModeSupported(profile, mode);
        promptFormatFor(profile, {style, withTools: false}); // refuses a style the profile does not offer
        return {problem, profile, mode, samples, ...(style != null ? {style} : {}), ...(request.seed != null ? {seed: request.seed} : {})};
    }

    /** A problem or question: not empty, not longer than allowed. */
    private validateText(text: string): void {
        if (text === "")
            throw new KotaeError(ErrorCode.ProblemEmpty, "The problem is empty");
        if ([...text].length > this.options.maxProblemChars)
            throw new KotaeError(ErrorCode.ProblemTooLong, `The problem is longer than ${this.options.maxProblemChars} characters`, {
                params: {limit: this.options.maxProblemChars}
            });
    }

    private async backendOrUnavailable(): Promise<LlmBackend> {
        try {
            return await this.options.backend;
        } catch (error) {
            throw toKotaeError(error, ErrorCode.ModelUnavailable);
        }
    }
}
