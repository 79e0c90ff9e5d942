import http from "node:http";
import path from "node:path";
import {describe, expect, it} from "vitest";
import {loadConfig} from "../../src/config/loadConfig.js";
import {createKotaeLogger, type KotaeLogger} from "../../src/observability/KotaeLogger.js";
import {AdminAuth} from "../../src/platforms/web/AdminAuth.js";
import {LoginThrottle} from "../../src/platforms/web/LoginThrottle.js";
import {unservedHostMessage, type WebServerOptions} from "../../src/platforms/web/WebServer.js";
import {ScriptedBackend} from "../support/ScriptedBackend.js";
import {sendHttp} from "../support/sendHttp.js";
import {temporaryDirectory} from "../support/testRuntime.js";
import {webServersClosedAfterEachTest, type WebWorld} from "../support/webServerWorld.js";

// The web app's protocol edges, as a reverse proxy, a hostile page or a guessing script meets them:
// plain HTTP over 127.0.0.1 (node:http, which lets a test choose the Host header), no browser needed.

const adminToken = "proxy-admin-token-0123456789";
const publicOrigin = "https://kotae.example.org";
const solution = "<think>\n組にします。\n</think>\n両端を組にすると $101 \\times 50 = 5050$ です。\n\n\\boxed{5050}";

const startWeb = webServersClosedAfterEachTest(adminToken);

function start(env: Record<string, string> = {}, options: WebServerOptions & {chunkDelayMs?: number, logger?: KotaeLogger} = {}): Promise<WebWorld> {
    return startWeb({env, server: options, runtime: {
        backend: new ScriptedBackend([solution], 1, {chunkDelayMs: options.chunkDelayMs ?? 0}),
        ...(options.logger != null ? {logger: options.logger} : {})
    }});
}


const json = {"content-type": "application/json", "x-kotae": "1"};
const form = {"content-type": "application/x-www-form-urlencoded"};
const bearer = {authorization: `Bearer ${adminToken}`};

describe("malformed input", () => {
    it("ignores a cookie with a bad %-escape (any app on 127.0.0.1 can set one)", async () => {
        const world = await start();
        for (const bad of ["kotae_user=%", "kotae_user=%zz; kotae_admin=%", "kotae_admin=%E0%A4%A"]) {
            const page = await sendHttp(world, "/", {headers: {cookie: bad}});
            expect(page.status).toBe(200);
            expect(page.headers["set-cookie"]?.[0]).toMatch(/^kotae_user=[0-9a-f]{32};/);
            expect((await sendHttp(world, "/audit", {headers: {cookie: bad}})).status).toBe(303);
        }
    });

    it.each(["1e309", "-1", "0x10", "1.5", "abc", "99999999999"])("answers /audit?offset=%s with 400 and what offset must be", async (offset) => {
        const world = await start();
        const response = await sendHttp(world, `/audit?offset=${offset}`, {headers: bearer});
        expect(response.status).toBe(400);
        expect(response.body).toBe("offset must be a whole number from 0 to 1000000000");
    });

    it("takes a whole offset and refuses ids that are not whole numbers with 404", async () => {
        const world = await start();
        expect((await sendHttp(world, "/audit?offset=50", {headers: bearer})).status).toBe(200);
        for (const id of ["1e309", "Infinity", "-1"]) {
            expect((await sendHttp(world, `/audit/${id}`, {headers: bearer})).status).toBe(404);
            expect((await sendHttp(world, `/api/interactions/${id}/answer.png`)).status).toBe(404);
            const resolve = await sendHttp(world, `/audit/${id}/resolve`, {method: "POST", headers: {...bearer, ...form}, body: "status=confirmed&reviewer=r"});
            expect(resolve.status).toBe(400);
        }
    });
});

describe("Host and Origin", () => {
    it("refuses a Host it does not serve with 421 (DNS rebinding), on every route", async () => {
        const world = await start();
        for (const host of [`rebind.attacker.example:${world.port}`, "127.0.0.1", `127.0.0.1:${world.port + 1}`, "kotae.example.org"]) {
            const page = await sendHttp(world, "/", {headers: {host}});
            expect(page.status).toBe(421);
            expect(page.body).toBe(unservedHostMessage);
            expect(page.body).toContain("このアドレスでは Kotae を開けません。");
            expect((await sendHttp(world, "/api/solve", {method: "POST", headers: {host, ...json}, body: JSON.stringify({problem: "1+1"})})).status).toBe(421);
        }
        for (const host of [`localhost:${world.port}`, `[::1]:${world.port}`, `LOCALHOST:${world.port}`])
            expect((await sendHttp(world, "/", {headers: {host}})).status).toBe(200);
    });

    it("accepts the public URL's host and https origin behind a TLS proxy, and still the local ones", async () => {
        const world = await start({KOTAE_WEB_PUBLIC_URL: `${publicOrigin}, https://kotae2.example.org:8443`, KOTAE_WEB_TRUST_PROXY: "true"});
        const viaProxy = {host: "kotae.example.org", origin: publicOrigin, "x-forwarded-proto": "https"};
        expect((await sendHttp(world, "/", {headers: viaProxy})).status).toBe(200);
        expect((await sendHttp(world, "/", {headers: {host: "kotae2.example.org:8443"}})).status).toBe(200);
        const login = await sendHttp(world, "/audit/login", {method: "POST", headers: {...viaProxy, ...form}, body: `token=${adminToken}`});
        expect(login.status).toBe(303);
        expect(login.headers["set-cookie"]?.[0]).toMatch(/; Secure$/);
        const solve = await sendHttp(world, "/api/solve", {method: "POST", headers: {...viaProxy, ...json}, body: JSON.stringify({problem: "1から100までの和"})});
        expect(solve.status).toBe(200);
        expect(solve.body).toContain(`"type":"done"`);
        expect((await sendHttp(world, "/api/solve", {method: "POST", headers: {origin: `http://${world.local}`, ...json}, body: JSON.stringify({problem: "1+1"})})).status).toBe(200);
    });

    it("refuses other origins, and the public host over plain http, with 403", async () => {
        const world = await start({KOTAE_WEB_PUBLIC_URL: publicOrigin});
        for (const origin of ["https://attacker.example", "http://kotae.example.org", "null", `https://${world.local}`]) {
            const response = await sendHttp(world, "/api/solve", {method: "POST", headers: {host: "kotae.example.org", origin, ...json}, body: JSON.stringify({problem: "1+1"})});
            expect(response.status).toBe(403);
        }
    });

    it("rejects a public URL that is not an origin, naming the setting", () => {
        const directory = temporaryDirectory("kotae-web-proxy-");
        expect(() => loadConfig({env: {KOTAE_DB: path.join(directory, "k.sqlite"), KOTAE_WEB_PUBLIC_URL: "kotae.example.org/app"}, cwd: directory}))
            .toThrow(/KOTAE_WEB_PUBLIC_URL.*must be one or more http\(s\) origins/);
    });
});

describe("the audit login", () => {
    it("sets an opaque session, not the token, and only a session it opened lets one in", async () => {
        const world = await start();
        const login = await sendHttp(world, "/audit/login", {method: "POST", headers: form, body: `token=${adminToken}`});
        const session = /^kotae_admin=([0-9a-f]{64});/.exec(login.headers["set-cookie"]?.[0] ?? "")?.[1];
        expect(session).toBeDefined();
        expect(login.headers["set-cookie"]?.[0]).not.toContain(adminToken);
        expect((await sendHttp(world, "/audit", {headers: {cookie: `kotae_admin=${session}`}})).status).toBe(200);
        for (const forged of [adminToken, "0".repeat(64), encodeURIComponent(adminToken)])
            expect((await sendHttp(world, "/audit", {headers: {cookie: `kotae_admin=${forged}`}})).status).toBe(303);
    });

    it("answers each wrong token later than the last, then refuses the client (429) even with the right one", async () => {
        const throttle = new LoginThrottle({maxFailures: 4, stepDelayMs: 100});
        const world = await start({KOTAE_WEB_TRUST_PROXY: "true"}, {admin: new AdminAuth(adminToken, throttle)});
        const guesser = {...form, "x-forwarded-for": "203.0.113.7"};
        const began = performance.now();
        for (let guess = 0; guess < 4; guess++)
            expect((await sendHttp(world, "/audit/login", {method: "POST", headers: guesser, body: `token=guess-${guess}-0123456789abcdef`})).status).toBe(401);
        // 100 + 200 + 300 + 400 ms promised
        expect(performance.now() - began).toBeGreaterThanOrEqual(1000);
        const locked = await sendHttp(world, "/audit/login", {method: "POST", headers: guesser, body: `token=${adminToken}`});
        expect(locked.status).toBe(429);
        expect(Number(locked.headers["retry-after"])).toBeGreaterThan(800);
        expect(locked.body).toContain("Too many wrong tokens");
        expect((await sendHttp(world, "/audit", {headers: {...bearer, "x-forwarded-for": "203.0.113.7"}})).status).toBe(303);
        // Another client is not locked out by the guesser.
        expect((await sendHttp(world, "/audit/login", {method: "POST", headers: {...form, "x-forwarded-for": "198.51.100.2"}, body: `token=${adminToken}`})).status).toBe(303);
    });

    it("counts wrong bearer tokens too", async () => {
        const world = await start({}, {admin: new AdminAuth(adminToken, new LoginThrottle({maxFailures: 3, stepDelayMs: 1}))});
        for (let guess = 0; guess < 3; guess++)
            expect((await sendHttp(world, "/audit", {headers: {authorization: `Bearer guess-${guess}-0123456789abcdef`}})).status).toBe(303);
        expect((await sendHttp(world, "/audit", {headers: bearer})).status).toBe(303);
        expect((await sendHttp(world, "/audit/login", {method: "POST", headers: form, body: `token=${adminToken}`})).status).toBe(429);
    });
});

/** Reads a server-sent-event stream until `until` holds for the text so far; resolves with the open response. */
function openStream(world: WebWorld, body: unknown, until: (text: string) => boolean): Promise<{text: () => string, close: () => void}> {
    return new Promise((resolve, reject) => {
        let text = "";
        const request = http.request({host: "127.0.0.1", port: world.port, path: "/api/solve", method: "POST", headers: {host: world.local, ...json}}, (response) => {
            response.setEncoding("utf8");
            response.on("data", (chunk: string) => {
                text += chunk;
                if (until(text)) resolve({text: () => text, close: () => request.destroy()});
            });
        });
        request.on("error", reject);
        request.end(JSON.stringify(body));
    });
}

describe("admission on /api/solve, as on the chat platforms", () => {
    it("keeps a client without cookies to maxPendingPerUser, however often it drops them, and logs the refusal", async () => {
        const world = await start({KOTAE_MAX_PENDING_PER_USER: "1"}, {chunkDelayMs: 50});
        const first = await openStream(world, {problem: "1から100までの和"}, (text) => text.includes(`"type":"started"`));
        const second = await sendHttp(world, "/api/solve", {method: "POST", headers: json, body: JSON.stringify({problem: "2+2"})});
        expect(second.headers["set-cookie"]?.[0]).toMatch(/^kotae_user=/);
        expect(second.body).toContain(`"code":"too_many_pending"`);
        expect(second.body).toContain("前の問題をまだ解いています");
        const refusedId = Number(/"interactionId":(\d+)/.exec(second.body)?.[1]);
        expect(world.runtime.store.interactions.get(refusedId)).toMatchObject({status: "rejected", errorCode: "too_many_pending", question: "2+2"});
        first.close();
        // Once the first ends (the browser went away), the client may ask again.
        await expect.poll(async () => (await sendHttp(world, "/api/solve", {method: "POST", headers: json, body: JSON.stringify({problem: "3+3"})})).body, {timeout: 10_000})
            .toContain(`"type":"done"`);
    });

    it("keeps a client to solvesPerHour across cookie resets, and a browser to it by its cookie", async () => {
        const world = await start({KOTAE_SOLVES_PER_HOUR: "2", KOTAE_WEB_TRUST_PROXY: "true"});
        const solve = (headers: Record<string, string> = {}) => sendHttp(world, "/api/solve", {method: "POST", headers: {...json, ...headers}, body: JSON.stringify({problem: "1+1"})});
        const accepted = await solve();
        expect(accepted.body).toContain(`"type":"done"`);
        const cookie = /kotae_user=[0-9a-f]{32}/.exec(accepted.headers["set-cookie"]?.[0] ?? "")![0];
        expect((await solve({cookie})).body).toContain(`"type":"done"`);
        // Without its cookie, from the same address; with it, even from another address (the browser moved).
        for (const headers of [{}, {cookie}, {cookie, "x-forwarded-for": "198.51.100.9"}] as Record<string, string>[]) {
            const refused = await solve(headers);
            expect(refused.body).toContain(`"code":"rate_limited"`);
            expect(refused.body).toMatch(/あと\d+秒ほど/);
        }
        // The refusals are logged: a new browser's by the per-client limit, the known one's by its own.
        const withoutCookie = Number(/"interactionId":(\d+)/.exec((await solve()).body)?.[1]);
        expect(world.runtime.store.interactions.get(withoutCookie)).toMatchObject({status: "rejected", errorCode: "rate_limited"});
        expect(world.runtime.store.interactions.get(withoutCookie - 1)).toMatchObject({status: "rejected", errorCode: "rate_limited"});
    });
});

describe("the operator in the playground", () => {
    it("holds an admin to neither the hourly limit nor the per-client one, while others at the same address are held", async () => {
        const world = await start({KOTAE_SOLVES_PER_HOUR: "1"});
        const solve = (headers: Record<string, string>) => sendHttp(world, "/api/solve", {method: "POST", headers: {...json, ...headers}, body: JSON.stringify({problem: "1+1"})});
        const first = await solve(bearer);
        expect(first.body).toContain(`"type":"done"`);
        // The same browser again (its cookie: the hourly limit counts per user), and without it (per client).
        const cookie = /kotae_user=[0-9a-f]{32}/.exec(first.headers["set-cookie"]?.[0] ?? "")![0];
        for (const headers of [{...bearer, cookie}, {...bearer, cookie}, bearer])
            expect((await solve(headers)).body).toContain(`"type":"done"`);
        expect((await solve({})).body).toContain(`"type":"done"`);
        expect((await solve({})).body).toContain(`"code":"rate_limited"`);
    });
});

describe("the per-client request limit", () => {
    it("answers a client beyond requestsPerMinute with 429 and Retry-After, and no other client", async () => {
        const world = await start({KOTAE_WEB_TRUST_PROXY: "true"}, {requestsPerMinute: 5});
        const hammer = {"x-forwarded-for": "203.0.113.50"};
        for (let request = 0; request < 5; request++)
            expect((await sendHttp(world, "/static/style.css", {headers: hammer})).status).toBe(200);
        const refused = await sendHttp(world, "/", {headers: hammer});
        expect(refused.status).toBe(429);
        const seconds = Number(refused.headers["retry-after"]);
        expect(seconds).toBeGreaterThanOrEqual(1);
        expect(refused.body).toBe(`少し時間をおいてください。あと${seconds}秒ほどで、また質問できます。`);
        const inEnglish = await sendHttp(world, "/", {headers: {...hammer, "accept-language": "en-US,en;q=0.9"}});
        expect(inEnglish.body).toMatch(/^Please slow down a little: you can ask again in about \d+ seconds\.$/);
        expect((await sendHttp(world, "/", {headers: {"x-forwarded-for": "203.0.113.51"}})).status).toBe(200);
    });
});

describe("trusting only the reverse proxy's addresses", () => {
    it("believes X-Forwarded-For from a listed proxy, and ignores it from any other peer", async () => {
        const hammer = (world: WebWorld, request: number) => sendHttp(world, "/static/style.css", {headers: {"x-forwarded-for": `203.0.113.${request}`}});
        // This test's requests come from 127.0.0.1: a listed proxy, so each forwarded address is a client of its own.
        const behindProxy = await start({KOTAE_WEB_TRUST_PROXY: "127.0.0.0/8"}, {requestsPerMinute: 2});
        for (let request = 0; request < 4; request++)
            expect((await hammer(behindProxy, request)).status).toBe(200);
        // 127.0.0.1 is not the listed proxy: the header is a client's claim, and all of it is one client, 127.0.0.1.
        const elsewhere = await start({KOTAE_WEB_TRUST_PROXY: "10.0.0.1"}, {requestsPerMinute: 2});
        expect([(await hammer(elsewhere, 0)).status, (await hammer(elsewhere, 1)).status, (await hammer(elsewhere, 2)).status]).toEqual([200, 200, 429]);
    });
});

describe("the operator's log", () => {
    it("writes one plain line per server error, without a stack, and nothing for client errors", async () => {
        const lines: string[] = [];
        const world = await start({}, {logger: createKotaeLogger({format: "pretty", debug: false, destination: {write: (line: string) => lines.push(line)}})});
        await sendHttp(world, "/audit?offset=1e309", {headers: bearer});
        await sendHttp(world, "/nowhere");
        await sendHttp(world, "/", {headers: {host: "attacker.example"}});
        expect(lines).toEqual([]);
        world.runtime.store.close();
        expect((await sendHttp(world, "/audit", {headers: bearer})).status).toBe(500);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d \[web\] error: .*database.* \(GET \/audit\)\n$/);
        expect(lines[0]).not.toMatch(/\n./);
        expect(lines[0]).not.toContain("    at ");
    });
});
