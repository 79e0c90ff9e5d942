import type {Raster} from "../support/imageComparison.js";

/** "#8a4b00" → [138, 75, 0] */
function rgb(hex: string): readonly [number, number, number] {
    return [Number.parseInt(hex.slice(1, 3), 16), Number.parseInt(hex.slice(3, 5), 16), Number.parseInt(hex.slice(5, 7), 16)];
}

function isNear(raster: Raster, pixel: number, colour: readonly number[], tolerance: number): boolean {
    return colour.every((value, channel) => Math.abs(raster.data[pixel * 3 + channel]! - value) <= tolerance);
}

/** How many pixels are drawn in `hex` (within `tolerance` per channel): text of that colour is there. */
export function pixelsOfColour(raster: Raster, hex: string, tolerance = 24): number {
    const colour = rgb(hex);
    let count = 0;
    for (let pixel = 0; pixel < raster.width * raster.height; pixel++)
        if (isNear(raster, pixel, colour, tolerance)) count++;
    return count;
}

/**
 * Whether some size × size square is entirely darker than 20 % grey: a filled bar (MathJax's merror node
 * rasterises as one). Strokes of text and formulas are at most 3 px thick at the renderer's sizes.
 */
export function hasDarkSquare(raster: Raster, size: number): boolean {
    const dark = (x: number, y: number): boolean => {
        const index = (y * raster.width + x) * 3;
        return raster.data[index]! < 50 && raster.data[index + 1]! < 50 && raster.data[index + 2]! < 50;
    };
    // runs[x]: how many pixels down to this row are dark in column x.
    const runs = new Array<number>(raster.width).fill(0);
    for (let y = 0; y < raster.height; y++) {
        let across = 0;
        for (let x = 0; x < raster.width; x++) {
            runs[x] = dark(x, y) ? runs[x]! + 1 : 0;
            across = runs[x]! >= size ? across + 1 : 0;
            if (across >= size) return true;
        }
    }
    return false;
}

/** The longest straight run of ink (unlike the background) in any row and in any column: a frame's edges. */
export function longestInkRuns(raster: Raster): {horizontal: number, vertical: number} {
    const background = [raster.data[0]!, raster.data[1]!, raster.data[2]!];
    const ink = (x: number, y: number): boolean => !isNear(raster, y * raster.width + x, background, 64);
    let [horizontal, vertical] = [0, 0];
    for (let y = 0; y < raster.height; y++)
        for (let x = 0, run = 0; x < raster.width; x++)
            horizontal = Math.max(horizontal, run = ink(x, y) ? run + 1 : 0);
    for (let x = 0; x < raster.width; x++)
        for (let y = 0, run = 0; y < raster.height; y++)
            vertical = Math.max(vertical, run = ink(x, y) ? run + 1 : 0);
    return {horizontal, vertical};
}
