import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";

const seeds = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../shared/seeds");

/** The model cards in ../shared/seeds, as captured (see its README for which is which). */
export const modelCards = {
    acroCot: "000_029cc20501ed9b3d.txt",
    swallow: "001_19af56090b29c512.txt",
    sansu: "002_e665da332fd679dc.txt"
} as const;

export function readModelCard(file: string): string {
    return fs.readFileSync(path.join(seeds, file), "utf8");
}

/**
 * The value of a Python string assignment in a card's example code (`NAME = """…"""`, `NAME = "…"` or
 * `NAME = ("…" "…")`), with Python's escapes applied: `\\` is one backslash, `\n` a newline.
 */
export function pythonStringAssignment(card: string, name: string): string {
    const start = card.search(new RegExp(`^${name} = `, "m"));
    if (start < 0)
        throw new Error(`no assignment to ${name} in the card`);
    const rest = card.slice(start + name.length + 3);

    const tripleQuoted = /^"""([\s\S]*?)"""/.exec(rest);
    if (tripleQuoted != null)
        return unescapePython(tripleQuoted[1] ?? "");

    const single = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
    if (single != null)
        return unescapePython(single[1] ?? "");

    const parenthesized = /^\(([\s\S]*?)\n\)/.exec(rest);
    if (parenthesized == null)
        throw new Error(`${name} is neither a triple-quoted string nor parenthesized literals`);
    const literals = [...(parenthesized[1] ?? "").matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => unescapePython(match[1] ?? ""));
    return literals.join("");
}

/** The keyword arguments of the card's `model.generate(...)` call, e.g. {max_new_tokens: 2048, temperature: 0.7}. */
export function generateArguments(card: string): Record<string, number> {
    const call = /model\.generate\(([^)]*)\)/.exec(card)?.[1];
    if (call == null)
        throw new Error("no model.generate(...) call in the card");
    return Object.fromEntries([...call.matchAll(/(\w+)=([\d.]+)/g)].map((match) => [match[1] ?? "", Number(match[2])]));
}

/** The text between two markers of a card (the first occurrence of each, after the first). */
export function between(card: string, from: string, to: string): string {
    const start = card.indexOf(from);
    const end = card.indexOf(to, start + from.length);
    if (start < 0 || end < 0)
        throw new Error(`markers ${JSON.stringify(from)} … ${JSON.stringify(to)} not found in the card`);
    return card.slice(start + from.length, end);
}

function unescapePython(literal: string): string {
    return literal.replace(/\\(["'\\n])/g, (_escape, char: string) => char === "n" ? "\n" : char);
}

/** The acro CoT card's example prompt: its instruction line, its example problem, and the whole prompt around them. */
export function acroCardPrompt(): {readonly prompt: string, readonly instruction: string, readonly problem: string} {
    const prompt = pythonStringAssignment(readModelCard(modelCards.acroCot), "prompt");
    const instruction = prompt.slice(0, prompt.indexOf("\n### 指示:\n"));
    const problem = between(prompt, "### 指示:\n", "\n### 応答:");
    return {prompt, instruction, problem};
}

/** The acro card's prompt as it reads for another problem (and, for a style, another instruction line). */
export function acroCardPromptFor(problem: string, instruction = acroCardPrompt().instruction): string {
    const card = acroCardPrompt();
    return instruction + card.prompt.slice(card.instruction.length).replace(`\n${card.problem}\n`, () => `\n${problem}\n`);
}

/** The acro card's request for a \boxed{} answer: the last clause of its instruction line. */
export function acroBoxedRequest(): string {
    const {instruction} = acroCardPrompt();
    return instruction.slice(instruction.lastIndexOf("、") + 1);
}

/** The sansu card's system prompt (its Python literals joined). */
export function sansuCardSystem(): string {
    return pythonStringAssignment(readModelCard(modelCards.sansu), "system");
}

/** One more turn in the acro card's layout (what a follow-up question adds): the card's prompt after its instruction line. */
export function acroCardTurn(problem: string): string {
    return acroCardPromptFor(problem, "");
}
