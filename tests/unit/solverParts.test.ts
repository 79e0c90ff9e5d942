import {describe, expect, it} from "vitest";
import {RepetitionDetector} from "../../src/solver/RepetitionDetector.js";
import {ThinkingSplitter} from "../../src/solver/ThinkingSplitter.js";

const tags = {open: "<think>", close: "</think>", startsInside: false};

function splitInChunks(text: string, size: number, splitter = new ThinkingSplitter(tags)) {
    const deltas = [];
    for (let index = 0; index < text.length; index += size)
        deltas.push(splitter.push(text.slice(index, index + size)));
    deltas.push(splitter.finish());
    return {splitter, deltas};
}

describe("ThinkingSplitter", () => {
    const output = "<think>\n1+2+…+100 を考える。\n</think>\n\n和は 5050 です。\\boxed{5050}";

    it.each([1, 2, 3, 5, 8, 1000])("separates thinking from the solution with chunks of %i characters", (size) => {
        const {splitter, deltas} = splitInChunks(output, size);
        expect(splitter.thinking).toBe("\n1+2+…+100 を考える。\n");
        expect(splitter.shown).toBe("和は 5050 です。\\boxed{5050}");
        expect(splitter.thinkingFinished).toBe(true);
        expect(deltas.map((delta) => delta.shown).join("")).toBe(splitter.shown);
        expect(deltas.some((delta) => delta.shown.includes("<") && delta.shown.includes("think"))).toBe(false);
    });

    it("starts inside the thinking block when the prompt opened it", () => {
        const splitter = new ThinkingSplitter({...tags, startsInside: true});
        splitter.push("考え中…</think>答えは 3");
        expect(splitter.thinking).toBe("考え中…");
        expect(splitter.shown).toBe("答えは 3");
    });

    it("reports a thinking block cut off by the token limit", () => {
        const {splitter} = splitInChunks("<think>ずっと考えて", 4);
        expect(splitter.thinkingUnfinished).toBe(true);
        expect(splitter.thinkingFinished).toBe(false);
        expect(splitter.shown).toBe("");
    });

    it("treats later think tags as ordinary text", () => {
        const {splitter} = splitInChunks("<think>a</think>b<think>c</think>", 3);
        expect(splitter.shown).toBe("b<think>c</think>");
    });

    it("passes everything through for a profile without thinking tags", () => {
        const {splitter} = splitInChunks("<think>x</think>y", 2, new ThinkingSplitter(undefined));
        expect(splitter.shown).toBe("<think>x</think>y");
    });

    it("releases a held-back partial tag at the end", () => {
        const {splitter} = splitInChunks("答えは 1 </thi", 3);
        expect(splitter.shown).toBe("答えは 1 </thi");
    });
});

describe("RepetitionDetector", () => {
    function feed(detector: RepetitionDetector, text: string, chunk = 7): number | undefined {
        for (let index = 0; index < text.length; index += chunk) {
            if (detector.push(text.slice(index, index + chunk)))
                return index + chunk;
        }
        return undefined;
    }

    // By default a loop counts once the repeats cover 240 characters, and is noticed within a check (32 characters) or two.
    const minRepeatedChars = 240;

    it("trips on a repeated sentence", () => {
        const start = "まず整理します。";
        const trippedAt = feed(new RepetitionDetector(), start + "したがって、答えは 5 になります。".repeat(40));
        expect(trippedAt).toBeGreaterThan(minRepeatedChars);
        expect(trippedAt).toBeLessThan(400);
    });

    it("trips on a runaway single character", () => {
        const start = "1 = 0.";
        const trippedAt = feed(new RepetitionDetector(), start + "9".repeat(600));
        expect(trippedAt).toBeGreaterThan(minRepeatedChars);
        expect(trippedAt).toBeLessThan(400);
    });

    it("does not trip on a normal long solution", () => {
        const solution = Array.from({length: 60}, (_, step) => `ステップ${step + 1}: ${step} + ${step * 3} = ${step * 4} なので、次に ${step * 7} を考えます。`).join("\n");
        expect(feed(new RepetitionDetector(), solution)).toBeUndefined();
    });

    it("does not trip on a short legitimate repetition", () => {
        expect(feed(new RepetitionDetector(), "1 + 1 + 1 + 1 + 1 = 5。次に、" + "ab".repeat(20) + " を数えます。")).toBeUndefined();
    });
});
