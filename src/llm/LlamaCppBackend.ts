import path from "node:path";
import {
    getLlama, LlamaCompletion, LlamaLogLevel, readGgufFileInfo, resolveModelFile,
    type Llama, type LlamaContext, type LlamaContextSequence, type LlamaCompletionResponse, type LlamaGrammar, type LlamaModel, type Token
} from "node-llama-cpp";
import {ErrorCode, KotaeError} from "../errors/ErrorCode.js";
import {eraseStaleTokens} from "./eraseStaleTokens.js";
import {ChatTemplateCache} from "./ChatTemplateCache.js";
import type {SpecialTokenTexts} from "./JinjaChatTemplate.js";
import type {ChatMessage, CompletionRequest, CompletionResult, LlmBackend, ModelInfo, StopReason} from "./LlmBackend.js";
import type {Prompt} from "./Prompt.js";
import {separator, tokensAfterSeparator} from "./segmentTokens.js";

export type GpuSetting = "auto" | "cuda" | "vulkan" | "metal" | "off";

export type LlamaCppBackendOptions = {
    /** A local GGUF path or a URI node-llama-cpp resolves (`hf:user/repo:quant`, https URL). */
    readonly model: string,
    /** Where `hf:` models are looked up and downloaded to. */
    readonly modelsDirectory: string,
    readonly gpu: GpuSetting,
    readonly threads: number,
    /** Tokens of context per parallel sequence. */
    readonly contextSize: number,
    readonly sequences: number,
    /** Show node-llama-cpp's download progress bar on the terminal. */
    readonly showDownloadProgress?: boolean,
    readonly signal?: AbortSignal,
    /** Where llama.cpp's own error lines go (default: node-llama-cpp prints them on the console; `serve` passes its logger). */
    readonly log?: (message: string) => void
};

const modelSettingHint = "Set KOTAE_MODEL (or --model, or \"model\" in the config file) to a local .gguf file or an hf: URI.";

/** The real backend: one model, one context with N sequences, on CUDA/Vulkan/Metal when present, else CPU. */
export class LlamaCppBackend implements LlmBackend {
    public readonly model: ModelInfo;
    public readonly parallelism: number;

    private readonly sequences: readonly LlamaContextSequence[];
    private readonly freeSequences: LlamaContextSequence[];
    private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
    private readonly chatTemplates = new ChatTemplateCache();
    /** The GGUF's BOS and EOS texts, as chat templates refer to them. */
    private readonly specialTokenTexts: SpecialTokenTexts;
    private readonly beginningToken: Token | undefined;

    private constructor(
        private readonly llama: Llama,
        private readonly llamaModel: LlamaModel,
        private readonly context: LlamaContext,
        info: ModelInfo
    ) {
        this.model = info;
        this.parallelism = context.totalSequences;
        this.sequences = Array.from({length: context.totalSequences}, () => context.getSequence());
        this.freeSequences = [...this.sequences];
        this.beginningToken = llamaModel.tokens.bos ?? undefined;
        const {bosString, eosString} = llamaModel.tokens;
        this.specialTokenTexts = {...(bosString != null ? {bos_token: bosString} : {}), ...(eosString != null ? {eos_token: eosString} : {})};
    }

    public static async create(options: LlamaCppBackendOptions): Promise<LlamaCppBackend> {
        const modelPath = await resolveModel(options);

        let llama: Llama;
        try {
            llama = await getLlama({
                gpu: options.gpu === "off" ? false : options.gpu,
                maxThreads: options.threads,
                build: "never",
                logLevel: LlamaLogLevel.error,
                ...(options.log != null ? {logger: llamaLogger(options.log)} : {})
            });
        } catch (error) {
            throw new KotaeError(ErrorCode.ModelUnavailable,
                `node-llama-cpp could not start a "${options.gpu}" backend: ${errorMessage(error)}. Set KOTAE_GPU=auto or off.`,
                {cause: error});
        }

        try {
            const llamaModel = await llama.loadModel({modelPath, ...(options.signal != null ? {loadSignal: options.signal} : {})});
            const context = await llamaModel.createContext({
                contextSize: Math.min(options.contextSize, llamaModel.trainContextSize),
                sequences: options.sequences,
                threads: options.threads
            });
            const name = await readModelName(modelPath);
            const chatTemplate = llamaModel.fileInfo.metadata.tokenizer?.chat_template;
            return new LlamaCppBackend(llama, llamaModel, context, {
                path: modelPath,
                name,
                ...(typeof chatTemplate === "string" && chatTemplate.trim() !== "" ? {chatTemplate} : {}),
                contextSize: context.contextSize,
                device: llama.gpu === false ? "cpu" : llama.gpu
            });
        } catch (error) {
            await llama.dispose();
            throw new KotaeError(ErrorCode.ModelUnavailable,
                `Could not load the model ${modelPath}: ${errorMessage(error)}. Check that it is a GGUF file that fits in memory (lower KOTAE_CONTEXT_SIZE or KOTAE_SEQUENCES).`,
                {cause: error});
        }
    }

    public formatChat(messages: readonly ChatMessage[], chatTemplate: string): Prompt {
        return this.chatTemplates.render(messages, chatTemplate, this.specialTokenTexts);
    }

    public countTokens(prompt: Prompt): number {
        return this.tokenize(prompt).length + (this.beginningToken != null ? 1 : 0);
    }

    public async complete(request: CompletionRequest): Promise<CompletionResult> {
        const tokens = this.tokenize(request.prompt);
        const sequence = this.takeSequenceFor(tokens);
        const completion = new LlamaCompletion({contextSequence: sequence});
        try {
            const promptTokens = tokens.length + (this.beginningToken != null ? 1 : 0);
            if (promptTokens >= this.model.contextSize)
                throw new KotaeError(ErrorCode.ProblemTooLong,
                    `The prompt needs ${promptTokens} tokens but the context holds ${this.model.contextSize} (KOTAE_CONTEXT_SIZE)`,
                    {params: {limit: this.model.contextSize}});

            await eraseStaleTokens(sequence, this.withBeginning(tokens),
                this.sequences.filter((other) => other !== sequence && !this.freeSequences.includes(other)));
            let completionTokens = 0;
            const grammar = request.grammar != null ? await this.grammarFor(request.grammar) : undefined;
            const {response, metadata} = await completion.generateCompletionWithMeta(tokens, {
                maxTokens: request.maxTokens,
                temperature: request.temperature,
                topP: request.topP,
                topK: request.topK,
                minP: request.minP,
                repeatPenalty: request.repeatPenalty > 1 ? {penalty: request.repeatPenalty} : false,
                ...(request.seed != null ? {seed: request.seed} : {}),
                ...(grammar != null ? {grammar} : {}),
                customStopTriggers: request.stopTriggers,
                // Never drop the start of a math problem to make room: stop at the context's end instead.
                disableContextShift: true,
                ...(request.signal != null ? {signal: request.signal, stopOnAbortSignal: true} : {}),
                onToken: (generated) => {
                    completionTokens += generated.length;
                },
                ...(request.onTextChunk != null ? {onTextChunk: request.onTextChunk} : {})
            });

            const stopTrigger = metadata.stopReason === "customStopTrigger"
                ? metadata.customStopTrigger.filter((part) => typeof part === "string").join("")
                : undefined;
            return {
                text: response,
                stopReason: stopReasons[metadata.stopReason],
                ...(stopTrigger != null ? {stopTrigger} : {}),
                promptTokens,
                completionTokens
            };
        } finally {
            completion.dispose({disposeSequence: false});
            this.freeSequences.push(sequence);
        }
    }

    /**
     * The free sequence whose cached tokens share the longest prefix with the prompt, so that a tool-using
     * solution continuing after a code execution only evaluates the new tokens instead of the whole prompt.
     */
    private takeSequenceFor(tokens: readonly Token[]): LlamaContextSequence {
        const withBeginning = this.withBeginning(tokens);
        let best = -1;
        let bestShared = -1;
        this.freeSequences.forEach((sequence, index) => {
            const shared = sequence.compareContextTokens(withBeginning).firstDifferentIndex;
            if (shared > bestShared) {
                best = index;
                bestShared = shared;
            }
        });
        const [sequence] = best >= 0 ? this.freeSequences.splice(best, 1) : [];
        if (sequence == null)
            throw new Error("No free context sequence: the queue must not run more completions than `parallelism`");
        return sequence;
    }

    /** The tokens a completion of `tokens` evaluates: LlamaCompletion puts the model's BOS first. */
    private withBeginning(tokens: readonly Token[]): Token[] {
        return this.beginningToken != null ? [this.beginningToken, ...tokens] : [...tokens];
    }

    public async dispose(): Promise<void> {
        await this.context.dispose();
        await this.llamaModel.dispose();
        await this.llama.dispose();
    }

    public async [Symbol.asyncDispose](): Promise<void> {
        await this.dispose();
    }

    /**
     * Tokens of the prompt without a leading BOS, which LlamaCompletion prepends itself. User text is never
     * parsed for special tokens, template text is; each piece is tokenized as it follows the one before (see
     * segmentTokens), as the openai backend does with the server's tokenizer.
     */
    private tokenize(prompt: Prompt): Token[] {
        const tokens = prompt.segments.flatMap((segment) => segment.kind === "token"
            ? this.llamaModel.tokenize(segment.name, "builtin")
            : this.tokensAfterEarlierText(segment.text, segment.kind === "special"));
        return tokens[0] === this.beginningToken ? tokens.slice(1) : tokens;
    }

    private tokensAfterEarlierText(text: string, special: boolean): Token[] {
        if (text === "")
            return [];
        const model = this.llamaModel;
        return (tokensAfterSeparator(model.tokenize(separator, special), model.tokenize(`${separator}${text}`, special)) ?? model.tokenize(text, special)) as Token[];
    }

    private grammarFor(gbnf: string): Promise<LlamaGrammar> {
        let grammar = this.grammars.get(gbnf);
        if (grammar == null) {
            grammar = this.llama.createGrammar({grammar: gbnf});
            this.grammars.set(gbnf, grammar);
        }
        return grammar;
    }
}

const stopReasons: Readonly<Record<LlamaCompletionResponse["metadata"]["stopReason"], StopReason>> = {
    eogToken: "endOfGeneration",
    stopGenerationTrigger: "stopTrigger",
    customStopTrigger: "stopTrigger",
    maxTokens: "maxTokens",
    abort: "aborted"
};

/** Whether the model setting names a download (`hf:` URI or URL) rather than a local file. */
export function isModelUri(model: string): boolean {
    return /^(hf:|https?:\/\/)/.test(model);
}

async function resolveModel(options: LlamaCppBackendOptions): Promise<string> {
    const isUri = isModelUri(options.model);
    try {
        return await resolveModelFile(isUri ? options.model : path.resolve(options.model), {
            directory: options.modelsDirectory,
            cli: options.showDownloadProgress ?? false,
            ...(options.signal != null ? {signal: options.signal} : {})
        });
    } catch (error) {
        const reason = isUri
            ? `Could not download ${options.model} (offline, or a wrong URI?): ${errorMessage(error)}. Download the GGUF elsewhere and point KOTAE_MODEL at the file.`
            : `The model file ${path.resolve(options.model)} does not exist.`;
        throw new KotaeError(ErrorCode.ModelUnavailable, `${reason} ${modelSettingHint}`, {cause: error});
    }
}

async function readModelName(modelPath: string): Promise<string> {
    try {
        const info = await readGgufFileInfo(modelPath, {readTensorInfo: false});
        const name = info.metadata.general?.name;
        if (typeof name === "string" && name.trim() !== "")
            return name;
    } catch {
        // The file loaded, so a metadata read failure only costs us the display name.
    }
    return path.basename(modelPath, ".gguf");
}

function errorMessage(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}

/** llama.cpp's messages end in a newline and sometimes are nothing else: one log line each, blank ones dropped. */
function llamaLogger(log: (message: string) => void): (level: LlamaLogLevel, message: string) => void {
    return (_level, message) => {
        const line = message.trim();
        if (line !== "") log(line);
    };
}
