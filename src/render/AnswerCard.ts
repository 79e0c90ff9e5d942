import {textFontFamily} from "./FontMetrics.js";
import type {LayoutContext} from "./InlineLayout.js";
import {MathError} from "./MathTypesetter.js";
import {mathElement, rectElement, svgDocument, textElement} from "./svgMarkup.js";

/** A unit written after a number (25 cm, 3kg): upright, not the italic product of variables c·m. */
const unitAfterNumber = /(?<=[\d\s²³])(km|cm|mm|m|kg|mg|g|kL|dL|mL|L|ha|min|sec|s|h)(?![A-Za-z])/g;

const cjkRun = /[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+/g;

/**
 * The TeX for a boxed answer: the model's answer as it wrote it inside \boxed{}, with Japanese (個, cm²の…)
 * set as text rather than as italic math letters.
 */
export function answerTex(answer: string): string {
    const body = answer.includes("\\text") ? answer : answer.replace(cjkRun, (run) => `\\text{${run}}`).replace(unitAfterNumber, "\\mathrm{$1}");
    return `\\boxed{${body}}`;
}

/** A compact card: the label, then the boxed answer; the answer's TeX source if MathJax refuses it. */
export async function layoutAnswerCard(answer: string, label: string, context: LayoutContext): Promise<string> {
    const size = context.fontSize;
    const padding = size * 0.75;
    const labelSize = size * 0.8;
    const labelWidth = context.metrics.width(label, {family: textFontFamily, bold: true}) * labelSize;
    const gap = size * 0.8;
    const x = padding + labelWidth + gap;

    let width: number;
    let ascent: number;
    let descent: number;
    let drawAnswer: (baseline: number) => string;
    const tex = answerTex(answer);
    try {
        const math = await context.typesetter.typeset(tex, true, context.theme.math);
        [width, ascent, descent] = [math.width * size, math.ascent * size, math.descent * size];
        drawAnswer = (baseline) => mathElement(math, {x, baseline, emSize: size});
    } catch (error) {
        if (!(error instanceof MathError)) throw error;
        context.fallbacks.push({tex, errorId: error.id, message: error.message});
        const face = {family: textFontFamily, bold: false};
        const text = answer.length > 200 ? `${answer.slice(0, 199)}…` : answer;
        const textWidth = context.metrics.width(text, face) * size;
        const boxPadding = size * 0.3;
        [width, ascent, descent] = [textWidth + 2 * boxPadding, size * 1.1, size * 0.45];
        drawAnswer = (baseline) => rectElement({
            x, y: baseline - size * 1.1, width, height: size * 1.55, fill: "none", stroke: context.theme.math, radius: 2
        }) + textElement(text, {x: x + boxPadding, baseline, size, family: textFontFamily, color: context.theme.fallback});
    }

    const height = Math.max(ascent + descent, labelSize * 1.2) + 2 * padding;
    const baseline = padding + (height - 2 * padding - ascent - descent) / 2 + ascent;
    const labelMarkup = textElement(label, {
        x: padding, baseline: baseline + labelSize * 0.05, size: labelSize, family: textFontFamily, color: context.theme.accent, bold: true
    });
    return svgDocument(x + width + padding, height, context.theme.background, labelMarkup + drawAnswer(baseline));
}
