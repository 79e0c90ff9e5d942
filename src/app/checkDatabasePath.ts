import fs from "node:fs";
import path from "node:path";
import {DatabaseProblem} from "./DatabaseProblem.js";

/** Kernel and device file systems: SQLite's locking and writes there hang or fail in odd ways. */
const systemRoots = ["/proc", "/sys", "/dev"];

/**
 * Refuses, before anything is created or opened, a database path that can never work: one under /proc,
 * /sys or /dev (also through a symbolic link), a folder, or a path under a file.
 */
export function checkDatabasePath(file: string, setting: string): void {
    const resolved = path.resolve(file);
    let existing = resolved;
    for (;;) {
        const stats = statIfPresent(existing);
        if (stats != null) {
            if (existing === resolved && stats.isDirectory())
                throw new DatabaseProblem(`${setting}: ${resolved} is a folder`, `Set ${setting} to a file in it, e.g. ${path.join(resolved, "kotae.sqlite")}`, true);
            if (existing !== resolved && !stats.isDirectory())
                throw new DatabaseProblem(`${setting}: ${resolved} is under ${existing}, which is a file, not a folder`,
                    `Set ${setting} to a path whose folders are folders, e.g. ./data/kotae.sqlite`, true);
            break;
        }
        existing = path.dirname(existing);
    }

    const real = path.join(fs.realpathSync(existing), path.relative(existing, resolved));
    const system = systemRoots.find((root) => [resolved, real].some((candidate) => candidate === root || candidate.startsWith(root + "/")));
    if (system != null)
        throw new DatabaseProblem(`${setting}: ${resolved} is under ${system}, which holds no real files`,
            `Set ${setting} to a file on a disk, e.g. ./data/kotae.sqlite`, true);
}

/** The path's stats, or undefined when nothing is there (or a file stands where a folder on the way should be). */
function statIfPresent(candidate: string): fs.Stats | undefined {
    try {
        return fs.statSync(candidate);
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR")
            return undefined;
        throw error;
    }
}
