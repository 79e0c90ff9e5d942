import fs from "node:fs";
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";
import {answersEqual} from "../../src/answers/answersEqual.js";
import {extractAnswer} from "../../src/answers/extractAnswer.js";
import {parseJapaneseNumber} from "../../src/answers/japaneseNumerals.js";
import {normalizeAnswer} from "../../src/answers/normalizeAnswer.js";

describe("answersEqual", () => {
    const equal: Array<[string, string]> = [
        // counters, units and currency
        ["18", "18ドル"], ["18", "$18"], ["18", "$18.00"], ["5", "5台"], ["12", "12個"], ["300", "300円"],
        ["15", "15cm"], ["15", "15 cm"], ["80000", "8万ドル"], ["80000", "8万"], ["12000", "1万2000"],
        ["25000", "2.5万"], ["3", "3人"], ["45", "45分"], ["2", "2時間"], ["60", "時速60km"], ["7", "7 dollars"],
        ["540", "540メートル"], ["20", "20 cups"], ["100", "100%"], ["1500000000", "15億"],
        // full-width and NFKC
        ["18", "１８"], ["120", "１２０個"], ["2125", "２，１２５"], ["-3", "−3"], ["0.5", "０．５"],
        // thousands separators (MGSM writes four answers this way)
        ["2125", "2,125"], ["114200", "114,200"], ["276000", "276,000円"], ["5600", "5,600"], ["1000000", "1,000,000"],
        // kanji numerals
        ["18", "十八"], ["3250", "三千二百五十"], ["2024", "二〇二四"], ["100", "百"], ["10000", "一万"],
        ["123456789", "一億二千三百四十五万六千七百八十九"], ["20", "二十個"],
        // LaTeX
        ["5", "\\text{5}"], ["5", "5\\text{ 個}"], ["\\frac{1}{2}", "\\dfrac{1}{2}"], ["\\frac{1}{2}", "\\tfrac12"],
        ["1/2", "\\frac{1}{2}"], ["-\\frac{3}{4}", "-0.75"], ["\\frac{-3}{4}", "-3/4"], ["2^{10}", "1024"],
        ["1000", "1\\,000"], ["90", "90^\\circ"], ["90", "90°"], ["\\$18", "18"], ["\\left(3\\right)", "3"],
        ["\\frac{\\sqrt{2}}{2}", "\\frac{1}{\\sqrt{2}}"], ["2\\sqrt{3}", "\\sqrt{12}"], ["3\\pi", "3π"],
        // fractions, decimals, percentages
        ["0.5", "1/2"], ["0.25", "25%"], ["25", "25%"], ["25", "25パーセント"], ["1/3", "0.333"], ["1/3", "0.33"],
        ["\\pi", "3.14"], ["3分の1", "1/3"], ["2と1/2", "2.5"], ["2\\frac{1}{2}", "5/2"], ["12.50", "12.5"],
        // phrases
        ["18", "答えは18個です。"], ["18", "答え：18"], ["7", "x = 7"], ["42", "The answer is 42."], ["9", "約9"],
        // tuples and sets
        ["(1, 2)", "(1,2)"], ["\\{1, 2\\}", "\\{2, 1\\}"], ["1, 2", "2, 1"], ["x=2, x=3", "3, 2"], ["2と3", "3, 2"],
        ["(1/2, 3)", "(0.5, 3)"], ["[1, 2]", "[1,2]"],
        // words
        ["Yes", "yes"], ["はい", "はい"]
    ];
    it.each(equal)("%s = %s", (expected, given) => {
        expect(answersEqual(expected, given)).toBe(true);
        expect(answersEqual(given, expected)).toBe(true);
    });

    const different: Array<[string, string]> = [
        ["18", "19"], ["1/3", "0.3"], ["0.33", "0.3333"], ["1.25", "1.2549"], ["(1, 2)", "(2, 1)"],
        ["1, 2", "1, 2, 3"], ["\\sqrt{2}", "1.4"], ["80000", "8000"], ["1,2", "12"], ["-5", "5"], ["3", "三十"],
        ["10", "十分に"], ["25%", "0.26"], ["はい", "いいえ"], ["2", ""], ["5", "5x"]
    ];
    it.each(different)("%s ≠ %s", (expected, given) => {
        expect(answersEqual(expected, given)).toBe(false);
        expect(answersEqual(given, expected)).toBe(false);
    });
});

describe("answersEqual: the checker's known failures, fixed", () => {
    it.each([
        ["13/2", "6.5"], ["\\frac{12}{7}", "12/7"], ["4\\frac{1}{3}", "13/3"], ["1と3分の1", "4/3"],
        ["\\dfrac{5}{6}\\text{カップ}", "5/6"], ["六カップ", "6"], ["5試合", "5"], ["3周", "3"], ["３つ", "3"],
        ["(x+2)(x+3)", "(x+3)(x+2)"], ["y=2x+1", "y=1+2x"], ["x>3", "3<x"], ["x^2-1", "(x-1)(x+1)"],
        ["\\log_2 8", "3"], ["a+b", "b+a"]
    ])("%s = %s", (expected, given) => {
        expect(answersEqual(expected, given)).toBe(true);
        expect(answersEqual(given, expected)).toBe(true);
    });

    it("does not read 10/3 as the mixed number 1 0/3", () => expect(answersEqual("10/3", "1")).toBe(false));

    it("keeps 1と3分の1 one answer, not the list 1, 1/3", () => {
        expect(normalizeAnswer("1と3分の1").value.kind).toBe("number");
        expect(answersEqual("1, 1/3", "1と3分の1")).toBe(false);
    });
});

describe("MGSM answers written in several forms", () => {
    const rows = fs.readFileSync(fileURLToPath(new URL("../../../shared/data/mgsm_ja.tsv", import.meta.url)), "utf8")
        .split("\n").filter((line) => line.trim() !== "")
        .map((line) => line.split("\t").at(-1)?.trim() ?? "");

    it("reads all 250 answers", () => expect(rows).toHaveLength(250));

    it.each(rows.map((answer, index) => [index + 1, answer]))("row %i: %s", (_row, answer) => {
        const plain = answer.replace(/,/g, "");
        const value = Number(plain);
        const forms = [
            answer, plain, `${plain}円`, `${plain} ドル`, `\\boxed{${plain}}`, `答えは${plain}個です。`,
            plain.replace(/[0-9]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) + 0xFEE0)),
            Number.isInteger(value) ? value.toLocaleString("en-US") : plain,
            `\\text{${plain}}`, `${plain}.0`
        ];
        for (const form of forms) {
            const given = extractAnswer(form)?.value ?? form;
            expect(answersEqual(answer, given), `${answer} vs ${form}`).toBe(true);
        }
        expect(answersEqual(answer, String(value + 1))).toBe(false);
    });
});

describe("normalizeAnswer", () => {
    it("gives one canonical key to equal exact answers", () => {
        const keys = ["\\frac{6}{4}", "1.5", "3/2", "1と1/2"].map((answer) => normalizeAnswer(answer).canonical);
        expect(new Set(keys)).toEqual(new Set(["3/2"]));
    });

    it("orders set members in the key but keeps tuple order", () => {
        expect(normalizeAnswer("\\{3, 1\\}").canonical).toBe("{1,3}");
        expect(normalizeAnswer("(3, 1)").canonical).toBe("(3,1)");
    });

    it("keeps text answers as compact lower-case text", () => {
        expect(normalizeAnswer(" \\text{Yes} ").value).toEqual({kind: "text", text: "yes"});
    });
});

describe("parseJapaneseNumber", () => {
    it.each([
        ["十", "10"], ["二十五", "25"], ["千二百", "1200"], ["一億", "100000000"], ["1万2000", "12000"],
        ["2.5万", "25000"], ["〇", "0"], ["三兆", "3000000000000"]
    ])("%s = %s", (text, value) => expect(parseJapaneseNumber(text)?.toString()).toBe(value));

    it.each(["", "十分", "abc", "1.2.3"])("rejects %j", (text) => expect(parseJapaneseNumber(text)).toBeUndefined());
});

describe("extractAnswer", () => {
    it("takes the last \\boxed{} with nested braces", () => {
        expect(extractAnswer("途中で \\boxed{1} とおくと… よって \\boxed{\\frac{1}{2}} です")).toEqual({value: "\\frac{1}{2}", method: "boxed"});
    });

    it("handles escaped braces inside the box", () => {
        expect(extractAnswer("\\boxed{\\{1, 2\\}}")?.value).toBe("\\{1, 2\\}");
    });

    it("treats an unclosed last box as a cut-off answer: none", () => {
        expect(extractAnswer("\\boxed{3} と思ったが、正しくは \\boxed{\\frac{5}{")).toBeUndefined();
    });

    it("ignores an empty box", () => expect(extractAnswer("\\boxed{ }")).toBeUndefined());

    it.each([
        ["よって、答えは 5050 です。", "5050"],
        ["計算すると…\n答え：18個", "18個"],
        ["答え: $\\frac{3}{4}$", "\\frac{3}{4}"],
        ["**答えは 42 です**", "42"],
        ["So the final answer is 7.", "7"],
        ["Answer: 12\n", "12"],
        ["答えは 3。いや、答えは 4。", "4"]
    ])("falls back to a phrase in %j", (text, expected) => {
        expect(extractAnswer(text)).toEqual({value: expected, method: "phrase"});
    });

    it("finds nothing in a solution without an answer", () => {
        expect(extractAnswer("まず両辺を 2 で割ります。")).toBeUndefined();
    });
});

describe("answersEqual on hostile input", () => {
    const started = (): () => number => {
        const start = performance.now();
        return () => performance.now() - start;
    };

    it.each([
        ["a very long answer", "1+".repeat(50_000) + "1"],
        ["deep nesting", "(".repeat(5000) + "x" + ")".repeat(5000)],
        ["a tower of exact powers", "((10^{64})^{64})^{64}"],
        ["a huge exponent", "2^{10^{10}}"],
        ["an exponent on a variable", "x^{99999999}"],
        ["many \\frac", "\\frac".repeat(300) + "{1}{2}"],
        ["unbalanced braces", "\\frac{1}{2"],
        ["a relation chain", "1<x<2<3<4"],
        ["a pasted solution", "まず両辺を2で割ります。".repeat(3000)],
        ["a long run of spaces", `1${" ".repeat(1990)}1`],
        ["a long run of spaces and newlines", `1${" \n\t".repeat(600)}です`],
        ["a long katakana unit", `1${"ア".repeat(1990)}`]
    ])("answers quickly and without throwing: %s", (_name, answer) => {
        const elapsed = started();
        expect(typeof answersEqual(answer, "1")).toBe("boolean");
        expect(typeof answersEqual(answer, answer)).toBe("boolean");
        expect(elapsed()).toBeLessThan(500);
    });

    it("never throws on random strings of answer characters", () => {
        const alphabet = ["x", "y", "e", "i", "1", "2", "0", ".", "+", "-", "*", "/", "^", "_", "(", ")", "{", "}", "[", "]", "\\frac", "\\sqrt",
            "\\log", "\\sin", "\\pi", "\\infty", "=", "<", "\\le", ",", ":", "と", "分の", "\\pm", "%", "個", "万", " ", "\\{", "\\}"];
        let seed = 1;
        const random = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
        for (let sample = 0; sample < 3000; sample++) {
            const text = Array.from({length: 1 + Math.floor(random() * 12)}, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
            expect(() => answersEqual(text, "x+1")).not.toThrow();
            expect(() => answersEqual("1/2", text)).not.toThrow();
        }
    });
});
