import sharp from "sharp";
import {textFontFamily} from "../src/render/FontMetrics.js";
import {Renderer} from "../src/render/Renderer.js";
import type {RenderRequest} from "../src/render/RenderRequest.js";
import {themes, type ThemeName} from "../src/render/RenderTheme.js";
import {escapeXml} from "../src/render/svgMarkup.js";
import {percentile} from "./statistics.js";

const cardRounds = 200;
const solutionRounds = 50;
const memoryWarmUp = 500;
const memoryRenders = Number(process.env["KOTAE_BENCH_RENDER_COUNT"] ?? 5000);

/** Answers as models write them: a number, a fraction, a surd, Japanese units, a display formula. */
const answers = ["5050", "\\frac{1}{2}", "\\sqrt{2}+1", "12\\text{個}", "x = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}"];

/** A typical solution: 15 lines of Japanese with inline math, a display formula and an align block. */
const solution = `### 考え方
1から100までの自然数の和 $S$ を求めます。
両端から組にすると、$1 + 100 = 101$、$2 + 99 = 101$ のように和が $101$ になる組ができます。
組の数は $100 \\div 2 = 50$ 組です。
$$S = \\sum_{k=1}^{100} k = \\frac{100 \\cdot 101}{2}$$
### 計算
\\begin{align*}
S &= 101 \\times 50 \\\\
  &= 5050
\\end{align*}
- 検算：公式 $\\frac{n(n+1)}{2}$ に $n = 100$ を代入しても $5050$ です。
- 偶数だけの和は $2 + 4 + \\cdots + 100 = 2550$、奇数だけの和は $2500$ で、合計 $5050$ と一致します。
1. 組を作る
2. 組の数を数える
3. 掛け算する
**答え**：\\boxed{5050}`;

const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const spread = (values: readonly number[]): string =>
    `p50 ${percentile(values, 0.5).toFixed(1)} ms, p95 ${percentile(values, 0.95).toFixed(1)} ms`;

/**
 * The renderer (worker thread: layout, MathJax, sharp) measured from the caller's side, as an adapter sees
 * it: the cold start, answer cards, a typical solution, and RSS over many cards. The baseline, measured in
 * the same rounds, is sharp alone rasterizing a fixed SVG of each image's size with the same text drawn as
 * plain text, so the ratio is what layout, MathJax and the worker hop cost on top of rasterizing.
 */
export async function renderBenchmark(): Promise<void> {
    let startedAt = performance.now();
    const renderer = new Renderer();
    try {
        const first = await renderer.render({kind: "answer", answer: answers[0] ?? ""});
        const coldMs = performance.now() - startedAt;
        if (first.failure != null) {
            console.log(`Renderer: not measured, the first card failed (${first.failure})`);
            return;
        }

        const cardMs: number[] = [];
        const cardBaselineMs: number[] = [];
        for (let round = 0; round < cardRounds; round++) {
            const answer = answers[round % answers.length] ?? "";
            const theme = round % 2 === 0 ? "light" : "dark";
            const {ms, size} = await timedRender(renderer, {kind: "answer", answer, theme});
            cardMs.push(ms);
            cardBaselineMs.push(await timedRasterize(fixedSvg(size, theme, [`答え  ${answer}`])));
        }

        const solutionLines = solution.split("\n");
        await renderer.render({kind: "solution", solution: {text: solution}}); // its fonts and macros load on first use
        const solutionMs: number[] = [];
        const solutionBaselineMs: number[] = [];
        for (let round = 0; round < solutionRounds; round++) {
            const {ms, size} = await timedRender(renderer, {kind: "solution", solution: {text: solution}});
            solutionMs.push(ms);
            solutionBaselineMs.push(await timedRasterize(fixedSvg(size, "light", solutionLines)));
        }

        const renderCards = async (count: number): Promise<void> => {
            for (let index = 0; index < count; index++)
                await renderer.render({kind: "answer", answer: answers[index % answers.length] ?? ""});
        };
        await renderCards(memoryWarmUp);
        const rssBefore = process.memoryUsage().rss;
        startedAt = performance.now();
        await renderCards(memoryRenders);
        const memorySeconds = (performance.now() - startedAt) / 1000;
        const rssAfter = process.memoryUsage().rss;

        const ratio = (measured: readonly number[], baseline: readonly number[]): string =>
            `p50 ${(percentile(measured, 0.5) / percentile(baseline, 0.5)).toFixed(2)}×`;
        console.log(`Renderer (MathJax 4 + sharp in a worker thread; ${cardRounds} cards of ${answers.length} answers, light and dark; ` +
            `${solutionRounds} renders of a ${solutionLines.length}-line Japanese solution)`);
        console.log(`  cold start (new Renderer → first card): ${coldMs.toFixed(0)} ms`);
        console.log(`  answer card                     : ${spread(cardMs)} (goal p50 ≤ 15 ms)`);
        console.log(`  baseline: sharp, same-size SVG  : ${spread(cardBaselineMs)}; renderer / baseline ${ratio(cardMs, cardBaselineMs)}`);
        console.log(`  solution image                  : ${spread(solutionMs)}`);
        console.log(`  baseline: sharp, same-size SVG  : ${spread(solutionBaselineMs)}; renderer / baseline ${ratio(solutionMs, solutionBaselineMs)}`);
        console.log(`  RSS over ${memoryRenders} cards (after ${memoryWarmUp} warm-up): ${megabytes(rssBefore)} → ${megabytes(rssAfter)}, ` +
            `growth ${megabytes(rssAfter - rssBefore)} (goal < 20 MB); ${(memoryRenders / memorySeconds).toFixed(0)} cards/s`);
    } finally {
        await renderer.close();
    }
}

type Size = {readonly width: number, readonly height: number};

async function timedRender(renderer: Renderer, request: RenderRequest): Promise<{ms: number, size: Size}> {
    const startedAt = performance.now();
    const result = await renderer.render(request);
    const ms = performance.now() - startedAt;
    const first = result.images[0];
    if (first == null || result.fallbacks.length > 0)
        throw new Error(`the benchmark's ${request.kind} did not render cleanly (${result.failure ?? `${result.fallbacks.length} fallbacks`})`);
    return {ms, size: first};
}

/** The same sharp settings as the render worker: SVG at 72 dpi (one px per unit), PNG compression level 6. */
async function timedRasterize(svg: string): Promise<number> {
    const startedAt = performance.now();
    await sharp(Buffer.from(svg), {density: 72}).png({compressionLevel: 6}).toBuffer();
    return performance.now() - startedAt;
}

/** An image of the given size with a background, a border and the lines as plain text: no layout, no MathJax. */
function fixedSvg({width, height}: Size, themeName: ThemeName, lines: readonly string[]): string {
    const theme = themes[themeName];
    const lineHeight = Math.max(20, (height - 24) / lines.length);
    const text = lines.map((line, index) => `<text x="16" y="${(24 + index * lineHeight).toFixed(1)}" ` +
        `font-family="${textFontFamily}" font-size="${Math.min(21, lineHeight * 0.8).toFixed(1)}" fill="${theme.text}">${escapeXml(line)}</text>`).join("");
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
        `<rect width="${width}" height="${height}" fill="${theme.background}"/>` +
        `<rect x="4" y="4" width="${width - 8}" height="${height - 8}" rx="6" fill="none" stroke="${theme.border}"/>${text}</svg>`;
}
