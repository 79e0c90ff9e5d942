import type {ChildProcess} from "node:child_process";
import {randomBytes} from "node:crypto";
import os from "node:os";
import type {Readable, Writable} from "node:stream";
import {ErrorCode, KotaeError} from "../errors/ErrorCode.js";
import type {ExecutionResult, SandboxLimits} from "./CodeSandbox.js";
import {ExecutionCapture, type CaptureState} from "./ExecutionCapture.js";
import type {InterpreterCommand} from "./interpreterCommand.js";
import {spawnInterpreter} from "./spawnInterpreter.js";

export type KernelVersions = {readonly python: string, readonly sympy: string, readonly numpy: string};

/** One block's result; whether its interpreter was a restart is the session's to say. */
export type InterpreterResult = Omit<ExecutionResult, "restarted">;

/**
 * Raw bytes one block may write past what the kernel already cuts (os.write, subprocesses, C code):
 * beyond this the flood is stopped by killing the interpreter, so reading it costs Node milliseconds.
 */
const floodBytes = 2 ** 20;
/** Generous: on a busy 2-core host a pool start-up imports sympy several times at once. */
const startupSeconds = 60;
/** How long after its exit an interpreter's last output may still be on the way. */
const drainMs = 250;
/** After SIGKILL to the kernel, how long before its whole process group is killed as well, and then given up on. */
const killGraceMs = 2000;
const stderrTailChars = 4000;

type Outcome = CaptureState | "exited" | "timeout" | "aborted";

/**
 * One kernel process (kernel.py, normally inside bubblewrap): started warm, runs blocks one at a time,
 * and is killed, whole process tree included, on a timeout, a flood, unreadable output, an abort or
 * `kill()`. It never restarts itself; a session replaces a dead one.
 */
export class PythonInterpreter {
    /** Resolves with the versions once sympy and numpy are imported; rejects with tir_unavailable if it never gets there. */
    public readonly ready: Promise<KernelVersions>;
    /** Resolves once the process has exited (and with bubblewrap, its whole pid namespace is gone). */
    public readonly exited: Promise<void>;
    readonly #child: ChildProcess;
    readonly #stdin: Writable;
    /** The kernel's host pid as bwrap reports it (undefined: no bwrap, or bwrap failed before starting it). */
    readonly #initPid: Promise<number | undefined>;
    #hasExited = false;
    #exitDescription = "";
    #drained = false;
    #isReady = false;
    #killed = false;
    #busy = false;
    #capture: ExecutionCapture | undefined;
    #wake: (() => void) | undefined;
    /** Bytes that arrived outside any block, e.g. from a thread a block left running. */
    #strayBytes = 0;
    #stderrTail = "";

    private constructor(command: InterpreterCommand) {
        this.#child = spawnInterpreter(command);
        this.exited = new Promise((resolve) => {
            this.#child.once("exit", (code, signal) => {
                this.#exitDescription = describeExit(code, signal, command.reportsInitPid);
                resolve();
            });
            this.#child.once("error", (error) => {
                if (this.#child.pid == null) { // it never started, so no exit event follows
                    this.#exitDescription = `cannot start ${command.file}: ${error.message}`;
                    resolve();
                }
            });
        });
        void this.exited.then(() => {
            this.#hasExited = true;
            const drained = (): void => {
                this.#drained = true;
                this.#wake?.();
            };
            // Output written just before the exit may still be in the pipe; it is read unless something
            // that escaped the process (only possible unsandboxed) keeps the pipe open.
            if (this.#child.stdout?.closed === true)
                drained();
            else
                this.#child.stdout?.once("close", drained);
            setTimeout(drained, drainMs).unref();
        });

        const {stdin, stdout, stderr} = this.#child;
        const info = this.#child.stdio[3] as Readable | undefined;
        if (stdin == null || stdout == null || stderr == null)
            throw new Error("spawn gave no stdio pipes");
        this.#stdin = stdin;
        stdin.on("error", () => {}); // EPIPE once the kernel is gone: the exit handler reports it
        stdout.on("data", (chunk: Buffer) => this.#onOutput(chunk));
        stderr.on("data", (chunk: Buffer) => this.#onStderr(chunk));
        this.#initPid = info != null ? readInitPid(info) : Promise.resolve(undefined);

        this.ready = this.#startUp();
        this.ready.catch(() => {}); // a pooled interpreter nobody claimed may fail unobserved
    }

    /** Spawns a kernel; it warms up in the background (see `ready`). */
    public static start(command: InterpreterCommand): PythonInterpreter {
        return new PythonInterpreter(command);
    }

    /** Not exited and not being killed: a session can still use it. */
    public get alive(): boolean {
        return !this.#hasExited && !this.#killed;
    }

    public get isReady(): boolean {
        return this.#isReady && this.alive;
    }

    /**
     * Runs one block. Resolves with ok/error/timeout (after a timeout, flood, crash or unreadable reply
     * the interpreter is dead and stays so); rejects with the signal's reason when aborted (the
     * interpreter is killed) or with tir_unavailable when the interpreter never started.
     */
    public async execute(code: string, limits: Pick<SandboxLimits, "executionSeconds" | "outputChars">,
        signal?: AbortSignal): Promise<InterpreterResult> {
        if (this.#busy)
            throw new Error("A Python interpreter runs one block at a time.");
        this.#busy = true;
        try {
            await untilAborted(this.ready, signal);
            if (!this.alive)
                throw new Error("This Python interpreter has been stopped.");

            const started = performance.now();
            const nonce = randomBytes(16).toString("hex");
            const capture = new ExecutionCapture(nonce, limits.outputChars, floodBytes);
            this.#strayBytes = 0;
            this.#stdin.write(JSON.stringify({nonce, code, keep: limits.outputChars}) + "\n");
            const outcome = await this.#waitFor(capture, limits.executionSeconds * 1000, signal);
            const durationMs = performance.now() - started;
            if (outcome !== "ended" && outcome !== "exited")
                await this.kill();
            if (outcome === "aborted")
                throw signal?.reason;

            const reply = outcome === "ended" ? endRecord(capture.record) : undefined;
            if (outcome === "ended" && reply == null)
                await this.kill();
            const {text, truncated} = capture.output(reply?.dropped);
            const status = outcome === "timeout" ? "timeout" : reply?.ok === true ? "ok" : "error";
            const note = reply != null ? reply.error : this.#describeFailure(outcome, limits.executionSeconds);
            return {status, output: note == null ? text : joinLines(text, note), truncated, durationMs};
        } finally {
            this.#busy = false;
        }
    }

    /** Kills the interpreter and everything it started; resolves once they are gone. Idempotent. */
    public async kill(): Promise<void> {
        if (!this.#killed && !this.#hasExited) {
            this.#killed = true;
            // The kernel, not bwrap: as the pid namespace's init, its death makes the kernel (the OS's)
            // kill and reap everything in the namespace before bwrap can reap it and exit, so once bwrap
            // has exited nothing of the sandbox is left. Killing bwrap first would leave the kernel, in
            // its own session, to die of bwrap's --die-with-parent unobserved.
            const init = await Promise.race([this.#initPid, this.exited, delay(killGraceMs)]);
            this.#signal(typeof init === "number" ? init : -this.#pgid());
            const group = setTimeout(() => this.#signal(-this.#pgid()), killGraceMs);
            await Promise.race([this.exited, delay(2 * killGraceMs)]);
            clearTimeout(group);
        }
        await Promise.race([this.exited, delay(2 * killGraceMs)]);
    }

    async #startUp(): Promise<KernelVersions> {
        const capture = new ExecutionCapture("ready", stderrTailChars, floodBytes);
        const outcome = await this.#waitFor(capture, startupSeconds * 1000);
        const versions = outcome === "ended" ? kernelVersions(capture.record) : undefined;
        if (versions != null) {
            this.#isReady = true;
            return versions;
        }
        await this.kill();
        const said = [this.#stderrTail.trim(), capture.output().text.trim()].filter(Boolean).join("\n");
        const how = outcome === "timeout" ? `did not get ready within ${startupSeconds} s`
            : outcome === "exited" ? `exited (${this.#exitDescription})` : "answered something unreadable";
        const detail = `the Python kernel ${how}${said !== "" ? `: ${said}` : ""}`;
        throw new KotaeError(ErrorCode.TirUnavailable, `The Python sandbox did not start: ${detail}`, {params: {detail}});
    }

    #waitFor(capture: ExecutionCapture, timeoutMs: number, signal?: AbortSignal): Promise<Outcome> {
        return new Promise((resolve) => {
            const finish = (outcome: Outcome): void => {
                clearTimeout(timer);
                signal?.removeEventListener("abort", onAbort);
                this.#capture = undefined;
                this.#wake = undefined;
                resolve(outcome);
            };
            const onAbort = (): void => finish("aborted");
            const timer = setTimeout(() => finish("timeout"), timeoutMs);
            signal?.addEventListener("abort", onAbort, {once: true});
            this.#capture = capture;
            this.#wake = () => {
                if (capture.state !== "running")
                    finish(capture.state);
                else if (this.#drained)
                    finish("exited");
            };
            this.#wake();
        });
    }

    #onOutput(chunk: Buffer): void {
        if (this.#capture == null)
            return this.#countStray(chunk.length);
        this.#capture.push(chunk);
        this.#wake?.();
    }

    #onStderr(chunk: Buffer): void {
        // Before the kernel is ready this is bwrap's or Python's complaint; after it the kernel has put
        // the output pipe on fd 2, so nothing should come, and anything that does is bounded like stray output.
        if (this.#isReady)
            return this.#countStray(chunk.length);
        this.#stderrTail = (this.#stderrTail + chunk.toString("utf8")).slice(-stderrTailChars);
    }

    #countStray(bytes: number): void {
        this.#strayBytes += bytes;
        if (this.#strayBytes > floodBytes)
            void this.kill();
    }

    #pgid(): number {
        return this.#child.pid ?? 0;
    }

    #signal(pid: number): void {
        if (pid === 0) // not spawned
            return;
        try {
            process.kill(pid, "SIGKILL");
        } catch {
            // already gone
        }
    }

    #describeFailure(outcome: Outcome, executionSeconds: number): string {
        switch (outcome) {
            case "timeout": return `Execution timed out after ${executionSeconds} s; the interpreter was stopped.`;
            case "flooded": return `The block wrote over ${floodBytes / 2 ** 20} MiB of raw output; the interpreter was stopped.`;
            case "exited": return `The interpreter died (${this.#exitDescription}).`;
            default: return "The interpreter's reply was unreadable; it was stopped.";
        }
    }
}

type EndRecord = {readonly ok: boolean, readonly error: string | null, readonly dropped: number};

function endRecord(value: unknown): EndRecord | undefined {
    if (typeof value !== "object" || value == null)
        return undefined;
    const {ok, error, dropped} = value as Record<string, unknown>;
    return typeof ok === "boolean" && (error === null || typeof error === "string") && typeof dropped === "number"
        ? {ok, error, dropped}
        : undefined;
}

function kernelVersions(value: unknown): KernelVersions | undefined {
    if (typeof value !== "object" || value == null)
        return undefined;
    const {python, sympy, numpy} = value as Record<string, unknown>;
    return typeof python === "string" && typeof sympy === "string" && typeof numpy === "string"
        ? {python, sympy, numpy}
        : undefined;
}

/** bwrap exits with 128 + n when the code it ran was killed by signal n. */
function describeExit(code: number | null, signal: NodeJS.Signals | null, viaBwrap: boolean): string {
    if (signal != null)
        return `killed by ${signal}`;
    const bySignal = viaBwrap && code != null && code > 128
        ? Object.entries(os.constants.signals).find(([, number]) => number === code - 128)?.[0]
        : undefined;
    return bySignal != null ? `killed by ${bySignal}` : `exit code ${code}`;
}

/** The promise, or the signal's reason as soon as it is aborted. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (signal == null)
        return promise;
    return new Promise((resolve, reject) => {
        const onAbort = (): void => reject(signal.reason);
        if (signal.aborted)
            return onAbort();
        signal.addEventListener("abort", onAbort, {once: true});
        promise.then((value) => {
            signal.removeEventListener("abort", onAbort);
            resolve(value);
        }, (error: unknown) => {
            signal.removeEventListener("abort", onAbort);
            reject(error);
        });
    });
}

/** Reads bwrap's --info-fd JSON to its end (bwrap dies of SIGPIPE if it cannot finish writing it). */
function readInitPid(info: Readable): Promise<number | undefined> {
    return new Promise((resolve) => {
        let text = "";
        info.on("data", (chunk: Buffer) => {
            if (text.length < 4096)
                text += chunk.toString("utf8");
            const pid = /"child-pid":\s*(\d+)/.exec(text)?.[1];
            if (pid != null)
                resolve(Number(pid));
        });
        info.on("close", () => resolve(undefined));
        info.on("error", () => {});
    });
}

function joinLines(text: string, note: string): string {
    return text === "" || text.endsWith("\n") ? text + note : `${text}\n${note}`;
}

function delay(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
