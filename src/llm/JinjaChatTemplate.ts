import {Template} from "@huggingface/jinja";
import {ErrorCode, KotaeError} from "../errors/ErrorCode.js";
import type {ChatMessage} from "./LlmBackend.js";
import {Prompt, type PromptSegment} from "./Prompt.js";

/** The special-token strings a template may refer to, as Hugging Face passes them (`bos_token`, `eos_token`). */
export type SpecialTokenTexts = {
    readonly bos_token?: string,
    readonly eos_token?: string
};

/**
 * A model's Jinja chat template, rendered the way Hugging Face's `apply_chat_template(messages,
 * add_generation_prompt=True)` renders it: @huggingface/jinja (the engine transformers.js uses) with
 * `trim_blocks` and `lstrip_blocks`, its built-in `raise_exception`, the tokenizer's special tokens, and nothing
 * else — in particular no `date_string` or `strftime_now`, so no date is injected and the same
 * conversation always gives the same prompt.
 *
 * The template's own text may contain special tokens (`<|eot_id|>`) and is tokenized as such; message
 * contents are kept as plain text, so a student who types `<|eot_id|>` cannot end a turn.
 */
export class JinjaChatTemplate {
    private readonly template: Template;

    /** Throws a KotaeError naming `source` when the template does not parse. */
    public constructor(public readonly source: string, private readonly specialTokens: SpecialTokenTexts = {}) {
        try {
            this.template = new Template(source);
        } catch (error) {
            throw new KotaeError(ErrorCode.ChatTemplateInvalid, `The chat template does not parse: ${errorMessage(error)}`, {cause: error});
        }
    }

    /** The conversation as one string, exactly as Hugging Face would render it (for logs and golden tests). */
    public renderText(messages: readonly ChatMessage[]): string {
        return this.renderWith(messages);
    }

    /** The conversation as a prompt whose message contents are plain text and whose template text is special. */
    public render(messages: readonly ChatMessage[]): Prompt {
        const rendered = this.renderWith(messages);
        // A second rendering with a marker per message shows which parts of the text are the template's own.
        const marker = (index: number): string => `\u0000kotae-message-${index}\u0000`;
        const skeleton = this.renderWith(messages.map((message, index) => ({...message, content: marker(index)})));
        const pieces = skeleton.split(/\u0000kotae-message-(\d+)\u0000/);

        const segments: PromptSegment[] = [];
        const special = (text: string): void => {
            if (text !== "") segments.push({kind: "special", text});
        };
        let position = 0;
        const first = pieces[0] ?? "";
        if (!rendered.startsWith(first))
            throw untrackable();
        special(first);
        position = first.length;

        for (let index = 1; index < pieces.length; index += 2) {
            const content = messages[Number(pieces[index])]?.content ?? "";
            const literal = pieces[index + 1] ?? "";
            const isLast = index + 2 >= pieces.length;
            // Templates may trim a message (Llama 3's `| trim`); whichever form is followed by the template's
            // next literal text is the one it wrote. Content is never searched for, so it cannot fake a boundary.
            const written = [content, content.trim(), content.trimEnd(), content.trimStart()].find((candidate) =>
                rendered.startsWith(candidate + literal, position) && (!isLast || position + candidate.length + literal.length === rendered.length));
            if (written == null)
                throw untrackable();
            if (written !== "") segments.push({kind: "text", text: written});
            special(literal);
            position += written.length + literal.length;
        }
        if (position !== rendered.length)
            throw untrackable();
        return new Prompt(segments);
    }

    private renderWith(messages: readonly ChatMessage[]): string {
        try {
            return this.template.render({
                messages: messages.map((message) => ({role: message.role, content: message.content})),
                add_generation_prompt: true,
                ...this.specialTokens
            });
        } catch (error) {
            throw new KotaeError(ErrorCode.ChatTemplateInvalid, `The chat template failed to render: ${errorMessage(error)}`, {cause: error});
        }
    }
}

function untrackable(): KotaeError {
    return new KotaeError(ErrorCode.ChatTemplateInvalid,
        "The chat template rewrites message contents beyond trimming, so Kotae cannot keep them apart from the template's special tokens");
}

function errorMessage(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}
