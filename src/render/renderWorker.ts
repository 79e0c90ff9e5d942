// The renderer's worker thread: MathJax, the font metrics and sharp are set up once here, and a render that
// hangs (hostile TeX) can be stopped by terminating the thread without touching the bot.
import {parentPort} from "node:worker_threads";
import sharp from "sharp";
import {layoutAnswerCard} from "./AnswerCard.js";
import {FontMetrics, textFontFamily} from "./FontMetrics.js";
import type {LayoutContext, MathFallback} from "./InlineLayout.js";
import {MathTypesetter} from "./MathTypesetter.js";
import {layoutPages} from "./PageLayout.js";
import {renderLabels} from "./renderLabels.js";
import type {RenderedImage, RenderRequest, WorkerMessage, WorkerResult} from "./RenderRequest.js";
import {themes} from "./RenderTheme.js";
import {parseSolution} from "./SolutionDocument.js";

/** Longest solution text laid out; beyond it the image stops and says so (the text message has everything). */
const maxSolutionChars = 12_000;
const answerFontSize = 26;
const solutionFontSize = 21;

const metrics = new FontMetrics();
const typesetter = new MathTypesetter(textFontFamily);

async function render(request: RenderRequest): Promise<WorkerResult> {
    const theme = themes[request.theme ?? "light"];
    const labels = renderLabels(request.locale);
    const fallbacks: MathFallback[] = [];
    if (request.kind === "answer") {
        const context: LayoutContext = {typesetter, metrics, theme, fontSize: answerFontSize, fallbacks};
        const svg = await layoutAnswerCard(request.answer, labels.answer, context);
        return {images: [await rasterize(svg)], fallbacks, truncated: false};
    }
    const context: LayoutContext = {typesetter, metrics, theme, fontSize: solutionFontSize, fallbacks};
    const source = request.kind === "tex" ? {text: request.source} : request.solution;
    const cut = source.text.length > maxSolutionChars;
    const text = cut ? cutAtLineEnd(source.text, maxSolutionChars) : source.text;
    const {pages, truncated} = await layoutPages(parseSolution({...source, text}), context, {
        pageNumber: labels.page, truncated: labels.truncated
    });
    return {images: await Promise.all(pages.map(rasterize)), fallbacks, truncated: cut || truncated};
}

/** The text up to the last line break before `limit` (so no formula is cut in half), or to `limit` itself. */
function cutAtLineEnd(text: string, limit: number): string {
    const lineEnd = text.lastIndexOf("\n", limit);
    return text.slice(0, lineEnd > limit / 2 ? lineEnd : limit);
}

async function rasterize(svg: string): Promise<RenderedImage> {
    const {data, info} = await sharp(Buffer.from(svg), {density: 72}).png({compressionLevel: 6}).toBuffer({resolveWithObject: true});
    return {png: data, width: info.width, height: info.height};
}

parentPort?.on("message", (message: {id: number, request: RenderRequest}) => {
    render(message.request).then(
        (result) => parentPort?.postMessage({id: message.id, ok: true, result} satisfies WorkerMessage),
        (error: unknown) => parentPort?.postMessage({
            id: message.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error)
        } satisfies WorkerMessage)
    );
});
