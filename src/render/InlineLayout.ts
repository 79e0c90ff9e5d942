import type {FontMetrics} from "./FontMetrics.js";
import {monoFontFamily, textFontFamily} from "./FontMetrics.js";
import {MathError, type MathTypesetter, type TypesetMath} from "./MathTypesetter.js";
import type {RenderTheme} from "./RenderTheme.js";
import type {Inline} from "./SolutionDocument.js";
import {mathElement, textElement} from "./svgMarkup.js";

/** A formula that could not be typeset and is shown as its TeX source instead. */
export type MathFallback = {readonly tex: string, readonly errorId: string, readonly message: string};

/** What layout needs besides the content; one per render. */
export type LayoutContext = {
    readonly typesetter: MathTypesetter,
    readonly metrics: FontMetrics,
    readonly theme: RenderTheme,
    /** Body text size in pixels; math is set at the same em. */
    readonly fontSize: number,
    readonly fallbacks: MathFallback[]
};

type Piece =
    | {readonly kind: "text", readonly text: string, readonly bold: boolean, readonly mono: boolean, readonly color: string, readonly size: number, readonly width: number}
    | {readonly kind: "math", readonly math: TypesetMath, readonly scale: number, readonly width: number};

/** The smallest thing a line may not be broken inside: a CJK character, a word, a formula, glued punctuation. */
type Unit = {pieces: Piece[], width: number, trailingSpace: number};

export type Line = {
    readonly width: number,
    readonly ascent: number,
    readonly descent: number,
    /** SVG for the line with its start at `x` and its baseline at `baseline`. */
    render(x: number, baseline: number): string
};

/** Characters that may not start a line (closing brackets, small kana, Japanese and Latin punctuation). */
const noLineStart = new Set([..."、。，．・：；？！ー）」』】〕〉》”’ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〻‐–—…,.;:!?)]}%"]);
/** Characters that may not end a line (opening brackets). */
const noLineEnd = new Set([..."（「『【〔〈《“‘([{"]);

/** Space on each side of an inline formula, in ems: Japanese typesetting's quarter-em gap, a little narrower. */
const mathSideSpace = 0.15;

/** Text-face ascent and descent in ems, close to Noto Sans CJK's visible glyphs. */
const textAscent = 0.88;
const textDescent = 0.24;

/**
 * Breaks a line of text and inline math into lines no wider than `maxWidth`, the way Japanese is set:
 * anywhere between CJK characters (with kinsoku: no 。or ）at a line start, no （ at a line end), between
 * Latin words at spaces, never inside a formula. A formula wider than the line is scaled down to fit.
 */
export async function layoutInlines(inlines: readonly Inline[], maxWidth: number, context: LayoutContext, options: {
    bold?: boolean, sizeFactor?: number
} = {}): Promise<Line[]> {
    const size = context.fontSize * (options.sizeFactor ?? 1);
    const units: Unit[] = [];
    for (const inline of inlines) {
        if (inline.kind === "math")
            units.push(...await mathUnits(inline.tex, size, context));
        else
            units.push(...textUnits(inline.text, {bold: inline.bold || options.bold === true, mono: false, color: context.theme.text, size}, context));
    }
    return breakLines(glue(units), maxWidth).map((line) => toLine(line, size));
}

async function mathUnits(tex: string, size: number, context: LayoutContext): Promise<Unit[]> {
    try {
        const math = await context.typesetter.typeset(inlineTex(tex), false, context.theme.math);
        const width = (math.width + 2 * mathSideSpace) * size;
        return [{pieces: [{kind: "math", math, scale: 1, width}], width, trailingSpace: 0}];
    } catch (error) {
        if (!(error instanceof MathError))
            throw error;
        context.fallbacks.push({tex, errorId: error.id, message: error.message});
        // The source, in monospace, breakable like text: the reader still sees what the model wrote.
        return textUnits(`$${clipSource(tex)}$`, {bold: false, mono: true, color: context.theme.fallback, size: size * 0.85}, context);
    }
}

/**
 * Inline fractions in text style are too small to read in a chat image (a numerator at ~60% of the text):
 * they are set in display style, as Japanese study material usually does, at the cost of a taller line.
 */
function inlineTex(tex: string): string {
    return /\\(?:frac|binom)\b/.test(tex) ? `\\displaystyle ${tex}` : tex;
}

/** A refused formula's source as shown in the image: enough to recognise it (the text message has all of it). */
export function clipSource(tex: string): string {
    return tex.length > 160 ? `${tex.slice(0, 159)}…` : tex;
}

type TextStyle = {readonly bold: boolean, readonly mono: boolean, readonly color: string, readonly size: number};

function textUnits(text: string, style: TextStyle, context: LayoutContext): Unit[] {
    const face = {family: style.mono ? monoFontFamily : textFontFamily, bold: style.bold};
    const units: Unit[] = [];
    const tokens = text.match(/[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+|\s+/gu) ?? [];
    for (const token of tokens) {
        const width = context.metrics.width(token, face) * style.size;
        if (/^\s+$/.test(token)) { // spaces belong to the unit before them and vanish at a line end
            const previous = units.at(-1);
            const space = context.metrics.width(" ", face) * style.size;
            if (previous != null) {
                previous.pieces.push({kind: "text", text: " ", ...style, width: space});
                previous.width += space;
                previous.trailingSpace += space;
            }
            continue;
        }
        units.push({pieces: [{kind: "text", text: token, ...style, width}], width, trailingSpace: 0});
    }
    return units;
}

/** Applies kinsoku: a unit that may not start a line joins the one before; one that may not end a line joins the next. */
function glue(units: Unit[]): Unit[] {
    const glued: Unit[] = [];
    let carry: Unit | undefined;
    for (const unit of units) {
        const current: Unit = carry != null ? merge(carry, unit) : unit;
        carry = undefined;
        const first = firstCharacter(unit);
        const previous = glued.at(-1);
        if (previous != null && previous.trailingSpace === 0 && first != null && noLineStart.has(first))
            glued[glued.length - 1] = merge(previous, current);
        else if (lastCharacter(current) != null && noLineEnd.has(lastCharacter(current)!) && current.trailingSpace === 0)
            carry = current;
        else
            glued.push(current);
    }
    if (carry != null) glued.push(carry);
    return glued;
}

function merge(first: Unit, second: Unit): Unit {
    return {pieces: [...first.pieces, ...second.pieces], width: first.width + second.width, trailingSpace: second.trailingSpace};
}

function firstCharacter(unit: Unit): string | undefined {
    const piece = unit.pieces[0];
    return piece?.kind === "text" ? [...piece.text][0] : undefined;
}

function lastCharacter(unit: Unit): string | undefined {
    const piece = unit.pieces.at(-1);
    return piece?.kind === "text" ? [...piece.text].at(-1) : undefined;
}

function breakLines(units: Unit[], maxWidth: number): Unit[][] {
    const lines: Unit[][] = [];
    let line: Unit[] = [];
    let width = 0;
    for (const unit of units) {
        if (line.length > 0 && width + unit.width - unit.trailingSpace > maxWidth + 0.01) {
            lines.push(line);
            line = [];
            width = 0;
        }
        if (line.length === 0 && unit.width - unit.trailingSpace > maxWidth) {
            lines.push(...fitOversized(unit, maxWidth).map((part) => [part]));
            continue;
        }
        line.push(unit);
        width += unit.width;
    }
    if (line.length > 0) lines.push(line);
    return lines;
}

/** A unit wider than a whole line: a formula is scaled to fit; a long word is cut into pieces that fit. */
function fitOversized(unit: Unit, maxWidth: number): Unit[] {
    if (unit.pieces.some((piece) => piece.kind === "math")) {
        const scale = maxWidth / (unit.width - unit.trailingSpace);
        const pieces = unit.pieces.map((piece): Piece => piece.kind === "math"
            ? {...piece, scale: piece.scale * scale, width: piece.width * scale}
            : {...piece, size: piece.size * scale, width: piece.width * scale});
        return [{pieces, width: unit.width * scale, trailingSpace: unit.trailingSpace * scale}];
    }
    const parts: Unit[] = [];
    let current: Piece[] = [];
    let width = 0;
    for (const piece of unit.pieces) {
        if (piece.kind !== "text") continue;
        const perCharacter = piece.width / Math.max(1, [...piece.text].length);
        for (const character of piece.text) {
            if (width + perCharacter > maxWidth && current.length > 0) {
                parts.push({pieces: current, width, trailingSpace: 0});
                current = [];
                width = 0;
            }
            const last = current.at(-1);
            if (last?.kind === "text" && last.bold === piece.bold && last.mono === piece.mono)
                current[current.length - 1] = {...last, text: last.text + character, width: last.width + perCharacter};
            else
                current.push({...piece, text: character, width: perCharacter});
            width += perCharacter;
        }
    }
    if (current.length > 0) parts.push({pieces: current, width, trailingSpace: 0});
    return parts;
}

function toLine(units: Unit[], size: number): Line {
    const pieces = mergeText(units.flatMap((unit) => unit.pieces));
    const last = pieces.at(-1);
    const trailingSpace = units.at(-1)?.trailingSpace ?? 0;
    if (last?.kind === "text" && trailingSpace > 0) // a space at the end of a line takes no room
        pieces[pieces.length - 1] = {...last, text: last.text.trimEnd(), width: last.width - trailingSpace};
    let ascent = textAscent * size;
    let descent = textDescent * size;
    for (const piece of pieces) {
        if (piece.kind === "math") {
            ascent = Math.max(ascent, piece.math.ascent * size * piece.scale);
            descent = Math.max(descent, piece.math.descent * size * piece.scale);
        }
    }
    const width = pieces.reduce((total, piece) => total + piece.width, 0);
    return {
        width, ascent, descent,
        render: (x, baseline) => {
            let position = x;
            return pieces.map((piece) => {
                const markup = piece.kind === "math"
                    ? mathElement(piece.math, {x: position + mathSideSpace * size * piece.scale, baseline, emSize: size * piece.scale})
                    : textElement(piece.text, {
                        x: position, baseline, size: piece.size, color: piece.color, bold: piece.bold,
                        family: piece.mono ? monoFontFamily : textFontFamily
                    });
                position += piece.width;
                return markup;
            }).join("");
        }
    };
}

/** Neighbouring text in the same style becomes one SVG text element. */
function mergeText(pieces: Piece[]): Piece[] {
    const merged: Piece[] = [];
    for (const piece of pieces) {
        const last = merged.at(-1);
        if (piece.kind === "text" && last?.kind === "text" && last.bold === piece.bold && last.mono === piece.mono
            && last.color === piece.color && last.size === piece.size)
            merged[merged.length - 1] = {...last, text: last.text + piece.text, width: last.width + piece.width};
        else
            merged.push(piece);
    }
    return merged;
}
