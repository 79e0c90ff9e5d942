import {spawn, type ChildProcess} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import {fileURLToPath} from "node:url";

const kotae = fileURLToPath(new URL("../../../bin/kotae.js", import.meta.url));

/**
 * One compiled `kotae` process (as operators run it) for the soak suite: its output kept, waited on by
 * what it prints, stopped by a signal, measured by its resident memory. Owns the child: `kill()` it when
 * done (a soak that fails half-way must not leave a Kotae running). Each runs in a process group of its
 * own (so a signal meant for it reaches what it started), which Ctrl-C at the terminal does not reach:
 * whatever is still running when this process ends (normally, on an uncaught error, or on SIGINT or
 * SIGTERM) is killed with it.
 */
export class KotaeProcess {
    private output = "";
    public readonly exited: Promise<number | null>;

    private constructor(private readonly child: ChildProcess) {
        child.stdout?.on("data", (chunk: Buffer) => { this.output += chunk.toString("utf8"); });
        child.stderr?.on("data", (chunk: Buffer) => { this.output += chunk.toString("utf8"); });
        this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
        stillRunning.add(this);
        void this.exited.then(() => stillRunning.delete(this));
        killWithThisProcess();
    }

    /** Starts `kotae <args>` with a minimal environment plus `env`, in its own process group. */
    public static start(args: readonly string[], env: Record<string, string>): KotaeProcess {
        return new KotaeProcess(spawn(process.execPath, [kotae, ...args], {
            env: {PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", ...env},
            stdio: ["ignore", "pipe", "pipe"], detached: true
        }));
    }

    public get pid(): number {
        return this.child.pid!;
    }

    public printed(): string {
        return this.output;
    }

    /** Resolves with the first match of `pattern` in the output; rejects (with the output) after `timeoutMs` or when the process exits. */
    public async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
        const deadline = performance.now() + timeoutMs;
        for (;;) {
            const match = pattern.exec(this.output)?.[0];
            if (match != null) return match;
            if (performance.now() > deadline || this.hasExited())
                throw new Error(`${String(pattern)} never appeared in the output of kotae:\n${this.output}`);
            await new Promise((resolve) => setTimeout(resolve, 25));
        }
    }

    public hasExited(): boolean {
        return this.child.exitCode != null || this.child.signalCode != null;
    }

    public signal(signal: NodeJS.Signals): void {
        this.child.kill(signal);
    }

    /** Resident memory in KiB, from /proc. */
    public residentKiB(): number {
        const status = fs.readFileSync(`/proc/${this.pid}/status`, "utf8");
        return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? Number.NaN);
    }

    /** SIGKILLs the whole process group (kotae and anything it started) and waits for it to go. */
    public async kill(): Promise<void> {
        this.killGroup();
        await this.exited;
    }

    /** SIGKILLs the process group now, without waiting: all an exiting process can still do. */
    public killGroup(): void {
        if (this.hasExited()) return;
        try {
            process.kill(-this.pid, "SIGKILL");
        } catch {
            // already gone
        }
    }
}

const stillRunning = new Set<KotaeProcess>();
let killingWithThisProcess = false;

/** Once: kill what is still running when this process exits, or when a signal would end it. */
function killWithThisProcess(): void {
    if (killingWithThisProcess) return;
    killingWithThisProcess = true;
    const killAll = () => { for (const kotae of stillRunning) kotae.killGroup(); };
    process.once("exit", killAll);
    for (const signal of ["SIGINT", "SIGTERM"] as const)
        process.once(signal, () => {
            killAll();
            process.exit(128 + os.constants.signals[signal]);
        });
}
