import {ErrorCode, KotaeError} from "../../errors/ErrorCode.js";
import {ChatTemplateCache} from "../ChatTemplateCache.js";
import type {ChatMessage, CompletionRequest, CompletionResult, EndpointStatus, LlmBackend, ModelInfo, StopReason} from "../LlmBackend.js";
import {Prompt, type PromptSegment} from "../Prompt.js";
import {separator, tokensAfterSeparator} from "../segmentTokens.js";
import {EndpointFailure} from "./EndpointFailure.js";
import {EndpointPool, noEndpoint} from "./EndpointPool.js";
import {OpenAiEndpoint, type ServerFlavour} from "./OpenAiEndpoint.js";
import {serverSentEvents} from "./ServerSentEvents.js";
import {StopTriggerScanner} from "./StopTriggerScanner.js";

export type OpenAiBackendOptions = {
    /** Base URLs ending in `/v1` (KOTAE_BACKEND_URLS). */
    readonly urls: readonly string[],
    /** The served model (KOTAE_BACKEND_MODEL); default: the first one `GET /v1/models` lists. */
    readonly model?: string,
    readonly apiKey?: string,
    /** Completions per server at once (KOTAE_BACKEND_PARALLEL). */
    readonly parallel: number,
    /** Context tokens assumed where a server does not announce its own (KOTAE_CONTEXT_SIZE). */
    readonly contextSize: number,
    /** Milliseconds between health checks (default 5000). */
    readonly healthIntervalMs?: number
};

/** Distinct texts whose token ids are kept (templates and system prompts repeat; problems mostly do not). */
const tokenCacheEntries = 4096;
/** Text shaped like a special token (`<|im_end|>`, `<s>`, `<start_of_turn>`, `[INST]`), which vLLM's tokenizer would read as one. */
const specialTokenShape = /<[^<>\s]{1,64}>|\[[^[\]\s]{1,64}\]/g;

/**
 * The engine's backend over OpenAI-compatible inference servers (vLLM, llama-server, SGLang, Ollama).
 *
 * Kotae renders the prompt itself, exactly as in-process, and sends it as token ids to `POST /v1/completions`
 * (`prompt` may be a list of ids on both vLLM and llama-server), so text a student typed can never become a
 * special token: template text is tokenized with special tokens parsed, user text without (llama-server's
 * `parse_special: false`; vLLM parses special-token text always, so user text is cut after the first
 * character of each piece its tokenizer would read as a special token, and the parts tokenized apart). Servers without a tokenizer route
 * get the prompt as text, and `doctor` warns about it.
 *
 * Stop triggers are found in the stream as in-process (see StopTriggerScanner); vLLM also gets `stop` and
 * confirms the one that fired with `stop_reason`. Closing the stream (cancel, a trigger) makes the server
 * stop generating.
 *
 * A server that fails (unreachable, 503, connection lost mid-stream) is taken out of the pool and the
 * completion moves once to another server. Chunks already streamed have reached the engine's consumers
 * (users may have seen them), so the other server is not asked to start over: it continues from the prompt
 * plus the text received so far, which is exactly what the first server would have continued from, and the
 * result is one seamless text. A second failure ends the completion with model_unavailable.
 */
export class OpenAiBackend implements LlmBackend {
    public readonly model: ModelInfo;
    public readonly parallelism: number;
    private readonly chatTemplates = new ChatTemplateCache();
    private readonly tokenCache = new Map<string, number[]>();
    /**
     * The text of the token the servers' tokenizer begins a sequence with (`<s>`, `<|begin_of_text|>`; "" for
     * none), so a template that writes `bos_token` renders as in-process; learnt from the first server with a
     * tokenizer route, undefined until then.
     */
    private beginningText: string | undefined;

    private constructor(private readonly pool: EndpointPool, private readonly modelName: string, contextSize: number) {
        this.parallelism = pool.slots;
        const flavours = [...new Set(pool.endpoints.flatMap((endpoint) => endpoint.flavour ?? []))];
        this.model = {
            // Not a file: the log records which servers and model answered; modelSha256 stays null.
            path: `${modelName} @ ${pool.endpoints.map((endpoint) => endpoint.url).join(",")}`,
            name: modelName,
            contextSize,
            device: `openai (${flavours.join(", ") || "not reached yet"})`
        };
    }

    /**
     * Checks every server once. Fails with model_unavailable only when the model cannot be known: none answered
     * and KOTAE_BACKEND_MODEL is unset. Servers down at start join when a health check finds them ready.
     */
    public static async create(options: OpenAiBackendOptions): Promise<OpenAiBackend> {
        const endpoints = options.urls.map((url) => new OpenAiEndpoint({
            url, slots: options.parallel,
            ...(options.apiKey != null ? {apiKey: options.apiKey} : {}),
            ...(options.model != null ? {model: options.model} : {})
        }));
        const pool = new EndpointPool(endpoints, options.healthIntervalMs != null ? {healthIntervalMs: options.healthIntervalMs} : {});
        await pool.checkAll();
        const ready = endpoints.find((endpoint) => endpoint.state === "ready");
        const modelName = options.model ?? ready?.model;
        if (modelName == null) {
            pool.dispose();
            throw noEndpoint(endpoints);
        }
        const backend = new OpenAiBackend(pool, modelName, ready?.contextSize ?? options.contextSize);
        if (ready != null)
            await backend.learnBeginning(ready);
        return backend;
    }

    public endpoints(): readonly EndpointStatus[] {
        return this.pool.statuses();
    }

    /** Why each server that is not ready is out, for `doctor` and `serve`. */
    public endpointProblems(): ReadonlyMap<string, string> {
        return new Map(this.pool.endpoints.flatMap((endpoint) => endpoint.problem != null ? [[endpoint.url, endpoint.problem] as const] : []));
    }

    /** Servers that get the prompt as text, having no tokenizer route Kotae knows (SGLang, Ollama, proxies). */
    public textPromptEndpoints(): readonly string[] {
        return this.pool.endpoints.filter((endpoint) => endpoint.flavour === "other").map((endpoint) => endpoint.url);
    }

    /** One line per server for `doctor` and `serve`: its address, model, kind, slots and state (with why it is out). */
    public describeEndpoints(): string[] {
        return this.pool.endpoints.map((endpoint) => `${endpoint.url}: ${endpoint.model ?? "no model yet"}`
            + ` (${endpoint.flavour ?? "server kind unknown"}, ${endpoint.slots} parallel) ${endpoint.state}`
            + (endpoint.problem != null ? `: ${endpoint.problem}` : "")
            + (endpoint.flavour === "other" ? "; no tokenizer route, so prompts go as text and typed special tokens are not kept apart" : ""));
    }

    /**
     * Sends one single-token completion with every sampling parameter to each ready server and returns what
     * each refused (`doctor`): they are left out of later requests to that server.
     */
    public async probeSampling(): Promise<Array<{url: string, parameter: string, message: string}>> {
        const probe: CompletionRequest = {prompt: Prompt.text("1+1="), maxTokens: 1, stopTriggers: ["\n\n"], temperature: 0.7, topP: 0.9, topK: 40, minP: 0.05, repeatPenalty: 1.1, seed: 1};
        const ready = this.pool.endpoints.filter((endpoint) => endpoint.state === "ready");
        await Promise.all(ready.map(async (endpoint) => {
            const scanner = new StopTriggerScanner(probe.stopTriggers, () => {});
            await this.streamFrom(endpoint, probe, scanner, {completionTokens: 0, promptTokens: 0}).catch(() => undefined);
        }));
        return ready.flatMap((endpoint) => [...endpoint.rejectedParameters].map(([parameter, message]) => ({url: endpoint.url, parameter, message})));
    }


    /**
     * The server's model carries no local file: the profile's template renders, with `bos_token` as the servers'
     * tokenizer writes it (the in-process backend takes it from the GGUF). `eos_token` has no route that names
     * it on every server, so a template that writes it gets "" here.
     */
    public formatChat(messages: readonly ChatMessage[], chatTemplate: string): Prompt {
        return this.chatTemplates.render(messages, chatTemplate, this.beginningText ? {bos_token: this.beginningText} : {});
    }

    /**
     * Exact when every part of the prompt was tokenized before (the server's tokenizer, cached); otherwise an
     * estimate of one token per 3 characters, since asking the server would make this synchronous call wait.
     */
    public countTokens(prompt: Prompt): number {
        const beginning = this.tokenCache.get(beginningKey)?.length ?? 0;
        return prompt.segments.reduce((count, segment) => count
            + (this.tokenCache.get(tokenCacheKey(segment))?.length ?? Math.ceil((segment.kind === "token" ? 3 : segment.text.length) / 3)), beginning);
    }

    public async complete(request: CompletionRequest): Promise<CompletionResult> {
        const affinity = request.prompt.toText();
        const scanner = new StopTriggerScanner(request.stopTriggers, (text) => request.onTextChunk?.(text));
        const progress: Progress = {completionTokens: 0, promptTokens: 0};
        let failedOn: OpenAiEndpoint | undefined;
        for (;;) {
            let endpoint: OpenAiEndpoint;
            try {
                endpoint = await this.pool.acquire(affinity, failedOn, request.signal);
            } catch (error) {
                if (request.signal?.aborted !== true)
                    throw error;
                return resultOf(scanner, progress, "aborted");
            }
            try {
                return await this.streamFrom(endpoint, request, scanner, progress);
            } catch (error) {
                if (!(error instanceof EndpointFailure))
                    throw error;
                this.pool.markFailed(endpoint, error);
                if (failedOn != null)
                    throw new KotaeError(ErrorCode.ModelUnavailable, `Two inference servers failed one completion: ${error.message}`, {cause: error});
                failedOn = endpoint;
            } finally {
                this.pool.release(endpoint);
            }
        }
    }

    public async dispose(): Promise<void> {
        this.pool.dispose();
    }

    /** One streamed request: from the prompt, or (after a failed server) from the prompt plus what was received. */
    private async streamFrom(
        endpoint: OpenAiEndpoint, request: CompletionRequest, scanner: StopTriggerScanner, progress: Progress
    ): Promise<CompletionResult> {
        const result = (stopReason: StopReason, stopTrigger?: string): CompletionResult => resultOf(scanner, progress, stopReason, stopTrigger);
        const maxTokens = request.maxTokens - progress.completionTokens;
        if (maxTokens <= 0)
            return result("maxTokens");

        const prompt = await this.promptFor(endpoint, request.prompt.append(scanner.received));
        if (progress.promptTokens === 0)
            progress.promptTokens = typeof prompt === "string" ? this.countTokens(request.prompt) : prompt.length;
        if (typeof prompt !== "string" && prompt.length >= this.model.contextSize)
            throw new KotaeError(ErrorCode.ProblemTooLong,
                `The prompt needs ${prompt.length} tokens but the server's context holds ${this.model.contextSize}`, {params: {limit: this.model.contextSize}});

        const stream = new AbortController();
        const abort = (): void => stream.abort();
        request.signal?.addEventListener("abort", abort, {once: true});
        try {
            if (request.signal?.aborted === true)
                return result("aborted");
            const response = await endpoint.openCompletion(this.requestBody(endpoint.flavour ?? "other", request, prompt, maxTokens), stream.signal);
            // One streamed chunk is one token on vLLM and llama-server; the usage report, where it comes, is exact.
            let chunks = 0;
            let reportedTokens: number | undefined;
            let finish: {reason: unknown, stopString: unknown} | undefined;
            if (response.body == null)
                throw new EndpointFailure(endpoint.url, "down", `${endpoint.url}: the completion came without a body`);
            for await (const data of serverSentEvents(response.body)) {
                if (data === "[DONE]")
                    break;
                const event = JSON.parse(data) as StreamEvent;
                if (event.error != null || event.object === "error")
                    throw new KotaeError(ErrorCode.GenerationFailed, `${endpoint.url}: the server failed mid-stream: ${streamErrorText(event)}`);
                if (event.usage?.completion_tokens != null)
                    reportedTokens = event.usage.completion_tokens;
                const choice = event.choices?.[0];
                if (choice?.text != null && choice.text !== "") {
                    chunks++;
                    progress.completionTokens++;
                    if (scanner.push(choice.text))
                        return result("stopTrigger", scanner.firedTrigger);
                }
                if (choice?.finish_reason != null)
                    finish = {reason: choice.finish_reason, stopString: choice.stop_reason};
            }
            progress.completionTokens += (reportedTokens ?? chunks) - chunks;
            if (finish == null)
                throw new EndpointFailure(endpoint.url, "down", `${endpoint.url}: the stream ended before the completion finished`);
            if (finish.reason === "length")
                return result("maxTokens");
            // vLLM names the stop string that ended generation (`stop_reason`); an EOS token gives null or its id.
            return typeof finish.stopString === "string" && request.stopTriggers.includes(finish.stopString)
                ? result("stopTrigger", finish.stopString)
                : result("endOfGeneration");
        } catch (error) {
            if (request.signal?.aborted === true)
                return result("aborted");
            if (error instanceof KotaeError || error instanceof EndpointFailure)
                throw error;
            throw new EndpointFailure(endpoint.url, "down", `${endpoint.url}: the connection broke mid-stream (${errorText(error)})`, {cause: error});
        } finally {
            request.signal?.removeEventListener("abort", abort);
            stream.abort();
        }
    }

    /**
     * The sampling parameters each server understands: the OpenAI ones for all; vLLM's (and SGLang's) extra
     * `top_k`, `min_p`, `repetition_penalty` (https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#extra-parameters);
     * llama-server's `top_k`, `min_p`, `repeat_penalty`, `cache_prompt` and `grammar` (tools/server/README.md).
     * Only vLLM gets `stop`: the others do not say which string fired, so the scanner finds it.
     */
    private requestBody(flavour: ServerFlavour, request: CompletionRequest, prompt: string | number[], maxTokens: number): Record<string, unknown> {
        if (request.grammar != null && flavour !== "llama-server")
            throw new KotaeError(ErrorCode.GenerationFailed, "Grammar-constrained generation needs llama-server among the openai backend's servers");
        return {
            model: this.modelName, prompt, max_tokens: maxTokens, stream: true, stream_options: {include_usage: true},
            temperature: request.temperature, top_p: request.topP,
            ...(request.seed != null ? {seed: request.seed} : {}),
            ...(flavour === "vllm" ? {
                stop: request.stopTriggers, top_k: request.topK, min_p: request.minP, repetition_penalty: request.repeatPenalty
            } : {}),
            ...(flavour === "llama-server" ? {
                top_k: request.topK, min_p: request.minP, repeat_penalty: request.repeatPenalty, cache_prompt: true,
                ...(request.grammar != null ? {grammar: request.grammar} : {})
            } : {})
        };
    }

    /** The prompt as the server's token ids (BOS first where the model adds one), or as text for a server without a tokenizer route. */
    private async promptFor(endpoint: OpenAiEndpoint, prompt: Prompt): Promise<number[] | string> {
        const flavour = endpoint.flavour ?? "other";
        if (flavour === "other")
            return prompt.toText();
        if (this.beginningText === undefined) // no server was ready at start: later prompts render bos_token
            await this.learnBeginning(endpoint);
        const beginning = await this.beginningTokens(endpoint);
        const tokens = (await Promise.all(prompt.segments.map((segment) => this.tokensOf(endpoint, segment)))).flat();
        // A template that wrote bos_token already begins with it (as in-process, where LlamaCompletion adds it once).
        return beginning.length > 0 && beginning.every((token, index) => tokens[index] === token) ? tokens : [...beginning, ...tokens];
    }

    private beginningTokens(endpoint: OpenAiEndpoint): Promise<number[]> {
        return this.cachedTokens(beginningKey, async () => await endpoint.tokenize("", {special: true, addSpecial: true}) ?? []);
    }

    /** Learns the beginning token's text from a ready server (no tokenizer route: left unknown, prompts go as text). */
    private async learnBeginning(endpoint: OpenAiEndpoint): Promise<void> {
        try {
            const beginning = await this.beginningTokens(endpoint);
            this.beginningText = beginning.length > 0 ? await endpoint.detokenize(beginning) : "";
        } catch {
            // The server failed between its health check and this: the next server to be ready teaches it (promptFor).
        }
    }

    private tokensOf(endpoint: OpenAiEndpoint, segment: PromptSegment): Promise<number[]> {
        if (segment.kind === "token")
            throw new KotaeError(ErrorCode.GenerationFailed, `The openai backend cannot send the named token ${segment.name}; write it in the chat template instead`);
        const special = segment.kind === "special";
        return this.cachedTokens(tokenCacheKey(segment), async () => {
            const pieces = !special && endpoint.flavour === "vllm" ? await this.withoutSpecialTokens(endpoint, segment.text) : [segment.text];
            return (await Promise.all(pieces.map((piece) => this.tokensWithoutSpacePrefix(endpoint, piece, special)))).flat();
        });
    }

    /**
     * The text in pieces that vLLM's tokenizer cannot read a special token from: cut after the first character
     * of each special-token-shaped part that the tokenizer reads as one token (a special token; an ordinary
     * word like `<llm-code>` takes several and stays whole). Each shape is asked about once.
     */
    private async withoutSpecialTokens(endpoint: OpenAiEndpoint, text: string): Promise<string[]> {
        const shapes = [...new Set([...text.matchAll(specialTokenShape)].map((match) => match[0]))];
        const tokenized = await Promise.all(shapes.map((shape) =>
            this.cachedTokens(`shape\u0000${shape}`, async () => await endpoint.tokenize(shape, {special: false}) ?? [])));
        return splitSpecialShapes(text, new Set(shapes.filter((_, index) => tokenized[index]?.length === 1)));
    }

    /** The text's tokens as they follow earlier text (see segmentTokens: the same rule as in-process). */
    private async tokensWithoutSpacePrefix(endpoint: OpenAiEndpoint, text: string, special: boolean): Promise<number[]> {
        if (text === "")
            return [];
        const [separatorTokens, withSeparator] = await Promise.all([
            this.cachedTokens(`${special}\u0000separator`, async () => await endpoint.tokenize(separator, {special}) ?? []),
            endpoint.tokenize(`${separator}${text}`, {special})
        ]);
        return (withSeparator != null ? tokensAfterSeparator(separatorTokens, withSeparator) : undefined)
            ?? await endpoint.tokenize(text, {special}) ?? [];
    }

    private async cachedTokens(key: string, tokenize: () => Promise<number[]>): Promise<number[]> {
        const cached = this.tokenCache.get(key);
        if (cached != null)
            return cached;
        const tokens = await tokenize();
        if (this.tokenCache.size >= tokenCacheEntries)
            this.tokenCache.clear();
        this.tokenCache.set(key, tokens);
        return tokens;
    }
}

/** Tokens counted so far for one completion, over every server it ran on. */
type Progress = {completionTokens: number, promptTokens: number};

/** The completion so far: what was held back in case it began a trigger is emitted first, as the text holds it. */
function resultOf(scanner: StopTriggerScanner, progress: Progress, stopReason: StopReason, stopTrigger?: string): CompletionResult {
    scanner.flush();
    return {
        text: scanner.received, stopReason, ...(stopTrigger != null ? {stopTrigger} : {}),
        promptTokens: progress.promptTokens, completionTokens: progress.completionTokens
    };
}

/** Every server of the pool serves the same model, so token ids are shared between them. */
function tokenCacheKey(segment: PromptSegment): string {
    return `${segment.kind}\u0000${segment.kind === "token" ? segment.name : segment.text}`;
}

/** The cache key of the tokens the model starts a sequence with (BOS), which no segment's key can equal. */
const beginningKey = "\u0000beginning";

type StreamEvent = {
    readonly object?: string,
    readonly message?: string,
    readonly error?: {message?: string} | string,
    readonly choices?: ReadonlyArray<{text?: string, finish_reason?: string | null, stop_reason?: string | number | null}>,
    readonly usage?: {prompt_tokens?: number, completion_tokens?: number} | null
};

/** Text cut after the first character of each of `specialShapes` in it, so no piece can be read as one of them. */
export function splitSpecialShapes(text: string, specialShapes: ReadonlySet<string>): string[] {
    const cuts = [...text.matchAll(specialTokenShape)].filter((match) => specialShapes.has(match[0])).map((match) => match.index + 1);
    return [0, ...cuts].map((start, index) => text.slice(start, cuts[index] ?? text.length)).filter((piece) => piece !== "");
}

function streamErrorText(event: StreamEvent): string {
    return typeof event.error === "string" ? event.error : event.error?.message ?? event.message ?? "unknown error";
}

function errorText(error: unknown): string {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    return cause instanceof Error ? cause.message : String(cause);
}
