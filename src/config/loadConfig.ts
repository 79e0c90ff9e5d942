import fs from "node:fs";
import path from "node:path";
import {ErrorCode, KotaeError} from "../errors/ErrorCode.js";
import {builtinPlatforms, type PlatformRegistry} from "../platforms/platformRegistry.js";
import type {Platform} from "../platforms/Platform.js";
import {crossCheck, settingLocation, settings, type CoreConfig, type KotaeConfig, type Setting, type SettingName, type SettingsSchema} from "./KotaeConfig.js";

export type ConfigSources = {
    readonly env?: NodeJS.ProcessEnv,
    /** Values from command-line flags (undefined = not given). */
    readonly flags?: Partial<Record<SettingName, unknown>>,
    /** An explicit config file; else KOTAE_CONFIG, else ./kotae.config.json when it exists. */
    readonly configFile?: string,
    readonly cwd?: string,
    /** The platforms whose sections are read (default: the built-in ones; a test adds its own). */
    readonly platforms?: PlatformRegistry,
    /** Where a warning line goes, e.g. an old flat key that still works (default: standard error). */
    readonly warn?: (line: string) => void
};

const defaultConfigFile = "kotae.config.json";

/** Reads and validates the configuration once, failing fast with a message that names the setting. */
export function loadConfig({env = process.env, flags = {}, configFile, cwd = process.cwd(), platforms = builtinPlatforms, warn = warnOnStandardError}: ConfigSources = {}): KotaeConfig {
    const fileValues = readConfigFile(configFile ?? env["KOTAE_CONFIG"], cwd);
    const fileName = fileValues.file ?? "the configuration";
    const topLevel: Record<string, unknown> = {...fileValues.values};
    // Each setting is checked on its own and every problem is listed, so an operator fixes them in one go
    // (one failing setting must not hide an unknown key, or the other way round).
    const problems: string[] = [];
    const sections: Record<string, unknown> = {};

    for (const platform of platforms) {
        const fromFile = fileSection(topLevel, platform, fileValues.file, {problems, warn});
        delete topLevel[platform.name];
        problems.push(...unknownKeys(fromFile, platform.settings, `${platform.name}.`, fileName));
        const given = withEnvironment(fromFile, platform.settings, env);
        const values = parseSettings(given, platform.settings, `${platform.name}.`, problems);
        // The combinations only ask whether a setting is given, which a value invalid on its own still answers.
        problems.push(...platform.crossCheck({...given, ...values}));
        sections[platform.name] = values;
    }

    const merged = withEnvironment(topLevel, settings, env);
    for (const [name, value] of Object.entries(flags)) {
        if (value !== undefined)
            merged[name] = value;
    }
    problems.unshift(...unknownKeys(merged, settings, "", fileName));
    const values = parseSettings(merged, settings, "", problems);
    problems.push(...crossCheck({...merged, ...values} as CoreConfig));
    if (problems.length > 0)
        throw invalid(problems);
    return {...values, ...sections} as KotaeConfig;
}

/**
 * The platform's section of the config file. Its settings' old flat keys ("discordToken" for
 * "discord.token", until the next release) still count, each with one warning line naming the new key.
 */
function fileSection(topLevel: Record<string, unknown>, platform: Platform, file: string | undefined, report: {problems: string[], warn: (line: string) => void}): Record<string, unknown> {
    const given = topLevel[platform.name];
    if (given != null && (typeof given !== "object" || Array.isArray(given))) {
        report.problems.push(`"${platform.name}" in the config file: must be an object of ${platform.title} settings, like {"${platform.name}": {"${Object.keys(platform.settings)[0]}": …}}`);
        return {};
    }
    const section: Record<string, unknown> = {...given as Record<string, unknown> | undefined};
    for (const name of Object.keys(platform.settings)) {
        const flatKey = platform.name + name[0]!.toUpperCase() + name.slice(1);
        if (!(flatKey in topLevel))
            continue;
        report.warn(`"${flatKey}" is now "${platform.name}.${name}" in ${path.basename(file ?? defaultConfigFile)}; the old key still works until the next release.`);
        section[name] ??= topLevel[flatKey];
        delete topLevel[flatKey];
    }
    return section;
}

function unknownKeys(values: Record<string, unknown>, known: SettingsSchema, prefix: string, fileName: string): string[] {
    return Object.keys(values).filter((key) => !(key in known)).map((key) => `"${prefix}${key}" in ${fileName} is not a Kotae setting`);
}

/** The file's values with the settings' KOTAE_* variables over them (an empty variable counts as unset). */
function withEnvironment(fromFile: Record<string, unknown>, known: SettingsSchema, env: NodeJS.ProcessEnv): Record<string, unknown> {
    const merged = {...fromFile};
    for (const [name, setting] of Object.entries(known)) {
        const fromEnv = setting.env != null ? env[setting.env] : undefined;
        if (fromEnv != null && fromEnv !== "")
            merged[name] = fromEnv;
    }
    return merged;
}

/** Each setting's value after its schema; what fails is added to `problems`, one line each. */
function parseSettings(merged: Record<string, unknown>, known: SettingsSchema, prefix: string, problems: string[]): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const [name, setting] of Object.entries(known)) {
        const parsed = setting.schema.safeParse(merged[name]);
        if (parsed.success)
            values[name] = parsed.data;
        else
            problems.push(...parsed.error.issues.map((issue) => describeIssue(`${prefix}${name}`, setting, issue.path, issue.message, {given: name in merged, value: merged[name]})));
    }
    return values;
}

function describeIssue(key: string, setting: Setting, issuePath: readonly PropertyKey[], message: string, raw: {given: boolean, value: unknown}): string {
    const where = settingLocation([key, ...issuePath.map(String)].join("."), setting);
    const got = issuePath.length === 0 && raw.given && setting.secret !== true ? ` (got ${withoutCredentials(JSON.stringify(raw.value))})` : "";
    return `${where}: ${message}${got}`;
}

function warnOnStandardError(line: string): void {
    process.stderr.write(`kotae: ${line}\n`);
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
