import {spawnSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {packageRoot} from "../app/packageRoot.js";
import {ErrorCode, KotaeError} from "../errors/ErrorCode.js";
import type {SandboxLimits} from "./CodeSandbox.js";
import {hostSeccompArchitecture, seccompArchitectures, seccompProgram} from "./seccompProgram.js";

/** How to start one kernel process. */
export type InterpreterCommand = {
    readonly file: string,
    readonly args: readonly string[],
    readonly env: Readonly<Record<string, string>>,
    readonly cwd: string,
    /**
     * bubblewrap writes `{"child-pid": N}` on fd 3: the kernel, which is the init of the sandbox's pid
     * namespace, as the host sees it. Killing it tears the whole namespace down before bwrap exits.
     */
    readonly reportsInitPid: boolean,
    /** Bytes to write to the child's file descriptor `fd` (then closed): what bwrap reads from `--ro-bind-data` and `--seccomp`. */
    readonly feeds: readonly Feed[]
};

export type Feed = {readonly fd: number, readonly bytes: Uint8Array};

export type InterpreterOptions = {
    readonly python: string,
    readonly limits: SandboxLimits,
    /** UNSAFE: no bubblewrap, so no filesystem, network or process isolation; only prlimit and process-group kills. */
    readonly unsafeUnsandboxedPython: boolean
};

/** When Kotae runs as root, sandboxed code runs as "nobody" instead (Kotae's own uid otherwise). */
const sandboxUid = 65534;
const kernelInSandbox = "/kotae/kernel.py";
/** fd 3 is bwrap's --info-fd; these carry the kernel's source and the seccomp program in, so no host path is mounted. */
const kernelFd = 4;
const seccompFd = 5;
/**
 * Names the host's kernel.py in the environment of the launcher (setpriv and bwrap) only, where `ps e`
 * and the test suite's leak scan can tell which Kotae folder a sandbox belongs to; `--clearenv` keeps
 * it from the sandbox.
 */
export const launcherMark = "KOTAE_SANDBOX_KERNEL";

/** The whole environment code sees: nothing from Kotae's (no tokens, no keys). */
const kernelEnvironment: Readonly<Record<string, string>> = {
    HOME: "/tmp",
    LANG: "C.UTF-8",
    PATH: "/usr/bin:/bin",
    // One BLAS thread: threads count against the process limit and would compete with the LLM for cores.
    OPENBLAS_NUM_THREADS: "1",
    OMP_NUM_THREADS: "1"
};

/**
 * RLIMIT_CPU counts a process's whole life, so it cannot be the per-block limit (the wall clock is):
 * it is a backstop per interpreter against CPU burnt outside any block, e.g. by a thread a block left
 * spinning. Ten full-length blocks fit, more than a TIR loop runs (8 by default); an interpreter that
 * reaches it is killed and the session restarts it.
 */
function interpreterCpuSeconds(limits: SandboxLimits): number {
    return Math.max(30, Math.ceil(limits.executionSeconds * 10));
}

/**
 * The command for one kernel, with every program resolved to an absolute path (bwrap gets an empty
 * environment, so nothing may depend on PATH). Throws tir_unavailable naming whatever is missing.
 * With `script`, the same sandbox runs `python -c script` instead of the kernel (to measure what a
 * fresh interpreter per block would cost).
 */
export function resolveInterpreterCommand(options: InterpreterOptions, script?: string): InterpreterCommand {
    const sandboxed = !options.unsafeUnsandboxedPython;
    const problems: Array<{readonly what: string, readonly fix: string}> = [];
    const need = (what: string, fix: string): undefined => {
        problems.push({what, fix});
        return undefined;
    };
    const kernel = kernelFile() ?? need("src/sandbox/kernel.py in the Kotae folder", "reinstall Kotae");
    if (!isExecutable(options.python))
        need(`Python at ${options.python} (the "python" setting)`, "apt-get install python3 python3-sympy python3-numpy");
    else if (sandboxed && !path.resolve(options.python).startsWith("/usr/"))
        need(`a Python under /usr (the sandbox only sees /usr, not ${options.python})`,
            `set "python" (KOTAE_PYTHON) to /usr/bin/python3 and apt-get install python3-sympy python3-numpy`);
    const prlimit = findExecutable("prlimit") ?? need("prlimit", "apt-get install util-linux");
    const bwrap = sandboxed ? findExecutable("bwrap") ?? need("bubblewrap (bwrap)", "apt-get install bubblewrap") : undefined;
    const arch = hostSeccompArchitecture();
    const seccomp = !sandboxed ? undefined : arch != null ? seccompProgram(arch)
        : need(`a seccomp filter for this CPU (${process.arch}; Kotae has syscall tables for ${seccompArchitectures.join(" and ")})`,
            "run Kotae on an x86_64 or aarch64 host");
    const setpriv = sandboxed && process.getuid?.() === 0
        ? findExecutable("setpriv") ?? need("setpriv", "apt-get install util-linux")
        : undefined;
    if (problems.length > 0 || kernel == null || prlimit == null) {
        const detail = `missing ${problems.map((problem) => problem.what).join(", ")}`;
        const fix = [...new Set(problems.map((problem) => problem.fix))].join("; ");
        throw new KotaeError(ErrorCode.TirUnavailable, `The Python sandbox is unavailable: ${detail}\n  → ${fix}`, {params: {detail, fix}});
    }

    const limited = [prlimit, ...prlimitArgs(options.limits), "--", options.python, "-I"];
    const program = (kernelPath: string, ...flags: string[]): string[] => script != null ? ["-c", script] : [kernelPath, ...flags];
    // Past the check above, a sandboxed command has both.
    if (bwrap == null || seccomp == null)
        return {
            file: prlimit, args: [...limited.slice(1), ...program(kernel)], env: kernelEnvironment, cwd: os.tmpdir(),
            reportsInitPid: false, feeds: []
        };

    // --pid-namespace: the kernel may kill every other process it sees after a block (all of them the block's).
    const inBwrap = [...bwrapArgs(bwrap, options.limits), "--", ...limited, ...program(kernelInSandbox, "--pid-namespace")];
    const common = {
        env: {[launcherMark]: kernel}, cwd: "/", reportsInitPid: true,
        feeds: [{fd: kernelFd, bytes: fs.readFileSync(kernel)}, {fd: seccompFd, bytes: seccomp}]
    };
    // setpriv drops root before bwrap starts, so bwrap runs unprivileged and must make a user namespace:
    // then the code's processes count against RLIMIT_NPROC in that namespace only, i.e. per interpreter.
    return setpriv != null
        ? {file: setpriv, args: [...setprivArgs(), "--", bwrap, ...inBwrap], ...common}
        : {file: bwrap, args: inBwrap, ...common};
}

function prlimitArgs(limits: SandboxLimits): string[] {
    return [
        `--as=${limits.memoryMiB * 2 ** 20}`,
        `--cpu=${interpreterCpuSeconds(limits)}`,
        `--fsize=${limits.fileSizeMiB * 2 ** 20}`,
        `--nofile=${limits.openFiles}`,
        `--nproc=${limits.processes}`,
        "--core=0"
    ];
}

function setprivArgs(): string[] {
    return [
        `--reuid=${sandboxUid}`, `--regid=${sandboxUid}`, "--clear-groups",
        "--bounding-set=-all", "--inh-caps=-all", "--no-new-privs"
    ];
}

function bwrapArgs(bwrap: string, limits: SandboxLimits): string[] {
    return [
        "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        ...(supportsDisableUserns(bwrap) ? ["--disable-userns"] : []),
        "--hostname", "sandbox",
        // The kernel is the namespace's init, so bwrap waits for it (and the kernel tears the namespace
        // down before it counts as exited) instead of hearing from a reaper that may outlive bwrap.
        "--as-pid-1",
        "--die-with-parent", "--new-session", "--cap-drop", "ALL",
        "--info-fd", "3",
        "--ro-bind", "/usr", "/usr",
        ...topLevelSystemDirectories(),
        // What the dynamic loader needs to find numpy's BLAS; the rest of /etc (passwd, hosts, ...) stays out.
        "--perms", "0755", "--dir", "/etc",
        "--ro-bind-try", "/etc/alternatives", "/etc/alternatives",
        "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
        "--proc", "/proc",
        "--dev", "/dev",
        // The only writable place, sized so files cannot eat the host's memory (tmpfs is RAM).
        "--perms", "1777", "--size", String(limits.fileSizeMiB * 4 * 2 ** 20), "--tmpfs", "/tmp",
        "--perms", "0755", "--dir", path.posix.dirname(kernelInSandbox),
        // A copy on bwrap's own tmpfs: a bind of the host file would show the Kotae folder in /proc/self/mountinfo.
        "--perms", "0444", "--ro-bind-data", String(kernelFd), kernelInSandbox,
        // Without these the root and /dev tmpfs, owned by the sandbox user, would be writable and unbounded.
        "--remount-ro", "/dev", "--remount-ro", "/",
        "--chdir", "/tmp",
        // Loaded last, just before the interpreter starts: bwrap itself needs mount and friends up to here.
        "--seccomp", String(seccompFd),
        "--clearenv", ...Object.entries(kernelEnvironment).flatMap(([name, value]) => ["--setenv", name, value])
    ];
}

/** /bin, /lib, ... as on the host: symlinks into /usr on merged-/usr systems, else read-only binds. */
function topLevelSystemDirectories(): string[] {
    return ["bin", "sbin", "lib", "lib32", "lib64", "libx32"].flatMap((name) => {
        const host = `/${name}`;
        const stat = fs.lstatSync(host, {throwIfNoEntry: false});
        if (stat?.isSymbolicLink())
            return ["--symlink", fs.readlinkSync(host), host];
        return stat?.isDirectory() ? ["--ro-bind", host, host] : [];
    });
}

/** bwrap 0.8 and later can stop code from making nested user namespaces (a common kernel attack surface). */
function supportsDisableUserns(bwrap: string): boolean {
    return spawnSync(bwrap, ["--help"], {encoding: "utf8"}).stdout.includes("--disable-userns");
}

/** kernel.py in the source tree: tsc does not copy it to dist/, so it is found from the package root. */
function kernelFile(): string | undefined {
    const kernel = path.join(packageRoot(), "src", "sandbox", "kernel.py");
    return fs.existsSync(kernel) ? kernel : undefined;
}

function findExecutable(name: string): string | undefined {
    const directories = [...(process.env["PATH"] ?? "").split(path.delimiter), "/usr/bin", "/bin", "/usr/sbin", "/sbin"];
    return directories.filter(Boolean).map((directory) => path.join(directory, name)).find(isExecutable);
}

function isExecutable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}
