import type {CodeSession, ExecutionResult, SandboxLimits} from "./CodeSandbox.js";
import type {PythonInterpreter} from "./PythonInterpreter.js";

/**
 * One solution's session: its own interpreter, claimed when the session opens, never shared and killed
 * on dispose. When a block kills the interpreter (timeout, crash, flood), the next block transparently
 * gets a fresh one and says so with `restarted`.
 */
export class SandboxSession implements CodeSession {
    readonly #claim: () => PythonInterpreter;
    readonly #limits: SandboxLimits;
    #interpreter: PythonInterpreter;
    /** A block ran in the current interpreter, so replacing it loses state. */
    #used = false;
    #disposed = false;

    /** `claim` hands over an interpreter nobody else has used (or throws when the sandbox is closed). */
    public constructor(claim: () => PythonInterpreter, limits: SandboxLimits) {
        this.#claim = claim;
        this.#limits = limits;
        this.#interpreter = claim();
    }

    public async execute(code: string, options: {readonly signal?: AbortSignal} = {}): Promise<ExecutionResult> {
        if (this.#disposed)
            throw new Error("This Python session has been disposed.");
        let restarted = false;
        if (!this.#interpreter.alive) {
            restarted = this.#used;
            this.#interpreter = this.#claim();
            this.#used = false;
        }
        this.#used = true;
        const result = await this.#interpreter.execute(code, this.#limits, options.signal);
        return {...result, restarted};
    }

    public async dispose(): Promise<void> {
        this.#disposed = true;
        await this.#interpreter.kill();
    }

    public [Symbol.asyncDispose](): Promise<void> {
        return this.dispose();
    }
}
