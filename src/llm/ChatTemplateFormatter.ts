import {JinjaTemplateChatWrapper, LlamaText, SpecialToken, type ChatHistoryItem, type ChatWrapper, type Tokenizer} from "node-llama-cpp";
import type {ChatMessage} from "./LlmBackend.js";
import {Prompt, type PromptSegment} from "./Prompt.js";

/**
 * Renders chat messages through a node-llama-cpp chat wrapper: the GGUF's own template, or a Jinja
 * template given by a profile. The result ends with the assistant turn opened, ready for generation.
 */
export class ChatTemplateFormatter {
    private readonly overrides = new Map<string, ChatWrapper>();

    public constructor(
        private readonly modelWrapper: ChatWrapper,
        private readonly tokenizer?: Tokenizer
    ) {}

    public format(messages: readonly ChatMessage[], chatTemplate?: string): Prompt {
        const wrapper = chatTemplate != null ? this.wrapperFor(chatTemplate) : this.modelWrapper;
        const {contextText} = wrapper.generateContextState({chatHistory: toChatHistory(messages)});
        return new Prompt(toSegments(contextText));
    }

    private wrapperFor(template: string): ChatWrapper {
        let wrapper = this.overrides.get(template);
        if (wrapper == null) {
            wrapper = new JinjaTemplateChatWrapper({template, ...(this.tokenizer != null ? {tokenizer: this.tokenizer} : {})});
            this.overrides.set(template, wrapper);
        }
        return wrapper;
    }
}

function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
    const history: ChatHistoryItem[] = messages.map((message): ChatHistoryItem => {
        switch (message.role) {
            case "system": return {type: "system", text: message.content};
            case "user": return {type: "user", text: message.content};
            case "assistant": return {type: "model", response: [message.content]};
        }
    });

    if (messages.at(-1)?.role !== "assistant")
        history.push({type: "model", response: []});

    return history;
}

/** Converts node-llama-cpp's LlamaText into backend-neutral segments, keeping user text unparsed. */
export function toSegments(text: LlamaText): PromptSegment[] {
    return LlamaText(text).values.map((value): PromptSegment => {
        if (typeof value === "string")
            return {kind: "text", text: value};

        return value instanceof SpecialToken
            ? {kind: "token", name: value.value}
            : {kind: "special", text: value.value};
    });
}

export function toLlamaText(prompt: Prompt): LlamaText {
    return LlamaText.fromJSON(prompt.segments.map((segment) => {
        switch (segment.kind) {
            case "text": return segment.text;
            case "special": return {type: "specialTokensText", value: segment.text};
            case "token": return {type: "specialToken", value: segment.name};
        }
    }));
}
