import fs from "node:fs";
import path from "node:path";
import {describe, expect, it} from "vitest";
import {loadConfig} from "../../src/config/loadConfig.js";
import {temporaryDirectory} from "../support/testRuntime.js";

function configDir(contents?: unknown): string {
    const dir = temporaryDirectory("kotae-config-");
    if (contents !== undefined)
        fs.writeFileSync(path.join(dir, "kotae.config.json"), typeof contents === "string" ? contents : JSON.stringify(contents));
    return dir;
}

describe("loadConfig", () => {
    it("uses defaults when nothing is set", () => {
        const config = loadConfig({env: {}, cwd: configDir()});
        expect(config).toMatchObject({profile: "llmjp-math-cot", mode: "auto", samples: 1, tirMaxExecutions: 8, tirExecutionSeconds: 10, tirOutputChars: 1000, unsafeUnsandboxedPython: false, gpu: "auto", contextSize: 4096, sequences: 2, db: "./data/kotae.sqlite"});
        expect(config.model).toBeUndefined();
        expect(config.threads).toBeGreaterThanOrEqual(1);
    });

    it("layers the config file, then KOTAE_* variables, then flags", () => {
        const cwd = configDir({model: "file.gguf", threads: 3, sequences: 4, profile: "sansu"});
        const config = loadConfig({env: {KOTAE_THREADS: "5", KOTAE_MODEL: "env.gguf"}, flags: {model: "flag.gguf", profile: undefined}, cwd});
        expect(config).toMatchObject({model: "flag.gguf", threads: 5, sequences: 4, profile: "sansu"});
    });

    it("reads an explicit file from KOTAE_CONFIG", () => {
        const dir = configDir();
        fs.writeFileSync(path.join(dir, "other.json"), JSON.stringify({maxProblemChars: 500}));
        expect(loadConfig({env: {KOTAE_CONFIG: "other.json"}, cwd: dir}).maxProblemChars).toBe(500);
    });

    it("names the environment variable and the config key of an invalid value", () => {
        expect(() => loadConfig({env: {KOTAE_THREADS: "many"}, cwd: configDir()}))
            .toThrow(/KOTAE_THREADS \/ "threads" in the config file: .*\(got "many"\)/);
        expect(() => loadConfig({env: {KOTAE_GPU: "tpu"}, cwd: configDir()})).toThrow(/KOTAE_GPU/);
    });

    it("names unknown keys in the config file", () => {
        expect(() => loadConfig({env: {}, cwd: configDir({modle: "x.gguf"})})).toThrow(/"modle" in .*kotae.config.json is not a Kotae setting/);
    });

    it("explains a config file that is not JSON", () => {
        expect(() => loadConfig({env: {}, cwd: configDir("{model: nope")})).toThrow(/kotae.config.json is not valid JSON/);
    });

    it("fails when an explicitly named config file is missing", () => {
        expect(() => loadConfig({env: {}, configFile: "missing.json", cwd: configDir()})).toThrow(/Cannot read the config file .*missing.json/);
    });

    it("validates profiles from the config file", () => {
        const config = loadConfig({env: {}, cwd: configDir({profiles: {mine: {extends: "sansu"}}, profile: "mine"})});
        expect(config.profiles["mine"]).toEqual({extends: "sansu"});
        // The file's shape is checked here; each profile's fields when the registry is built (tests/unit/profiles.test.ts).
        expect(() => loadConfig({env: {}, cwd: configDir({profiles: {mine: {extends: 5}}})})).toThrow(/"profiles\.mine\.extends" in the config file: .*expected string/);
        expect(() => loadConfig({env: {}, cwd: configDir({profiles: {mine: "sansu"}})})).toThrow(/"profiles\.mine" in the config file: .*expected object/);
    });

    it("reads booleans from the environment as words", () => {
        expect(loadConfig({env: {KOTAE_DISCORD_MESSAGE_CONTENT: "yes", KOTAE_UNSAFE_UNSANDBOXED_PYTHON: "0"}, cwd: configDir()}))
            .toMatchObject({discordMessageContent: true, unsafeUnsandboxedPython: false});
        expect(() => loadConfig({env: {KOTAE_DISCORD_MESSAGE_CONTENT: "maybe"}, cwd: configDir()})).toThrow(/KOTAE_DISCORD_MESSAGE_CONTENT/);
    });

    it("checks the Discord settings, never printing the token", () => {
        const token = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123";
        expect(loadConfig({env: {KOTAE_DISCORD_TOKEN: token, KOTAE_DISCORD_APPLICATION_ID: "123456789012345678"}, cwd: configDir()}))
            .toMatchObject({discordToken: token, discordApplicationId: "123456789012345678", discordMessageContent: false});
        expect(() => loadConfig({env: {KOTAE_DISCORD_TOKEN: token}, cwd: configDir()})).toThrow(/KOTAE_DISCORD_APPLICATION_ID.*required with the Discord token/);
        const malformed = (() => {
            try {
                loadConfig({env: {KOTAE_DISCORD_TOKEN: "not a token at all"}, cwd: configDir()});
            } catch (error) {
                return (error as Error).message;
            }
            return "";
        })();
        expect(malformed).toMatch(/KOTAE_DISCORD_TOKEN.*does not look like a Discord bot token/);
        expect(malformed).not.toContain("not a token at all");
        expect(() => loadConfig({env: {KOTAE_DISCORD_API_URL: "localhost"}, cwd: configDir()})).toThrow(/KOTAE_DISCORD_API_URL/);
    });
});
