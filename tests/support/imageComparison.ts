import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";

export type Raster = {readonly width: number, readonly height: number, readonly data: Buffer};

export async function decode(png: Uint8Array): Promise<Raster> {
    const {data, info} = await sharp(png).removeAlpha().raw().toBuffer({resolveWithObject: true});
    return {width: info.width, height: info.height, data};
}

/** Share of pixels whose colour differs by more than `threshold` (0–255) in some channel; 1 when the sizes differ. */
export function differingShare(a: Raster, b: Raster, threshold = 48): number {
    if (a.width !== b.width || a.height !== b.height)
        return 1;
    let differing = 0;
    for (let index = 0; index < a.data.length; index += 3) {
        if (Math.abs(a.data[index]! - b.data[index]!) > threshold
            || Math.abs(a.data[index + 1]! - b.data[index + 1]!) > threshold
            || Math.abs(a.data[index + 2]! - b.data[index + 2]!) > threshold)
            differing++;
    }
    return differing / (a.width * a.height);
}

/**
 * Compares a rendered PNG with tests/render/golden/<name>.png: same size, and at most `tolerance` of the
 * pixels visibly different (anti-aliasing may vary with library versions). KOTAE_UPDATE_GOLDEN=1 writes
 * the golden file instead; a mismatch leaves the actual image in golden/actual/ to look at.
 */
export async function matchesGolden(name: string, png: Uint8Array, tolerance = 0.01): Promise<{share: number, size: string}> {
    const directory = path.resolve(import.meta.dirname, "../render/golden");
    const golden = path.join(directory, `${name}.png`);
    if (process.env["KOTAE_UPDATE_GOLDEN"] === "1" || !fs.existsSync(golden)) {
        if (process.env["KOTAE_UPDATE_GOLDEN"] !== "1")
            throw new Error(`No golden image ${golden}: run with KOTAE_UPDATE_GOLDEN=1 and review it`);
        fs.writeFileSync(golden, png);
    }
    const [actual, expected] = await Promise.all([decode(png), decode(fs.readFileSync(golden))]);
    const share = differingShare(actual, expected);
    if (share > tolerance) {
        fs.mkdirSync(path.join(directory, "actual"), {recursive: true});
        fs.writeFileSync(path.join(directory, "actual", `${name}.png`), png);
    }
    return {share, size: `${actual.width}x${actual.height}`};
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
