import {spawn} from "node:child_process";
import {fileURLToPath} from "node:url";

const kotae = fileURLToPath(new URL("../../bin/kotae.js", import.meta.url));

export type RunningKotae = {
    /** Everything written to stdout and stderr so far. */
    output(): string,
    /** Resolves with the exit code. */
    readonly exited: Promise<number | null>,
    /** Resolves once `text` has been printed (fails after 20 s, showing the output). */
    printed(text: string | RegExp): Promise<string>,
    stop(signal?: NodeJS.Signals): void
};

/** Starts the compiled `kotae` (e.g. `serve`) in the background with a minimal environment plus `env`. */
export function startKotae(args: readonly string[], options: {cwd: string, env: Record<string, string>}): RunningKotae {
    const child = spawn(process.execPath, [kotae, ...args], {
        cwd: options.cwd,
        env: {PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", ...options.env},
        stdio: ["ignore", "pipe", "pipe"]
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => { output += chunk.toString("utf8"); });
    child.stderr.on("data", (chunk: Buffer) => { output += chunk.toString("utf8"); });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
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
