import {chromium, type Browser} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {themes} from "../../src/render/RenderTheme.js";
import {decode} from "../support/imageComparison.js";
import {ScriptedBackend} from "../support/ScriptedBackend.js";
import {webServersClosedAfterEachTest, type WebWorld} from "../support/webServerWorld.js";

// The playground's /tex page in Debian's headless Chromium, and its API over HTTP: the real web server,
// renderer and SQLite (no model: /tex never asks one).

const startWeb = webServersClosedAfterEachTest("tex-admin-token-0123456789");
const texWorld = () => startWeb({runtime: {backend: new ScriptedBackend([], 1)}});

let browser: Browser;
beforeAll(async () => {
    browser = await chromium.launch({
        executablePath: "/usr/bin/chromium",
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    });
});
afterAll(async () => {
    await browser?.close();
});

/** A browser's cookie, as the /tex page hands it out. */
async function browserCookie(world: WebWorld): Promise<string> {
    const page = await fetch(`${world.web.url}/tex`);
    return /kotae_user=[0-9a-f]{32}/.exec(page.headers.get("set-cookie") ?? "")![0];
}

function postTex(world: WebWorld, body: Record<string, string>, headers: Record<string, string>) {
    return fetch(`${world.web.url}/api/tex`, {method: "POST", headers: {"content-type": "application/json", ...headers}, body: JSON.stringify(body)});
}

async function backgroundOf(png: ArrayBuffer): Promise<string> {
    const raster = await decode(new Uint8Array(png));
    return `#${[...raster.data.subarray(0, 3)].map((value) => value.toString(16).padStart(2, "0")).join("")}`;
}

describe("the playground's /tex page", () => {
    it("draws what the user writes, in the theme they chose, and logs it as a tex interaction", async () => {
        const world = await texWorld();
        const context = await browser.newContext({locale: "ja-JP"});
        const page = await context.newPage();
        await page.goto(`${world.web.url}/tex`);
        await page.fill("#source", "ピタゴラスの定理：$$a^2 + b^2 = c^2$$");
        await page.selectOption("#theme", "dark");
        await page.click("#tex button[type=submit]");
        // Runs in the page (playwright serialises it; a string would need 'unsafe-eval', which the CSP forbids).
        await page.waitForFunction(() => {
            const image = (globalThis as unknown as {document: {querySelector(selector: string): {complete?: boolean, naturalWidth?: number} | null}}).document.querySelector("#pages img");
            return image != null && image.complete === true && (image.naturalWidth ?? 0) === 880;
        }, undefined, {timeout: 20_000});
        const cookies = await context.cookies();
        const cookie = cookies.find((candidate) => candidate.name === "kotae_user")!;
        const png = await fetch(`${world.web.url}/api/tex/1/1.png`, {headers: {cookie: `kotae_user=${cookie.value}`}});
        expect(png.headers.get("content-type")).toBe("image/png");
        expect(await backgroundOf(await png.arrayBuffer())).toBe(themes.dark.background);
        expect(world.runtime.store.interactions.get(1)).toMatchObject({platform: "web", mode: "tex", status: "answered", question: "ピタゴラスの定理：$$a^2 + b^2 = c^2$$"});
        await context.close();
    });

    it("shows a TeX error in the user's words, and draws nothing", async () => {
        const world = await texWorld();
        const context = await browser.newContext({locale: "en-US"});
        const page = await context.newPage();
        await page.goto(`${world.web.url}/tex`);
        await page.fill("#source", "$\\frac{1}{2$");
        await page.click("#tex button[type=submit]");
        await page.waitForSelector("#status:has-text('The braces { } do not pair up in: \\\\frac{1}{2')");
        expect(await page.locator("#pages img").count()).toBe(0);
        await context.close();
    });
});

describe("the /tex API", () => {
    it("keeps a browser's images its own, and refuses forged or cross-site posts", async () => {
        const world = await texWorld();
        const cookie = await browserCookie(world);
        const drawn = await postTex(world, {source: "$x^2$", theme: "light"}, {"x-kotae": "1", cookie});
        expect(drawn.status).toBe(200);
        expect(await drawn.json()).toEqual({interactionId: 1, pages: 1});
        expect((await fetch(`${world.web.url}/api/tex/1/1.png`, {headers: {cookie}})).status).toBe(200);
        expect((await fetch(`${world.web.url}/api/tex/1/1.png`)).status, "another browser").toBe(404);
        expect((await fetch(`${world.web.url}/api/tex/1/2.png`, {headers: {cookie}})).status, "a page it does not have").toBe(404);

        expect((await postTex(world, {source: "$x$"}, {cookie})).status, "without Kotae's header").toBe(403);
        expect((await postTex(world, {source: "$x$"}, {"x-kotae": "1", cookie, origin: "https://evil.example"})).status, "cross-site").toBe(403);
        expect(world.runtime.store.interactions.get(2)).toBeUndefined();
    });

    it("answers a refusal with its code and kind words, and serves no image for it", async () => {
        const world = await texWorld();
        const cookie = await browserCookie(world);
        const empty = await postTex(world, {source: "  "}, {"x-kotae": "1", cookie, "accept-language": "ja"});
        expect(empty.status).toBe(400);
        expect(await empty.json()).toEqual({error: "tex_empty", message: "描く内容が空のようです。数式（例: $x^2$）を書いて、もう一度送ってください。"});
        expect((await fetch(`${world.web.url}/api/tex/1/1.png`, {headers: {cookie}})).status).toBe(404);
    });

    it("remembers the theme a browser chose for its next /tex", async () => {
        const world = await texWorld();
        const cookie = await browserCookie(world);
        await postTex(world, {source: "$x$", theme: "dark"}, {"x-kotae": "1", cookie});
        await postTex(world, {source: "$y$"}, {"x-kotae": "1", cookie});
        const second = await fetch(`${world.web.url}/api/tex/2/1.png`, {headers: {cookie}});
        expect(await backgroundOf(await second.arrayBuffer())).toBe(themes.dark.background);
    });
});
