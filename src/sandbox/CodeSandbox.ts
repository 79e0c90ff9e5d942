/** How one code block ended: it ran, it raised, or it ran past its wall-clock limit and was killed. */
export type ExecutionStatus = "ok" | "error" | "timeout";

export type ExecutionResult = {
    readonly status: ExecutionStatus,
    /**
     * What the model is shown: the block's printed output (stdout and stderr in order, plus the echoed
     * value of a bare last expression), cut at the output limit with a visible marker, followed on an
     * error by the last lines of the traceback, or on a timeout by a short notice.
     */
    readonly output: string,
    /** The printed output was longer than the limit and was cut. */
    readonly truncated: boolean,
    readonly durationMs: number,
    /** The block ran in a fresh interpreter because the previous one was killed (its variables are gone). */
    readonly restarted: boolean
};

/**
 * One solution's Python session: blocks run in order in one interpreter, so variables persist between
 * them like a notebook. A session belongs to exactly one solution and is never reused.
 */
export interface CodeSession extends AsyncDisposable {
    execute(code: string, options?: {readonly signal?: AbortSignal}): Promise<ExecutionResult>;
    /** Kills the interpreter and everything it started. */
    dispose(): Promise<void>;
}

/** Where LLM-written code runs. The real one is bubblewrap + prlimit with warm, pre-imported interpreters. */
export interface CodeSandbox {
    /** The limits every execution runs under (the TIR loop tells the model about some of them). */
    readonly limits: SandboxLimits;
    /** A new, empty session for one solution. */
    openSession(): Promise<CodeSession>;
    /** Kills every interpreter, idle or busy. */
    close(): Promise<void>;
}

export type SandboxLimits = {
    /** Wall-clock seconds per execution; past it the interpreter's whole process tree is killed. */
    readonly executionSeconds: number,
    /** Printed output kept per execution, in characters; the rest is replaced by a cut marker. */
    readonly outputChars: number,
    /** Address space per interpreter (prlimit --as), MiB. numpy needs at least 128. */
    readonly memoryMiB: number,
    /** Processes the sandbox user may run (prlimit --nproc). */
    readonly processes: number,
    /** Largest file the code may write (prlimit --fsize), MiB. */
    readonly fileSizeMiB: number,
    /** Open file descriptors (prlimit --nofile). */
    readonly openFiles: number
};

export const defaultSandboxLimits: SandboxLimits = {
    executionSeconds: 10,
    outputChars: 1000,
    memoryMiB: 1024,
    processes: 32,
    fileSizeMiB: 16,
    openFiles: 64
};
