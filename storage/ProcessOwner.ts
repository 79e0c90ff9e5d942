import fs from "node:fs";

/**
 * The process that owns a queued or running row: its pid, and what tells that pid's process apart from
 * a later one reusing the number (the machine's boot id and the process's start time in clock ticks,
 * from /proc). Processes sharing one database must share a host and a pid namespace (one container),
 * which is also what SQLite's locking needs.
 */
export type ProcessOwner = {
    readonly pid: number,
    /** `<boot id>/<start ticks>`; a random token where /proc cannot be read, which no later check matches. */
    readonly startMark: string
};

/** This process. */
export const currentProcessOwner: ProcessOwner = {
    pid: process.pid,
    startMark: startMarkOf(process.pid) ?? `unknown/${Math.random().toString(36).slice(2)}`
};

/**
 * Whether the owner's process still runs: its pid is alive and started when the owner says it did.
 * Without /proc another process's rows count as gone (the behaviour before rows had owners).
 */
export function isProcessAlive(owner: ProcessOwner): boolean {
    return owner.pid === process.pid
        ? owner.startMark === currentProcessOwner.startMark
        : startMarkOf(owner.pid) === owner.startMark;
}

/** The boot id and the start time of a live pid; undefined when there is no such process (or no /proc). */
export function startMarkOf(pid: number): string | undefined {
    try {
        const bootId = fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        // Fields after the command name, which is in parentheses and may itself hold spaces or parentheses.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const startTicks = fields[19]; // field 22 of stat(5), the 20th after the name
        return startTicks != null ? `${bootId}/${startTicks}` : undefined;
    } catch {
        return undefined;
    }
}
