import type http from "node:http";
import {setTimeout as sleep} from "node:timers/promises";
import {listenOnLoopback} from "../listenOnLoopback.js";
import {characterTokenizer, type ServerTokenizer} from "./FakeTokenizer.js";

/**
 * A stand-in for an OpenAI-compatible inference server on 127.0.0.1, in vLLM's or llama-server's dialect,
 * playing a scripted model (like ScriptedBackend: the n-th completion plays `scripts[n]`, in a loop).
 * Written from the documented wire formats:
 * - OpenAI completions streaming: https://platform.openai.com/docs/api-reference/completions/create
 *   (`data: {json}` events, `data: [DONE]` last, `finish_reason` `stop`/`length`, usage with `stream_options.include_usage`);
 * - vLLM: https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html (extra sampling parameters,
 *   `stop_reason`: the stop string that fired, or null/the token id for EOS; `GET /version`; `POST /tokenize`
 *   with `prompt`/`add_special_tokens` answering `{count, max_model_len, tokens}`; `POST /detokenize` with
 *   `tokens` answering `{prompt}`; error bodies
 *   `{"object": "error", "message", "type", "param", "code"}`; `max_model_len` in `/v1/models`);
 * - llama-server: https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md (`GET /health`
 *   answering 503 `{"error": {"code": 503, "message": "Loading model", "type": "unavailable_error"}}` while
 *   loading, `GET /props` with `default_generation_settings.n_ctx`, `POST /tokenize` with `content`,
 *   `add_special`, `parse_special`, `POST /detokenize` with `tokens` answering `{content}`, error bodies `{"error": {"code", "message", "type"}}`);
 * - "other": only the OpenAI routes (as SGLang's or Ollama's OpenAI-compatible API look to Kotae), text prompts.
 */
export type FakeFlavour = "vllm" | "llama-server" | "other";

export type FakeCompletion = {
    /** The request body as sent. */
    readonly body: Record<string, unknown>,
    /** The prompt decoded (token ids written back as text, special tokens as their text). */
    readonly promptText: string,
    /** The prompt's token ids, when it was sent as ids. */
    readonly promptTokens: readonly number[] | undefined
};

export type FakeScript = string | ((completion: FakeCompletion) => string);

export type FakeOpenAiOptions = {
    readonly flavour: FakeFlavour,
    readonly scripts: readonly FakeScript[],
    readonly model?: string,
    readonly contextSize?: number,
    /** Characters per streamed chunk, one chunk = one token (default 3). */
    readonly chunkSize?: number,
    /** Required `Authorization: Bearer` key. */
    readonly apiKey?: string,
    /** Tokenize like SentencePiece, a space before the text of every call (see fakeTokenize); for the default tokenizer. */
    readonly spacePrefix?: boolean,
    /** The server's tokenizer (default: one token per character, see characterTokenizer). */
    readonly tokenizer?: ServerTokenizer
};

export class FakeOpenAiServer {
    public readonly completions: FakeCompletion[] = [];
    public readonly tokenizeRequests: Array<Record<string, unknown>> = [];
    /** Streams the client closed before the end (cancel, a stop trigger found by the client). */
    public closedByClient = 0;
    public activeStreams = 0;
    public maxActiveStreams = 0;
    /** 503 on /health, /v1/models and completions while true. */
    public loading = false;
    /** Completion requests answered 503 because the server was loading. */
    public refusedWhileLoading = 0;
    /** Milliseconds before the first token (headers go out at once, as vLLM's do). */
    public firstTokenDelayMs = 0;
    public chunkDelayMs = 0;
    /** Destroys the connection after this many chunks of the next completion (a crashed server). */
    public resetAfterChunks: number | undefined;
    /** A parameter whose presence the server refuses with 400, as a strict server refuses an unknown one. */
    public rejectParameter: string | undefined;
    private completionCount = 0;

    private readonly tokenizer: ServerTokenizer;

    private constructor(private readonly server: http.Server, public readonly url: string, private readonly options: FakeOpenAiOptions) {
        this.tokenizer = options.tokenizer ?? characterTokenizer({spacePrefix: options.spacePrefix ?? false});
    }

    public static async start(options: FakeOpenAiOptions): Promise<FakeOpenAiServer> {
        const {server, baseUrl} = await listenOnLoopback();
        const fake = new FakeOpenAiServer(server, `${baseUrl}/v1`, options);
        server.on("request", (request: http.IncomingMessage, response: http.ServerResponse) => {
            fake.handle(request, response).catch((error: unknown) => {
                if (!response.headersSent) fake.error(response, 500, String(error));
                else response.destroy();
            });
        });
        return fake;
    }

    public get model(): string {
        return this.options.model ?? "fake/model";
    }

    public async close(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
        const route = `${request.method} ${request.url}`;
        if (this.options.apiKey != null && request.headers.authorization !== `Bearer ${this.options.apiKey}`)
            return this.error(response, 401, "Unauthorized");
        const vllm = this.options.flavour === "vllm";
        if (route === "GET /health")
            return this.loading ? this.error(response, 503, "Loading model") : this.json(response, 200, vllm ? undefined : {status: "ok"});
        if (this.loading) {
            if (route === "POST /v1/completions") this.refusedWhileLoading++;
            return this.error(response, 503, "Loading model");
        }
        if (route === "GET /v1/models")
            return this.json(response, 200, {object: "list", data: [{
                id: this.model, object: "model", created: 0, owned_by: vllm ? "vllm" : "llamacpp",
                ...(vllm ? {root: this.model, parent: null, max_model_len: this.contextSize} : {})
            }]});
        if (route === "GET /version" && vllm)
            return this.json(response, 200, {version: "0.11.0"});
        if (route === "GET /props" && this.options.flavour === "llama-server")
            return this.json(response, 200, {default_generation_settings: {n_ctx: this.contextSize}, total_slots: 8});
        if (route === "POST /tokenize" && this.options.flavour !== "other")
            return this.tokenize(response, await readJson(request));
        if (route === "POST /detokenize" && this.options.flavour !== "other")
            return this.detokenize(response, await readJson(request));
        if (route === "POST /v1/completions")
            return this.complete(response, await readJson(request));
        return this.error(response, 404, `Not found: ${route}`);
    }

    private get contextSize(): number {
        return this.options.contextSize ?? 4096;
    }

    private tokenize(response: http.ServerResponse, body: Record<string, unknown>): void {
        this.tokenizeRequests.push(body);
        const vllm = this.options.flavour === "vllm";
        const text = vllm ? body["prompt"] : body["content"];
        if (typeof text !== "string")
            return this.error(response, 400, vllm ? "prompt: Field required" : "\"content\" must be provided");
        // A Hugging Face tokenizer reads special-token text always; llama.cpp only with parse_special (default true there).
        const tokens = this.tokenizer.tokenize(text, {
            parseSpecial: vllm || body["parse_special"] !== false,
            addSpecial: vllm ? body["add_special_tokens"] !== false : body["add_special"] === true
        });
        this.json(response, 200, vllm ? {count: tokens.length, max_model_len: this.contextSize, tokens} : {tokens});
    }

    /** llama-server answers `{content}`, vLLM `{prompt}`; both write special tokens as their text. */
    private detokenize(response: http.ServerResponse, body: Record<string, unknown>): void {
        const tokens = body["tokens"];
        if (!Array.isArray(tokens) || !tokens.every((token) => typeof token === "number"))
            return this.error(response, 400, this.options.flavour === "vllm" ? "tokens: Field required" : "\"tokens\" must be provided");
        const text = this.tokenizer.detokenize(tokens);
        this.json(response, 200, this.options.flavour === "vllm" ? {prompt: text} : {content: text});
    }

    private async complete(response: http.ServerResponse, body: Record<string, unknown>): Promise<void> {
        if (this.rejectParameter != null && this.rejectParameter in body)
            return this.error(response, 400, `Unrecognized request argument supplied: ${this.rejectParameter}`);
        const prompt = body["prompt"];
        const promptTokens = Array.isArray(prompt) ? prompt as number[] : undefined;
        const promptText = promptTokens != null ? this.tokenizer.detokenize(promptTokens) : String(prompt);
        const completion = {body, promptText, promptTokens};
        this.completions.push(completion);
        const script = this.options.scripts[this.completionCount++ % this.options.scripts.length] ?? "";
        const fullText = typeof script === "function" ? script(completion) : script;

        const stops = Array.isArray(body["stop"]) ? body["stop"] as string[] : [];
        const stop = stops.map((text) => ({text, index: fullText.indexOf(text)})).filter(({index}) => index >= 0).sort((a, b) => a.index - b.index)[0];
        const text = stop != null ? fullText.slice(0, stop.index) : fullText;
        const chunkSize = this.options.chunkSize ?? 3;
        const maxTokens = typeof body["max_tokens"] === "number" ? body["max_tokens"] : Number.POSITIVE_INFINITY;
        const resetAfter = this.resetAfterChunks;
        this.resetAfterChunks = undefined;

        let closed = false;
        response.on("close", () => {
            if (!response.writableFinished) { closed = true; this.closedByClient++; }
        });
        response.writeHead(200, {"content-type": "text/event-stream", "cache-control": "no-cache"});
        this.activeStreams++;
        this.maxActiveStreams = Math.max(this.maxActiveStreams, this.activeStreams);
        try {
            await sleep(this.firstTokenDelayMs);
            let tokens = 0;
            for (let offset = 0; offset < text.length && tokens < maxTokens && !closed; offset += chunkSize, tokens++) {
                if (resetAfter != null && tokens >= resetAfter) {
                    response.socket?.resetAndDestroy();
                    return;
                }
                this.event(response, text.slice(offset, offset + chunkSize), null, null);
                await sleep(this.chunkDelayMs);
            }
            if (closed)
                return;
            const length = tokens >= maxTokens && tokens * chunkSize < text.length;
            this.event(response, "", length ? "length" : "stop", length ? null : stop?.text ?? null);
            const streamOptions = body["stream_options"] as {include_usage?: boolean} | undefined;
            if (streamOptions?.include_usage === true)
                response.write(`data: ${JSON.stringify({id: "cmpl-fake", object: "text_completion", created: 0, model: this.model, choices: [],
                    usage: {prompt_tokens: promptTokens?.length ?? promptText.length, completion_tokens: tokens, total_tokens: (promptTokens?.length ?? 0) + tokens}})}\n\n`);
            response.end("data: [DONE]\n\n");
        } finally {
            this.activeStreams--;
        }
    }

    /** One streamed choice; only vLLM adds `stop_reason`. */
    private event(response: http.ServerResponse, text: string, finishReason: string | null, stopReason: string | null): void {
        const choice = {index: 0, text, logprobs: null, finish_reason: finishReason, ...(this.options.flavour === "vllm" ? {stop_reason: stopReason} : {})};
        response.write(`data: ${JSON.stringify({id: "cmpl-fake", object: "text_completion", created: 0, model: this.model, choices: [choice]})}\n\n`);
    }

    private json(response: http.ServerResponse, status: number, body: unknown): void {
        response.writeHead(status, {"content-type": "application/json"});
        response.end(body === undefined ? "" : JSON.stringify(body));
    }

    private error(response: http.ServerResponse, status: number, message: string): void {
        this.json(response, status, this.options.flavour === "vllm"
            ? {object: "error", message, type: status === 400 ? "BadRequestError" : "ServiceUnavailableError", param: null, code: status}
            : {error: {code: status, message, type: status === 503 ? "unavailable_error" : "invalid_request_error"}});
    }
}

async function readJson(request: http.IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of request)
        chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
}
