import fs from "node:fs";
import path from "node:path";
import {parseEnv} from "node:util";
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";
import {settings} from "../../src/config/KotaeConfig.js";
import {builtinPlatforms} from "../../src/platforms/platformRegistry.js";
import {loadConfig} from "../../src/config/loadConfig.js";
import {loadDotEnvFile} from "../../src/config/loadDotEnvFile.js";
import {temporaryDirectory} from "../support/testRuntime.js";

const example = fs.readFileSync(fileURLToPath(new URL("../../.env.example", import.meta.url)), "utf8");

/** The example with every `# KOTAE_X=value` line that has a value switched on. */
function everyExampleValueSwitchedOn(): string {
    return example.split("\n").map((line) => line.replace(/^# (KOTAE_\w+=\S.*)$/, "$1")).join("\n");
}

describe(".env.example", () => {
    it("lists every setting's environment variable, the platforms' sections' too", () => {
        const listed = new Set([...example.matchAll(/^#? ?(KOTAE_\w+)=/gm)].map((match) => match[1]));
        const everySetting = [...Object.values(settings), ...builtinPlatforms.flatMap((platform) => Object.values(platform.settings))];
        const variables = everySetting.map((setting) => setting.env).filter((name) => name !== undefined);
        expect(variables).toContain("KOTAE_DISCORD_TOKEN");
        expect(variables.filter((name) => !listed.has(name))).toEqual([]);
    });

    it("is a .env Kotae reads as it is", () => {
        const folder = temporaryDirectory("kotae-env-example-");
        fs.writeFileSync(path.join(folder, ".env"), example);
        expect(loadDotEnvFile(folder)).toBe(path.join(folder, ".env"));
    });

    it("gives only valid values: with every example switched on, the settings load", () => {
        const folder = temporaryDirectory("kotae-env-example-");
        fs.writeFileSync(path.join(folder, "kotae.config.json"), "{}");
        const env = parseEnv(everyExampleValueSwitchedOn()) as NodeJS.ProcessEnv;
        expect(Object.keys(env).length).toBeGreaterThan(20);
        expect(() => loadConfig({env, cwd: folder})).not.toThrow();
    });
});
