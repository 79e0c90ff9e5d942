import {spawn} from "node:child_process";
import {fileURLToPath} from "node:url";
import {onTestFailed, onTestFinished} from "vitest";
import {killProcessGroup} from "./killProcessGroup.js";

const kotae = fileURLToPath(new URL("../../bin/kotae.js", import.meta.url));

export type RunningKotae = {
    /** Everything written to stdout and stderr so far. */
    output(): string,
    /** Resolves with the exit code. */
    readonly exited: Promise<number | null>,
    /** Resolves once `text` has been printed (fails after 20 s, showing the output). */
    printed(text: string | RegExp): Promise<string>,
    /** Signals kotae itself (SIGTERM by default), as pm2 or a terminal would. */
    stop(signal?: NodeJS.Signals): void
};

/**
 * Starts the compiled `kotae` (e.g. `serve`) in the background with a minimal environment plus `env`.
 * Call it inside a test: when the test ends, however it ends, kotae's whole process group is killed
 * (SIGKILL), and when the test fails (a timeout included) the output kotae printed is shown with it.
 */
export function startKotae(args: readonly string[], options: {cwd: string, env: Record<string, string>}): RunningKotae {
    const child = spawn(process.execPath, [kotae, ...args], {
        cwd: options.cwd,
        env: {PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", ...options.env},
        stdio: ["ignore", "pipe", "pipe"],
        // Its own process group, so the kill below reaches whatever it started as well.
        detached: true
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => { output += chunk.toString("utf8"); });
    child.stderr.on("data", (chunk: Buffer) => { output += chunk.toString("utf8"); });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    onTestFailed(() => { console.error(`kotae ${args.join(" ")} printed:\n${output}`); });
    onTestFinished(async () => {
        if (child.pid == null) // it never started
            return;
        killProcessGroup(child.pid);
        await exited;
    });
    return {
        output: () => output,
        exited,
        printed: async (text) => {
            const deadline = performance.now() + 20_000;
            for (;;) {
                const match = typeof text === "string" ? (output.includes(text) ? text : undefined) : text.exec(output)?.[0];
                if (match != null) return match;
                if (performance.now() > deadline || child.exitCode != null)
                    throw new Error(`${String(text)} never appeared in:\n${output}`);
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
        },
        stop: (signal = "SIGTERM") => { child.kill(signal); }
    };
}
