import fs from "node:fs";
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";
import {answersEqual} from "../../src/answers/answersEqual.js";

type CorpusEntry = {readonly expected: string, readonly given: string, readonly equal: boolean, readonly why: string};

const corpus = JSON.parse(fs.readFileSync(fileURLToPath(new URL("./answerEquivalenceCorpus.json", import.meta.url)), "utf8")) as CorpusEntry[];

/** Every pair the checker gets wrong (either way round), so one run reports all of them. */
function failures(entries: readonly CorpusEntry[]): string[] {
    return entries.flatMap((entry) => [[entry.expected, entry.given], [entry.given, entry.expected]].flatMap(([expected = "", given = ""]) =>
        answersEqual(expected, given) === entry.equal ? [] : [`${JSON.stringify(expected)} vs ${JSON.stringify(given)}: expected ${entry.equal ? "equal" : "different"} (${entry.why})`]));
}

describe("answer equivalence corpus", () => {
    it("has at least 300 reasoned pairs, both equal and different", () => {
        expect(corpus.length).toBeGreaterThanOrEqual(300);
        expect(corpus.filter((entry) => !entry.equal).length).toBeGreaterThanOrEqual(80);
        expect(corpus.every((entry) => entry.why.trim() !== "")).toBe(true);
    });

    it("gets every pair right, both ways round", () => {
        expect(failures(corpus)).toEqual([]);
    });
});

describe("MGSM answers against formula notations", () => {
    const answers = fs.readFileSync(fileURLToPath(new URL("../../../shared/data/mgsm_ja.tsv", import.meta.url)), "utf8")
        .split("\n").filter((line) => line.trim() !== "")
        .map((line) => (line.split("\t").at(-1)?.trim() ?? "").replace(/,/g, ""));

    it("equals each answer written as a fraction, a sum, scientific notation, a set and with a kanji counter", () => {
        const entries = answers.flatMap((answer): CorpusEntry[] => {
            const value = Number(answer);
            return [
                {expected: answer, given: `\\frac{${value * 4}}{4}`, equal: true, why: "an unreduced \\frac"},
                {expected: answer, given: `${value * 3}/3`, equal: true, why: "a slash fraction with a long numerator"},
                {expected: answer, given: `(${value - 1})+1`, equal: true, why: "a sum"},
                {expected: answer, given: `${value}\\text{ 個}`, equal: true, why: "a counter in \\text"},
                {expected: answer, given: `\\{${value}\\}`, equal: true, why: "a one-element set"},
                {expected: answer, given: `x=${value}`, equal: true, why: "an assignment"},
                {expected: answer, given: `${value / 10}\\times10^{1}`, equal: true, why: "scientific notation"},
                {expected: answer, given: `${value + 1}`, equal: false, why: "off by one"},
                {expected: answer, given: `\\frac{${value}}{2}`, equal: value === 0, why: "half of it"},
                {expected: answer, given: `${value}x`, equal: false, why: "a variable after it"}
            ];
        });
        expect(entries).toHaveLength(2500);
        expect(failures(entries)).toEqual([]);
    });
});
