import {execFileSync} from "node:child_process";
import fs from "node:fs";
import net, {type AddressInfo} from "node:net";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";
import {runServe} from "../../src/cli/serveCommandLine.js";
import type {KotaeConfig} from "../../src/config/KotaeConfig.js";
import {loadConfig} from "../../src/config/loadConfig.js";
import {platformNames} from "../../src/domain/RequestOrigin.js";
import {createKotaeLogger} from "../../src/observability/KotaeLogger.js";
import {builtinPlatforms, type PlatformRegistry} from "../../src/platforms/platformRegistry.js";
import {skeletonPlatform} from "../support/skeletonPlatform/skeletonPlatform.js";
import {temporaryDirectory} from "../support/testRuntime.js";

// How many files a new platform touches: its own folder (here tests/support/skeletonPlatform/, one file)
// and one line of src/platforms/platformRegistry.ts. Nothing else names it: its config section, its
// KOTAE_* variables, its cross-checks, serve's status line and hint, and the `platform` union all come
// from the registry. (Its variables also go into .env.example, which tests/unit/envExample.test.ts checks.)

/** A folder with `kotae.config.json` holding `file`, and the environment a test serve needs (its own database, any free web port, no sandbox). */
function configured(file: Record<string, unknown>, platforms: PlatformRegistry, env: Record<string, string> = {}): {config: KotaeConfig, warnings: string[]} {
    const directory = temporaryDirectory("kotae-platforms-");
    fs.writeFileSync(path.join(directory, "kotae.config.json"), JSON.stringify(file));
    const warnings: string[] = [];
    const config = loadConfig({
        env: {
            KOTAE_DB: path.join(directory, "kotae.sqlite"), KOTAE_PSEUDONYM_KEY: "platform-registry-key-0123", KOTAE_WEB_PORT: "0",
            KOTAE_PYTHON: path.join(directory, "no-python"), ...env
        },
        cwd: directory, platforms, warn: (line) => warnings.push(line)
    });
    return {config, warnings};
}

function refusal(run: () => unknown): string {
    try {
        run();
    } catch (error) {
        return (error as Error).message;
    }
    throw new Error("expected the configuration to be refused");
}

async function serve(config: KotaeConfig, platforms: PlatformRegistry): Promise<{exit: unknown, lines: string[]}> {
    const lines: string[] = [];
    const logger = createKotaeLogger({format: "pretty", debug: false, destination: {write: (line: string) => lines.push(line)}});
    // Stops as soon as serve waits for a signal: by then every configured platform has started.
    const exit = await runServe(config, {platforms, logger, untilStopped: async () => "SIGTERM"}).catch((error: unknown) => error);
    return {exit, lines};
}

/** The platform libraries a fresh Node process holds after importing each of `modules` (compiled, under dist/src). */
function librariesLoadedBy(...modules: string[]): string[] {
    const dist = fileURLToPath(new URL("../../dist/src/", import.meta.url));
    const script = `import {createRequire} from "node:module";
        for (const module of ${JSON.stringify(modules.map((module) => path.join(dist, module)))}) await import(module);
        const files = Object.keys(createRequire(import.meta.url).cache);
        const libraries = ["discord.js", "@slack/bolt", "fastify"];
        process.stdout.write(JSON.stringify(libraries.filter((name) => files.some((file) => file.includes(\`/node_modules/\${name}/\`)))));`;
    return JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], {encoding: "utf8"})) as string[];
}

describe("the built-in registry", () => {
    it("holds exactly the platforms the domain names (the platform of every request)", () => {
        expect(builtinPlatforms.map((platform) => platform.name).sort()).toEqual([...platformNames].sort());
    });

    it("loads a platform's library only when it starts: the CLI and its configuration load none", () => {
        expect(librariesLoadedBy("cli/main.js", "config/loadConfig.js")).toEqual([]);
        expect(librariesLoadedBy("platforms/discord/DiscordAdapter.js", "platforms/slack/SlackAdapter.js", "platforms/web/WebServer.js"))
            .toEqual(["discord.js", "@slack/bolt", "fastify"]);
    });
});

describe("a platform from the registry (a skeleton one)", () => {
    it("has its own config section, from the file and its KOTAE_* variables", () => {
        const journal: string[] = [];
        const platforms = [...builtinPlatforms, skeletonPlatform("skeleton", journal)];
        const {config} = configured({skeleton: {room: "from-file", greeting: "やあ"}}, platforms, {KOTAE_SKELETON_TOKEN: "skel-abc", KOTAE_SKELETON_ROOM: "from-env"});
        expect((config as unknown as Record<string, unknown>)["skeleton"]).toEqual({token: "skel-abc", room: "from-env", greeting: "やあ"});
        expect(config.web.port).toBe(0);
    });

    it("is validated with the rest: a bad value, an unknown key and its cross-check, each one line, at once", () => {
        const platforms = [...builtinPlatforms, skeletonPlatform("skeleton", [])];
        const message = refusal(() => configured({threads: true, skeleton: {greeting: 5, romo: "x"}}, platforms, {KOTAE_SKELETON_TOKEN: "skel-abc"}));
        expect(message).toMatch(/"skeleton\.romo" in .*kotae\.config\.json is not a Kotae setting/);
        expect(message).toMatch(/"skeleton\.greeting" in the config file: .*\(got 5\)/);
        expect(message).toMatch(/KOTAE_SKELETON_ROOM \/ "skeleton\.room" in the config file: required with the skeleton token/);
        expect(message).toMatch(/KOTAE_THREADS \/ "threads" in the config file: must be a whole number/);
        expect(message.split("\n")).toHaveLength(5);

        const token = refusal(() => configured({skeleton: {token: "not-a-skeleton-token", room: "r"}}, platforms));
        expect(token).toContain('KOTAE_SKELETON_TOKEN / "skeleton.token" in the config file: must be a skeleton token (skel-…)');
        expect(token).not.toContain("not-a-skeleton-token"); // a secret is never echoed
        expect(refusal(() => configured({skeleton: "skel-abc"}, platforms))).toContain('"skeleton" in the config file: must be an object of Skeleton skeleton settings');
    });

    it("is started by serve when configured, prints its line, and is stopped in reverse order; an unconfigured one is left alone", async () => {
        const journal: string[] = [];
        const platforms = [...builtinPlatforms, skeletonPlatform("first", journal), skeletonPlatform("second", journal), skeletonPlatform("unused", journal)];
        const {config} = configured({first: {token: "skel-1", room: "one", greeting: "hi"}, second: {token: "skel-2", room: "two"}}, platforms);

        const {exit, lines} = await serve(config, platforms);

        expect(exit).toBe(0);
        expect(journal).toEqual(["first started in one with Engine", "second started in two with Engine", "second stopped", "first stopped"]);
        const output = lines.join("");
        expect(output).toMatch(/Web: the playground is at http:\/\/127\.0\.0\.1:\d+\//);
        expect(output).toContain("Skeleton first: hi in one.");
        expect(output).toContain("Skeleton second: hello in two.");
        expect(output).not.toContain("No chat platform is configured"); // the skeletons count as chat platforms
        expect(output.indexOf("Web: the playground")).toBeLessThan(output.indexOf("Skeleton first"));
    });

    it("names every chat platform of the registry in serve's hint when none is configured", async () => {
        const platforms = [...builtinPlatforms, skeletonPlatform("skeleton", [])];
        const {exit, lines} = await serve(configured({}, platforms).config, platforms);
        expect(exit).toBe(0);
        expect(lines.join("")).toContain("No chat platform is configured: set KOTAE_DISCORD_TOKEN and KOTAE_DISCORD_APPLICATION_ID (Discord) or "
            + "KOTAE_SLACK_BOT_TOKEN with KOTAE_SLACK_SIGNING_SECRET or KOTAE_SLACK_APP_TOKEN (Slack) or the skeleton section's token (Skeleton skeleton). Meanwhile,");
    });

    it("stops serve, saying so, when nothing started: the web port taken and no chat platform configured", async () => {
        const taken = net.createServer();
        await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
        try {
            const {config} = configured({}, builtinPlatforms, {KOTAE_WEB_PORT: String((taken.address() as AddressInfo).port)});
            const {exit, lines} = await serve(config, builtinPlatforms);
            expect(exit).toBe(1);
            const output = lines.join("");
            expect(output).toContain("Web: not started (listen EADDRINUSE");
            expect(output).toContain("Kotae: nothing started, so serve stops. Fix the line above, or set KOTAE_DISCORD_TOKEN and KOTAE_DISCORD_APPLICATION_ID (Discord) or ");
            expect(output).not.toContain("try the playground"); // there is none
        } finally {
            taken.close();
        }
    });

    it("stops serve when a platform cannot start, after stopping the ones already started", async () => {
        const journal: string[] = [];
        const platforms = [...builtinPlatforms, skeletonPlatform("first", journal), skeletonPlatform("broken", journal, {failsToStart: true})];
        const {config} = configured({first: {token: "skel-1", room: "one"}, broken: {token: "skel-2", room: "two"}}, platforms);

        const {exit} = await serve(config, platforms);

        expect(exit).toBeInstanceOf(Error);
        expect((exit as Error).message).toBe("broken could not reach its server");
        expect(journal).toEqual(["first started in one with Engine", "first stopped"]);
    });
});
