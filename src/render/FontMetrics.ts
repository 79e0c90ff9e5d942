import {execFileSync} from "node:child_process";
import * as fontkit from "fontkit";

/** The fonts every image uses; fontconfig resolves the same names when sharp (librsvg) draws the SVG. */
export const textFontFamily = "Noto Sans CJK JP";
export const monoFontFamily = "Noto Sans Mono CJK JP";

export type FontFace = {readonly family: string, readonly bold: boolean};

/** Where a family's file is, as fontconfig sees it, or undefined when that family is not installed. */
export function findFontFile(family: string, bold = false): {file: string, index: number} | undefined {
    try {
        const match = execFileSync("fc-match", ["--format=%{family}\n%{file}\n%{index}", `${family}:${bold ? "bold" : "regular"}`], {
            encoding: "utf8", stdio: ["ignore", "pipe", "ignore"]
        }).split("\n");
        const [families = "", file = "", index = "0"] = match;
        // fc-match always answers with something: only accept the family asked for, not a substitute.
        return families.split(",").includes(family) && file !== "" ? {file, index: Number(index)} : undefined;
    } catch {
        return undefined;
    }
}

/**
 * Advance widths of text in the fonts the images use, read from the font files themselves (fontkit), so
 * lines are broken where they will really end. Without the font (a host missing fonts-noto-cjk), it
 * estimates: full width for CJK, about half for Latin. `kotae doctor` reports that case.
 */
export class FontMetrics {
    private readonly fonts = new Map<string, fontkit.Font | undefined>();
    private readonly widths = new Map<string, number>();

    /** Whether the real font files were found (the image will also be drawn with them). */
    public get hasTextFont(): boolean {
        return this.font({family: textFontFamily, bold: false}) != null;
    }

    /** Width of `text` in ems. */
    public width(text: string, face: FontFace): number {
        const font = this.font(face);
        let total = 0;
        for (const character of text)
            total += this.characterWidth(character, face, font);
        return total;
    }

    private characterWidth(character: string, face: FontFace, font: fontkit.Font | undefined): number {
        const key = `${face.family}|${face.bold}|${character}`;
        let width = this.widths.get(key);
        if (width == null) {
            const codePoint = character.codePointAt(0) ?? 32;
            width = font != null && font.hasGlyphForCodePoint(codePoint)
                ? font.glyphForCodePoint(codePoint).advanceWidth / font.unitsPerEm
                : estimatedWidth(codePoint, face.family === monoFontFamily);
            this.widths.set(key, width);
        }
        return width;
    }

    private font(face: FontFace): fontkit.Font | undefined {
        const key = `${face.family}|${face.bold}`;
        if (!this.fonts.has(key))
            this.fonts.set(key, openFont(face));
        return this.fonts.get(key);
    }
}

function openFont(face: FontFace): fontkit.Font | undefined {
    const location = findFontFile(face.family, face.bold);
    if (location == null)
        return undefined;
    try {
        const opened = fontkit.openSync(location.file);
        if ("fonts" in opened) // a collection (.ttc): pick the face fontconfig named
            return opened.fonts[location.index] ?? opened.fonts[0];
        return opened;
    } catch {
        return undefined;
    }
}

function estimatedWidth(codePoint: number, monospace: boolean): number {
    const wide = (codePoint >= 0x1100 && codePoint <= 0x115f) || (codePoint >= 0x2e80 && codePoint <= 0xa4cf)
        || (codePoint >= 0xac00 && codePoint <= 0xd7a3) || (codePoint >= 0xf900 && codePoint <= 0xfaff)
        || (codePoint >= 0xfe30 && codePoint <= 0xfe4f) || (codePoint >= 0xff00 && codePoint <= 0xff60)
        || (codePoint >= 0xffe0 && codePoint <= 0xffe6) || codePoint >= 0x20000;
    if (wide) return 1;
    return monospace ? 0.5 : 0.56;
}
