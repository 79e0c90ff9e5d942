import type {ToolTags} from "./ModelProfile.js";

export type TranscriptTags = Pick<ToolTags, "codeOpen" | "codeClose" | "outputOpen" | "outputClose" | "executionsNotice">;

/** A piece of a tool-using solution: what the model wrote, a code block it wrote, or what a block printed. */
export type TranscriptPart = {readonly kind: "prose" | "code" | "output", readonly text: string};

/**
 * Splits a tool-using solution at its profile's tags, in order, tags removed. An output counts only right
 * after a code block (as the TIR loop appends it); one left unclosed runs to the end. A code block left
 * unclosed at the end (cut off by the token limit) is dropped, as it never ran. A remaining-executions
 * notice after an output (the pipeline's words to the model, not the model's) is left out. No part is empty prose.
 */
export function splitTranscript(text: string, tags: TranscriptTags): TranscriptPart[] {
    const parts: TranscriptPart[] = [];
    const prose = (from: number, to?: number): void => {
        if (to !== from && from < text.length) parts.push({kind: "prose", text: text.slice(from, to)});
    };
    let position = 0;
    for (;;) {
        const opened = text.indexOf(tags.codeOpen, position);
        if (opened < 0) {
            prose(position);
            return parts;
        }
        prose(position, opened);
        const codeStart = opened + tags.codeOpen.length;
        const closed = text.indexOf(tags.codeClose, codeStart);
        if (closed < 0)
            return parts;
        parts.push({kind: "code", text: text.slice(codeStart, closed)});
        position = closed + tags.codeClose.length;
        if (text.startsWith(tags.outputOpen, position)) {
            const outputStart = position + tags.outputOpen.length;
            const outputEnd = text.indexOf(tags.outputClose, outputStart);
            parts.push({kind: "output", text: text.slice(outputStart, outputEnd < 0 ? text.length : outputEnd)});
            position = outputEnd < 0 ? text.length : outputEnd + tags.outputClose.length;
            position = afterNotice(text, position, tags);
        }
    }
}

/** The position after an executions notice that starts at `position`, or `position` when none does. */
function afterNotice(text: string, position: number, tags: TranscriptTags): number {
    const notice = tags.executionsNotice;
    if (notice == null)
        return position;
    if (text.startsWith(notice.exhausted, position))
        return position + notice.exhausted.length;
    const [before = "", after = ""] = notice.remaining.split("{remaining}");
    const count = /^\d+/.exec(text.slice(position + before.length))?.[0];
    return text.startsWith(before, position) && count != null && text.startsWith(after, position + before.length + count.length)
        ? position + before.length + count.length + after.length
        : position;
}
