import {ErrorCode, isKotaeError, KotaeError} from "../errors/ErrorCode.js";
import {containerSandboxFix, detectContainer} from "./detectContainer.js";
import {defaultSandboxLimits, type CodeSandbox, type CodeSession, type SandboxLimits} from "./CodeSandbox.js";
import {resolveInterpreterCommand, type InterpreterCommand} from "./interpreterCommand.js";
import {PythonInterpreter, type KernelVersions} from "./PythonInterpreter.js";
import {SandboxSession} from "./SandboxSession.js";

export type BubblewrapSandboxOptions = {
    /**
     * Warm interpreters kept ready (sympy and numpy imported): the number of generations that may run
     * code at once. 0 starts one per session on demand, for one-off uses like `kotae sandbox exec`.
     */
    readonly poolSize: number,
    /** Default /usr/bin/python3; it must live under /usr, the only host directory the sandbox sees. */
    readonly python?: string,
    readonly limits?: Partial<SandboxLimits>,
    /**
     * UNSAFE, only for hosts where bubblewrap cannot run and only when the operator sets the
     * `unsafeUnsandboxedPython` setting: code runs as Kotae's own user with Kotae's filesystem and
     * network, limited only by prlimit and killed by process group.
     */
    readonly unsafeUnsandboxedPython?: boolean
};

const probeBlock = "6 * 7";

const installHint = "apt-get install bubblewrap python3-sympy python3-numpy";

const userNamespaceHint = "bubblewrap needs unprivileged user namespaces: enable them " +
    "(sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 and later an AppArmor profile for bwrap or " +
    "sysctl kernel.apparmor_restrict_unprivileged_userns=0)";

/** In a container the host's settings are rarely the problem: the container's own confinement is. */
function namespaceFix(): string {
    const container = detectContainer();
    return container != null ? containerSandboxFix(container) : userNamespaceHint;
}

/**
 * The Python sandbox for tool-integrated reasoning: each interpreter runs in bubblewrap (no network,
 * read-only /usr and nothing else of the host, a private size-limited /tmp, its own pid namespace)
 * as an unprivileged user without capabilities, under prlimit. A warm pool hides sympy's import time.
 */
export class BubblewrapSandbox implements CodeSandbox {
    public readonly limits: SandboxLimits;
    /** Python, sympy and numpy as the start-up probe found them. */
    public readonly versions: KernelVersions;
    /** False only with `unsafeUnsandboxedPython`. */
    public readonly isolated: boolean;
    readonly #command: InterpreterCommand;
    readonly #poolSize: number;
    /** Spawned and never used; some may still be importing. */
    #idle: PythonInterpreter[] = [];
    /** Every interpreter not yet exited, idle or in a session: what `close()` kills. */
    readonly #live = new Set<PythonInterpreter>();
    #closed = false;

    private constructor(command: InterpreterCommand, limits: SandboxLimits, poolSize: number, versions: KernelVersions, isolated: boolean) {
        this.#command = command;
        this.limits = limits;
        this.#poolSize = poolSize;
        this.versions = versions;
        this.isolated = isolated;
        this.#refill();
    }

    /**
     * Checks that the sandbox works here (programs present, an interpreter starts, imports sympy and
     * numpy and runs a probe block) and starts the warm pool. Throws tir_unavailable with what is
     * missing and how to fix it (also in `params.detail` and `params.fix`).
     */
    public static async create(options: BubblewrapSandboxOptions): Promise<BubblewrapSandbox> {
        const given = Object.entries(options.limits ?? {}).filter(([, value]) => value !== undefined);
        const limits: SandboxLimits = {...defaultSandboxLimits, ...Object.fromEntries(given)};
        const unsafe = options.unsafeUnsandboxedPython === true;
        const command = resolveInterpreterCommand({python: options.python ?? "/usr/bin/python3", limits, unsafeUnsandboxedPython: unsafe});

        const probe = PythonInterpreter.start(command);
        try {
            const versions = await probe.ready;
            const result = await probe.execute(probeBlock, limits);
            if (result.status !== "ok" || result.output.trim() !== "42")
                throw new KotaeError(ErrorCode.TirUnavailable, `the probe block ${probeBlock} gave ${result.status}: ${result.output}`);
            return new BubblewrapSandbox(command, limits, options.poolSize, versions, !unsafe);
        } catch (error) {
            throw unavailable(error);
        } finally {
            await probe.kill();
        }
    }

    public async openSession(): Promise<CodeSession> {
        return new SandboxSession(() => this.#claim(), this.limits);
    }

    public async close(): Promise<void> {
        this.#closed = true;
        this.#idle = [];
        await Promise.all([...this.#live].map((interpreter) => interpreter.kill()));
    }

    /** An interpreter for one session only: a warm one when there is one, and the pool is topped up. */
    #claim(): PythonInterpreter {
        if (this.#closed)
            throw new KotaeError(ErrorCode.ShuttingDown, "The Python sandbox has been closed.");
        this.#idle = this.#idle.filter((interpreter) => interpreter.alive);
        const warm = this.#idle.findIndex((interpreter) => interpreter.isReady);
        const [claimed] = this.#idle.splice(Math.max(warm, 0), 1);
        this.#refill();
        return claimed ?? this.#spawn();
    }

    #refill(): void {
        while (this.#idle.length < this.#poolSize)
            this.#idle.push(this.#spawn());
    }

    #spawn(): PythonInterpreter {
        const interpreter = PythonInterpreter.start(this.#command);
        this.#live.add(interpreter);
        void interpreter.exited.then(() => this.#live.delete(interpreter));
        return interpreter;
    }
}

function unavailable(error: unknown): KotaeError {
    const detail = isKotaeError(error) ? String(error.params["detail"] ?? error.message) : String(error);
    const fix = /namespace|uid map|Operation not permitted|Permission denied|No permissions/i.test(detail) ? namespaceFix()
        : /No module named/.test(detail) ? "apt-get install python3-sympy python3-numpy"
        : installHint;
    return new KotaeError(ErrorCode.TirUnavailable, `The Python sandbox is unavailable: ${detail}\n  → ${fix}`, {
        params: {detail, fix},
        cause: error
    });
}
