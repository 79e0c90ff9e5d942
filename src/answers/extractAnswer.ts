export type ExtractedAnswer = {
    readonly value: string,
    /** `boxed` for the last \boxed{}, `phrase` for a 「答えは…」-style fallback. */
    readonly method: "boxed" | "phrase"
};

const boxedCommand = /\\(?:boxed|fbox)\s*\{/g;

/**
 * The final answer of a solution: the content of the last `\boxed{…}` (nested braces allowed).
 * If that last box was never closed, the output was cut off and there is no answer. Without any box,
 * the last 「答えは…」「答え：…」 or "Answer: …" phrase is used.
 */
export function extractAnswer(solution: string): ExtractedAnswer | undefined {
    const starts = [...solution.matchAll(boxedCommand)].map((match) => match.index + match[0].length);
    const lastStart = starts.at(-1);
    if (lastStart != null) {
        const content = readBalanced(solution, lastStart);
        return content != null && content.trim() !== "" ? {value: content.trim(), method: "boxed"} : undefined;
    }

    const phrase = lastPhraseAnswer(solution);
    return phrase != null ? {value: phrase, method: "phrase"} : undefined;
}

/** Text from `start` up to the brace that closes the one just before it; undefined if it never closes. */
function readBalanced(text: string, start: number): string | undefined {
    let depth = 1;
    for (let index = start; index < text.length; index++) {
        const char = text[index];
        if (char === "\\") {
            index++; // \{ and \} are literal braces
            continue;
        }
        if (char === "{")
            depth++;
        else if (char === "}" && --depth === 0)
            return text.slice(start, index);
    }
    return undefined;
}

const answerPhrases = [
    /(?:最終的な)?答え(?:は|[:：])\s*(.+?)\s*(?:です|である|となります|になります|だ)?\s*(?:[。\n]|$)/g,
    /(?:(?:the\s+)?final\s+answer\s*(?:is|[:：])?|the\s+answer\s+is|answer\s*[:：])\s*(.+?)\s*(?:\.(?:\s|$)|\n|$)/gi
];

function lastPhraseAnswer(solution: string): string | undefined {
    const text = solution.replace(/\*\*/g, ""); // Markdown bold around the answer line
    let best: {index: number, value: string} | undefined;
    for (const pattern of answerPhrases) {
        for (const match of text.matchAll(pattern)) {
            const value = match[1]?.replace(/^\$|\$$/g, "").trim();
            if (value != null && value !== "" && (best == null || match.index > best.index))
                best = {index: match.index, value};
        }
    }
    return best?.value;
}
