import fs from "node:fs";
import path from "node:path";
import {chromium, type Browser} from "playwright-core";
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from "vitest";
import {KotaeRuntime} from "../../src/app/KotaeRuntime.js";
import {loadConfig} from "../../src/config/loadConfig.js";
import {LlamaCppBackend} from "../../src/llm/LlamaCppBackend.js";
import {WebServer} from "../../src/platforms/web/WebServer.js";
import {steeredBy} from "../support/steeredBackend.js";
import {sharedModels, temporaryDirectory} from "../support/testRuntime.js";

// The web app in Debian's headless Chromium, driven by playwright-core (no browser download), with the
// real node-llama-cpp on the tiny model, steered by a grammar so its answer is known. The model's text
// carries a <script> and an <img onerror>: they must stay text everywhere.

const hostile = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;
const adminToken = "audit-admin-token-0123456789";

let browser: Browser;
let backend: LlamaCppBackend;
/** The web app each test gets to itself: its own database, so no test sees another's interactions. */
let web: WebServer;
let runtime: KotaeRuntime;

beforeAll(async () => {
    backend = await LlamaCppBackend.create({
        model: path.join(sharedModels, "stories260K.gguf"), modelsDirectory: temporaryDirectory("kotae-web-"), gpu: "off", threads: 1, contextSize: 512, sequences: 1
    });
    browser = await chromium.launch({
        executablePath: "/usr/bin/chromium",
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    });
});

afterAll(async () => {
    await browser?.close();
    await backend?.dispose();
});

beforeEach(async () => {
    const directory = temporaryDirectory("kotae-web-");
    const config = loadConfig({env: {
        KOTAE_DB: path.join(directory, "kotae.sqlite"), KOTAE_PSEUDONYM_KEY: "web-test-key-0123456789",
        KOTAE_WEB_PORT: "0", KOTAE_WEB_ADMIN_TOKEN: adminToken, KOTAE_SEQUENCES: "1", KOTAE_MODE: "cot", KOTAE_PROFILE: "generic-chatml", KOTAE_MAX_TOKENS: "400"
    }, cwd: directory});
    const answerGrammar = `root ::= ${JSON.stringify(`両端を組にします。${hostile} よって \\boxed{5050}`)}`;
    runtime = KotaeRuntime.start(config, {backend: steeredBy(backend, [], answerGrammar)});
    web = await WebServer.start(runtime, config);
});

afterEach(async () => {
    await web?.close();
    await runtime?.close();
});

describe("the local web app in headless Chromium", () => {
    it("solve in the playground → report → audit queue → resolve → export, with model HTML kept inert", async () => {
        const context = await browser.newContext({acceptDownloads: true, locale: "ja-JP"});
        const page = await context.newPage();
        await page.goto(`${web.url}/`);
        await page.fill("#problem", "1から100までの自然数の和を求めてください");
        await page.selectOption("#mode", "cot");
        await page.click("#solve button[type=submit]");
        // These functions run in the page (playwright serialises them; strings would need 'unsafe-eval', which the CSP forbids).
        await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.getElementById("summary")?.textContent?.includes("5050") === true, undefined, {timeout: 30_000});
        await page.waitForFunction(() => {
            const card = (globalThis as unknown as PageGlobals).document.getElementById("card");
            return card != null && card.complete === true && (card.naturalWidth ?? 0) > 100;
        });
        expect(await page.textContent("#live")).toContain("<script>");
        expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__pwned)).toBeUndefined();
        expect(await page.$("#live img")).toBeNull();

        await page.click("#show");
        await page.waitForSelector("#pages img");
        expect(await page.$eval("#pages img", (image) => (image as unknown as {naturalWidth: number}).naturalWidth)).toBe(880);

        // A follow-up streams in as text, and its math is drawn as well.
        await page.fill("#question", "なぜ101を掛けるのですか？");
        await page.click("#followup button[type=submit]");
        await page.waitForSelector("#answers .turn img", {timeout: 30_000});
        expect(await page.$eval("#answers .turn img", (image) => (image as unknown as {naturalWidth: number}).naturalWidth)).toBe(880);
        expect(await page.textContent("#answers .turn pre")).toContain("<script>");
        expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__pwned)).toBeUndefined();
        expect(await fetch(`${web.url}/api/interactions/1/followups/1/1.png`).then((response) => response.status)).toBe(404); // another browser's

        await page.fill("#correct", "5050");
        await page.fill("#comment", "合っていると思う");
        await page.click("#report button[type=submit]");
        await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.getElementById("reported")?.textContent?.includes("ありがとうございます") === true);

        await page.goto(`${web.url}/audit`);
        expect(page.url()).toContain("/audit/login");
        await page.fill("#token", adminToken);
        await page.click("form button[type=submit]");
        await page.waitForURL(`${web.url}/audit`);
        const row = await page.textContent("tbody tr");
        expect(row).toContain("5050");
        expect(row).toContain("new");

        await page.click("tbody tr a");
        await page.waitForSelector("form[action$='/resolve']");
        expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__pwned)).toBeUndefined();
        expect(await page.$("img[src='x']")).toBeNull();
        expect(await page.textContent("body")).toContain("(= the model's answer)");
        // A second opinion from the loaded model: the page shows the vote running, then reloads itself until it is in.
        await page.fill("form[action$='/fresh-samples'] input[name=samples]", "2");
        await page.fill("form[action$='/fresh-samples'] input[name=reviewer]", "taro");
        await page.click("form[action$='/fresh-samples'] button[type=submit]");
        await page.waitForSelector("td:text-is('5050 ×2')", {timeout: 30_000});
        expect(await page.textContent("body")).toContain("taro");

        await page.selectOption("form[action$='/resolve'] select[name=status]", "resolved");
        await page.fill("form[action$='/resolve'] input[name=reviewer]", "hanako");
        await page.fill("form[action$='/resolve'] input[name=answer]", "5050");
        await page.click("form[action$='/resolve'] button[type=submit]");
        await page.waitForSelector("text=hanako");

        await page.goto(`${web.url}/audit`);
        const [download] = await Promise.all([page.waitForEvent("download"), page.click("a[href='/audit/export?format=cot']")]);
        const downloaded = fs.readFileSync(await download.path(), "utf8");
        const exported = downloaded.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
        expect(exported).toHaveLength(1);
        expect(exported[0]).toMatchObject({id: "kotae-1", review: "resolved", answer: "5050", source: "model"});
        expect(String(exported[0]!["completion"])).toContain("\\boxed{5050}");
        await context.close();
    });

    it("keeps other browsers out of a problem, and refuses forged or token-less requests", async () => {
        const {interactionId, browserCookie} = await solveAsABrowser("1から100までの自然数の和を求めてください");
        const ownAnswer = await fetch(`${web.url}/api/interactions/${interactionId}/answer.png`, {headers: {cookie: browserCookie}});
        expect(ownAnswer.status).toBe(200);
        const stranger = await fetch(`${web.url}/api/interactions/${interactionId}/answer.png`);
        expect(stranger.status).toBe(404);
        const forged = await fetch(`${web.url}/api/solve`, {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify({problem: "1+1"})});
        expect(forged.status).toBe(403);
        const crossSite = await fetch(`${web.url}/api/solve`, {
            method: "POST", headers: {"content-type": "application/json", "x-kotae": "1", origin: "https://evil.example"}, body: JSON.stringify({problem: "1+1"})
        });
        expect(crossSite.status).toBe(403);
        const audit = await fetch(`${web.url}/audit`, {redirect: "manual"});
        expect(audit.status).toBe(303);
        const tooBig = await fetch(`${web.url}/api/solve`, {method: "POST", headers: {"content-type": "application/json", "x-kotae": "1"}, body: JSON.stringify({problem: "x".repeat(100_000)})});
        expect(tooBig.status).toBe(413);
        const headers = (await fetch(`${web.url}/`)).headers;
        expect(headers.get("content-security-policy")).toContain("script-src 'self'");
    });

    it("shows a refusal that comes before any stream (too many requests) in the page, kindly", async () => {
        // A second server on this test's runtime; its config only serves for the web settings.
        const directory = temporaryDirectory("kotae-web-");
        const webConfig = loadConfig({env: {KOTAE_DB: path.join(directory, "unused.sqlite"), KOTAE_WEB_PORT: "0"}, cwd: directory});
        const limited = await WebServer.start(runtime, webConfig, {requestsPerMinute: 3});
        try {
            const context = await browser.newContext({locale: "ja-JP"});
            const page = await context.newPage();
            // The page, its stylesheet and its script are the three requests; the favicon never reaches Kotae.
            await page.route("**/favicon.ico", (route) => route.abort());
            await page.goto(`${limited.url}/`);
            await page.fill("#problem", "1+1");
            await page.click("#solve button[type=submit]");
            await page.waitForSelector("#status:has-text('少し時間をおいてください')");
            await context.close();
        } finally {
            await limited.close();
        }
    });

    it("hands a client without a cookie its browser cookie with the answer stream, so the problem it solved is its own", async () => {
        const {interactionId, setCookie} = await solveThroughApi("1から100までの自然数の和を求めてください");
        const browserCookie = /kotae_user=[0-9a-f]{32}/.exec(setCookie ?? "")?.[0];
        expect(browserCookie).toMatch(/^kotae_user=/);
        expect((await fetch(`${web.url}/api/interactions/${interactionId}/answer.png`, {headers: {cookie: browserCookie!}})).status).toBe(200);
    });
});

/**
 * Solves `problem` through the playground's API as a browser does: the page hands out the browser's
 * cookie, which is what makes the problem its own.
 */
async function solveAsABrowser(problem: string): Promise<{interactionId: number, browserCookie: string}> {
    const playground = await fetch(`${web.url}/`);
    const browserCookie = /kotae_user=[0-9a-f]{32}/.exec(playground.headers.get("set-cookie") ?? "")?.[0];
    expect(browserCookie).toMatch(/^kotae_user=/);
    return {interactionId: (await solveThroughApi(problem, browserCookie!)).interactionId, browserCookie: browserCookie!};
}

/** POSTs `problem` to /api/solve (with `cookie` if given) and reads the event stream to its end. */
async function solveThroughApi(problem: string, cookie?: string): Promise<{interactionId: number, setCookie: string | null}> {
    const response = await fetch(`${web.url}/api/solve`, {
        method: "POST", headers: {"content-type": "application/json", "x-kotae": "1", ...(cookie != null ? {cookie} : {})}, body: JSON.stringify({problem, mode: "cot"})
    });
    expect(response.status).toBe(200);
    const events = (await response.text()).split("\n\n").filter((chunk) => chunk.startsWith("data: ")).map((chunk) => JSON.parse(chunk.slice(6)) as {type: string, interactionId?: number});
    const interactionId = events.find((event) => event.type === "started")?.interactionId;
    expect(events.at(-1)?.type).toBe("done");
    return {interactionId: interactionId!, setCookie: response.headers.get("set-cookie")};
}

/** The page's globals as these tests use them (the test compiles without the DOM library; the casts vanish in the page). */
type PageElement = {textContent: string | null, complete?: boolean, naturalWidth?: number};
type PageGlobals = {document: {getElementById(id: string): PageElement | null}, __pwned?: number};
