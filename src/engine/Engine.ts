import {normalizeAnswer} from "../answers/normalizeAnswer.js";
import {voteAnswers} from "../answers/voteAnswers.js";
import type {TurnRecord} from "../domain/ConversationTurn.js";
import type {InteractionOutcome, InteractionRecord} from "../domain/Interaction.js";
import type {Requester} from "../domain/Requester.js";
import {ErrorCode, KotaeError, toKotaeError} from "../errors/ErrorCode.js";
import type {NoticeCode} from "../errors/NoticeCode.js";
import {localize} from "../i18n/messages.js";
import type {LlmBackend} from "../llm/LlmBackend.js";
import type {ModelProfile} from "../profiles/ModelProfile.js";
import type {ProfileRegistry} from "../profiles/ProfileRegistry.js";
import {promptFormatFor, renderConversation, renderPrompt, type ConversationTurn} from "../profiles/renderPrompt.js";
import {FairQueue, type QueueSlot} from "../queue/FairQueue.js";
import type {CodeSandbox} from "../sandbox/CodeSandbox.js";
import {CotSolver} from "../solver/CotSolver.js";
import {assertModeSupported, HybridSolver, type HybridOutcome} from "../solver/HybridSolver.js";
import type {SolutionOutcome} from "../solver/SolutionOutcome.js";
import {isSolveMode, type SolveMode} from "../solver/SolveMode.js";
import type {TirLimits} from "../solver/TirSolver.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import {EventChannel} from "./EventChannel.js";
import type {EngineEvent, FollowUpEvent} from "./EngineEvent.js";
import type {EngineObserver} from "./EngineObserver.js";
import {createKotaeLogger, type KotaeLogger} from "../observability/KotaeLogger.js";

type FailedEvent = Extract<EngineEvent, {type: "failed"}>;

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

type SampleResult = HybridOutcome & {
    readonly sample: number,
    readonly canonical: string | null
};

/**
 * Kotae's engine: validates a request, logs it, queues it fairly, runs the model (in text, with code, or
 * both; once or several times with a vote) and reports typed events. It knows nothing about Discord,
 * Slack or the terminal.
 */
export class Engine {
    private readonly queue: FairQueue;
    private readonly running = new Set<Promise<void>>();
    private readonly shutdown = new AbortController();
    private readonly logger: KotaeLogger;

    public constructor(private readonly options: EngineOptions) {
        this.logger = (options.logger ?? createKotaeLogger({stream: "stderr"})).child({component: "engine"});
        options.profiles.get(options.defaultProfile); // fail at start, not on the first request
        this.queue = new FairQueue({
            concurrency: options.concurrency,
            capacity: options.queueCapacity,
            maxPerUser: options.maxPendingPerUser
        });
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
        return this.stream<EngineEvent>(request.requester.locale, request.signal, (signal, channel) => this.run(request, signal, channel), observe);
    }

    /**
     * Answers a follow-up question about a solved problem (a message in its thread), with the problem, the
     * solution and the earlier turns as context. Both turns are logged with the interaction.
     */
    public followUp(request: FollowUpRequest): AsyncIterable<FollowUpEvent> {
        const observe = this.options.observer?.observeFollowUp({platform: request.requester.platform});
        return this.stream<FollowUpEvent>(request.requester.locale, request.signal, (signal, channel) => this.runFollowUp(request, signal, channel), observe);
    }

    /**
     * Logs a request an adapter refused before it reached the engine (rate limit, channel not allowed), so
     * nothing a user sent is lost, and returns the message to show them.
     */
    public refuse(request: SolveRequest, error: KotaeError): {interactionId: number, message: string} {
        const {store} = this.options;
        const interactionId = store.interactions.create({
            requester: request.requester,
            question: request.problem,
            mode: request.mode ?? this.options.defaultMode,
            profile: request.profile ?? this.options.defaultProfile,
            ...(request.style != null ? {style: request.style} : {})
        });
        store.interactions.finish(interactionId, {status: "rejected", errorCode: error.code, errorMessage: error.message, totalMs: 0});
        return {interactionId, message: localize(error.code, request.requester.locale, error.params)};
    }

    /** Refuses new work, cancels what is queued or running, and waits until every request is logged. */
    public async close(): Promise<void> {
        this.queue.close();
        this.shutdown.abort();
        await Promise.allSettled([...this.running]);
    }

    /**
     * An event stream whose work is cancelled by the caller's signal, by the consumer leaving, or by close().
     * Work reports its own failures; what escapes it is the database refusing a write (a full disk), which
     * must not take the process down with everyone's requests: the user is told, the operator gets a line.
     */
    private stream<Event>(
        locale: string | undefined, callerSignal: AbortSignal | undefined,
        work: (signal: AbortSignal, channel: EventChannel<Event | FailedEvent>) => Promise<void>,
        observe?: (event: Event | FailedEvent) => void
    ): AsyncIterable<Event | FailedEvent> {
        const cancel = new AbortController();
        const signals = [cancel.signal, this.shutdown.signal, ...(callerSignal != null ? [callerSignal] : [])];
        const channel = new EventChannel<Event | FailedEvent>(() => cancel.abort(), observe);
        const run = work(AbortSignal.any(signals), channel).catch((error: unknown) => {
            const detail = error instanceof Error ? error.message : String(error);
            this.logger.error({err: error}, `the database could not record a request (${detail}): free space on its disk, or check KOTAE_DB`);
            channel.push({type: "failed", code: ErrorCode.StorageFailed, message: localize(ErrorCode.StorageFailed, locale), detail});
        }).finally(() => {
            channel.close();
            this.running.delete(run);
        });
        this.running.add(run);
        return channel;
    }

    /** Waits for a run slot, reporting queue positions (0 = starting now). */
    private async acquireSlot(user: string, interactionId: number, signal: AbortSignal, report: (event: {type: "queued", interactionId: number, position: number}) => void): Promise<QueueSlot> {
        // The queue reports a position synchronously when the request has to wait; otherwise it starts now.
        let waiting = false;
        const acquiring = this.queue.acquire(user, {
            signal,
            onPosition: (position) => {
                waiting = true;
                report({type: "queued", interactionId, position});
            }
        });
        if (!waiting)
            report({type: "queued", interactionId, position: 0});
        return await acquiring;
    }

    private async runFollowUp(request: FollowUpRequest, signal: AbortSignal, channel: EventChannel<FollowUpEvent>): Promise<void> {
        const {store} = this.options;
        const receivedAt = performance.now();
        const {interactionId, requester} = request;
        const elapsed = (): number => Math.round(performance.now() - receivedAt);
        const original = store.interactions.get(interactionId);
        let slot: QueueSlot | undefined;
        try {
            if (original == null || original.shownSolution == null)
                throw new KotaeError(ErrorCode.ConversationUnknown, `Interaction ${interactionId} has no solution to follow up on`);
            const earlier = answeredTurns(store.conversations.turns(interactionId));
            store.conversations.add({interactionId, role: "user", requester, content: request.question});
            const question = request.question.trim();
            this.validateText(question);

            slot = await this.acquireSlot(store.pseudonymOf(requester), interactionId, signal, (event) => channel.push(event));
            const backend = await this.backendOrUnavailable();
            if (signal.aborted)
                throw this.cancellation("before generation started");
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
            channel.push({type: "started", interactionId});
            const outcome = await new CotSolver(backend).solve({
                prompt, profile, signal,
                maxTokens: this.options.maxTokens ?? profile.sampling.maxTokens,
                onThinking: (text) => channel.push({type: "thinking", text}),
                onText: (text) => channel.push({type: "text", text})
            });
            if (signal.aborted)
                throw this.cancellation("during generation");
            const text = outcome.solution.trim();
            const turnIndex = store.conversations.add({
                interactionId, role: "assistant", content: text, status: "answered",
                promptTokens: outcome.promptTokens, completionTokens: outcome.completionTokens, totalMs: elapsed()
            });
            channel.push({type: "replied", interactionId, turnIndex, text, completionTokens: outcome.completionTokens, totalMs: elapsed()});
        } catch (error) {
            const kotaeError = signal.aborted ? this.cancellation("during generation") : toKotaeError(error, ErrorCode.GenerationFailed);
            if (original != null)
                store.conversations.add({interactionId, role: "assistant", content: "", status: statusOfFailure(kotaeError.code), errorCode: kotaeError.code, totalMs: elapsed()});
            channel.push({
                type: "failed", interactionId, code: kotaeError.code,
                message: localize(kotaeError.code, requester.locale, kotaeError.params), detail: kotaeError.message
            });
        } finally {
            slot?.release();
        }
    }

    private async run(request: SolveRequest, signal: AbortSignal, channel: EventChannel<EngineEvent>): Promise<void> {
        const {store} = this.options;
        const receivedAt = performance.now();
        const problem = request.problem.trim();
        const requestedMode = request.mode ?? this.options.defaultMode;
        const profileName = request.profile ?? this.options.defaultProfile;
        const locale = request.requester.locale;
        const elapsed = (): number => Math.round(performance.now() - receivedAt);

        const interactionId = store.interactions.create({
            requester: request.requester,
            question: request.problem,
            mode: requestedMode,
            profile: profileName,
            ...(request.style != null ? {style: request.style} : {}),
            ...(request.parentId != null ? {parentId: request.parentId} : {})
        });
        const fail = (error: unknown, partial: Partial<Omit<InteractionOutcome, "status" | "totalMs">> = {}): void => {
            const kotaeError = signal.aborted ? this.cancellation("during generation") : toKotaeError(error, ErrorCode.GenerationFailed);
            store.interactions.finish(interactionId, {
                ...partial, status: statusOfFailure(kotaeError.code), errorCode: kotaeError.code, errorMessage: kotaeError.message, totalMs: elapsed()
            });
            channel.push({
                type: "failed",
                interactionId,
                code: kotaeError.code,
                message: localize(kotaeError.code, locale, kotaeError.params),
                detail: kotaeError.message
            });
        };

        const slots: QueueSlot[] = [];
        try {
            const {profile, mode, samples} = this.validate(problem, requestedMode, profileName, request.style, request.samples);
            const user = store.pseudonymOf(request.requester);
            const firstSlot = await this.acquireSlot(user, interactionId, signal, (event) => channel.push(event));
            slots.push(firstSlot);

            const backend = await this.backendOrUnavailable();
            if (signal.aborted)
                throw this.cancellation("before generation started");
            const queueMs = elapsed();
            const firstPrompt = renderPrompt(profile, {style: request.style, withTools: mode !== "cot" && profile.tools != null}, problem, backend);
            store.interactions.markRunning(interactionId, {
                modelName: backend.model.name,
                modelFile: backend.model.path,
                modelSha256: await (this.options.modelSha256 ?? Promise.resolve(null)).catch(() => null),
                prompt: firstPrompt.toText(),
                queueMs
            });
            channel.push({type: "started", interactionId, profile: profile.name, mode, samples});

            const solver = new HybridSolver(backend, this.options.sandbox);
            const noticed = new Set<NoticeCode>();
            const solveSample = async (sample: number): Promise<SampleResult> => {
                // Sample 0 runs in the request's own slot; more samples take turns in the queue like the user's other work.
                const slot = sample === 0 ? firstSlot : await this.queue.acquire(user, {signal, admitted: true});
                slots.push(slot);
                try {
                    return await solveSampleInSlot(sample);
                } finally {
                    slot.release();
                }
            };
            const solveSampleInSlot = async (sample: number): Promise<SampleResult> => {
                const seed = request.seed != null ? request.seed + sample : undefined;
                const solved = await solver.solve({
                    problem, profile, mode,
                    ...(request.style != null ? {style: request.style} : {}),
                    maxTokens: this.options.maxTokens ?? profile.sampling.maxTokens,
                    tirLimits: this.options.tirLimits,
                    failuresBeforeFallback: this.options.failuresBeforeFallback,
                    ...(seed != null ? {seed} : {}),
                    signal,
                    listener: {
                        onThinking: (text) => channel.push({type: "thinking", sample, text}),
                        onText: (text) => channel.push({type: "text", sample, text}),
                        onCode: (n, max, code) => channel.push({type: "code", sample, n, max, code}),
                        onExecution: (execution) => {
                            store.interactions.addExecution({interactionId, sampleIndex: sample, executionIndex: execution.index, ...execution});
                            channel.push({
                                type: "codeResult", sample, n: execution.index,
                                status: execution.status, output: execution.output, durationMs: execution.durationMs
                            });
                        },
                        onNotice: (code) => {
                            if (noticed.has(code)) return; // said once per request, however many samples hit it
                            noticed.add(code);
                            channel.push({type: "notice", sample, code, message: localize(code, locale)});
                        },
                        onAttempt: (attempt) => store.interactions.addSolution({
                            interactionId, sampleIndex: sample, attempt: attempt.attempt, mode: attempt.mode,
                            ...(seed != null ? {seed} : {}),
                            prompt: attempt.prompt.toText(),
                            ...solutionColumns(attempt.outcome),
                            stopReason: attempt.outcome.stopReason,
                            ...(attempt.fallbackReason != null ? {fallbackReason: attempt.fallbackReason} : {})
                        })
                    }
                });
                const canonical = canonicalOf(solved.outcome);
                if (samples > 1)
                    channel.push({type: "sampleDone", sample, answer: solved.outcome.answer?.value ?? null, canonical, path: solved.path});
                return {...solved, sample, canonical};
            };

            const settled = await Promise.allSettled(Array.from({length: samples}, (_unused, sample) => solveSample(sample)));
            const solved = settled.flatMap((result) => result.status === "fulfilled" ? [result.value] : []);
            if (signal.aborted) { // keep what was generated before the cancellation
                const partial = solved[0]?.outcome;
                fail(this.cancellation("during generation"), partial != null ? {...solutionColumns(partial), stopReason: partial.stopReason} : {});
                return;
            }
            if (solved.length === 0) // every sample failed: report the first sample's error
                throw (settled[0] as PromiseRejectedResult).reason;
            settled.forEach((result, sample) => { // the vote goes on without them, but a lost sample is logged
                if (result.status === "rejected") {
                    const error = toKotaeError(result.reason, ErrorCode.GenerationFailed);
                    store.interactions.recordEvent({interactionId, requester: request.requester, kind: "sample_failed", detail: {sample, code: error.code, message: error.message}});
                }
            });

            const vote = voteAnswers(settled.map((result, sample) => result.status === "fulfilled"
                ? {sample, answer: result.value.outcome.answer?.value ?? null, method: result.value.outcome.answer?.method ?? null}
                : {sample, answer: null, method: null}));
            const chosen = solved.find((result) => result.sample === vote.representative) ?? solved[0]!;
            const {outcome} = chosen;
            const answer = vote.winner != null ? outcome.answer?.value ?? null : null;
            const agreement = {votes: vote.votes, samples};
            const status = answer != null ? "answered" : "no_answer";
            const promptTokens = sum(solved, (result) => result.promptTokens);
            const completionTokens = sum(solved, (result) => result.completionTokens);
            const generationMs = elapsed() - queueMs;
            store.interactions.finish(interactionId, {
                status,
                ...solutionColumns(outcome),
                stopReason: outcome.stopReason,
                promptTokens,
                completionTokens,
                generationMs,
                totalMs: elapsed(),
                solvePath: chosen.path,
                sampleCount: samples,
                agreementVotes: vote.votes,
                representativeSample: chosen.sample
            });
            channel.push({type: "answer", answer, canonical: vote.winner, agreement});
            channel.push({
                type: "done",
                result: {
                    interactionId, status, answer, answerCanonical: vote.winner, answerMethod: outcome.answer?.method ?? null,
                    agreement, representativeSample: chosen.sample,
                    solution: outcome.solution, thinking: outcome.thinking, executions: outcome.executions,
                    stopReason: outcome.stopReason, profile: profile.name, mode, path: chosen.path, modelName: backend.model.name,
                    promptTokens, completionTokens, queueMs, generationMs, totalMs: elapsed()
                }
            });
        } catch (error) {
            fail(error);
        } finally {
            for (const slot of slots)
                slot.release();
        }
    }

    private validate(problem: string, mode: string, profileName: string, style: string | undefined, samples = this.options.samples): {
        profile: ModelProfile, mode: SolveMode, samples: number
    } {
        this.validateText(problem);
        if (!isSolveMode(mode))
            throw new KotaeError(ErrorCode.ModeUnsupported, `Unsupported mode "${mode}"`, {params: {mode}});
        if (!Number.isInteger(samples) || samples < 1 || samples > maxSamples)
            throw new RangeError(`samples must be an integer from 1 to ${maxSamples}, got ${samples}`);
        const profile = this.options.profiles.get(profileName);
        assertModeSupported(profile, mode);
        promptFormatFor(profile, {style, withTools: false}); // refuses a style the profile does not offer
        return {profile, mode, samples};
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

    private cancellation(when: string): KotaeError {
        return this.shutdown.signal.aborted
            ? new KotaeError(ErrorCode.ShuttingDown, `Kotae shut down ${when}`)
            : new KotaeError(ErrorCode.Cancelled, `Cancelled ${when}`);
    }

    private async backendOrUnavailable(): Promise<LlmBackend> {
        try {
            return await this.options.backend;
        } catch (error) {
            throw toKotaeError(error, ErrorCode.ModelUnavailable);
        }
    }
}

/**
 * Failures caused by the request itself or by load, not by Kotae: logged as `rejected`, and refused before
 * anything runs, so adapters tell the person privately.
 */
export const rejectionCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
    ErrorCode.ProblemEmpty, ErrorCode.ProblemTooLong, ErrorCode.QueueFull, ErrorCode.TooManyPending,
    ErrorCode.ProfileUnknown, ErrorCode.ModeUnsupported
]);

/** How a request that ended with this error is logged (and counted): cancelled, rejected or failed. */
export function statusOfFailure(code: ErrorCode): "cancelled" | "rejected" | "failed" {
    if (code === ErrorCode.Cancelled || code === ErrorCode.ShuttingDown) return "cancelled";
    return rejectionCodes.has(code) ? "rejected" : "failed";
}

/** Earlier question-and-answer pairs of a thread whose answer arrived (a failed turn is left out of the context). */
function answeredTurns(turns: readonly TurnRecord[]): ConversationTurn[] {
    const pairs: ConversationTurn[] = [];
    turns.forEach((turn, index) => {
        const question = turns[index - 1];
        if (turn.role === "assistant" && turn.status === "answered" && question?.role === "user")
            pairs.push({role: "user", content: question.content.trim()}, {role: "assistant", content: turn.content});
    });
    return pairs;
}

function canonicalOf(outcome: SolutionOutcome): string | null {
    return outcome.answer != null ? normalizeAnswer(outcome.answer.value).canonical : null;
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

function sum<T>(items: readonly T[], value: (item: T) => number): number {
    return items.reduce((total, item) => total + value(item), 0);
}
