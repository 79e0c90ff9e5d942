import fs from "node:fs";
import path from "node:path";
import {ErrorCode, KotaeError} from "../errors/ErrorCode.js";
import {crossCheck, settings, type KotaeConfig, type SettingName} from "./KotaeConfig.js";

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

    // Each setting is checked on its own and every problem is listed, so an operator fixes them in one go
    // (one failing setting must not hide an unknown key, or the other way round).
    const problems: string[] = Object.keys(merged).filter((key) => !(key in settings))
        .map((key) => `"${key}" in ${fileValues.file ?? "the configuration"} is not a Kotae setting`);
    const values: Record<string, unknown> = {};
    for (const [name, setting] of Object.entries(settings)) {
        const parsed = setting.schema.safeParse(merged[name]);
        if (parsed.success)
            values[name] = parsed.data;
        else
            problems.push(...parsed.error.issues.map((issue) => describeIssue(name as SettingName, issue.path, issue.message, merged)));
    }
    // The combinations only ask whether a setting is given, which a value invalid on its own still answers.
    problems.push(...crossCheck({...merged, ...values} as KotaeConfig));
    if (problems.length > 0)
        throw invalid(problems);
    return values as KotaeConfig;
}

function describeIssue(name: SettingName, issuePath: readonly PropertyKey[], message: string, merged: Record<string, unknown>): string {
    const setting = settings[name];
    const key = [name, ...issuePath.map(String)].join(".");
    const where = [setting.env, `"${key}" in the config file`].filter(Boolean).join(" / ");
    const secret = "secret" in setting && setting.secret;
    const got = issuePath.length === 0 && name in merged && !secret ? ` (got ${withoutCredentials(JSON.stringify(merged[name]))})` : "";
    return `${where}: ${message}${got}`;
}

/** A value echoed in an error never shows a URL's `user:password@` (a refused backend URL may carry one). */
function withoutCredentials(text: string): string {
    return text.replace(/(\/\/)[^/@\s"]*@/g, "$1…@");
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
