import fs from "node:fs";

/**
 * Host processes that belong to a Python sandbox: any process running as "nobody" (the sandbox user
 * when tests run as root) or whose command line names the kernel (bwrap, setpriv, prlimit, python).
 */
export function sandboxProcesses(): string[] {
    const found: string[] = [];
    for (const pid of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
        try {
            const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
            const field = (name: string): string | undefined => new RegExp(`^${name}:\\s+(\\S+)`, "m").exec(status)?.[1];
            const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
            if (field("Uid") === "65534" || commandLine.includes("kernel.py"))
                found.push(`${pid} (uid ${field("Uid")}, state ${field("State")}, parent ${field("PPid")}, ${field("Name")}): ${commandLine.slice(0, 100)}`);
        } catch {
            // it exited while being looked at
        }
    }
    return found;
}
