import {spawnSync} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const kotae = path.join(root, "bin", "kotae.js");

export type KotaeRun = {readonly status: number | null, readonly stdout: string, readonly stderr: string};

/**
 * Runs the compiled `kotae` command (from dist/, as users run it) in `cwd`, with a minimal environment
 * plus `env`, so no setting leaks in from the developer's shell.
 */
export function runKotae(args: readonly string[], options: {cwd: string, env?: Record<string, string>, input?: string}): KotaeRun {
    const result = spawnSync(process.execPath, [kotae, ...args], {
        cwd: options.cwd,
        env: {PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", LANG: "ja_JP.UTF-8", ...options.env},
        encoding: "utf8",
        timeout: 60_000,
        ...(options.input != null ? {input: options.input} : {})
    });
    return {status: result.status, stdout: result.stdout, stderr: result.stderr};
}

/** Fails a CLI suite early with the reason when the build it runs is missing. */
export function assertBuilt(): void {
    if (!fs.existsSync(path.join(root, "dist", "src", "cli", "main.js")))
        throw new Error("Build first: the CLI tests run the compiled `kotae` (npm test does this in its set-up).");
}
