import fs from "node:fs";
import path from "node:path";
import sharp, {type Sharp} from "sharp";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {Renderer} from "../../src/render/Renderer.js";
import type {RenderRequest} from "../../src/render/RenderRequest.js";
import {compareInk, compareWithGolden, decode, describeDifference, expectMatchesGolden} from "../support/imageComparison.js";
import {goldenFamilies, multipageSolution, mutated} from "./goldenCases.js";
import {assertFreshBuild} from "./freshBuild.js";

// Golden images, rendered by the real worker (MathJax 4, the Noto CJK fonts, sharp). Review a changed one in
// tests/render/golden/actual/ and regenerate with KOTAE_UPDATE_GOLDEN=1 npm run test:render.

const renderer = new Renderer();
beforeAll(async () => {
    assertFreshBuild("src/render/renderWorker.ts");
    await renderer.warmUp();
});
afterAll(() => renderer.close());

/** The image a golden stands for: the card, the single page, or the last page of several. */
async function goldenImage(request: RenderRequest): Promise<Uint8Array> {
    const result = await renderer.render(request);
    expect(result.failure).toBeUndefined();
    return result.images.at(-1)!.png;
}

for (const {family, cases} of goldenFamilies) {
    describe(family, () => {
        for (const {name, request, mutations} of cases) {
            it(`${name} matches its golden`, async () => {
                await expectMatchesGolden(name, await goldenImage(request));
            });

            // Read-only comparisons: a rejected image is expected here, so nothing is written to golden/.
            for (const mutation of mutations) {
                it(`${name} rejects ${mutation.label}`, async () => {
                    const difference = await compareWithGolden(name, await goldenImage(mutated(request, mutation)));
                    const message = describeDifference(name, difference);
                    expect(difference.matches, message).toBe(false);
                    if (mutation.resizes !== true)
                        expect(difference.sizes.actual, `the size alone must not be what tells (${message})`).toBe(difference.sizes.expected);
                });
            }
        }
    });
}

describe("the comparison tolerates anti-aliasing, not a changed glyph", () => {
    const goldens = goldenFamilies.flatMap(({cases}) => cases.map(({name}) => name));
    // Harsher than a library update: sharp resamples the golden itself half a pixel off (bilinear, which
    // also softens every edge) or blurs it. Measured: the blurred difference peaks at 60 of the 80 allowed.
    const noises: readonly [string, (image: Sharp, background: string) => Sharp][] = [
        ["half a pixel right", (image, background) => image.affine([1, 0, 0, 1], {idx: 0.5, idy: 0, background})],
        ["half a pixel down", (image, background) => image.affine([1, 0, 0, 1], {idx: 0, idy: 0.5, background})],
        ["half a pixel diagonally", (image, background) => image.affine([1, 0, 0, 1], {idx: 0.5, idy: 0.5, background})],
        ["blurred (σ 0.8)", (image) => image.blur(0.8)]
    ];
    for (const name of goldens) {
        it(`${name} still matches ${noises.map(([noise]) => noise).join(", ")}`, async () => {
            const png = fs.readFileSync(path.resolve(import.meta.dirname, "golden", `${name}.png`));
            const golden = await decode(png);
            const background = `#${[...golden.data.subarray(0, 3)].map((channel) => channel.toString(16).padStart(2, "0")).join("")}`;
            for (const [noise, apply] of noises) {
                const noisy = await decode(await apply(sharp(png), background).png().toBuffer());
                const difference = compareInk(noisy, golden);
                expect(difference.matches, `${noise}: ${describeDifference(name, difference)}`).toBe(true);
            }
        });
    }
});

describe("what the renderer reports with its images", () => {
    it("reports the formulas it showed as TeX source, and the text alternative keeps the LaTeX", async () => {
        const invalid = goldenFamilies.flatMap(({cases}) => cases).find(({name}) => name === "solution-invalid-tex")!.request;
        const result = await renderer.render(invalid);
        expect(result.fallbacks.map((fallback) => fallback.errorId)).toEqual(["MissingCloseBrace", "UndefinedControlSequence", "ExtraLeftMissingRight"]);
        expect(result.alt).toContain("$\\frac{1}{2$");
    });

    it("splits a long solution into pages of the page width and at most the page height (the last page, numbered, is a golden)", async () => {
        const result = await renderer.render({kind: "solution", solution: {text: multipageSolution}});
        expect(result.images).toHaveLength(2);
        for (const image of result.images) {
            expect(image.width).toBe(880);
            expect(image.height).toBeLessThanOrEqual(1500 + 40);
        }
    });
});
