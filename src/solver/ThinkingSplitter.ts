import type {ThinkingTags} from "../profiles/ModelProfile.js";

export type SplitDelta = {readonly thinking: string, readonly shown: string};

/**
 * Separates a model's `<think>…</think>` reasoning from the solution shown to the user, as text streams
 * in. A tag split across chunks is held back until it is complete, so no half tag ever reaches a user.
 */
export class ThinkingSplitter {
    private inside: boolean;
    private closed = false;
    private pending = "";
    private thinkingText = "";
    private shownText = "";

    public constructor(private readonly tags: ThinkingTags | undefined) {
        this.inside = tags?.startsInside ?? false;
    }

    public get thinking(): string {
        return this.thinkingText;
    }

    public get shown(): string {
        return this.shownText;
    }

    /** Whether a thinking block was opened and has not been closed (e.g. generation was cut off inside it). */
    public get thinkingUnfinished(): boolean {
        return this.inside;
    }

    public get thinkingFinished(): boolean {
        return this.closed;
    }

    public push(chunk: string): SplitDelta {
        if (this.tags == null)
            return this.emit("", chunk);

        let text = this.pending + chunk;
        this.pending = "";
        let thinking = "";
        let shown = "";

        while (text !== "") {
            // Only the first block counts as thinking: later tags are ordinary text.
            const tag = this.inside ? this.tags.close : this.closed ? undefined : this.tags.open;
            const index = tag != null ? text.indexOf(tag) : -1;

            if (tag != null && index >= 0) {
                if (this.inside) thinking += text.slice(0, index);
                else shown += text.slice(0, index);
                text = text.slice(index + tag.length);
                this.closed ||= this.inside;
                this.inside = !this.inside;
                continue;
            }

            const held = tag != null ? partialSuffixLength(text, tag) : 0;
            const ready = text.slice(0, text.length - held);
            if (this.inside) thinking += ready;
            else shown += ready;
            this.pending = text.slice(text.length - held);
            text = "";
        }

        return this.emit(thinking, shown);
    }

    /** Releases text held back as a possible partial tag at the end of generation. */
    public finish(): SplitDelta {
        const rest = this.pending;
        this.pending = "";
        return this.inside ? this.emit(rest, "") : this.emit("", rest);
    }

    private emit(thinking: string, shown: string): SplitDelta {
        // Leading whitespace right after </think> is layout, not solution text.
        if (this.shownText === "")
            shown = shown.replace(/^\s+/, "");

        this.thinkingText += thinking;
        this.shownText += shown;
        return {thinking, shown};
    }
}

/** The length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialSuffixLength(text: string, tag: string): number {
    for (let length = Math.min(tag.length - 1, text.length); length > 0; length--) {
        if (text.endsWith(tag.slice(0, length)))
            return length;
    }
    return 0;
}
