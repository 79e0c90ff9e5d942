import {ErrorCode, KotaeError} from "../errors/ErrorCode.js";
import type {LlmBackend, ModelInfo} from "../llm/LlmBackend.js";
import {Prompt} from "../llm/Prompt.js";
import type {ModelProfile, PromptFormat} from "./ModelProfile.js";

/** What a prompt is for: the explanation style (default: the profile's) and whether the model may run code. */
export type PromptChoice = {readonly style?: string | undefined, readonly withTools: boolean};

/** What rendering needs of a backend: its chat formatting and the model file's own template. */
type Formatter = Pick<LlmBackend, "formatChat"> & {readonly model: Pick<ModelInfo, "path" | "chatTemplate">};

/**
 * The prompt format a profile uses for a style: the style's own instruction where it has one, else the
 * profile's, in the tool-use variant when the model may run code. An unknown style is refused.
 */
export function promptFormatFor(profile: ModelProfile, choice: PromptChoice): PromptFormat {
    const styleName = choice.style ?? profile.defaultStyle;
    // Own keys only: "constructor" or "toString" are no styles, whatever the object's prototype has.
    const style = Object.hasOwn(profile.styles, styleName) ? profile.styles[styleName] : undefined;
    if (style == null) {
        const styles = Object.keys(profile.styles).join(", ");
        throw new KotaeError(ErrorCode.StyleUnsupported, `Profile "${profile.name}" offers the styles ${styles}, not "${styleName}"`, {
            params: {style: styleName, styles}
        });
    }
    if (!choice.withTools)
        return style.prompt ?? profile.prompt;
    return style.toolsPrompt ?? profile.tools?.prompt ?? style.prompt ?? profile.prompt;
}

/** The prompt for a problem in the profile's format: a filled raw template, or the chat template. */
export function renderPrompt(profile: ModelProfile, choice: PromptChoice, problem: string, backend: Formatter): Prompt {
    const format = promptFormatFor(profile, choice);
    if (format.format === "raw")
        return Prompt.text(fillTemplate(format.template, {problem}));

    return backend.formatChat([
        {role: "system", content: format.system},
        {role: "user", content: problem}
    ], chatTemplateFor(profile, format, backend.model));
}

export type ConversationTurn = {readonly role: "user" | "assistant", readonly content: string};

/**
 * The prompt for a conversation that starts with the problem and alternates user and assistant turns,
 * ending with the user's newest question (follow-ups in a thread), in text reasoning.
 */
export function renderConversation(profile: ModelProfile, style: string | undefined, turns: readonly ConversationTurn[], backend: Formatter): Prompt {
    const format = promptFormatFor(profile, {style, withTools: false});
    if (format.format === "chat")
        return backend.formatChat([{role: "system", content: format.system}, ...turns], chatTemplateFor(profile, format, backend.model));

    return Prompt.text(turns.map((turn, index) => {
        if (turn.role === "assistant")
            return turn.content;
        const template = index === 0 ? format.template : format.followUpTemplate ?? format.template;
        return fillTemplate(template, {problem: turn.content});
    }).join(""));
}

/**
 * The Jinja template a chat prompt is rendered with: the model file's own (what Hugging Face's
 * `apply_chat_template` would use), else the profile's family template. Neither is an operator error
 * naming the setting to add: a guessed format would quietly cost accuracy.
 */
export function chatTemplateFor(profile: ModelProfile, format: Extract<PromptFormat, {format: "chat"}>, model: Pick<ModelInfo, "path" | "chatTemplate">): string {
    const template = format.chatTemplateOverridesFile === true
        ? format.chatTemplate ?? model.chatTemplate
        : model.chatTemplate ?? format.chatTemplate;
    if (template == null)
        throw new KotaeError(ErrorCode.ChatTemplateMissing,
            `The model file ${model.path} has no chat template (tokenizer.chat_template) and profile "${profile.name}" gives none: `
            + `set profiles.${profile.name}.prompt.chatTemplate in the config file to the model's Jinja template, or use a GGUF converted with its template.`);
    return template;
}

/** Every chat template problem a profile would meet with this model, for `serve`, `solve` and `doctor` to report at start. */
export function chatTemplateProblem(profile: ModelProfile, model: Pick<ModelInfo, "path" | "chatTemplate">): KotaeError | undefined {
    const formats = [profile.prompt, profile.tools?.prompt, ...Object.values(profile.styles).flatMap((style) => [style.prompt, style.toolsPrompt])];
    for (const format of formats) {
        if (format?.format !== "chat")
            continue;
        try {
            chatTemplateFor(profile, format, model);
        } catch (error) {
            return error as KotaeError;
        }
    }
    return undefined;
}

/** Replaces `{name}` placeholders of the template in one pass, so braces inside the values stay as they are. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
    return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => values[name] ?? placeholder);
}
