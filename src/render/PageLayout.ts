import {monoFontFamily, textFontFamily} from "./FontMetrics.js";
import {clipSource, layoutInlines, type LayoutContext} from "./InlineLayout.js";
import {MathError} from "./MathTypesetter.js";
import type {Block} from "./SolutionDocument.js";
import {mathElement, rectElement, svgDocument, textElement} from "./svgMarkup.js";

/** Page geometry, in pixels of the finished image. */
export const pageGeometry = {
    width: 880,
    padding: 36,
    /** A page stops growing here; the rest goes on the next page. */
    maxHeight: 1500,
    maxPages: 8,
    /** Minimum distance between baselines, as a multiple of the font size. */
    lineHeight: 1.7,
    headingSize: 1.15,
    codeSize: 0.78,
    codeMaxLines: 14
} as const;

/** A horizontal slice of a page: a line of text, a display formula, a code output. */
type Row = {readonly height: number, readonly space: number, readonly gap?: true, render(top: number): string};

export type PageTexts = {
    /** e.g. "1 / 3", in the page's corner when the solution needs several. */
    readonly pageNumber: (page: number, pages: number) => string,
    /** The last line when the solution is longer than the pages allowed. */
    readonly truncated: string
};

/** Lays out a parsed solution as pages of SVG at a chat-friendly width. */
export async function layoutPages(blocks: readonly Block[], context: LayoutContext, texts: PageTexts): Promise<{pages: string[], truncated: boolean}> {
    const rows: Row[] = [];
    for (const block of blocks)
        rows.push(...await blockRows(block, context));
    return paginate(rows, context, texts);
}

const contentWidth = pageGeometry.width - 2 * pageGeometry.padding;

async function blockRows(block: Block, context: LayoutContext): Promise<Row[]> {
    const size = context.fontSize;
    switch (block.kind) {
        case "gap":
            return [{height: size * 0.6, space: 0, gap: true, render: () => ""}];
        case "line": {
            const sizeFactor = block.heading ? pageGeometry.headingSize : 1;
            const indent = block.marker != null ? size * 1.6 : 0;
            const lines = await layoutInlines(block.inlines, contentWidth - indent, context, {bold: block.heading, sizeFactor});
            const minimum = size * sizeFactor * pageGeometry.lineHeight;
            return lines.map((line, index) => {
                const height = Math.max(minimum, line.ascent + line.descent + size * 0.45);
                const marker = index === 0 ? block.marker : undefined;
                return {
                    height, space: block.heading && index === 0 ? size * 0.3 : 0,
                    render: (top) => {
                        const baseline = top + (height - line.ascent - line.descent) / 2 + line.ascent;
                        const bullet = marker != null
                            ? textElement(marker, {x: pageGeometry.padding, baseline, size, family: textFontFamily, color: context.theme.muted})
                            : "";
                        return bullet + line.render(pageGeometry.padding + indent, baseline);
                    }
                };
            });
        }
        case "displayMath":
            return [await displayMathRow(block.tex, context)];
        case "codeOutput":
            return [codeOutputRow(block.text, context)];
    }
}

async function displayMathRow(tex: string, context: LayoutContext): Promise<Row> {
    const size = context.fontSize;
    let math;
    try {
        math = await context.typesetter.typeset(tex, true, context.theme.math);
    } catch (error) {
        if (!(error instanceof MathError)) throw error;
        context.fallbacks.push({tex, errorId: error.id, message: error.message});
        return codeLikeRow(`$$${clipSource(tex)}$$`, context, context.theme.fallback);
    }
    const scale = Math.min(1, contentWidth / (math.width * size));
    const emSize = size * scale;
    const height = (math.ascent + math.descent) * emSize;
    const margin = size * 0.5;
    return {
        height: height + 2 * margin, space: 0,
        render: (top) => mathElement(math, {
            x: pageGeometry.padding + (contentWidth - math.width * emSize) / 2,
            baseline: top + margin + math.ascent * emSize,
            emSize
        })
    };
}

function codeOutputRow(text: string, context: LayoutContext): Row {
    return codeLikeRow(text, context, context.theme.text);
}

/** Monospace text on a tinted panel, wrapped to the page and cut after a few lines. */
function codeLikeRow(text: string, context: LayoutContext, color: string): Row {
    const size = context.fontSize * pageGeometry.codeSize;
    const padding = size * 0.6;
    const face = {family: monoFontFamily, bold: false};
    const available = contentWidth - 2 * padding;
    const lines: string[] = [];
    for (const sourceLine of text.split("\n")) {
        let current = "";
        for (const character of sourceLine) {
            if (current !== "" && context.metrics.width(current + character, face) * size > available) {
                lines.push(current);
                current = "";
            }
            current += character;
        }
        lines.push(current);
    }
    const shown = lines.length > pageGeometry.codeMaxLines ? [...lines.slice(0, pageGeometry.codeMaxLines - 1), "…"] : lines;
    const lineHeight = size * 1.45;
    const height = shown.length * lineHeight + 2 * padding;
    return {
        height: height + context.fontSize * 0.5, space: 0,
        render: (top) => rectElement({
            x: pageGeometry.padding, y: top + context.fontSize * 0.25, width: contentWidth, height,
            fill: context.theme.codeBackground, stroke: context.theme.border, radius: 6
        }) + shown.map((line, index) => textElement(line, {
            x: pageGeometry.padding + padding, baseline: top + context.fontSize * 0.25 + padding + index * lineHeight + size * 1.05,
            size, family: monoFontFamily, color
        })).join("")
    };
}

function paginate(rows: readonly Row[], context: LayoutContext, texts: PageTexts): {pages: string[], truncated: boolean} {
    const {padding, maxHeight, maxPages, width} = pageGeometry;
    const footer = context.fontSize * 1.4;
    const pages: Row[][] = [[]];
    let used = 0;
    for (const row of rows) {
        const page = pages.at(-1)!;
        if (page.length > 0 && used + row.space + row.height > maxHeight - 2 * padding - footer) {
            pages.push([row]);
            used = row.height;
        } else {
            page.push(row);
            used += row.space + row.height;
        }
    }
    // Leading and trailing gaps make no sense at a page edge.
    const trimmed = pages.map((page) => page.filter((row, index) => !(row.gap === true && (index === 0 || index === page.length - 1))));
    const truncated = trimmed.length > maxPages;
    const kept = trimmed.slice(0, maxPages);
    if (truncated)
        kept[kept.length - 1]!.push(noteRow(texts.truncated, context));

    const multiple = kept.length > 1;
    return {
        truncated,
        pages: kept.map((page, index) => {
            let top = padding;
            const content = page.map((row) => {
                top += row.space;
                const markup = row.render(top);
                top += row.height;
                return markup;
            }).join("");
            const number = multiple
                ? textElement(texts.pageNumber(index + 1, kept.length), {
                    x: width - padding - context.fontSize * 3.2, baseline: top + footer * 0.8,
                    size: context.fontSize * 0.7, family: textFontFamily, color: context.theme.muted
                })
                : "";
            return svgDocument(width, top + padding + (multiple ? footer : 0), context.theme.background, content + number);
        })
    };
}

function noteRow(text: string, context: LayoutContext): Row {
    const size = context.fontSize * 0.8;
    return {
        height: size * 2, space: 0,
        render: (top) => textElement(text, {x: pageGeometry.padding, baseline: top + size * 1.4, size, family: textFontFamily, color: context.theme.muted})
    };
}
