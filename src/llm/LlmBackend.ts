import type {Prompt} from "./Prompt.js";

export type ChatMessage = {
    readonly role: "system" | "user" | "assistant",
    readonly content: string
};

export type CompletionRequest = {
    readonly prompt: Prompt,
    readonly maxTokens: number,
    /** Texts that end generation; the one that fired is reported and not part of the text. */
    readonly stopTriggers: readonly string[],
    readonly temperature: number,
    readonly topP: number,
    readonly topK: number,
    readonly minP: number,
    readonly repeatPenalty: number,
    readonly seed?: number,
    readonly signal?: AbortSignal,
    readonly onTextChunk?: (text: string) => void,
    /** A GBNF grammar that constrains the output. */
    readonly grammar?: string
};

export type StopReason = "endOfGeneration" | "stopTrigger" | "maxTokens" | "aborted";

export type CompletionResult = {
    readonly text: string,
    readonly stopReason: StopReason,
    readonly stopTrigger?: string,
    readonly promptTokens: number,
    readonly completionTokens: number
};

export type ModelInfo = {
    /** The local GGUF file. */
    readonly path: string,
    readonly name: string,
    readonly contextSize: number,
    /** The computing backend in use, e.g. `cuda`, `vulkan`, `cpu`. */
    readonly device: string,
    /** The Jinja chat template the file carries (`tokenizer.chat_template`), if any. */
    readonly chatTemplate?: string
};

/** One inference server of a pool, as `doctor`, `serve` and the metrics report it. */
export type EndpointStatus = {
    /** The base URL, ending in `/v1`, never with credentials. */
    readonly url: string,
    /** The served model's name, once the endpoint has listed it. */
    readonly model: string | undefined,
    readonly state: "ready" | "loading" | "down"
};

/**
 * What the engine needs from a language model. The node-llama-cpp backend is the real one;
 * an OpenAI-compatible one can follow. At most `parallelism` completions may run at once.
 */
export interface LlmBackend {
    readonly model: ModelInfo;
    readonly parallelism: number;

    /**
     * Renders a conversation with a Jinja chat template (see `chatTemplateFor`: the file's or the profile's),
     * the assistant turn opened, message contents kept as plain text.
     */
    formatChat(messages: readonly ChatMessage[], chatTemplate: string): Prompt;
    countTokens(prompt: Prompt): number;
    complete(request: CompletionRequest): Promise<CompletionResult>;
    /** The inference servers behind this backend and their health; absent for an in-process model. */
    endpoints?(): readonly EndpointStatus[];
    dispose(): Promise<void>;
}
