import {spawnSync} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {killProcessGroup} from "./killProcessGroup.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const kotae = path.join(root, "bin", "kotae.js");

/**
 * Below the suites' 60 s test timeout: spawnSync blocks the worker, so vitest's own timeout could only
 * fire afterwards, and a hung kotae must fail its test with what it printed rather than a bare timeout.
 */
const runTimeoutMs = 50_000;

export type KotaeRun = {readonly status: number | null, readonly stdout: string, readonly stderr: string};

/**
 * Runs the compiled `kotae` command (from dist/, as users run it) in `cwd`, with a minimal environment
 * plus `env`, so no setting leaks in from the developer's shell. It runs in a process group of its own,
 * killed whole (SIGKILL) when it returns, so nothing it started outside a sandbox outlives the test.
 * Throws, with the output so far, when it does not exit within 50 s.
 */
export function runKotae(args: readonly string[], options: {cwd: string, env?: Record<string, string>, input?: string}): KotaeRun {
    // setsid (util-linux, which the sandbox needs anyway) gives kotae a session and process group of its
    // own, led by the pid spawnSync reports: spawnSync has no `detached` option.
    const result = spawnSync("setsid", ["--wait", process.execPath, kotae, ...args], {
        cwd: options.cwd,
        env: {PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", LANG: "ja_JP.UTF-8", ...options.env},
        encoding: "utf8",
        timeout: runTimeoutMs,
        killSignal: "SIGKILL",
        ...(options.input != null ? {input: options.input} : {})
    });
    if (result.pid > 0)
        killProcessGroup(result.pid);
    if (result.error != null) {
        const why = (result.error as NodeJS.ErrnoException).code === "ETIMEDOUT" ? `did not exit within ${runTimeoutMs / 1000} s (killed)` : result.error.message;
        throw new Error(`kotae ${args.join(" ")}: ${why}\n--- stdout so far:\n${result.stdout ?? ""}\n--- stderr so far:\n${result.stderr ?? ""}`);
    }
    return {status: result.status, stdout: result.stdout, stderr: result.stderr};
}

/** Fails a CLI suite early with the reason when the build it runs is missing. */
export function assertBuilt(): void {
    if (!fs.existsSync(path.join(root, "dist", "src", "cli", "main.js")))
        throw new Error("Build first: the CLI tests run the compiled `kotae` (npm test does this in its set-up).");
}
