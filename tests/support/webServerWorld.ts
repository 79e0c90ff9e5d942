import path from "node:path";
import {afterEach} from "vitest";
import {KotaeRuntime, type RuntimeOptions} from "../../src/app/KotaeRuntime.js";
import {loadConfig} from "../../src/config/loadConfig.js";
import {WebServer, type WebServerOptions} from "../../src/platforms/web/WebServer.js";
import type {LocalServer} from "./sendHttp.js";
import {temporaryDirectory} from "./testRuntime.js";

/** The web app under test: the server, the runtime under it, and where to reach it on 127.0.0.1. */
export type WebWorld = LocalServer & {readonly web: WebServer, readonly runtime: KotaeRuntime};

export type WebWorldOptions = {
    /** Settings besides the fresh database, the port and `adminToken`. */
    readonly env?: Record<string, string>,
    readonly runtime: RuntimeOptions,
    readonly server?: WebServerOptions
};

/**
 * Registers an afterEach that closes every web app the returned function started (the server, then the
 * runtime, so every request is logged), and returns that function: a real `WebServer` on a free loopback
 * port over a real runtime and SQLite file, with `adminToken` as KOTAE_WEB_ADMIN_TOKEN.
 */
export function webServersClosedAfterEachTest(adminToken: string): (options: WebWorldOptions) => Promise<WebWorld> {
    const started: WebWorld[] = [];
    afterEach(async () => {
        for (const {web, runtime} of started.splice(0)) {
            await web.close();
            await runtime.close();
        }
    });
    return async (options) => {
        const directory = temporaryDirectory("kotae-web-");
        const config = loadConfig({env: {
            KOTAE_DB: path.join(directory, "kotae.sqlite"), KOTAE_PSEUDONYM_KEY: "web-test-key-0123456789", KOTAE_WEB_PORT: "0",
            KOTAE_WEB_ADMIN_TOKEN: adminToken, KOTAE_SEQUENCES: "1", ...options.env
        }, cwd: directory});
        const runtime = KotaeRuntime.start(config, options.runtime);
        const web = await WebServer.start(runtime, config, options.server);
        const port = Number(new URL(web.url).port);
        const world = {web, runtime, port, local: `127.0.0.1:${port}`};
        started.push(world);
        return world;
    };
}
