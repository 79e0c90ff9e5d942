import type {LlmBackend} from "../llm/LlmBackend.js";
import {Prompt} from "../llm/Prompt.js";
import type {PromptFormat} from "./ModelProfile.js";

/** The prompt for a problem in a profile's format: a filled raw template, or the model's chat template. */
export function renderPrompt(format: PromptFormat, problem: string, backend: Pick<LlmBackend, "formatChat">): Prompt {
    if (format.format === "raw")
        return Prompt.text(fillTemplate(format.template, {problem}));

    return backend.formatChat([
        {role: "system", content: format.system},
        {role: "user", content: problem}
    ], format.chatTemplate);
}

export type ConversationTurn = {readonly role: "user" | "assistant", readonly content: string};

/**
 * The prompt for a conversation that starts with the problem and alternates user and assistant turns,
 * ending with the user's newest question (follow-ups in a thread).
 */
export function renderConversation(format: PromptFormat, turns: readonly ConversationTurn[], backend: Pick<LlmBackend, "formatChat">): Prompt {
    if (format.format === "chat")
        return backend.formatChat([{role: "system", content: format.system}, ...turns], format.chatTemplate);

    return Prompt.text(turns.map((turn, index) => {
        if (turn.role === "assistant")
            return turn.content;
        const template = index === 0 ? format.template : format.followUpTemplate ?? format.template;
        return fillTemplate(template, {problem: turn.content});
    }).join(""));
}

/** Replaces `{name}` placeholders of the template in one pass, so braces inside the values stay as they are. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
    return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => values[name] ?? placeholder);
}
