import fs from "node:fs";
import path from "node:path";
import {ErrorCode, KotaeError} from "../errors/ErrorCode.js";
import {configSchema, crossCheck, settings, type KotaeConfig, type SettingName} from "./KotaeConfig.js";

export type ConfigSources = {
    readonly env?: NodeJS.ProcessEnv,
    /** Values from command-line flags (undefined = not given). */
    readonly flags?: Partial<Record<SettingName, unknown>>,
    /** An explicit config file; else KOTAE_CONFIG, else ./kotae.config.json when it exists. */
    readonly configFile?: string,
    readonly cwd?: string
};

const defaultConfigFile = "kotae.config.json";

/** Reads and validates the configuration once, failing fast with a message that names the setting. */
export function loadConfig({env = process.env, flags = {}, configFile, cwd = process.cwd()}: ConfigSources = {}): KotaeConfig {
    const fileValues = readConfigFile(configFile ?? env["KOTAE_CONFIG"], cwd);

    const merged: Record<string, unknown> = {...fileValues.values};
    for (const [name, setting] of Object.entries(settings)) {
        const fromEnv = setting.env != null ? env[setting.env] : undefined;
        if (fromEnv != null && fromEnv !== "")
            merged[name] = fromEnv;
    }
    for (const [name, value] of Object.entries(flags)) {
        if (value !== undefined)
            merged[name] = value;
    }

    const parsed = configSchema.safeParse(merged);
    if (parsed.success) {
        const problems = crossCheck(parsed.data);
        if (problems.length === 0)
            return parsed.data;
        throw invalid(problems);
    }

    const problems = parsed.error.issues.map((issue) => {
        if (issue.code === "unrecognized_keys")
            return issue.keys.map((key) => `"${key}" in ${fileValues.file ?? "the configuration"} is not a Kotae setting`).join("; ");
        const name = String(issue.path[0] ?? "");
        const setting = settings[name as SettingName];
        const where = [setting.env, `"${issue.path.join(".")}" in the config file`].filter(Boolean).join(" / ");
        const secret = "secret" in setting && setting.secret;
        const got = issue.path.length === 1 && name in merged && !secret ? ` (got ${JSON.stringify(merged[name])})` : "";
        return `${where}: ${issue.message}${got}`;
    });
    throw invalid(problems);
}

function invalid(problems: readonly string[]): KotaeError {
    return new KotaeError(ErrorCode.ConfigInvalid, `Invalid configuration:\n  - ${problems.join("\n  - ")}`, {
        params: {detail: problems.join("; ")}
    });
}

function readConfigFile(explicit: string | undefined, cwd: string): {file?: string, values: Record<string, unknown>} {
    const file = path.resolve(cwd, explicit ?? defaultConfigFile);
    if (explicit == null && !fs.existsSync(file))
        return {values: {}};

    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new KotaeError(ErrorCode.ConfigInvalid, `Cannot read the config file ${file} (KOTAE_CONFIG / --config): ${(error as Error).message}`, {
            params: {detail: file}
        });
    }

    try {
        const values: unknown = JSON.parse(text);
        if (typeof values !== "object" || values == null || Array.isArray(values))
            throw new Error("the top level must be an object");
        return {file, values: values as Record<string, unknown>};
    } catch (error) {
        throw new KotaeError(ErrorCode.ConfigInvalid, `The config file ${file} is not valid JSON: ${(error as Error).message}`, {
            params: {detail: file}
        });
    }
}
