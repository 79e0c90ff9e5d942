import type {TypesetMath} from "./MathTypesetter.js";

export function escapeXml(text: string): string {
    return text.replace(/[&<>"']/g, (character) => `&#${character.codePointAt(0)};`);
}

/** A run of text on a baseline; spaces are kept as written. */
export function textElement(text: string, options: {
    x: number, baseline: number, size: number, family: string, color: string, bold?: boolean
}): string {
    return `<text x="${round(options.x)}" y="${round(options.baseline)}" font-family="${escapeXml(options.family)}" font-size="${round(options.size)}"`
        + `${options.bold === true ? " font-weight=\"bold\"" : ""} fill="${options.color}" xml:space="preserve">${escapeXml(text)}</text>`;
}

/** A typeset formula placed with its baseline at `baseline`, `emSize` pixels per em of the math font. */
export function mathElement(math: TypesetMath, options: {x: number, baseline: number, emSize: number}): string {
    const width = math.width * options.emSize;
    const height = (math.ascent + math.descent) * options.emSize;
    return `<svg x="${round(options.x)}" y="${round(options.baseline - math.ascent * options.emSize)}" width="${round(width)}" height="${round(height)}"`
        + ` viewBox="${math.viewBox}" overflow="visible">${math.body}</svg>`;
}

export function rectElement(options: {x: number, y: number, width: number, height: number, fill: string, stroke?: string, radius?: number}): string {
    return `<rect x="${round(options.x)}" y="${round(options.y)}" width="${round(options.width)}" height="${round(options.height)}"`
        + ` rx="${options.radius ?? 0}" fill="${options.fill}"${options.stroke != null ? ` stroke="${options.stroke}" stroke-width="1"` : ""}/>`;
}

export function svgDocument(width: number, height: number, background: string, content: string): string {
    const [w, h] = [Math.ceil(width), Math.ceil(height)];
    return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">`
        + `<rect width="100%" height="100%" fill="${background}"/>${content}</svg>`;
}

function round(value: number): string {
    return (Math.round(value * 100) / 100).toString();
}
