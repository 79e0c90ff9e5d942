import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {Renderer} from "../../src/render/Renderer.js";
import type {RenderRequest} from "../../src/render/RenderRequest.js";
import {matchesGolden} from "../support/imageComparison.js";

// Golden images, rendered by the real worker (MathJax 4, the Noto CJK fonts, sharp). Review a changed one in
// tests/render/golden/actual/ and regenerate with KOTAE_UPDATE_GOLDEN=1 npm run test:render.

const swallowTags = {codeOpen: "<llm-code>", codeClose: "</llm-code>", outputOpen: "\n<llm-code-output>\n", outputClose: "\n</llm-code-output>\n"};

const cases: readonly {readonly name: string, readonly request: RenderRequest, readonly pages?: number}[] = [
    {name: "card-fraction", request: {kind: "answer", answer: "\\frac{3}{4}"}},
    {name: "card-quadratic-formula", request: {kind: "answer", answer: "x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}"}},
    {name: "card-japanese-text-dark", request: {kind: "answer", answer: "12\\text{個}", theme: "dark"}},
    {name: "card-japanese-unit", request: {kind: "answer", answer: "25 cm²の長方形", locale: "en"}},
    {name: "solution-align", request: {kind: "solution", solution: {
        text: "連立方程式を解きます。\n\\begin{align*}\n2x + y &= 7 \\\\\nx - y &= -1 \\\\\n3x &= 6\n\\end{align*}\nよって $x = 2$、$y = 3$ です。"
    }}},
    {name: "solution-matrix", request: {kind: "solution", solution: {
        text: "行列 $A = \\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}$ の行列式は\n$$\\det A = 1 \\cdot 4 - 2 \\cdot 3 = -2$$"
    }}},
    {name: "solution-mixed-paragraph", request: {kind: "solution", solution: {
        text: "### 考え方\n1から100までの自然数を両端から組にすると、$1 + 100 = 101$、$2 + 99 = 101$ のように、和が $101$ になる組が $50$ 組できます。"
            + "したがって和は $101 \\times 50 = 5050$ で、公式 $\\frac{n(n+1)}{2}$ とも一致します。\n\n**答え**：\\boxed{5050}"
    }}},
    {name: "solution-mixed-paragraph-dark", request: {kind: "solution", theme: "dark", solution: {
        text: "二次方程式 $x^2 - 5x + 6 = 0$ を因数分解すると $(x-2)(x-3) = 0$ なので、$x = 2, 3$ です。\n- 検算：$2^2 - 5 \\cdot 2 + 6 = 0$\n- よって \\boxed{x = 2, 3}"
    }}},
    {name: "solution-code-output", request: {kind: "solution", solution: {
        text: "Python で確かめます。\n<llm-code>\nprint(sum(range(1, 101)))\n</llm-code>\n<llm-code-output>\n5050\n</llm-code-output>\nよって \\boxed{5050}",
        tools: swallowTags
    }}},
    {name: "solution-invalid-tex", request: {kind: "solution", solution: {
        text: "途中の式：$\\frac{1}{2$ と $\\undefinedmacro{x}$、そして\n$$\\left( \\frac{a}{b}$$\n最後に $x^2$ は正しく表示されます。"
    }}}
];

describe("rendered images match their golden PNGs", () => {
    const renderer = new Renderer();
    beforeAll(() => renderer.warmUp());
    afterAll(() => renderer.close());

    for (const {name, request} of cases) {
        it(name, async () => {
            const result = await renderer.render(request);
            expect(result.failure).toBeUndefined();
            expect(result.images).toHaveLength(1);
            const comparison = await matchesGolden(name, result.images[0]!.png);
            expect(comparison.share, `${name}: ${(comparison.share * 100).toFixed(2)}% of pixels differ (${comparison.size})`).toBeLessThanOrEqual(0.01);
        });
    }

    it("reports the formulas it showed as TeX source, and the text alternative keeps the LaTeX", async () => {
        const invalid = cases.find((entry) => entry.name === "solution-invalid-tex")!.request;
        const result = await renderer.render(invalid);
        expect(result.fallbacks.map((fallback) => fallback.errorId)).toEqual(["MissingCloseBrace", "UndefinedControlSequence", "ExtraLeftMissingRight"]);
        expect(result.alt).toContain("$\\frac{1}{2$");
    });

    it("splits a long solution into pages of at most the page height, numbered, and matches the last page", async () => {
        const steps = Array.from({length: 40}, (_unused, index) =>
            `ステップ ${index + 1}：$a_{${index + 1}} = a_{${index}} + ${index + 1}$ なので、ここまでの和は $${((index + 1) * (index + 2)) / 2}$ です。`);
        const result = await renderer.render({kind: "solution", solution: {text: steps.join("\n")}});
        expect(result.images.length).toBeGreaterThanOrEqual(2);
        for (const image of result.images) {
            expect(image.width).toBe(880);
            expect(image.height).toBeLessThanOrEqual(1500 + 40);
        }
        const comparison = await matchesGolden("solution-multipage-last", result.images.at(-1)!.png);
        expect(comparison.share).toBeLessThanOrEqual(0.01);
    });
});
