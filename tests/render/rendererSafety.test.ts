import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {findFontFile, textFontFamily} from "../../src/render/FontMetrics.js";
import {Renderer} from "../../src/render/Renderer.js";
import {decode, inkBox} from "../support/imageComparison.js";

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
            const ink = inkBox(raster);
            expect(ink).toBeDefined();
            expect(ink!.height / ink!.width).toBeLessThan(0.2);
            expect(ink!.width).toBeGreaterThan(12);
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

    const hostile: readonly [string, string][] = [
        ["unbalanced braces", "\\frac{1}{2"],
        ["an unknown macro", "\\foo{x} + \\bar"],
        ["\\def recursion", "\\def\\a{\\a}\\a"],
        ["exponential \\def", "\\def\\a{\\b\\b}\\def\\b{\\c\\c}\\def\\c{\\d\\d}\\def\\d{xx}\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a"],
        ["\\newcommand recursion", "\\newcommand{\\x}{\\x}\\x"],
        ["a huge \\rule", "\\rule{10000em}{10000em}"],
        ["a huge \\hspace", "a\\hspace{50000em}b"],
        ["deep nesting", `${"\\frac{1}{".repeat(300)}x${"}".repeat(300)}`],
        ["deep braces", `${"{".repeat(3000)}x${"}".repeat(3000)}`],
        ["thousands of characters", "x+".repeat(2500) + "1"],
        ["\\color on the background", "\\color{white}{x}"],
        ["an html injection", "\\text{</svg><image href=\"file:///etc/passwd\"/>}"]
    ];

    for (const [name, tex] of hostile) {
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
            expect(darkShare(raster)).toBeLessThan(0.05); // never a black bar
        });
    }

    it("logs each formula shown as source with the MathJax error", () => {
        expect(logged.some((line) => line.includes("MaxMacroSub1"))).toBe(true);
        expect(logged.some((line) => line.includes("TooLarge"))).toBe(true);
        expect(logged.some((line) => line.includes("UndefinedControlSequence"))).toBe(true);
    });

    it("an answer card for a broken answer shows the answer as text in a box", async () => {
        const result = await renderer.render({kind: "answer", answer: "\\frac{1}{"});
        expect(result.fallbacks).toHaveLength(1);
        expect(result.images[0]!.height).toBeLessThan(120);
    });

    it("caps a very long solution: at most 8 pages, marked truncated, the text alternative complete", async () => {
        const text = Array.from({length: 600}, (_unused, index) => `行 ${index}：$x_{${index}} = ${index}$`).join("\n");
        const result = await renderer.render({kind: "solution", solution: {text}});
        expect(result.truncated).toBe(true);
        expect(result.images.length).toBeLessThanOrEqual(8);
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

/** Share of pixels darker than 20% grey on a light page. */
function darkShare(raster: {data: Buffer, width: number, height: number}): number {
    let dark = 0;
    for (let index = 0; index < raster.data.length; index += 3)
        if (raster.data[index]! < 50 && raster.data[index + 1]! < 50 && raster.data[index + 2]! < 50) dark++;
    return dark / (raster.width * raster.height);
}
