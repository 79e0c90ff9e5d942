import {ErrorCode, KotaeError} from "../../errors/ErrorCode.js";
import type {EndpointStatus} from "../LlmBackend.js";
import {EndpointFailure} from "./EndpointFailure.js";

/**
 * Which server answers, told apart by the routes only it has: llama-server's `GET /props` (its generation
 * settings, https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md) and vLLM's
 * `GET /version` (https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html). Anything else
 * (SGLang, Ollama, a proxy) gets only the standard OpenAI parameters and text prompts.
 */
export type ServerFlavour = "vllm" | "llama-server" | "other";

export type OpenAiEndpointOptions = {
    /** The base URL, ending in `/v1`. */
    readonly url: string,
    /** Sent as `Authorization: Bearer`; never logged. */
    readonly apiKey?: string,
    /** Completions this server is given at once. */
    readonly slots: number,
    /** The model to use; undefined: the first one `GET /v1/models` lists. */
    readonly model?: string,
    /** Milliseconds a health check or tokenization may take (default 10 000). */
    readonly requestTimeoutMs?: number
};

/** One OpenAI-compatible inference server: its health, its model, its tokenizer and its completions. */
export class OpenAiEndpoint {
    public readonly url: string;
    public readonly slots: number;
    /** Completions running on it now (the pool keeps this at most `slots`). */
    public active = 0;
    public state: EndpointStatus["state"] = "down";
    public model: string | undefined;
    public flavour: ServerFlavour | undefined;
    /** The context length the server announces (vLLM's `max_model_len`, llama-server's `n_ctx`). */
    public contextSize: number | undefined;
    /** Why the endpoint is not ready, for `doctor` and `serve`. */
    public problem: string | undefined;
    /** Sampling parameters this server refused (400 naming them), left out of its requests from then on. */
    public readonly rejectedParameters = new Map<string, string>();
    private readonly root: string;
    private readonly requestTimeoutMs: number;

    public constructor(private readonly options: OpenAiEndpointOptions) {
        this.url = options.url.replace(/\/+$/, "");
        this.root = this.url.replace(/\/v1$/, "");
        this.slots = options.slots;
        this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    }

    public status(): EndpointStatus {
        return {url: this.url, model: this.model, state: this.state};
    }

    /**
     * Asks the server whether it serves: `GET /health` (503 while llama-server or SGLang loads; vLLM answers
     * 200 once up), then `GET /v1/models` for the model. Never throws: the outcome is the new state.
     */
    public async check(): Promise<void> {
        try {
            const health = await this.request("GET", `${this.root}/health`);
            if (health.status === 503)
                return this.mark("loading", `loading (GET /health: ${await errorText(health)})`);
            await health.body?.cancel();

            const models = await this.request("GET", `${this.url}/models`);
            if (models.status === 503)
                return this.mark("loading", `loading (GET /v1/models: ${await errorText(models)})`);
            if (!models.ok)
                return this.mark("down", `GET /v1/models answered ${models.status}: ${await errorText(models)}${models.status === 401 ? " (check KOTAE_BACKEND_API_KEY)" : ""}`);
            const listed = ((await models.json()) as {data?: Array<{id?: unknown, max_model_len?: unknown}>}).data ?? [];
            const wanted = this.options.model ?? (typeof listed[0]?.id === "string" ? listed[0].id : undefined);
            const card = listed.find((entry) => entry.id === wanted);
            if (wanted == null || card == null)
                return this.mark("down", wanted == null
                    ? "GET /v1/models lists no model"
                    : `serves ${listed.map((entry) => String(entry.id)).join(", ")}, not "${wanted}" (KOTAE_BACKEND_MODEL)`);
            this.model = wanted;
            if (typeof card.max_model_len === "number") this.contextSize = card.max_model_len;
            this.flavour ??= await this.detectFlavour();
            this.mark("ready", undefined);
        } catch (error) {
            this.mark("down", `unreachable (${causeText(error)})`);
        }
    }

    public mark(state: EndpointStatus["state"], problem: string | undefined): void {
        this.state = state;
        this.problem = problem;
    }

    /**
     * Token ids of `text` by the server's own tokenizer, BOS/EOS added only with `addSpecial`; undefined where the
     * server has no tokenizer route. llama-server parses special-token text only with `parse_special`
     * (tools/server/README.md, POST /tokenize); vLLM's `/tokenize` takes `prompt` and `add_special_tokens`
     * (vllm/entrypoints/serve/tokenize/protocol.py) and always recognises special-token text, so the caller
     * keeps user text from containing any (see `OpenAiBackend`).
     */
    public async tokenize(text: string, {special, addSpecial = false}: {special: boolean, addSpecial?: boolean}): Promise<number[] | undefined> {
        const body = this.flavour === "llama-server" ? {content: text, add_special: addSpecial, parse_special: special}
            : this.flavour === "vllm" ? {model: this.model, prompt: text, add_special_tokens: addSpecial}
            : undefined;
        if (body == null)
            return undefined;
        const {tokens} = await this.postToTokenizer("/tokenize", body) as {tokens?: unknown};
        if (!Array.isArray(tokens) || !tokens.every((token) => typeof token === "number"))
            throw new KotaeError(ErrorCode.GenerationFailed, `${this.url}: POST /tokenize answered without a token list`);
        return tokens as number[];
    }

    /**
     * The text of token ids by the server's own tokenizer, special tokens written as their text; undefined where
     * the server has no tokenizer route. llama-server: `POST /detokenize` with `tokens`, answering `content`
     * (tools/server/README.md); vLLM: `POST /detokenize` with `model` and `tokens`, answering `prompt`
     * (vllm/entrypoints/serve/tokenize/protocol.py).
     */
    public async detokenize(tokens: readonly number[]): Promise<string | undefined> {
        const body = this.flavour === "llama-server" ? {tokens} : this.flavour === "vllm" ? {model: this.model, tokens} : undefined;
        if (body == null)
            return undefined;
        const answer = await this.postToTokenizer("/detokenize", body) as {content?: unknown, prompt?: unknown};
        const text = this.flavour === "llama-server" ? answer.content : answer.prompt;
        if (typeof text !== "string")
            throw new KotaeError(ErrorCode.GenerationFailed, `${this.url}: POST /detokenize answered without the text`);
        return text;
    }

    /** POSTs to one of the server's tokenizer routes (beside /v1) and reads its JSON; an unreachable server is `down`. */
    private async postToTokenizer(route: "/tokenize" | "/detokenize", body: Record<string, unknown>): Promise<unknown> {
        let response: Response;
        try {
            response = await this.request("POST", `${this.root}${route}`, body);
        } catch (error) {
            throw new EndpointFailure(this.url, "down", `${this.url}: POST ${route} failed (${causeText(error)})`, {cause: error});
        }
        await this.throwUnlessOk(response, route);
        return await response.json();
    }

    /**
     * Opens a streamed `POST /v1/completions`; the response's body is the event stream. A server that refuses
     * one of the optional sampling parameters (400 naming it) gets the request again without it, and never
     * again after: `doctor` reports it once instead of every solve failing.
     */
    public async openCompletion(body: Record<string, unknown>, signal: AbortSignal): Promise<Response> {
        for (;;) {
            const sent = Object.fromEntries(Object.entries(body).filter(([name]) => !this.rejectedParameters.has(name)));
            let response: Response;
            try {
                response = await fetch(`${this.url}/completions`, {method: "POST", headers: this.headers(), body: JSON.stringify(sent), signal});
            } catch (error) {
                if (signal.aborted)
                    throw error;
                throw new EndpointFailure(this.url, "down", `${this.url}: the completion request failed (${causeText(error)})`, {cause: error});
            }
            if (response.status === 400) {
                const message = await errorText(response);
                const refused = optionalParameters.find((name) => name in sent && message.includes(name));
                if (refused == null)
                    throw new KotaeError(ErrorCode.GenerationFailed, `${this.url}: POST /v1/completions answered 400: ${message}`);
                this.rejectedParameters.set(refused, message);
                continue;
            }
            await this.throwUnlessOk(response, "/v1/completions");
            return response;
        }
    }

    /** 503 (loading, overloaded) and 5xx move the request to another server; a refused request (4xx) is the request's fault. */
    private async throwUnlessOk(response: Response, route: string): Promise<void> {
        if (response.ok)
            return;
        const message = `${this.url}: POST ${route} answered ${response.status}: ${await errorText(response)}`;
        if (response.status === 503)
            throw new EndpointFailure(this.url, "loading", message);
        if (response.status >= 500)
            throw new EndpointFailure(this.url, "down", message);
        throw new KotaeError(ErrorCode.GenerationFailed, message + (response.status === 401 ? " (check KOTAE_BACKEND_API_KEY)" : ""));
    }

    private async detectFlavour(): Promise<ServerFlavour> {
        const props = await this.request("GET", `${this.root}/props`).catch(() => undefined);
        if (props?.ok === true) {
            const settings = ((await props.json().catch(() => ({}))) as {default_generation_settings?: {n_ctx?: unknown}}).default_generation_settings;
            if (settings != null) {
                if (typeof settings.n_ctx === "number") this.contextSize = settings.n_ctx;
                return "llama-server";
            }
        } else {
            await props?.body?.cancel();
        }
        const version = await this.request("GET", `${this.root}/version`).catch(() => undefined);
        const isVllm = version?.ok === true && typeof ((await version.json().catch(() => ({}))) as {version?: unknown}).version === "string";
        if (version?.ok !== true) await version?.body?.cancel();
        return isVllm ? "vllm" : "other";
    }

    private request(method: "GET" | "POST", url: string, body?: unknown): Promise<Response> {
        return fetch(url, {
            method,
            headers: this.headers(),
            ...(body !== undefined ? {body: JSON.stringify(body)} : {}),
            signal: AbortSignal.timeout(this.requestTimeoutMs)
        });
    }

    private headers(): Record<string, string> {
        return {
            "content-type": "application/json",
            ...(this.options.apiKey != null ? {authorization: `Bearer ${this.options.apiKey}`} : {})
        };
    }
}

/** Sampling parameters beyond the OpenAI standard that a request can do without (OpenAI's own are never dropped). */
const optionalParameters = ["top_k", "min_p", "repetition_penalty", "repeat_penalty", "cache_prompt", "stream_options", "seed"];

/**
 * The message of an error body: OpenAI's and current vLLM's `{"error": {"message": …}}`, older vLLM's
 * `{"object": "error", "message": …}` (vllm/entrypoints/openai/protocol.py ErrorResponse), or the text itself.
 */
export async function errorText(response: Response): Promise<string> {
    const text = await response.text().catch(() => "");
    try {
        const body = JSON.parse(text) as {error?: {message?: unknown} | string, message?: unknown};
        const message = typeof body.error === "object" ? body.error.message : body.error ?? body.message;
        if (typeof message === "string")
            return message;
    } catch {
        // not JSON: the text is the message
    }
    return text.trim().slice(0, 200) || response.statusText;
}

/** The low-level reason of a fetch failure (`ECONNREFUSED`, `other side closed`), which undici keeps in `cause`. */
export function causeText(error: unknown): string {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const code = (cause as {code?: unknown}).code;
    const message = cause instanceof Error ? cause.message : String(cause);
    return typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message;
}
