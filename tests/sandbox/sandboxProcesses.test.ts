import {spawn} from "node:child_process";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {describe, expect, it, onTestFinished} from "vitest";
import {defaultSandboxLimits} from "../../src/sandbox/CodeSandbox.js";
import {resolveInterpreterCommand} from "../../src/sandbox/interpreterCommand.js";
import {killProcessGroup} from "../support/killProcessGroup.js";
import {assertBuilt} from "../support/runKotae.js";
import {temporaryDirectory} from "../support/testRuntime.js";
import {waitFor} from "../support/waitFor.js";
import {hostProcesses, sandboxProcesses, type HostProcess} from "./sandboxProcesses.js";

// The leak check the sandbox suites end with must see this run's sandboxes wherever they ended up, and
// nothing else on the host. Each process below sleeps for a number no other test uses, to be told apart.

const kotaeCommand = fileURLToPath(new URL("../../bin/kotae.js", import.meta.url));
const asNobody = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];

/**
 * Starts `command` as an orphan: a shell in a process group of its own starts it in the background and
 * exits, so init (or a subreaper) adopts it and it is no longer below this test process. The group is
 * killed when the test ends.
 */
function startOrphan(command: readonly string[], env: Readonly<Record<string, string>> = {}, cwd = "/"): void {
    const shell = spawn("/bin/sh", ["-c", `("$@" >/dev/null 2>&1 &)`, "sh", ...command], {env, cwd, stdio: "ignore", detached: true});
    onTestFinished(() => killProcessGroup(shell.pid!));
}

/** Starts `command` as this test process's own child (its group killed when the test ends). */
function startChild(command: readonly string[]): void {
    const child = spawn(command[0]!, command.slice(1), {stdio: "ignore", detached: true});
    onTestFinished(() => killProcessGroup(child.pid!));
}

/** The process whose command line starts with `commandLine`, once it runs. */
function running(commandLine: string): Promise<HostProcess> {
    return waitFor(() => [...hostProcesses().values()].find((candidate) => candidate.commandLine.startsWith(commandLine)));
}

function isBelowThisTestProcess(pid: number): boolean {
    const processes = hostProcesses();
    for (let current = processes.get(pid); current != null && current.pid > 1; current = processes.get(current.parent))
        if (current.parent === process.pid) return true;
    return false;
}

describe("the check that no sandbox process is left", () => {
    it("ignores a process running as nobody that this test run did not start", async () => {
        startOrphan([...asNobody, "/bin/sleep", "86404"]);
        const nobody = await running("/bin/sleep 86404");
        expect(nobody.uid).toBe("65534");
        expect(isBelowThisTestProcess(nobody.pid)).toBe(false);
        expect(sandboxProcesses().filter((line) => line.includes("86404"))).toEqual([]);
    });

    it("finds a process running as nobody below this test process", async () => {
        startChild([...asNobody, "/bin/sleep", "86405"]);
        expect(await waitFor(() => sandboxProcesses().find((line) => line.endsWith(": /bin/sleep 86405")))).toMatch(/^\d+ \(uid 65534,/);
    });

    it("finds a sandbox of this checkout after its launcher was orphaned", async () => {
        // Unsandboxed, so nothing kills it with its parent (bwrap's --die-with-parent would); the kernel
        // waits for a block on a pipe kept open by `sleep`, adopted by init like the kernel.
        const command = resolveInterpreterCommand({python: "/usr/bin/python3", limits: defaultSandboxLimits, unsafeUnsandboxedPython: true});
        startOrphan(["/bin/sh", "-c", `/bin/sleep 86406 | "$@"`, "sh", command.file, ...command.args], command.env);
        const kernel = await running(`/usr/bin/python3 -I ${command.args.at(-1)!}`); // prlimit has exec'd it
        expect(isBelowThisTestProcess(kernel.pid)).toBe(false);
        expect(sandboxProcesses().filter((line) => line.startsWith(`${kernel.pid} `))).toHaveLength(1);
    });

    it("ignores the sandboxes of a Kotae from this folder running outside this test run (npm start)", async () => {
        assertBuilt();
        const directory = temporaryDirectory("kotae-other-serve-");
        startOrphan([process.execPath, kotaeCommand, "serve"], {
            PATH: process.env["PATH"] ?? "", HOME: directory, KOTAE_DB: path.join(directory, "kotae.sqlite"), KOTAE_WEB_PORT: "0"
        }, directory);
        const serve = await running(`${process.execPath} ${kotaeCommand} serve`);
        // Its warm interpreters: bubblewrap launchers whose parent is that kotae.
        const launcher = await waitFor(() => [...hostProcesses().values()].find((candidate) => candidate.parent === serve.pid && candidate.commandLine.includes("kernel.py")), 30_000);
        expect(isBelowThisTestProcess(serve.pid)).toBe(false);
        expect(sandboxProcesses().filter((line) => line.startsWith(`${launcher.pid} `))).toEqual([]);
    });
});
