import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";

export type Raster = {readonly width: number, readonly height: number, readonly data: Buffer};

export async function decode(png: Uint8Array): Promise<Raster> {
    const {data, info} = await sharp(png).removeAlpha().raw().toBuffer({resolveWithObject: true});
    return {width: info.width, height: info.height, data};
}

export type Box = {readonly left: number, readonly top: number, readonly width: number, readonly height: number};

/** How two renders of the same image differ where something is drawn. */
export type InkDifference = {
    /** Pixels that are ink in either image (the union): what `share` is measured against. */
    readonly inkPixels: number,
    /** Pixels where a stroke was added, removed, reshaped or recoloured (see `compareInk`). */
    readonly differingPixels: number,
    /** differingPixels / inkPixels; 1 when the sizes differ. */
    readonly share: number,
    /** Same size and no differing pixel. */
    readonly matches: boolean,
    /** The bounding box of the differing pixels (the whole image when the sizes differ). */
    readonly box: Box | undefined,
    readonly sizes: {readonly actual: string, readonly expected: string}
};

/**
 * Tolerances, measured on every golden. Noise: the same SVG rasterised ¼–½ px off (both axes) puts the
 * blurred difference at 38–89 of the 100 allowed (½ px along one axis: at most 74), the golden resampled
 * ½ px off or blurred (the check in goldenImages.test.ts) at most 87, and leaves no stroke unmatched; every
 * golden matches its own render with 0 differing pixels. One-glyph changes, rendered (all of them in
 * goldenCases.ts): the fewest differing pixels are x^3 for x^2 (a superscript: 1 pixel, blurred
 * difference 129), cm³ for cm² and 5060 for 5050 (5 each), 8 for 6 (9), n(n-1) for n(n+1) (20 pixels of
 * the lost vertical stroke, 0.20 % of the ink); a digit in a normal-size number differs in 22–79 pixels.
 * The hue check alone sees TeX source drawn in the text colour instead of the fallback colour.
 */
const tolerance = {
    /** A pixel is ink when some channel is further than this from the background (0–255). */
    ink: 64,
    /** How far a stroke may move (a sub-pixel shift moves an anti-aliased edge by one pixel). */
    jitter: 1,
    /** Ink is matched by ink at least this strong (relative) within `jitter` px in the other image. */
    matchingStrength: 0.3,
    /** The Gaussian that spreads each image's ink before its colours are compared, in px. */
    blurSigma: 0.7,
    /** Largest difference of the blurred images (per channel, 0–255) that is still anti-aliasing. */
    blurredDifference: 100,
    /** Largest difference of an ink pixel's hue (its distance from the background per channel, over the largest). */
    hue: 0.25
} as const;

/**
 * Compares two renders on their ink, not on all pixels: text covers only 1–10 % of a page or card, so a
 * share of all pixels lets a changed digit through. A pixel differs when
 *  - it is ink in one image and the other has no ink of at least 30 % its strength within 1 px: a stroke
 *    added or removed (`+` → `-`, a box frame), robust to sub-pixel shifts; or
 *  - the two images, each blurred by a Gaussian of σ 0.7 px, differ by more than 100 in some channel: a
 *    stroke reshaped (6 → 8, whose strokes lie within 1 px of each other) or much lighter or darker; or
 *  - it is ink in both, in another hue: the same shape in another colour (the accent for the text).
 * The background is the expected image's top-left pixel (every image has padding there), so an actual
 * image painted in another background colour is ink everywhere.
 */
export function compareInk(actual: Raster, expected: Raster): InkDifference {
    const sizes = {actual: `${actual.width}x${actual.height}`, expected: `${expected.width}x${expected.height}`};
    if (actual.width !== expected.width || actual.height !== expected.height)
        return {inkPixels: 0, differingPixels: 0, share: 1, matches: false, box: {left: 0, top: 0, width: actual.width, height: actual.height}, sizes};
    const background = [expected.data[0]!, expected.data[1]!, expected.data[2]!] as const;
    const actualInk = inkStrength(actual, background);
    const expectedInk = inkStrength(expected, background);
    const actualBlurred = gaussianBlur(actual, background);
    const expectedBlurred = gaussianBlur(expected, background);
    const {width, height} = expected;
    let [inkPixels, differingPixels] = [0, 0];
    let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
            const pixel = y * width + x;
            if (actualInk[pixel]! > tolerance.ink || expectedInk[pixel]! > tolerance.ink)
                inkPixels++;
            const differs = unmatchedInk(actualInk, expectedInk, x, y, width, height)
                || unmatchedInk(expectedInk, actualInk, x, y, width, height)
                || Math.abs(actualBlurred[pixel * 3]! - expectedBlurred[pixel * 3]!) > tolerance.blurredDifference
                || Math.abs(actualBlurred[pixel * 3 + 1]! - expectedBlurred[pixel * 3 + 1]!) > tolerance.blurredDifference
                || Math.abs(actualBlurred[pixel * 3 + 2]! - expectedBlurred[pixel * 3 + 2]!) > tolerance.blurredDifference
                || inkHueDiffers(actual, actualInk, expected, expectedInk, pixel, background);
            if (differs) {
                differingPixels++;
                left = Math.min(left, x); right = Math.max(right, x);
                top = Math.min(top, y); bottom = Math.max(bottom, y);
            }
        }
    }
    return {
        inkPixels, differingPixels, share: differingPixels / Math.max(inkPixels, 1), matches: differingPixels === 0,
        box: differingPixels === 0 ? undefined : {left, top, width: right - left + 1, height: bottom - top + 1}, sizes
    };
}

/** Per pixel, the largest channel distance from the background. */
function inkStrength(raster: Raster, background: readonly [number, number, number]): Uint8Array {
    const strength = new Uint8Array(raster.width * raster.height);
    for (let pixel = 0; pixel < strength.length; pixel++)
        strength[pixel] = Math.max(
            Math.abs(raster.data[pixel * 3]! - background[0]),
            Math.abs(raster.data[pixel * 3 + 1]! - background[1]),
            Math.abs(raster.data[pixel * 3 + 2]! - background[2]));
    return strength;
}

/**
 * Whether a pixel that is ink in both images has another hue in each: its distance from the background,
 * per channel, over the largest channel's. Anti-aliasing mixes ink with the background, which scales that
 * distance but keeps its direction, so a half-covered edge pixel has the hue of its stroke.
 */
function inkHueDiffers(actual: Raster, actualInk: Uint8Array, expected: Raster, expectedInk: Uint8Array, pixel: number,
    background: readonly [number, number, number]): boolean {
    const [actualStrength, expectedStrength] = [actualInk[pixel]!, expectedInk[pixel]!];
    if (actualStrength <= tolerance.ink || expectedStrength <= tolerance.ink)
        return false;
    for (let channel = 0; channel < 3; channel++) {
        const actualHue = (actual.data[pixel * 3 + channel]! - background[channel]!) / actualStrength;
        const expectedHue = (expected.data[pixel * 3 + channel]! - background[channel]!) / expectedStrength;
        if (Math.abs(actualHue - expectedHue) > tolerance.hue)
            return true;
    }
    return false;
}

/** Whether `own` has ink at (x, y) that `other` does not have, at a third of its strength, within `jitter` px. */
function unmatchedInk(own: Uint8Array, other: Uint8Array, x: number, y: number, width: number, height: number): boolean {
    const strength = own[y * width + x]!;
    if (strength <= tolerance.ink)
        return false;
    for (let ny = Math.max(0, y - tolerance.jitter); ny <= Math.min(height - 1, y + tolerance.jitter); ny++)
        for (let nx = Math.max(0, x - tolerance.jitter); nx <= Math.min(width - 1, x + tolerance.jitter); nx++)
            if (other[ny * width + nx]! >= strength * tolerance.matchingStrength)
                return false;
    return true;
}

/** The image blurred by a Gaussian of `tolerance.blurSigma` (separable; the background continues past the edges). */
function gaussianBlur(raster: Raster, background: readonly [number, number, number]): Float32Array {
    const radius = Math.ceil(tolerance.blurSigma * 3);
    const weights = Array.from({length: 2 * radius + 1}, (_unused, index) => Math.exp(-((index - radius) ** 2) / (2 * tolerance.blurSigma ** 2)));
    const sum = weights.reduce((total, weight) => total + weight, 0);
    const kernel = weights.map((weight) => weight / sum);
    const {width, height} = raster;
    const pass = (source: ArrayLike<number>, step: {x: number, y: number}): Float32Array => {
        const result = new Float32Array(width * height * 3);
        for (let y = 0; y < height; y++) {
            for (let x = 0; x < width; x++) {
                for (let channel = 0; channel < 3; channel++) {
                    let value = 0;
                    for (let offset = -radius; offset <= radius; offset++) {
                        const sx = x + offset * step.x;
                        const sy = y + offset * step.y;
                        value += kernel[offset + radius]! * (sx < 0 || sy < 0 || sx >= width || sy >= height
                            ? background[channel]!
                            : source[(sy * width + sx) * 3 + channel]!);
                    }
                    result[(y * width + x) * 3 + channel] = value;
                }
            }
        }
        return result;
    };
    return pass(pass(raster.data, {x: 1, y: 0}), {x: 0, y: 1});
}

const goldenDirectory = path.resolve(import.meta.dirname, "../render/golden");

/** One line that says what differs: the share of ink, where, and the sizes when they differ. */
export function describeDifference(name: string, difference: InkDifference): string {
    const {sizes, box} = difference;
    if (sizes.actual !== sizes.expected)
        return `${name}: the image is ${sizes.actual}, the golden ${sizes.expected}`;
    const where = box == null ? "" : ` in the box x ${box.left}–${box.left + box.width - 1}, y ${box.top}–${box.top + box.height - 1}`;
    return `${name}: ${difference.differingPixels} of ${difference.inkPixels} ink pixels differ (${(difference.share * 100).toFixed(2)} %)${where}`;
}

/** Compares a rendered PNG with tests/render/golden/<name>.png; reads only. */
export async function compareWithGolden(name: string, png: Uint8Array): Promise<InkDifference> {
    const golden = path.join(goldenDirectory, `${name}.png`);
    if (!fs.existsSync(golden))
        throw new Error(`No golden image ${golden}: run with KOTAE_UPDATE_GOLDEN=1 and review it`);
    const [actual, expected] = await Promise.all([decode(png), decode(fs.readFileSync(golden))]);
    return compareInk(actual, expected);
}

/**
 * Fails unless a rendered PNG matches tests/render/golden/<name>.png: same size, and no pixel of ink
 * differs (the tolerances above absorb anti-aliasing). A mismatch leaves the actual image in
 * golden/actual/ (git-ignored) to look at; KOTAE_UPDATE_GOLDEN=1 writes the golden file instead.
 */
export async function expectMatchesGolden(name: string, png: Uint8Array): Promise<void> {
    if (process.env["KOTAE_UPDATE_GOLDEN"] === "1")
        fs.writeFileSync(path.join(goldenDirectory, `${name}.png`), png);
    const difference = await compareWithGolden(name, png);
    if (difference.matches)
        return;
    fs.mkdirSync(path.join(goldenDirectory, "actual"), {recursive: true});
    fs.writeFileSync(path.join(goldenDirectory, "actual", `${name}.png`), png);
    throw new Error(`${describeDifference(name, difference)}; see tests/render/golden/actual/${name}.png`);
}

/** The bounding box of pixels unlike the background (the top-left pixel), within a region. */
export function inkBox(raster: Raster, region = {x: 0, y: 0, width: raster.width, height: raster.height}, threshold = 64) {
    const background = [raster.data[0]!, raster.data[1]!, raster.data[2]!];
    let [left, top, right, bottom, count] = [Infinity, Infinity, -Infinity, -Infinity, 0];
    for (let y = region.y; y < region.y + region.height; y++) {
        for (let x = region.x; x < region.x + region.width; x++) {
            const index = (y * raster.width + x) * 3;
            if (background.some((value, channel) => Math.abs(raster.data[index + channel]! - value) > threshold)) {
                left = Math.min(left, x); right = Math.max(right, x);
                top = Math.min(top, y); bottom = Math.max(bottom, y);
                count++;
            }
        }
    }
    return count === 0 ? undefined : {left, top, width: right - left + 1, height: bottom - top + 1, count};
}
