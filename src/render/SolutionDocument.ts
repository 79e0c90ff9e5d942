import {splitTranscript, type TranscriptPart, type TranscriptTags} from "../profiles/splitTranscript.js";

/** A run of a line: plain text (maybe bold) or inline TeX. */
export type Inline =
    | {readonly kind: "text", readonly text: string, readonly bold: boolean}
    | {readonly kind: "math", readonly tex: string};

export type Block =
    /** One line of the solution as the model wrote it (its line breaks are kept): body text, a heading or a list item. */
    | {readonly kind: "line", readonly inlines: readonly Inline[], readonly heading: boolean, readonly marker?: string}
    | {readonly kind: "displayMath", readonly tex: string}
    /** What a code block printed (the code itself is not shown). */
    | {readonly kind: "codeOutput", readonly text: string}
    /** A blank line: paragraph spacing. */
    | {readonly kind: "gap"};

/** A solution as text, with the tags of its profile's code blocks when it used Python. */
export type SolutionSource = {
    readonly text: string,
    readonly tools?: TranscriptTags
};

const displayEnvironments = ["align", "align*", "aligned", "equation", "equation*", "gather", "gather*", "multline", "multline*", "eqnarray", "eqnarray*", "alignat", "alignat*", "flalign", "flalign*"];

/** Parses a solution into blocks for layout: display math, lines with inline math, code outputs. */
export function parseSolution(source: SolutionSource): Block[] {
    const blocks: Block[] = [];
    for (const part of proseAndOutputs(source))
        if (part.kind === "output")
            blocks.push({kind: "codeOutput", text: part.text.replace(/^\n+|\n+$/g, "")});
        else
            parseProse(part.text, blocks);
    // No gaps at either end, and never two in a row.
    return blocks.filter((block, index) => block.kind !== "gap"
        || (index > 0 && index < blocks.length - 1 && blocks[index - 1]?.kind !== "gap"));
}

/**
 * The text that goes with the image: the solution as written, LaTeX left as it is, code removed and
 * each code output kept as a fenced block.
 */
export function textAlternative(source: SolutionSource): string {
    return proseAndOutputs(source)
        .map((part) => part.kind === "output" ? `\n\`\`\`\n${part.text.replace(/^\n+|\n+$/g, "")}\n\`\`\`\n` : part.text)
        .join("")
        .replace(/\n{3,}/g, "\n\n")
        .trim();
}

/** Prose and code outputs, in order; the code itself is not shown. */
function proseAndOutputs({text, tools}: SolutionSource): TranscriptPart[] {
    return tools == null ? [{kind: "prose", text}] : splitTranscript(text, tools).filter((part) => part.kind !== "code");
}

function parseProse(text: string, blocks: Block[]): void {
    let rest = text;
    while (rest !== "") {
        const display = findDisplayMath(rest);
        if (display == null) {
            parseLines(rest, blocks);
            return;
        }
        parseLines(rest.slice(0, display.start), blocks);
        if (display.tex.trim() !== "")
            blocks.push({kind: "displayMath", tex: display.tex.trim()});
        rest = rest.slice(display.end);
    }
}

/** The first display formula: $$…$$, \[…\], or an align-like environment (kept whole, MathJax typesets it). */
function findDisplayMath(text: string): {start: number, end: number, tex: string} | undefined {
    const candidates: {start: number, end: number, tex: string}[] = [];
    const dollars = /\$\$([\s\S]+?)\$\$/.exec(text);
    if (dollars != null)
        candidates.push({start: dollars.index, end: dollars.index + dollars[0].length, tex: dollars[1] ?? ""});
    const brackets = /\\\[([\s\S]+?)\\\]/.exec(text);
    if (brackets != null)
        candidates.push({start: brackets.index, end: brackets.index + brackets[0].length, tex: brackets[1] ?? ""});
    const environment = /\\begin\{([a-z]+\*?)\}/.exec(text);
    if (environment != null && displayEnvironments.includes(environment[1] ?? "")) {
        const closing = `\\end{${environment[1]}}`;
        const end = text.indexOf(closing, environment.index);
        if (end >= 0)
            candidates.push({start: environment.index, end: end + closing.length, tex: text.slice(environment.index, end + closing.length)});
    }
    return candidates.sort((a, b) => a.start - b.start)[0];
}

function parseLines(text: string, blocks: Block[]): void {
    for (const rawLine of text.split("\n")) {
        const line = rawLine.trim();
        if (line === "" || /^([-*_])\1{2,}$/.test(line)) { // blank lines and markdown rules separate paragraphs
            blocks.push({kind: "gap"});
            continue;
        }
        const heading = /^#{1,6}\s+(.*)$/.exec(line);
        const item = /^(?:([-*+・•])|(\d{1,3}[.)．]))\s*(.*)$/.exec(line);
        if (heading != null)
            blocks.push({kind: "line", inlines: parseInlines(heading[1] ?? ""), heading: true});
        else if (item != null && (item[1] != null ? /^[-*+]\s/.test(line) || /^[・•]/.test(line) : /^\d{1,3}[.)．]\s/.test(line)))
            blocks.push({kind: "line", inlines: parseInlines(item[3] ?? ""), heading: false, marker: item[1] != null ? "•" : item[2] ?? ""});
        else
            blocks.push({kind: "line", inlines: parseInlines(line), heading: false});
    }
}

/** Text with $…$ or \(…\) math, bare \boxed{…} (models often write the answer outside math), and **bold**. */
export function parseInlines(text: string): Inline[] {
    const inlines: Inline[] = [];
    let bold = false;
    let plain = "";
    const flush = (): void => {
        if (plain !== "") inlines.push({kind: "text", text: plain, bold});
        plain = "";
    };
    for (let index = 0; index < text.length;) {
        const rest = text.slice(index);
        if (rest.startsWith("\\$")) {
            plain += "$";
            index += 2;
            continue;
        }
        const math = /^\$([^$]+?)\$/.exec(rest) ?? /^\\\(([\s\S]+?)\\\)/.exec(rest);
        if (math != null) {
            flush();
            inlines.push({kind: "math", tex: (math[1] ?? "").trim()});
            index += math[0].length;
            continue;
        }
        if (rest.startsWith("\\boxed{")) {
            const end = closingBrace(text, index + "\\boxed".length);
            if (end > 0) {
                flush();
                inlines.push({kind: "math", tex: text.slice(index, end + 1)});
                index = end + 1;
                continue;
            }
        }
        if (rest.startsWith("**")) {
            flush();
            bold = !bold;
            index += 2;
            continue;
        }
        plain += text[index];
        index++;
    }
    flush();
    return inlines;
}

/** Index of the brace that closes the one at `open`, or -1. */
function closingBrace(text: string, open: number): number {
    let depth = 0;
    for (let index = open; index < text.length; index++) {
        const character = text[index];
        if (character === "\\") index++;
        else if (character === "{") depth++;
        else if (character === "}" && --depth === 0) return index;
    }
    return -1;
}
