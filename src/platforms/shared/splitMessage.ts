/** Spans a message must never be cut inside: code fences and every form of TeX math. */
const protectedSpans = /```[\s\S]*?```|\$\$[\s\S]*?\$\$|\\\[[\s\S]*?\\\]|\\begin\{([a-z]+\*?)\}[\s\S]*?\\end\{\1\}|\$[^$\n]+\$|\\\([\s\S]*?\\\)/g;

/** Where a part may end, best first: a paragraph, a line, a Japanese sentence, a space. */
const breakPreferences = [/\n\n/g, /\n/g, /[。．！？]/g, /[、，]/g, / /g];

/**
 * Splits a message into parts of at most `limit` characters (Discord: 2000 per message, 4096 per embed;
 * Slack: 3000 per section) at the cleanest place: between paragraphs, then lines, then sentences, never
 * inside a formula or a code block unless that one span alone is longer than a whole part.
 */
export function splitMessage(text: string, limit: number): string[] {
    if (limit < 16)
        throw new RangeError("A message part must allow at least 16 characters");
    const parts: string[] = [];
    let rest = text.trim();
    while ([...rest].length > limit) {
        const cut = cutPosition(rest, limit);
        parts.push(rest.slice(0, cut).trimEnd());
        rest = rest.slice(cut).trimStart();
    }
    if (rest !== "")
        parts.push(rest);
    return parts;
}

function cutPosition(text: string, limit: number): number {
    const window = codeUnitsFor(text, limit);
    const spans = [...text.matchAll(protectedSpans)].map((match) => ({start: match.index, end: match.index + match[0].length}));
    const inside = (position: number): boolean => spans.some((span) => position > span.start && position < span.end);
    for (const preference of breakPreferences) {
        let best = -1;
        for (const match of text.slice(0, window).matchAll(preference)) {
            const after = match.index + match[0].length;
            if (after > window / 4 && !inside(after)) best = after;
        }
        if (best > 0) return best;
    }
    // No clean place: cut before the span that crosses the limit, or, for one enormous span, at the limit.
    const crossing = spans.find((span) => span.start < window && span.end > window);
    return crossing != null && crossing.start > 0 ? crossing.start : window;
}

/** How many UTF-16 code units hold the first `characters` characters (never half a surrogate pair). */
function codeUnitsFor(text: string, characters: number): number {
    let units = 0;
    let count = 0;
    for (const character of text) {
        if (count === characters) break;
        units += character.length;
        count++;
    }
    return units;
}
