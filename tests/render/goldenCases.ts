import type {RenderRequest} from "../../src/render/RenderRequest.js";

/** A change to a request's text that a reader must see: the golden comparison has to reject its image. */
export type Mutation = {
    readonly label: string,
    /** Occurs exactly once in the request's text. */
    readonly from: string,
    readonly to: string,
    /** The change moves the layout, so the image's size changes too; otherwise only the ink can tell. */
    readonly resizes?: true
};

export type GoldenCase = {
    readonly name: string,
    readonly request: RenderRequest,
    readonly mutations: readonly Mutation[]
};

export type GoldenFamily = {readonly family: string, readonly cases: readonly GoldenCase[]};

const swallowTags = {codeOpen: "<llm-code>", codeClose: "</llm-code>", outputOpen: "\n<llm-code-output>\n", outputClose: "\n</llm-code-output>\n"};

/** 40 numbered steps: long enough for two pages; the golden is the last page (the page number, the last steps). */
export const multipageSolution = Array.from({length: 40}, (_unused, index) =>
    `ステップ ${index + 1}：$a_{${index + 1}} = a_{${index}} + ${index + 1}$ なので、ここまでの和は $${((index + 1) * (index + 2)) / 2}$ です。`).join("\n");

/**
 * Every golden image, grouped by the kind of image it stands for, each with the changes a wrong answer
 * would make to it. The mutations that keep the image's size are the point: before, only a size change
 * failed (\frac{5}{4} for \frac{3}{4}, 13個 for 12個, \boxed{5051} for 5050, n(n-1) for n(n+1), y = 4
 * for y = 3 and a removed \boxed{} all passed). An answer card's box comes from the renderer itself, not
 * from the request; its removal is a mutation of src/render/AnswerCard.ts (npm run test:mutate).
 */
export const goldenFamilies: readonly GoldenFamily[] = [{
    family: "answer card, light",
    cases: [{
        name: "card-fraction", request: {kind: "answer", answer: "\\frac{3}{4}"},
        mutations: [
            {label: "a changed fraction (5/4 for 3/4)", from: "\\frac{3}{4}", to: "\\frac{5}{4}"},
            {label: "the fraction upside down (4/3)", from: "\\frac{3}{4}", to: "\\frac{4}{3}", resizes: true}
        ]
    }, {
        name: "card-quadratic-formula", request: {kind: "answer", answer: "x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}"},
        mutations: [
            {label: "one digit (2ac for 4ac)", from: "4ac", to: "2ac"},
            {label: "+ for - (b^2 + 4ac)", from: "b^2 - 4ac", to: "b^2 + 4ac"},
            {label: "+ for \\pm", from: "\\pm", to: "+"},
            {label: "a changed denominator (3a for 2a)", from: "{2a}", to: "{3a}"}
        ]
    }]
}, {
    family: "answer card, dark",
    cases: [{
        name: "card-japanese-text-dark", request: {kind: "answer", answer: "12\\text{個}", theme: "dark"},
        mutations: [
            {label: "one digit (13個 for 12個)", from: "12", to: "13"},
            {label: "one digit (72個 for 12個)", from: "12", to: "72"},
            {label: "another counter (12本)", from: "個", to: "本"}
        ]
    }]
}, {
    family: "Japanese text card",
    cases: [{
        name: "card-japanese-unit", request: {kind: "answer", answer: "25 cm²の長方形", locale: "en"},
        mutations: [
            {label: "one digit (26 for 25)", from: "25", to: "26"},
            {label: "cm³ for cm²", from: "²", to: "³"},
            {label: "a changed word (正方形 for 長方形)", from: "長方形", to: "正方形"}
        ]
    }]
}, {
    family: "solution page",
    cases: [{
        name: "solution-mixed-paragraph",
        request: {kind: "solution", solution: {
            text: "### 考え方\n1から100までの自然数を両端から組にすると、$1 + 100 = 101$、$2 + 99 = 101$ のように、和が $101$ になる組が $50$ 組できます。"
                + "したがって和は $101 \\times 50 = 5050$ で、公式 $\\frac{n(n+1)}{2}$ とも一致します。\n\n**答え**：\\boxed{5050}"
        }},
        mutations: [
            {label: "n(n-1) for n(n+1)", from: "n(n+1)", to: "n(n-1)"},
            {label: "one digit in the answer (\\boxed{5051})", from: "\\boxed{5050}", to: "\\boxed{5051}"},
            {label: "the \\boxed{} removed", from: "\\boxed{5050}", to: "5050"},
            {label: "a changed fraction (n(n+1)/3)", from: "{n(n+1)}{2}", to: "{n(n+1)}{3}"},
            {label: "one digit in the text ($51$ pairs)", from: "$50$", to: "$51$"},
            {label: "- for + (1 - 100)", from: "$1 + 100", to: "$1 - 100"}
        ]
    }, {
        name: "solution-align",
        request: {kind: "solution", solution: {
            text: "連立方程式を解きます。\n\\begin{align*}\n2x + y &= 7 \\\\\nx - y &= -1 \\\\\n3x &= 6\n\\end{align*}\nよって $x = 2$、$y = 3$ です。"
        }},
        mutations: [
            {label: "y = 4 for y = 3", from: "$y = 3$", to: "$y = 4$"},
            {label: "x = 3 for x = 2", from: "$x = 2$", to: "$x = 3$"},
            {label: "- for + in an aligned row", from: "2x + y", to: "2x - y"},
            {label: "8 for 6 in an aligned row", from: "3x &= 6", to: "3x &= 8"}
        ]
    }, {
        name: "solution-matrix",
        request: {kind: "solution", solution: {
            text: "行列 $A = \\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}$ の行列式は\n$$\\det A = 1 \\cdot 4 - 2 \\cdot 3 = -2$$"
        }},
        mutations: [
            {label: "one matrix entry (5 for 4)", from: "3 & 4", to: "3 & 5"},
            {label: "+ for - in the determinant", from: "4 - 2", to: "4 + 2"}
        ]
    }, {
        name: "solution-invalid-tex",
        request: {kind: "solution", solution: {
            text: "途中の式：$\\frac{1}{2$ と $\\undefinedmacro{x}$、そして\n$$\\left( \\frac{a}{b}$$\n最後に $x^2$ は正しく表示されます。"
        }},
        mutations: [
            {label: "one digit in the source shown (\\frac{1}{3)", from: "\\frac{1}{2$", to: "\\frac{1}{3$"},
            {label: "x^3 for x^2", from: "$x^2$", to: "$x^3$"}
        ]
    }]
}, {
    family: "solution page, dark",
    cases: [{
        name: "solution-mixed-paragraph-dark",
        request: {kind: "solution", theme: "dark", solution: {
            text: "二次方程式 $x^2 - 5x + 6 = 0$ を因数分解すると $(x-2)(x-3) = 0$ なので、$x = 2, 3$ です。\n- 検算：$2^2 - 5 \\cdot 2 + 6 = 0$\n- よって \\boxed{x = 2, 3}"
        }},
        mutations: [
            {label: "(x+2) for (x-2)", from: "(x-2)", to: "(x+2)"},
            {label: "x = 2, 4 for x = 2, 3", from: "$x = 2, 3$", to: "$x = 2, 4$"},
            {label: "8 for 6 (x^2 - 5x + 8)", from: "5x + 6", to: "5x + 8"},
            {label: "one digit in the boxed answer", from: "\\boxed{x = 2, 3}", to: "\\boxed{x = 2, 4}", resizes: true},
            {label: "the \\boxed{} removed", from: "\\boxed{x = 2, 3}", to: "x = 2, 3", resizes: true}
        ]
    }]
}, {
    family: "solution page with a code output",
    cases: [{
        name: "solution-code-output",
        request: {kind: "solution", solution: {
            text: "Python で確かめます。\n<llm-code>\nprint(sum(range(1, 101)))\n</llm-code>\n<llm-code-output>\n5050\n</llm-code-output>\nよって \\boxed{5050}",
            tools: swallowTags
        }},
        mutations: [
            {label: "one digit in the output (5051)", from: "\n5050\n", to: "\n5051\n"},
            {label: "one digit in the output (5060)", from: "\n5050\n", to: "\n5060\n"},
            {label: "one digit in the answer (\\boxed{5051})", from: "\\boxed{5050}", to: "\\boxed{5051}"},
            {label: "the \\boxed{} removed", from: "\\boxed{5050}", to: "5050"}
        ]
    }]
}, {
    family: "last page of a multipage solution",
    cases: [{
        name: "solution-multipage-last", request: {kind: "solution", solution: {text: multipageSolution}},
        mutations: [
            {label: "one digit in the last sum (821)", from: "$820$", to: "$821$"},
            {label: "- for + in the last step", from: "a_{39} + 40", to: "a_{39} - 40"},
            {label: "a step renumbered (41 for 40)", from: "ステップ 40", to: "ステップ 41"}
        ]
    }]
}];

/** The request with `mutation` applied, once; throws when its text does not occur exactly once (a stale table). */
export function mutated(request: RenderRequest, mutation: Mutation): RenderRequest {
    const text = request.kind === "answer" ? request.answer : request.kind === "tex" ? request.source : request.solution.text;
    const occurrences = text.split(mutation.from).length - 1;
    if (occurrences !== 1)
        throw new Error(`"${mutation.from}" occurs ${occurrences} times in the request, not once`);
    const changed = text.replace(mutation.from, () => mutation.to);
    return request.kind === "answer" ? {...request, answer: changed}
        : request.kind === "tex" ? {...request, source: changed}
        : {...request, solution: {...request.solution, text: changed}};
}
