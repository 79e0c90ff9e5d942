/**
 * A prompt as the model sees it: plain text (never parsed for special tokens, so user text cannot
 * inject `<|im_start|>` and the like), special-token text from a chat template, and named special tokens.
 */
export type PromptSegment =
    | {readonly kind: "text", readonly text: string}
    | {readonly kind: "special", readonly text: string}
    | {readonly kind: "token", readonly name: "BOS" | "EOS" | "NL" | "EOT" | "SEP"};

export class Prompt {
    public readonly segments: readonly PromptSegment[];

    public constructor(segments: readonly PromptSegment[]) {
        this.segments = segments;
    }

    public static text(text: string): Prompt {
        return new Prompt([{kind: "text", text}]);
    }

    /** This prompt followed by plain text (e.g. a partial solution to continue from). */
    public append(text: string): Prompt {
        return text === "" ? this : new Prompt([...this.segments, {kind: "text", text}]);
    }

    /** The prompt as one string, with named tokens written as given (e.g. `{BOS: "<s>"}`), for logs and golden tests. */
    public toText(tokenTexts: Partial<Record<string, string>> = {}): string {
        return this.segments
            .map((segment) => segment.kind === "token" ? (tokenTexts[segment.name] ?? "") : segment.text)
            .join("");
    }
}
