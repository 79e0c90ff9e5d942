import path from "node:path";
import type {KotaeConfig} from "../config/KotaeConfig.js";
import {Engine} from "../engine/Engine.js";
import {ErrorCode, KotaeError} from "../errors/ErrorCode.js";
import {fileSha256} from "../llm/fileSha256.js";
import {LlamaCppBackend} from "../llm/LlamaCppBackend.js";
import type {EndpointStatus, LlmBackend} from "../llm/LlmBackend.js";
import {OpenAiBackend} from "../llm/openai/OpenAiBackend.js";
import {createKotaeLogger, type KotaeLogger} from "../observability/KotaeLogger.js";
import {KotaeMetrics} from "../observability/KotaeMetrics.js";
import {ProfileRegistry} from "../profiles/ProfileRegistry.js";
import {chatTemplateProblem} from "../profiles/renderPrompt.js";
import {Renderer} from "../render/Renderer.js";
import {BubblewrapSandbox} from "../sandbox/BubblewrapSandbox.js";
import type {CodeSandbox} from "../sandbox/CodeSandbox.js";
import {sandboxOptionsFrom} from "../sandbox/sandboxOptionsFrom.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import {openAiBackendOptions, parallelCompletions} from "./backendSettings.js";
import {KotaeUseCases} from "./KotaeUseCases.js";
import {openStore} from "./openStore.js";

export type RuntimeOptions = {
    /** Show node-llama-cpp's download progress bar for hf: models. */
    readonly showDownloadProgress?: boolean,
    /** A backend to use instead of loading `config.model` (tests, benchmarks); a promise while it is loading. */
    readonly backend?: LlmBackend | Promise<LlmBackend>,
    /** The logger to use (tests); default: one made from `logFormat` (see createKotaeLogger). */
    readonly logger?: KotaeLogger,
    /** Logged errors carry their stack (`--debug`; default: KOTAE_DEBUG=1). */
    readonly debug?: boolean,
    /** The standard stream the log goes to (default stdout; see createKotaeLogger). */
    readonly logStream?: "stdout" | "stderr"
};

/** What `GET /readyz` answers: ready, or why not. */
export type Readiness =
    | {readonly ready: true}
    /** `model_loading`, `model_unavailable`, `no_endpoint_ready`, `database_unwritable`. */
    | {readonly ready: false, readonly reasons: readonly string[]};

/**
 * Everything a running Kotae owns, created once at start and shut down in order: the engine first
 * (requests are finished and logged), then the renderer, the Python sandbox, the model, and the database.
 */
export class KotaeRuntime implements AsyncDisposable {
    public readonly store: KotaeStore;
    public readonly profiles: ProfileRegistry;
    public readonly backend: Promise<LlmBackend>;
    /**
     * The loaded model file's SHA-256 (null when it cannot be read, or the model is an inference server's),
     * computed once for the log and `kotae eval`.
     */
    public readonly modelSha256: Promise<string | null>;
    public readonly engine: Engine;
    /** Answer cards and solution pages for every adapter; its worker starts on the first render (or `serve`'s warm-up). */
    public readonly renderer: Renderer;
    /** The one logger of everything `serve` runs: Fastify, the adapters, the engine, the renderer. */
    public readonly logger: KotaeLogger;
    /** What `GET /metrics` reports, counted from the engine's events and the renderer's results. */
    public readonly metrics: KotaeMetrics;
    /** What the platforms call: solve, answer actions, follow-ups, community settings, forget-me, audit. */
    public readonly useCases: KotaeUseCases;
    private loadState: "loading" | "ready" | "unavailable" = "loading";
    private loaded: LlmBackend | undefined;
    private sandbox: Promise<CodeSandbox> | undefined;

    private constructor(private readonly config: KotaeConfig, options: RuntimeOptions) {
        this.logger = options.logger ?? createKotaeLogger({
            ...(config.logFormat != null ? {format: config.logFormat} : {}),
            ...(options.debug != null ? {debug: options.debug} : {}),
            ...(options.logStream != null ? {stream: options.logStream} : {})
        });
        this.metrics = new KotaeMetrics({load: () => this.engine.load, endpoints: () => this.endpoints()});
        const renderLog = this.logger.child({component: "render"});
        this.renderer = new Renderer({
            log: (message) => renderLog.warn(message),
            onRendered: (kind, result) => this.metrics.observeRender(kind, result)
        });
        this.profiles = new ProfileRegistry(config.profiles);
        this.profiles.get(config.profile);

        this.store = openStore(config);

        const llamaLog = this.logger.child({component: "llama.cpp"});
        this.backend = options.backend != null ? Promise.resolve(options.backend) : loadBackend(config, this.profiles, {
            showDownloadProgress: options.showDownloadProgress ?? false, log: (message) => llamaLog.error(message)
        });
        // Failures are reported per request and by `kotae doctor`; this only tracks the state.
        this.backend.then((backend) => {
            this.loaded = backend;
            this.loadState = "ready";
        }, () => { this.loadState = "unavailable"; });
        this.modelSha256 = this.backend.then((backend) => backend.endpoints != null ? null : fileSha256(backend.model.path, this.store.modelDigests)).catch(() => null);

        this.engine = new Engine({
            backend: this.backend,
            modelSha256: this.modelSha256,
            sandbox: () => this.startSandbox(),
            store: this.store,
            profiles: this.profiles,
            defaultProfile: config.profile,
            defaultMode: config.mode,
            concurrency: parallelCompletions(config),
            queueCapacity: config.queueCapacity,
            maxPendingPerUser: config.maxPendingPerUser,
            maxProblemChars: config.maxProblemChars,
            samples: config.samples,
            tirLimits: {maxExecutions: config.tirMaxExecutions, maxSeconds: config.tirMaxSeconds},
            failuresBeforeFallback: config.tirFailuresBeforeFallback,
            logger: this.logger,
            observer: this.metrics,
            ...(config.maxTokens != null ? {maxTokens: config.maxTokens} : {})
        });
        this.useCases = new KotaeUseCases({engine: this.engine, store: this.store, config, profiles: this.profiles, renderer: this.renderer});
    }

    /** Whether the model is still loading, loaded, or could not be loaded (none configured, or a broken file). */
    public get modelState(): "loading" | "ready" | "unavailable" {
        return this.loadState;
    }

    /** The backend's endpoints and their health: a server pool's own report, or the in-process model as one endpoint. */
    public endpoints(): readonly EndpointStatus[] {
        const pool = this.loaded?.endpoints?.();
        if (pool != null) return pool;
        return [{url: "in-process", model: this.loaded?.model.name, state: this.loadState === "unavailable" ? "down" : this.loadState}];
    }

    /** Ready to answer: the model (or at least one endpoint of the pool) is ready and the database takes a write. */
    public readiness(): Readiness {
        const reasons: string[] = [];
        if (this.loadState !== "ready")
            reasons.push(`model_${this.loadState}`);
        else if (!this.endpoints().some((endpoint) => endpoint.state === "ready"))
            reasons.push("no_endpoint_ready");
        if (!this.store.canWrite())
            reasons.push("database_unwritable");
        return reasons.length === 0 ? {ready: true} : {ready: false, reasons};
    }

    public static start(config: KotaeConfig, options: RuntimeOptions = {}): KotaeRuntime {
        return new KotaeRuntime(config, options);
    }

    /**
     * The Python sandbox with its warm interpreters, started on first use (a CoT-only deployment never
     * starts one) or ahead of time by `serve`. A host without bubblewrap gets tir_unavailable, every time.
     */
    public startSandbox(): Promise<CodeSandbox> {
        this.sandbox ??= BubblewrapSandbox.create(sandboxOptionsFrom(this.config));
        return this.sandbox;
    }

    /** Deletes what is older than the retention period (`retentionDays`); returns how many interactions went. */
    public applyRetention(now = new Date()): number {
        const days = this.config.retentionDays;
        return days == null ? 0 : this.store.dataset.purgeBefore(new Date(now.getTime() - days * 24 * 60 * 60 * 1000));
    }

    /** Stops the engine (running and queued requests are cancelled and logged), then the renderer, the sandbox, the model and the database. */
    public async close(): Promise<void> {
        await this.engine.close();
        await this.renderer.close();
        const sandbox = await this.sandbox?.catch(() => undefined);
        await sandbox?.close();
        const backend = await this.backend.catch(() => undefined);
        await backend?.dispose();
        this.store.close();
    }

    public async [Symbol.asyncDispose](): Promise<void> {
        await this.close();
    }
}

/**
 * Loads the model (or connects to the inference servers), and refuses it when the configured profile needs
 * a chat template that neither the file nor the profile has: better one clear line at start than every
 * answer in a guessed format.
 */
type BackendLoading = {readonly showDownloadProgress: boolean, readonly log: (message: string) => void};

async function loadBackend(config: KotaeConfig, profiles: ProfileRegistry, options: BackendLoading): Promise<LlmBackend> {
    const backend = config.backend === "openai" ? await OpenAiBackend.create(openAiBackendOptions(config)) : await loadLlamaCpp(config, options);
    const problem = chatTemplateProblem(profiles.get(config.profile), backend.model);
    if (problem != null) {
        await backend.dispose();
        throw problem;
    }
    return backend;
}

async function loadLlamaCpp(config: KotaeConfig, options: BackendLoading): Promise<LlmBackend> {
    if (config.model == null)
        throw new KotaeError(ErrorCode.ModelUnavailable,
            "No model is configured. Set KOTAE_MODEL (or --model, or \"model\" in kotae.config.json) to a local .gguf file or an hf: URI.");

    return LlamaCppBackend.create({
        model: config.model,
        modelsDirectory: path.resolve(config.modelsDir),
        gpu: config.gpu,
        threads: config.threads,
        contextSize: config.contextSize,
        sequences: config.sequences,
        showDownloadProgress: options.showDownloadProgress,
        log: options.log
    });
}
