import fs from "node:fs";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {KotaeRuntime} from "../../src/app/KotaeRuntime.js";
import {loadConfig} from "../../src/config/loadConfig.js";
import {WebServer} from "../../src/platforms/web/WebServer.js";
import {ScriptedBackend} from "../support/ScriptedBackend.js";
import {temporaryDirectory} from "../support/testRuntime.js";

// The web app on an address beyond loopback (web.host, src/platforms/web/webSettings.ts): only with the admin
// token, and then the audit pages open to that token alone. The server binds 0.0.0.0 but the test
// connects through 127.0.0.1, so nothing leaves the machine.

const adminToken = "beyond-loopback-token-0123456789";
const requiredLine = `KOTAE_WEB_ADMIN_TOKEN / "web.adminToken" in the config file: required to serve the web app on 0.0.0.0 (beyond loopback)`;

function configWith(env: Record<string, string>) {
    const directory = temporaryDirectory("kotae-web-host-");
    return loadConfig({env: {KOTAE_DB: path.join(directory, "kotae.sqlite"), KOTAE_PSEUDONYM_KEY: "web-host-key-0123456789", KOTAE_WEB_PORT: "0", ...env}, cwd: directory});
}

/** Whether a TCP socket listens on 0.0.0.0:`port` (/proc/net/tcp: local address in hex, state 0A = LISTEN). */
function listensOnEveryIPv4Address(port: number): boolean {
    const local = `00000000:${port.toString(16).toUpperCase().padStart(4, "0")}`;
    return fs.readFileSync("/proc/net/tcp", "utf8").split("\n").some((line) => {
        const fields = line.trim().split(/\s+/);
        return fields[1] === local && fields[3] === "0A";
    });
}

describe("web.host beyond loopback", () => {
    it("is refused without web.adminToken, in one line naming the setting and the host", () => {
        expect(() => configWith({KOTAE_WEB_HOST: "0.0.0.0"})).toThrow(`Invalid configuration:\n  - ${requiredLine}`);
    });

    it("is accepted with web.adminToken", () => {
        expect(configWith({KOTAE_WEB_HOST: "0.0.0.0", KOTAE_WEB_ADMIN_TOKEN: adminToken})).toMatchObject({web: {host: "0.0.0.0", adminToken}});
    });

    it.each(["127.0.0.1", "::1", "localhost"])("needs no token on the loopback address %s", (host) => {
        expect(configWith({KOTAE_WEB_HOST: host}).web.host).toBe(host);
    });
});

describe("the web app served on 0.0.0.0", () => {
    let runtime: KotaeRuntime;
    let web: WebServer;
    let base: string;

    beforeAll(async () => {
        const config = configWith({KOTAE_WEB_HOST: "0.0.0.0", KOTAE_WEB_ADMIN_TOKEN: adminToken});
        runtime = KotaeRuntime.start(config, {backend: new ScriptedBackend([])});
        web = await WebServer.start(runtime, config);
        const port = Number(new URL(web.url).port);
        expect(listensOnEveryIPv4Address(port)).toBe(true);
        base = `http://127.0.0.1:${port}`;
    });

    afterAll(async () => {
        await web?.close();
        await runtime?.close();
    });

    const auditPages = ["/audit", "/audit/1", "/audit/export?format=cot"];

    it.each(auditPages)("sends a request for %s without the token to the login page", async (page) => {
        const response = await fetch(`${base}${page}`, {redirect: "manual"});
        expect(response.status).toBe(303);
        expect(response.headers.get("location")).toBe("/audit/login");
    });

    it.each(auditPages)("refuses %s with a wrong token", async (page) => {
        const response = await fetch(`${base}${page}`, {redirect: "manual", headers: {authorization: "Bearer wrong-token-0123456789abcdef"}});
        expect(response.status).toBe(303);
    });

    it("opens the review queue and the export to the token, as a bearer or after logging in", async () => {
        expect((await fetch(`${base}/audit`, {headers: {authorization: `Bearer ${adminToken}`}})).status).toBe(200);
        expect((await fetch(`${base}/audit/export?format=cot`, {headers: {authorization: `Bearer ${adminToken}`}})).status).toBe(200);

        const form = {method: "POST", headers: {"content-type": "application/x-www-form-urlencoded"}, redirect: "manual"} as const;
        expect((await fetch(`${base}/audit/login`, {...form, body: new URLSearchParams({token: "wrong-token-0123456789abcdef"})})).status).toBe(401);
        const login = await fetch(`${base}/audit/login`, {...form, body: new URLSearchParams({token: adminToken})});
        expect(login.status).toBe(303);
        const adminCookie = /kotae_admin=[^;]+/.exec(login.headers.get("set-cookie") ?? "")?.[0];
        expect(adminCookie).toBeDefined();
        expect((await fetch(`${base}/audit`, {headers: {cookie: adminCookie!}})).status).toBe(200);
    });
});
