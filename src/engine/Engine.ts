import {normalizeAnswer} from "../answers/normalizeAnswer.js";
import {ErrorCode, KotaeError, toKotaeError} from "../errors/ErrorCode.js";
import {localizeError} from "../i18n/messages.js";
import type {LlmBackend} from "../llm/LlmBackend.js";
import type {ModelProfile} from "../profiles/ModelProfile.js";
import type {ProfileRegistry} from "../profiles/ProfileRegistry.js";
import {renderPrompt} from "../profiles/renderPrompt.js";
import {FairQueue, type QueueSlot} from "../queue/FairQueue.js";
import {CotSolver} from "../solver/CotSolver.js";
import type {InteractionOutcome, KotaeStore, Requester} from "../../storage/KotaeStore.js";
import {EventChannel} from "./EventChannel.js";
import {solveModes, type EngineEvent, type SolveMode} from "./EngineEvent.js";

export type SolveRequest = {
    readonly problem: string,
    readonly requester: Requester,
    /** A SolveMode; anything else is answered with mode_unsupported. */
    readonly mode?: string,
    readonly profile?: string,
    readonly seed?: number,
    /** The interaction this one re-solves (「もう一度解く」). */
    readonly parentId?: number,
    readonly signal?: AbortSignal
};

export type EngineOptions = {
    /** The model; a promise while it is still loading (requests wait in the queue meanwhile). */
    readonly backend: LlmBackend | Promise<LlmBackend>,
    /** The SHA-256 of the model file, for the log; may resolve after the model is loaded. */
    readonly modelSha256?: Promise<string | null>,
    readonly store: KotaeStore,
    readonly profiles: ProfileRegistry,
    readonly defaultProfile: string,
    readonly defaultMode: SolveMode,
    /** Parallel generations: must not exceed the backend's context sequences. */
    readonly concurrency: number,
    readonly queueCapacity: number,
    readonly maxPendingPerUser: number,
    readonly maxProblemChars: number,
    /** Overrides the profile's token budget when set. */
    readonly maxTokens?: number
};

/**
 * Kotae's engine: validates a request, logs it, queues it fairly, runs the model and reports typed
 * events. It knows nothing about Discord, Slack or the terminal.
 */
export class Engine {
    private readonly queue: FairQueue;
    private readonly running = new Set<Promise<void>>();
    private readonly shutdown = new AbortController();

    public constructor(private readonly options: EngineOptions) {
        options.profiles.get(options.defaultProfile); // fail at start, not on the first request
        this.queue = new FairQueue({
            concurrency: options.concurrency,
            capacity: options.queueCapacity,
            maxPerUser: options.maxPendingPerUser
        });
        // A load failure is reported per request; this keeps it from also being an unhandled rejection.
        Promise.resolve(options.backend).catch(() => {});
    }

    /** Solves a problem, reporting progress as events. Breaking out of the loop cancels the solve. */
    public solve(request: SolveRequest): AsyncIterable<EngineEvent> {
        const cancel = new AbortController();
        const signals = [cancel.signal, this.shutdown.signal, ...(request.signal != null ? [request.signal] : [])];
        const channel = new EventChannel<EngineEvent>(() => cancel.abort());
        const run = this.run(request, AbortSignal.any(signals), channel).finally(() => {
            channel.close();
            this.running.delete(run);
        });
        this.running.add(run);
        return channel;
    }

    /** Refuses new work, cancels what is queued or running, and waits until every request is logged. */
    public async close(): Promise<void> {
        this.queue.close();
        this.shutdown.abort();
        await Promise.allSettled([...this.running]);
    }

    private async run(request: SolveRequest, signal: AbortSignal, channel: EventChannel<EngineEvent>): Promise<void> {
        const {store} = this.options;
        const receivedAt = performance.now();
        const problem = request.problem.trim();
        const requestedMode = request.mode ?? this.options.defaultMode;
        const profileName = request.profile ?? this.options.defaultProfile;
        const elapsed = (): number => Math.round(performance.now() - receivedAt);

        const interactionId = store.createInteraction({
            requester: request.requester,
            question: request.problem,
            mode: requestedMode,
            profile: profileName,
            ...(request.parentId != null ? {parentId: request.parentId} : {})
        });
        const fail = (error: unknown, partial: Partial<Omit<InteractionOutcome, "status" | "totalMs">> = {}): void => {
            const kotaeError = toKotaeError(error, ErrorCode.GenerationFailed);
            const status = kotaeError.code === ErrorCode.Cancelled || kotaeError.code === ErrorCode.ShuttingDown ? "cancelled"
                : rejectionCodes.has(kotaeError.code) ? "rejected" : "failed";
            store.finishInteraction(interactionId, {
                ...partial, status, errorCode: kotaeError.code, errorMessage: kotaeError.message, totalMs: elapsed()
            });
            channel.push({
                type: "failed",
                interactionId,
                code: kotaeError.code,
                message: localizeError(kotaeError.code, request.requester.locale, kotaeError.params),
                detail: kotaeError.message
            });
        };

        let slot: QueueSlot | undefined;
        try {
            const profile = this.validate(problem, requestedMode, profileName);
            const {mode} = profile;

            // The queue reports a position synchronously when the request has to wait; otherwise it starts now (0).
            let waiting = false;
            const acquiring = this.queue.acquire(store.pseudonymOf(request.requester), {
                signal,
                onPosition: (position) => {
                    waiting = true;
                    channel.push({type: "queued", interactionId, position});
                }
            });
            if (!waiting)
                channel.push({type: "queued", interactionId, position: 0});
            slot = await acquiring;

            const backend = await this.backendOrUnavailable();
            if (signal.aborted)
                throw this.cancellation("before generation started");
            const queueMs = elapsed();
            const prompt = renderPrompt(profile.prompt, problem, backend);
            store.markRunning(interactionId, {
                modelName: backend.model.name,
                modelFile: backend.model.path,
                modelSha256: await (this.options.modelSha256 ?? Promise.resolve(null)).catch(() => null),
                prompt: prompt.toText(),
                queueMs
            });
            channel.push({type: "started", interactionId, profile: profile.name, mode});

            const outcome = await new CotSolver(backend).solve({
                prompt,
                profile,
                maxTokens: this.options.maxTokens ?? profile.sampling.maxTokens,
                ...(request.seed != null ? {seed: request.seed} : {}),
                signal,
                onThinking: (text) => channel.push({type: "thinking", text}),
                onText: (text) => channel.push({type: "text", text})
            });

            const partial = {
                rawOutput: outcome.rawOutput, thinking: outcome.thinking, shownSolution: outcome.solution,
                promptTokens: outcome.promptTokens, completionTokens: outcome.completionTokens
            };
            if (signal.aborted) {
                fail(this.cancellation("during generation"), partial);
                return;
            }

            const answer = outcome.answer?.value ?? null;
            const canonical = answer != null ? normalizeAnswer(answer).canonical : null;
            const status = answer != null ? "answered" : "no_answer";
            const generationMs = Math.round(outcome.generationMs);
            store.finishInteraction(interactionId, {
                status,
                ...partial,
                answer,
                answerCanonical: canonical,
                answerMethod: outcome.answer?.method ?? null,
                stopReason: outcome.stopReason,
                generationMs,
                totalMs: elapsed()
            });
            channel.push({type: "answer", answer, canonical});
            channel.push({
                type: "done",
                result: {
                    interactionId, status, answer, answerCanonical: canonical, answerMethod: outcome.answer?.method ?? null,
                    solution: outcome.solution, thinking: outcome.thinking, stopReason: outcome.stopReason,
                    profile: profile.name, mode, modelName: backend.model.name,
                    promptTokens: outcome.promptTokens, completionTokens: outcome.completionTokens,
                    queueMs, generationMs, totalMs: elapsed()
                }
            });
        } catch (error) {
            fail(error);
        } finally {
            slot?.release();
        }
    }

    private validate(problem: string, mode: string, profileName: string): ModelProfile & {mode: SolveMode} {
        if (problem === "")
            throw new KotaeError(ErrorCode.ProblemEmpty, "The problem is empty");
        if ([...problem].length > this.options.maxProblemChars)
            throw new KotaeError(ErrorCode.ProblemTooLong, `The problem is longer than ${this.options.maxProblemChars} characters`, {
                params: {limit: this.options.maxProblemChars}
            });
        if (!isSolveMode(mode))
            throw new KotaeError(ErrorCode.ModeUnsupported, `Unsupported mode "${mode}"`, {params: {mode}});
        return {...this.options.profiles.get(profileName), mode};
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

/** Failures caused by the request itself or by load, not by Kotae: logged as `rejected`. */
const rejectionCodes = new Set<ErrorCode>([
    ErrorCode.ProblemEmpty, ErrorCode.ProblemTooLong, ErrorCode.QueueFull, ErrorCode.TooManyPending,
    ErrorCode.ProfileUnknown, ErrorCode.ModeUnsupported
]);

function isSolveMode(mode: string): mode is SolveMode {
    return (solveModes as readonly string[]).includes(mode);
}
