import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {findFontFile, textFontFamily} from "../../src/render/FontMetrics.js";
import {Renderer} from "../../src/render/Renderer.js";
import {themes} from "../../src/render/RenderTheme.js";
import {decode, inkBox} from "../support/imageComparison.js";
import {assertFreshBuild} from "./freshBuild.js";
import {hasDarkSquare, longestInkRuns, pixelsOfColour} from "./rasterChecks.js";

beforeAll(() => assertFreshBuild("src/render/renderWorker.ts"));

describe("Japanese glyphs are really drawn", () => {
    const renderer = new Renderer();
    afterAll(() => renderer.close());

    it("has the Noto CJK font that the layout measures with", () => {
        expect(findFontFile(textFontFamily)).toMatchObject({file: expect.stringMatching(/NotoSansCJK/) as string});
    });

    // 一 is one horizontal stroke and 口 a hollow square: a hex box (missing font) or a blank fails both shapes.
    for (const [name, text] of [["body text", "一"], ["\\text{} in math", "$\\text{一}$"]] as const) {
        it(`draws 一 as a single flat stroke (${name})`, async () => {
            const raster = await decode((await renderer.render({kind: "solution", solution: {text}})).images[0]!.png);
            const ink = inkBox(raster) ?? {left: 0, top: 0, width: 0, height: 0, count: 0};
            expect(ink.width, "a stroke at the font size, not a dot or nothing").toBeGreaterThan(12);
            expect(ink.height / ink.width, "flat").toBeLessThan(0.2);
            expect(ink.count / (ink.width * ink.height), "one solid stroke fills its box; a hex box's outline does not").toBeGreaterThan(0.6);
        });
    }

    it("draws 口 as a hollow square", async () => {
        const raster = await decode((await renderer.render({kind: "solution", solution: {text: "口"}})).images[0]!.png);
        const ink = inkBox(raster)!;
        expect(ink.height / ink.width).toBeGreaterThan(0.8);
        expect(ink.height / ink.width).toBeLessThan(1.25);
        const center = inkBox(raster, {
            x: ink.left + Math.round(ink.width * 0.3), y: ink.top + Math.round(ink.height * 0.3),
            width: Math.round(ink.width * 0.4), height: Math.round(ink.height * 0.4)
        });
        expect(center).toBeUndefined();
    });
});

describe("hostile or broken TeX never breaks an image or hangs", () => {
    const logged: string[] = [];
    const renderer = new Renderer({log: (message) => logged.push(message)});
    beforeAll(() => renderer.warmUp());
    afterAll(() => renderer.close());

    // The MathJax error each formula is refused with (null: MathJax typesets it).
    const hostile: readonly [string, string, string | null][] = [
        ["unbalanced braces", "\\frac{1}{2", "MissingCloseBrace"],
        ["an unknown macro", "\\foo{x} + \\bar", "UndefinedControlSequence"],
        ["\\def recursion", "\\def\\a{\\a}\\a", "MaxMacroSub1"],
        ["exponential \\def", "\\def\\a{\\b\\b}\\def\\b{\\c\\c}\\def\\c{\\d\\d}\\def\\d{xx}\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a", null],
        ["\\newcommand recursion", "\\newcommand{\\x}{\\x}\\x", "MaxMacroSub1"],
        ["a huge \\rule", "\\rule{10000em}{10000em}", "TooLarge"],
        ["a huge \\hspace", "a\\hspace{50000em}b", "TooLarge"],
        ["deep nesting", `${"\\frac{1}{".repeat(300)}x${"}".repeat(300)}`, "TooLong"],
        ["deep braces", `${"{".repeat(3000)}x${"}".repeat(3000)}`, "TooLong"],
        ["thousands of characters", "x+".repeat(2500) + "1", "TooLong"],
        ["\\color on the background", "\\color{white}{x}", "UndefinedControlSequence"],
        ["an html injection", "\\text{</svg><image href=\"file:///etc/passwd\"/>}", null]
    ];

    for (const [name, tex, refusal] of hostile) {
        it(`${name}: an image of the page size, the formula as source when MathJax refuses it`, async () => {
            const started = performance.now();
            const result = await renderer.render({kind: "solution", solution: {text: `式：$${tex}$ のあとに $x^2$。\n$$${tex}$$`}});
            expect(performance.now() - started).toBeLessThan(5000);
            expect(result.failure).toBeUndefined();
            expect(result.images).toHaveLength(1);
            const [image] = result.images;
            expect(image!.width).toBe(880);
            expect(image!.height).toBeLessThan(1600);
            expect(result.alt).toContain(tex.slice(0, 50));
            const raster = await decode(image!.png);
            const sourceShown = pixelsOfColour(raster, themes.light.fallback);
            if (refusal == null) {
                expect(result.fallbacks).toEqual([]);
                expect(sourceShown, "no formula drawn as source").toBe(0);
            } else {
                expect(result.fallbacks.length).toBeGreaterThan(0);
                expect(new Set(result.fallbacks.map((fallback) => fallback.errorId))).toEqual(new Set([refusal]));
                expect(sourceShown, "the TeX source drawn in the fallback colour").toBeGreaterThan(20);
            }
            expect(hasDarkSquare(raster, 6), "never a black bar").toBe(false);
        });
    }

    it("logs each formula shown as source with the MathJax error", () => {
        expect(logged.some((line) => line.includes("MaxMacroSub1"))).toBe(true);
        expect(logged.some((line) => line.includes("TooLarge"))).toBe(true);
        expect(logged.some((line) => line.includes("UndefinedControlSequence"))).toBe(true);
    });

    it("an answer card for a broken answer shows the answer as text in a box", async () => {
        const result = await renderer.render({kind: "answer", answer: "\\frac{1}{"});
        expect(result.fallbacks).toMatchObject([{errorId: "MissingCloseBrace", tex: "\\boxed{\\frac{1}{}"}]);
        expect(result.images[0]!.height).toBeLessThan(120);
        const raster = await decode(result.images[0]!.png);
        expect(pixelsOfColour(raster, themes.light.fallback), "the answer as text in the fallback colour").toBeGreaterThan(20);
        // The frame: its top and bottom edges run the text's width, its sides the line's height; no glyph is that long.
        expect(longestInkRuns(raster)).toMatchObject({horizontal: expect.toSatisfy((run: number) => run > 100), vertical: expect.toSatisfy((run: number) => run > 34)});
    });

    it("caps a very long solution: at most 8 pages, marked truncated, the text alternative complete", async () => {
        const text = Array.from({length: 600}, (_unused, index) => `行 ${index}：$x_{${index}} = ${index}$`).join("\n");
        const result = await renderer.render({kind: "solution", solution: {text}});
        expect(result.truncated).toBe(true);
        expect(result.images).toHaveLength(8);
        expect(result.alt).toContain("行 599");
    });
});

describe("a render that runs past its time limit", () => {
    it("is cut off, answered with the text alone, and the next render gets a fresh worker", async () => {
        const logged: string[] = [];
        const renderer = new Renderer({timeoutMs: 1, log: (message) => logged.push(message)});
        try {
            const result = await renderer.render({kind: "answer", answer: "42"});
            expect(result).toMatchObject({images: [], alt: "42", failure: "timeout"});
            expect(logged[0]).toMatch(/timed out after 1 ms; sending text only/);
        } finally {
            await renderer.close();
        }
        const patient = new Renderer({timeoutMs: 20_000});
        try {
            const result = await patient.render({kind: "answer", answer: "42"});
            expect(result.images).toHaveLength(1);
        } finally {
            await patient.close();
        }
    });
});
