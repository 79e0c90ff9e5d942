import fs from "node:fs";
import path from "node:path";
import {describe, expect, it} from "vitest";
import os from "node:os";
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
        // Threads stay within twice the cores, so 1 and 2 are valid on any machine.
        const cwd = configDir({model: "file.gguf", threads: 1, sequences: 4, profile: "sansu"});
        const config = loadConfig({env: {KOTAE_THREADS: "2", KOTAE_MODEL: "env.gguf"}, flags: {model: "flag.gguf", profile: undefined}, cwd});
        expect(config).toMatchObject({model: "flag.gguf", threads: 2, sequences: 4, profile: "sansu"});
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
            .toMatchObject({discord: {messageContent: true}, unsafeUnsandboxedPython: false});
        expect(() => loadConfig({env: {KOTAE_DISCORD_MESSAGE_CONTENT: "maybe"}, cwd: configDir()})).toThrow(/KOTAE_DISCORD_MESSAGE_CONTENT/);
    });

    it("checks the Discord settings, never printing the token", () => {
        const token = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123";
        expect(loadConfig({env: {KOTAE_DISCORD_TOKEN: token, KOTAE_DISCORD_APPLICATION_ID: "123456789012345678"}, cwd: configDir()}))
            .toMatchObject({discord: {token, applicationId: "123456789012345678", messageContent: false}});
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

    it("reads each platform's settings from its section of the config file, under its KOTAE_* variables", () => {
        const token = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123";
        const cwd = configDir({discord: {token, applicationId: "123456789012345678"}, slack: {port: 3001}, web: {port: 9000, host: "localhost"}});
        expect(loadConfig({env: {KOTAE_WEB_PORT: "9001"}, cwd})).toMatchObject({
            discord: {token, applicationId: "123456789012345678", messageContent: false},
            slack: {port: 3001}, web: {port: 9001, host: "localhost", trustProxy: false}
        });
        expect(() => loadConfig({env: {}, cwd: configDir({discord: {tokn: token}})})).toThrow(/"discord\.tokn" in .*kotae\.config\.json is not a Kotae setting/);
        expect(() => loadConfig({env: {}, cwd: configDir({web: 8787})})).toThrow('"web" in the config file: must be an object of Web settings, like {"web": {"host": …}}');
        expect(() => loadConfig({env: {}, cwd: configDir({slack: {port: "http"}})})).toThrow(/KOTAE_SLACK_PORT \/ "slack\.port" in the config file: must be a whole number/);
        // Each section checks its own combinations: Slack's bot token needs the HTTP mode's secret or the Socket Mode token.
        expect(() => loadConfig({env: {}, cwd: configDir({slack: {botToken: "xoxb-1-2"}})}))
            .toThrow("KOTAE_SLACK_SIGNING_SECRET (HTTP mode) or KOTAE_SLACK_APP_TOKEN (Socket Mode): one is required with the Slack bot token");
        expect(loadConfig({env: {KOTAE_SLACK_APP_TOKEN: "xapp-1-2"}, cwd: configDir({slack: {botToken: "xoxb-1-2"}})}).slack).toMatchObject({botToken: "xoxb-1-2", appToken: "xapp-1-2"});
    });

    it("still takes the old flat keys (\"discordToken\") for one release, with one warning line naming the new key", () => {
        const token = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123";
        const warnings: string[] = [];
        const config = loadConfig({env: {}, cwd: configDir({discordToken: token, discordApplicationId: "123456789012345678", webPort: 0, slackPort: 3002}), warn: (line) => warnings.push(line)});
        expect(config).toMatchObject({discord: {token, applicationId: "123456789012345678"}, web: {port: 0}, slack: {port: 3002}});
        expect(warnings).toEqual([
            '"webPort" is now "web.port" in kotae.config.json; the old key still works until the next release.',
            '"discordToken" is now "discord.token" in kotae.config.json; the old key still works until the next release.',
            '"discordApplicationId" is now "discord.applicationId" in kotae.config.json; the old key still works until the next release.',
            '"slackPort" is now "slack.port" in kotae.config.json; the old key still works until the next release.'
        ]);
        // An old key's value is checked like the new one's, under the new name.
        expect(() => loadConfig({env: {}, cwd: configDir({webPort: -1}), warn: () => {}})).toThrow(/KOTAE_WEB_PORT \/ "web\.port" in the config file: must be a whole number/);
        expect(warnings).toHaveLength(4);
    });

    it("reads the openai backend's settings from the file and the environment, never printing the API key", () => {
        const config = loadConfig({env: {KOTAE_BACKEND: "openai", KOTAE_BACKEND_URLS: "http://gpu1:8000/v1, https://gpu2.example.org/v1/", KOTAE_BACKEND_API_KEY: "sk-secret-1"},
            cwd: configDir({backendModel: "llm-jp/llm-jp-3-13b-instruct", backendParallel: 16})});
        expect(config).toMatchObject({backend: "openai", backendUrls: "http://gpu1:8000/v1, https://gpu2.example.org/v1/", backendModel: "llm-jp/llm-jp-3-13b-instruct", backendParallel: 16, backendApiKey: "sk-secret-1"});
        expect(loadConfig({env: {}, cwd: configDir()})).toMatchObject({backend: "llama-cpp", backendParallel: 8});

        const error = (() => {
            try {
                loadConfig({env: {KOTAE_BACKEND: "vllm", KOTAE_BACKEND_URLS: "http://gpu1:8000,http://user:pw@gpu2:8000/v1", KOTAE_BACKEND_PARALLEL: "1000", KOTAE_BACKEND_API_KEY: ""}, cwd: configDir({backendApiKey: 5})});
            } catch (thrown) {
                return thrown as Error;
            }
            throw new Error("expected the settings to be refused");
        })();
        expect(error.message).toContain('KOTAE_BACKEND / "backend" in the config file: Invalid option: expected one of "llama-cpp"|"openai" (got "vllm")');
        expect(error.message).toContain('KOTAE_BACKEND_URLS / "backendUrls" in the config file: must be one or more http(s) base URLs ending in /v1');
        expect(error.message).toContain('(got "http://gpu1:8000,http://…@gpu2:8000/v1")'); // the refused URL's password is not echoed
        expect(error.message).not.toContain("user:pw");
        expect(error.message).toContain('KOTAE_BACKEND_PARALLEL / "backendParallel" in the config file: must be a whole number from 1 to 256 (got "1000")');
        expect(error.message).toMatch(/KOTAE_BACKEND_API_KEY \/ "backendApiKey" in the config file: [^\n]+$/m);
        expect(error.message).not.toMatch(/got 5/);
    });

    it("requires KOTAE_BACKEND_URLS with the openai backend, and KOTAE_MODEL is not needed then", () => {
        expect(() => loadConfig({env: {KOTAE_BACKEND: "openai"}, cwd: configDir()}))
            .toThrow('KOTAE_BACKEND_URLS / "backendUrls" in the config file: required with KOTAE_BACKEND=openai');
        expect(loadConfig({env: {KOTAE_BACKEND: "openai", KOTAE_BACKEND_URLS: "http://127.0.0.1:8080/v1"}, cwd: configDir()}).model).toBeUndefined();
    });

    it("parses numeric settings strictly: decimal numerals only, trimmed", () => {
        expect(loadConfig({env: {KOTAE_QUEUE_CAPACITY: " 5 ", KOTAE_TIR_MAX_SECONDS: "2.5", KOTAE_WEB_PORT: "0"}, cwd: configDir()}))
            .toMatchObject({queueCapacity: 5, tirMaxSeconds: 2.5, web: {port: 0}});
        for (const [variable, value] of [["KOTAE_MAX_TOKENS", "0x10"], ["KOTAE_QUEUE_CAPACITY", " "], ["KOTAE_SEQUENCES", "1e1"],
            ["KOTAE_SAMPLES", "2.0"], ["KOTAE_CONTEXT_SIZE", "4096tokens"], ["KOTAE_TIR_MAX_SECONDS", "Infinity"], ["KOTAE_WEB_PORT", "-1"]] as const)
            expect(() => loadConfig({env: {[variable]: value}, cwd: configDir()}), `${variable}=${JSON.stringify(value)}`)
                .toThrow(new RegExp(`${variable} / "[\\w.]+" in the config file: must be (a whole number|a number above) .*\\(got ${JSON.stringify(value).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\)`));
        // JSON values: only numbers, never a boolean or a fraction where a whole number is meant.
        expect(() => loadConfig({env: {}, cwd: configDir({samples: true})})).toThrow(/"samples" in the config file: must be a whole number from 1 to 64 \(got true\)/);
        expect(() => loadConfig({env: {}, cwd: configDir({threads: 1.5})})).toThrow(/"threads" in the config file: must be a whole number/);
    });

    it("trusts a reverse proxy by its addresses, or any peer only when told true", () => {
        const trust = (value: string) => loadConfig({env: {KOTAE_WEB_TRUST_PROXY: value}, cwd: configDir()}).web.trustProxy;
        expect(trust("true")).toBe(true);
        expect(trust("no")).toBe(false);
        expect(trust("127.0.0.1, 10.0.0.0/8,::1,fd00::/8")).toEqual(["127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"]);
        for (const value of ["proxy.example.org", "10.0.0.0/33", "10.0.0.1/8/1", "::1/129", "127.0.0.1,", "maybe"])
            expect(() => trust(value), value).toThrow(/KOTAE_WEB_TRUST_PROXY .*must be true, false, or proxy addresses\/CIDR ranges/);
    });

    it("bounds every numeric setting, threads at twice the cores", () => {
        const maxThreads = os.availableParallelism() * 2;
        expect(loadConfig({env: {KOTAE_THREADS: String(maxThreads)}, cwd: configDir()}).threads).toBe(maxThreads);
        expect(() => loadConfig({env: {KOTAE_THREADS: String(maxThreads + 1)}, cwd: configDir()}))
            .toThrow(`KOTAE_THREADS / "threads" in the config file: must be a whole number from 1 to ${maxThreads} (got "${maxThreads + 1}")`);
        const upperBounds = {
            KOTAE_SAMPLES: 64, KOTAE_CONTEXT_SIZE: 1_048_576, KOTAE_SEQUENCES: 64, KOTAE_MAX_TOKENS: 1_048_576, KOTAE_QUEUE_CAPACITY: 10_000,
            KOTAE_MAX_PENDING_PER_USER: 1000, KOTAE_MAX_PROBLEM_CHARS: 100_000, KOTAE_TIR_MAX_EXECUTIONS: 64, KOTAE_TIR_EXECUTION_SECONDS: 600,
            KOTAE_TIR_OUTPUT_CHARS: 100_000, KOTAE_TIR_MAX_SECONDS: 3600, KOTAE_TIR_FAILURES_BEFORE_FALLBACK: 64, KOTAE_SANDBOX_MEMORY_MIB: 65_536,
            KOTAE_SANDBOX_PROCESSES: 4096, KOTAE_SANDBOX_FILE_SIZE_MIB: 4096, KOTAE_SANDBOX_OPEN_FILES: 65_536, KOTAE_SOLVES_PER_HOUR: 10_000,
            KOTAE_SLACK_PORT: 65_535, KOTAE_WEB_PORT: 65_535, KOTAE_RETENTION_DAYS: 36_500
        };
        for (const [variable, max] of Object.entries(upperBounds)) {
            expect(() => loadConfig({env: {[variable]: String(max)}, cwd: configDir()}), variable).not.toThrow();
            expect(() => loadConfig({env: {[variable]: String(max + 1)}, cwd: configDir()}), variable).toThrow(new RegExp(`${variable} .* to ${max} \\(got`));
        }
    });

    it("reports every problem at once: a wrong type, an unknown key and a missing companion setting", () => {
        const token = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123";
        let message = "";
        try {
            loadConfig({env: {KOTAE_DISCORD_TOKEN: token}, cwd: configDir({threads: true, modle: "x.gguf"})});
        } catch (error) {
            message = (error as Error).message;
        }
        expect(message).toMatch(/"modle" in .*kotae\.config\.json is not a Kotae setting/);
        expect(message).toMatch(/KOTAE_THREADS \/ "threads" in the config file: must be a whole number .*\(got true\)/);
        expect(message).toMatch(/KOTAE_DISCORD_APPLICATION_ID .*required with the Discord token/);
        expect(message.split("\n")).toHaveLength(4);
    });
});
