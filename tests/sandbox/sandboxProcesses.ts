import fs from "node:fs";
import path from "node:path";
import {packageRoot} from "../../src/app/packageRoot.js";
import {launcherMark} from "../../src/sandbox/interpreterCommand.js";

/**
 * This checkout's kernel.py as the host sees it. Every sandbox Kotae starts names it in its launcher's
 * environment (bwrap's, as `KOTAE_SANDBOX_KERNEL=<it>`) or command line (prlimit's `python <it>`
 * unsandboxed), and that launcher is an ancestor of everything inside the sandbox: the kernel is the
 * init of the sandbox's pid namespace, so nothing in it is ever reparented past it, and its host PPid
 * is the launcher.
 */
const kernelOfThisCheckout = path.join(packageRoot(), "src", "sandbox", "kernel.py"); // also when compiled (the soak suite)
const markOfThisCheckout = `${launcherMark}=${kernelOfThisCheckout}`;

/** The sandbox user when tests run as root (src/sandbox/interpreterCommand.ts). */
const sandboxUid = "65534";

export type HostProcess = {
    readonly pid: number, readonly parent: number, readonly uid: string, readonly state: string, readonly name: string,
    readonly commandLine: string,
    /** Its environment variables (none when it is not readable). */
    readonly environment: readonly string[]
};

/**
 * Host processes left over from this test run's Python sandboxes, described one a line (empty: none).
 *
 * Counted, so the scan cannot be fooled by the host and still catches leaks:
 * - every process inside a sandbox of this checkout: it or an ancestor names this checkout's kernel.py
 *   (see above). A sandbox whose launcher was orphaned (its Kotae or test process gone, so init or a
 *   subreaper adopted it) is still found this way, whatever its parent now is: bwrap's --die-with-parent
 *   should prevent that, an unsandboxed kernel has nothing that does. (Beyond reach: what an unsandboxed
 *   block daemonizes and execs, which carries no mark.) Left out: a sandbox whose launcher's parent is a
 *   Kotae that is not part of this test run (`npm start` in this folder);
 * - any process below this test process (the vitest worker) that runs as the sandbox user.
 * Not counted: anything else on the host, e.g. a `nobody` daemon, or another checkout's or Kotae's sandboxes.
 */
export function sandboxProcesses(): string[] {
    const processes = hostProcesses();
    const ancestry = (start: HostProcess): HostProcess[] => {
        const chain: HostProcess[] = [];
        for (let current: HostProcess | undefined = start; current != null && !chain.includes(current); current = processes.get(current.parent))
            chain.push(current);
        return chain;
    };
    const inThisTestRun = (chain: readonly HostProcess[]): boolean => chain.some((member) => member.pid === process.pid);
    return [...processes.values()].filter((candidate) => {
        const chain = ancestry(candidate);
        const launcher = chain.findLast(launchesSandboxOfThisCheckout);
        if (launcher != null) {
            const launchedBy = processes.get(launcher.parent);
            const byAnotherKotae = launchedBy != null && isKotae(launchedBy) && !inThisTestRun(ancestry(launchedBy));
            return !byAnotherKotae;
        }
        return candidate.uid === sandboxUid && inThisTestRun(chain);
    }).map((found) => `${found.pid} (uid ${found.uid}, state ${found.state}, parent ${found.parent}, ${found.name}): ${found.commandLine.slice(0, 100)}`);
}

/** Whether a process is the launcher of a sandbox of this checkout (its mark, see above). */
export function launchesSandboxOfThisCheckout(candidate: HostProcess): boolean {
    return candidate.commandLine.includes(kernelOfThisCheckout) || candidate.environment.includes(markOfThisCheckout);
}

/** `kotae …` (bin/kotae.js, as `npm start`, pm2 and the CLI run it, or an installed `kotae`). */
export function isKotae(candidate: HostProcess): boolean {
    return candidate.commandLine.split(" ").some((word) => /(^|\/)kotae(\.js)?$/.test(word));
}

/** Every process on the host, by pid, as /proc shows it now. */
export function hostProcesses(): Map<number, HostProcess> {
    const processes = new Map<number, HostProcess>();
    for (const pid of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
        try {
            const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
            const field = (name: string): string => new RegExp(`^${name}:\\s+(\\S+)`, "m").exec(status)?.[1] ?? "?";
            const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
            processes.set(Number(pid), {
                pid: Number(pid), parent: Number(field("PPid")), uid: field("Uid"), state: field("State"), name: field("Name"),
                commandLine, environment: readEnvironment(pid)
            });
        } catch {
            // it exited while being looked at
        }
    }
    return processes;
}

function readEnvironment(pid: string): string[] {
    try {
        return fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    } catch {
        return [];
    }
}
