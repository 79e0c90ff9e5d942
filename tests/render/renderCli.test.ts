import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import {beforeAll, describe, expect, it} from "vitest";
import {themes} from "../../src/render/RenderTheme.js";
import {decode} from "../support/imageComparison.js";
import {assertBuilt, runKotae} from "../support/runKotae.js";
import {temporaryDirectory} from "../support/testRuntime.js";
import {assertFreshBuild} from "./freshBuild.js";
import {pixelsOfColour} from "./rasterChecks.js";

type RenderJson = {
    files: {path: string, width: number, height: number, bytes: number}[],
    fallbacks: {tex: string, errorId: string, message: string}[],
    truncated: boolean,
    failure: "timeout" | "error" | null,
    durationMs: number
};

beforeAll(() => {
    assertBuilt();
    assertFreshBuild("src/cli/main.ts");
});

function render(args: string[], input?: string) {
    const cwd = temporaryDirectory("kotae-render-");
    return {cwd, ...runKotae(["render", ...args], {cwd, ...(input != null ? {input} : {})})};
}

/** The top-left pixel: the card's padding, so the theme's background. */
async function cornerPixel(file: string): Promise<number[]> {
    const {data} = await sharp(file).extract({left: 1, top: 1, width: 1, height: 1}).removeAlpha().raw().toBuffer({resolveWithObject: true});
    return [...data];
}

describe("kotae render (the real renderer, compiled CLI)", () => {
    it("writes an answer card PNG of a plausible size, printing its path and size", async () => {
        const {cwd, status, stdout} = render(["--kind", "answer", "x = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}", "-o", "card.png"]);
        expect(status).toBe(0);
        const file = path.join(cwd, "card.png");
        const metadata = await sharp(file).metadata();
        expect(stdout).toBe(`card.png  ${metadata.width}×${metadata.height} px, ${(fs.statSync(file).size / 1024).toFixed(1)} KiB\n`);
        expect(metadata.format).toBe("png");
        expect(metadata.width).toBeGreaterThan(200);
        expect(metadata.width).toBeLessThan(900);
        expect(metadata.height).toBeGreaterThan(50);
        expect(metadata.height).toBeLessThan(200);
    });

    it("paints the dark theme's background darker than the light one's", async () => {
        const light = render(["--kind", "answer", "12\\text{個}", "-o", "light.png"]);
        const dark = render(["--kind", "answer", "--theme", "dark", "12\\text{個}", "-o", "dark.png"]);
        expect([light.status, dark.status]).toEqual([0, 0]);
        const lightPixel = await cornerPixel(path.join(light.cwd, "light.png"));
        const darkPixel = await cornerPixel(path.join(dark.cwd, "dark.png"));
        expect(lightPixel).toEqual([255, 255, 255]);
        expect(darkPixel.every((channel) => channel < 80)).toBe(true);
    });

    it("reads a solution from standard input and writes one file per page: out.png, out-2.png, …", async () => {
        const lines = Array.from({length: 70}, (_, index) => `手順 ${index + 1}：$a_{${index + 1}} = ${index + 1}^2 = ${(index + 1) ** 2}$ です。`);
        const {cwd, status, stdout} = render(["-", "-o", "out.png", "--json"], `## 解答\n${lines.join("\n")}\n$$\\sum_{k=1}^{n} k^2 = \\frac{n(n+1)(2n+1)}{6}$$\n`);
        expect(status).toBe(0);
        const result = JSON.parse(stdout) as RenderJson;
        expect(result.failure).toBeNull();
        expect(result.fallbacks).toEqual([]);
        expect(result.files.length).toBeGreaterThanOrEqual(2);
        expect(result.files.map((file) => file.path)).toEqual(result.files.map((_, index) => index === 0 ? "out.png" : `out-${index + 1}.png`));
        for (const file of result.files) {
            const metadata = await sharp(path.join(cwd, file.path)).metadata();
            expect({width: metadata.width, height: metadata.height}).toEqual({width: file.width, height: file.height});
            expect(file.width).toBe(880);
            expect(fs.statSync(path.join(cwd, file.path)).size).toBe(file.bytes);
        }
    });

    it("still makes an image from invalid TeX (exit 0), drawing its source and reporting the fallback", async () => {
        const {cwd, status, stdout, stderr} = render(["--kind", "answer", "\\frac{1}{2", "-o", "broken.png", "--json"]);
        expect(status).toBe(0);
        const result = JSON.parse(stdout) as RenderJson;
        expect(result.fallbacks).toMatchObject([{errorId: "MissingCloseBrace"}]);
        expect(result.files).toHaveLength(1);
        const image = await decode(fs.readFileSync(path.join(cwd, "broken.png")));
        expect(pixelsOfColour(image, themes.light.fallback), "the TeX source drawn in the fallback colour").toBeGreaterThan(20);
        expect(stderr).toContain("TeX shown as source (MissingCloseBrace");
    });

    it("exits 1 with the text instead when no image can be made in time", () => {
        const {cwd, status, stdout, stderr} = render(["--timeout", "1", "x^2 の値", "-o", "late.png"]);
        expect(status).toBe(1);
        expect(stdout).toBe("x^2 の値\n");
        expect(stderr).toContain("no image was made (the render timed out)");
        expect(fs.readdirSync(cwd)).toEqual([]);
    });

    it("exits 2, writing nothing, without an output file, with nothing to render or with an unknown theme", () => {
        for (const args of [["5050"], ["  ", "-o", "empty.png"], ["--theme", "blue", "5050", "-o", "x.png"]]) {
            const {cwd, status, stderr} = render(args);
            expect({args, status}).toEqual({args, status: 2});
            expect(stderr).not.toBe("");
            expect(fs.readdirSync(cwd)).toEqual([]);
        }
    });
});
