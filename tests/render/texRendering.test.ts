import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {renderTex, type TexRequest} from "../../src/app/renderTex.js";
import {unsetCommunitySettings} from "../../src/domain/CommunitySettings.js";
import {ErrorCode} from "../../src/errors/ErrorCode.js";
import {localize} from "../../src/i18n/messages.js";
import {Renderer} from "../../src/render/Renderer.js";
import {themes} from "../../src/render/RenderTheme.js";
import {compareWithGolden, decode, describeDifference} from "../support/imageComparison.js";
import {alice, bob, temporaryStore} from "../support/testRuntime.js";
import {assertFreshBuild} from "./freshBuild.js";
import {goldenFamilies} from "./goldenCases.js";
import {hasDarkSquare, pixelsOfColour} from "./rasterChecks.js";

// /tex draws a user's LaTeX with the solution pages' renderer: the same text must give the very image of a
// solution golden, and everything the renderer refuses for model text is refused here, by name.
const logged: string[] = [];
const renderer = new Renderer({log: (message) => logged.push(message)});
const store = temporaryStore();
beforeAll(async () => {
    assertFreshBuild("src/render/renderWorker.ts");
    await renderer.warmUp();
});
afterAll(async () => {
    await renderer.close();
    store.close();
});

const services = {store, renderer, maxChars: 2000};
const ask = (source: string, more: Partial<TexRequest> = {}) => renderTex(services, {source, requester: alice, communityTheme: "light", ...more});

const darkUser = {...alice, userId: "writes-in-dark"};
const darkGolden = goldenFamilies.flatMap(({cases}) => cases).find(({name}) => name === "solution-mixed-paragraph-dark")!;
const darkText = darkGolden.request.kind === "solution" ? darkGolden.request.solution.text : "";

describe("/tex draws the math as a solution page", () => {
    it("gives the solution golden's image for the same text and theme", async () => {
        const outcome = await ask(darkText, {theme: "dark", requester: darkUser});
        expect(outcome.ok).toBe(true);
        if (!outcome.ok) return;
        expect(outcome.images).toHaveLength(1);
        const difference = await compareWithGolden(darkGolden.name, outcome.images[0]!.png);
        expect(difference.matches, describeDifference(darkGolden.name, difference)).toBe(true);
    });

    it("shows a changed formula (x+2 for x-2) as a different image", async () => {
        const outcome = await ask(darkText.replace("(x-2)", "(x+2)"), {requester: darkUser});
        if (!outcome.ok) throw new Error("refused");
        expect((await compareWithGolden(darkGolden.name, outcome.images[0]!.png)).matches).toBe(false);
    });

    it("logs each render as an interaction of mode tex, answered, with the source", async () => {
        const outcome = await ask("$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$");
        if (!outcome.ok) throw new Error("refused");
        expect(store.interactions.get(outcome.interactionId)).toMatchObject({
            mode: "tex", status: "answered", question: "$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$", userPseudonym: store.pseudonymOf(alice)
        });
    });
});

describe("the user's theme", () => {
    it("is the one they chose last, remembered per user; others keep the community's", async () => {
        const user = {...alice, userId: "theme-user"};
        const first = await ask("$x$", {requester: user});
        expect(first).toMatchObject({ok: true, theme: "light"});
        expect(await ask("$x$", {requester: user, theme: "dark"})).toMatchObject({ok: true, theme: "dark"});
        const remembered = await ask("$x$", {requester: user});
        expect(remembered).toMatchObject({ok: true, theme: "dark"});
        if (!remembered.ok) return;
        const raster = await decode(remembered.images[0]!.png);
        expect(pixelsOfColour(raster, themes.dark.background), "painted in the dark theme").toBeGreaterThan(raster.width * raster.height / 2);
        expect(await ask("$x$", {requester: {...bob, userId: "another-user"}, communityTheme: "light"})).toMatchObject({ok: true, theme: "light"});
        expect(await ask("$x$", {requester: {...bob, userId: "in-a-dark-community"}, communityTheme: "dark"})).toMatchObject({ok: true, theme: "dark"});
    });
});

describe("broken or hostile TeX is refused by name, quickly, never drawn", () => {
    const cases: readonly [string, string, ErrorCode, Record<string, string>][] = [
        ["unbalanced braces", "答え：$\\frac{1}{2$", ErrorCode.TexUnbalanced, {formula: "\\frac{1}{2"}],
        ["an unknown macro", "$\\foo{x}$", ErrorCode.TexUnknownCommand, {command: "\\foo"}],
        ["\\href (no links or external resources)", "$\\href{https://example.com}{x}$", ErrorCode.TexUnknownCommand, {command: "\\href"}],
        ["\\includegraphics", "$$\\includegraphics{file:///etc/passwd}$$", ErrorCode.TexUnknownCommand, {command: "\\includegraphics"}],
        ["\\def recursion", "$\\def\\a{\\a}\\a$", ErrorCode.TexTooComplex, {}],
        ["a huge \\rule", "$$\\rule{10000em}{10000em}$$", ErrorCode.TexTooComplex, {}],
        ["\\newcommand recursion", "$\\newcommand{\\x}{\\x}\\x$", ErrorCode.TexTooComplex, {}]
    ];
    for (const [name, source, code, params] of cases)
        it(`${name}: ${code}`, async () => {
            const started = performance.now();
            const outcome = await ask(source);
            expect(performance.now() - started).toBeLessThan(5000);
            expect(outcome.ok).toBe(false);
            if (outcome.ok) return;
            expect(outcome.failure).toMatchObject({code, params: expect.objectContaining(params) as unknown});
            expect(store.interactions.get(outcome.failure.interactionId!)).toMatchObject({mode: "tex", status: "failed", errorCode: code});
            const words = localize(outcome.failure.code, "ja", outcome.failure.params);
            expect(words).not.toMatch(/\{(formula|command|detail|limit)\}|Error:|at .*\.js/);
            expect(words.length).toBeLessThan(200);
        });

    it("leaves the operator's log alone: a user's TeX error is theirs", () => {
        expect(logged).toEqual([]);
    });

    it("an html injection inside \\text is drawn as text, never markup", async () => {
        const outcome = await ask("$\\text{</svg><image href=\"file:///etc/passwd\"/>}$");
        expect(outcome.ok).toBe(true);
        if (!outcome.ok) return;
        expect(hasDarkSquare(await decode(outcome.images[0]!.png), 6)).toBe(false);
    });

    it("empty and too long sources are refused before the renderer, and logged as rejected", async () => {
        for (const [source, code] of [["   ", ErrorCode.TexEmpty], ["x".repeat(2001), ErrorCode.TexTooLong]] as const) {
            const outcome = await ask(source);
            if (outcome.ok) throw new Error("rendered");
            expect(outcome.failure.code).toBe(code);
            expect(store.interactions.get(outcome.failure.interactionId!)).toMatchObject({mode: "tex", status: "rejected"});
        }
        expect(localize(ErrorCode.TexTooLong, "en", {limit: 2000})).toContain("2000");
    });

    it("the community's hourly limit counts /tex requests like problems, and its refusal is logged as rejected", async () => {
        const hourly = {settings: {...unsetCommunitySettings, solvesPerHour: 2}, channelId: "c1", isModerator: false};
        const requester = {...alice, userId: "counted-user"};
        expect(await ask("$1$", {requester, admission: hourly})).toMatchObject({ok: true});
        expect(await ask("$2$", {requester, admission: hourly})).toMatchObject({ok: true});
        const third = await ask("$3$", {requester, admission: hourly});
        if (third.ok) throw new Error("not limited");
        expect(third.failure.code).toBe(ErrorCode.RateLimited);
        expect(store.interactions.get(third.failure.interactionId!)).toMatchObject({mode: "tex", status: "rejected", question: "$3$"});
        expect(await ask("$3$", {requester, admission: {...hourly, isModerator: true}})).toMatchObject({ok: true});
    });

    it("a render past its time limit is a kind failure, not an image", async () => {
        const hurried = new Renderer({timeoutMs: 1, log: () => {}});
        try {
            const outcome = await renderTex({...services, renderer: hurried}, {source: "$x$", requester: alice, communityTheme: "light"});
            expect(outcome).toMatchObject({ok: false, failure: {code: ErrorCode.TexRenderFailed}});
        } finally {
            await hurried.close();
        }
    });
});
