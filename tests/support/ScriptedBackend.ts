import {setTimeout as sleep} from "node:timers/promises";
import {JinjaChatTemplate} from "../../src/llm/JinjaChatTemplate.js";
import type {ChatMessage, CompletionRequest, CompletionResult, LlmBackend, ModelInfo} from "../../src/llm/LlmBackend.js";
import type {Prompt} from "../../src/llm/Prompt.js";
import {chatmlChatTemplate} from "../../src/profiles/chatTemplates.js";

export type Script = string | ((request: CompletionRequest) => string);

/**
 * A deterministic stand-in for a model: it "generates" a scripted text in small chunks, honouring stop
 * triggers, the token budget (one chunk = one token) and abort signals like the real backend does.
 * For flow tests only: the real node-llama-cpp backend has its own suite.
 */
export class ScriptedBackend implements LlmBackend {
    /** A file that carries ChatML, so chat profiles render as they would with such a GGUF. */
    public readonly model: ModelInfo = {path: "/models/scripted.gguf", name: "scripted", contextSize: 4096, device: "cpu", chatTemplate: chatmlChatTemplate};
    public readonly requests: CompletionRequest[] = [];
    public active = 0;
    public maxActive = 0;

    public constructor(
        private readonly scripts: Script[],
        public readonly parallelism = 1,
        private readonly options: {chunkSize?: number, chunkDelayMs?: number, failWith?: Error} = {}
    ) {}

    public formatChat(messages: readonly ChatMessage[], chatTemplate: string): Prompt {
        return new JinjaChatTemplate(chatTemplate).render(messages);
    }

    public countTokens(prompt: Prompt): number {
        return Math.ceil(prompt.toText().length / 4);
    }

    public async complete(request: CompletionRequest): Promise<CompletionResult> {
        this.requests.push(request);
        this.active++;
        this.maxActive = Math.max(this.maxActive, this.active);
        try {
            if (this.options.failWith != null)
                throw this.options.failWith;
            const script = this.scripts[(this.requests.length - 1) % this.scripts.length] ?? "";
            return await this.generate(typeof script === "function" ? script(request) : script, request);
        } finally {
            this.active--;
        }
    }

    /** This backend once it can serve; a scripted model behind a server starts that server first (see OpenAiScriptedBackend). */
    public ready(): Promise<this> {
        return Promise.resolve(this);
    }

    public async dispose(): Promise<void> {}

    protected async generate(fullText: string, request: CompletionRequest): Promise<CompletionResult> {
        const stop = request.stopTriggers
            .map((trigger) => ({trigger, index: fullText.indexOf(trigger)}))
            .filter(({index}) => index >= 0)
            .sort((a, b) => a.index - b.index)[0];
        const text = stop != null ? fullText.slice(0, stop.index) : fullText;
        const chunkSize = this.options.chunkSize ?? 3;
        const promptTokens = this.countTokens(request.prompt);

        let generated = "";
        for (let offset = 0, tokens = 0; offset < text.length; offset += chunkSize, tokens++) {
            if (tokens >= request.maxTokens)
                return {text: generated, stopReason: "maxTokens", promptTokens, completionTokens: tokens};
            await sleep(this.options.chunkDelayMs ?? 0);
            if (request.signal?.aborted)
                return {text: generated, stopReason: "aborted", promptTokens, completionTokens: tokens};
            const chunk = text.slice(offset, offset + chunkSize);
            generated += chunk;
            request.onTextChunk?.(chunk);
        }
        const completionTokens = Math.ceil(text.length / chunkSize);
        return stop != null
            ? {text: generated, stopReason: "stopTrigger", stopTrigger: stop.trigger, promptTokens, completionTokens}
            : {text: generated, stopReason: "endOfGeneration", promptTokens, completionTokens};
    }
}
