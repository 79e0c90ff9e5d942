import {SchemaTooNewError} from "../../storage/SchemaTooNewError.js";

/**
 * Why the database (or its pseudonym key) cannot be used, as one line for the operator: what is wrong
 * with which file, then the fix. `isSetting` marks a path that can never work (exit 2, like any invalid
 * setting) apart from a file that is damaged, locked or out of reach (exit 1).
 */
export class DatabaseProblem extends Error {
    public constructor(public readonly problem: string, public readonly fix: string, public readonly isSetting: boolean, cause?: unknown) {
        super(`${problem}. ${fix}`, cause !== undefined ? {cause} : undefined);
        this.name = "DatabaseProblem";
    }
}

/**
 * What SQLite or Node threw while opening `file`, in the operator's words: `label` starts the line (the
 * setting that names the file), `elsewhere` ends the fix (the way around it, e.g. "set KOTAE_DB to another file").
 */
export function describeOpenFailure(file: string, {label, elsewhere}: {label: string, elsewhere: string}, error: unknown): DatabaseProblem {
    if (error instanceof DatabaseProblem)
        return error;
    if (error instanceof SchemaTooNewError)
        return new DatabaseProblem(`${label}: ${file} was written by a newer Kotae (schema version ${error.version}; this one knows up to ${error.newestKnown})`,
            `Upgrade Kotae, or ${elsewhere}; the database was left unchanged`, false, error);

    const code = String((error as {code?: unknown} | null)?.code ?? "");
    const message = error instanceof Error ? error.message : String(error);
    const [problem, fix] = code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")
        ? [`${file} is not a SQLite database or is damaged (${message})`,
            `Restore it from a backup, or move it away so Kotae creates a new one; it was left unchanged`]
        : code === "EACCES" || code === "EPERM" || code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_CANTOPEN")
            ? [`cannot open ${file} for reading and writing (${message})`,
                `Give the user running Kotae access to it and its folder (chown/chmod), or ${elsewhere}`]
            : code === "ENOSPC" || code === "SQLITE_FULL"
                ? [`the disk holding ${file} is full (${message})`, `Free some space there, or ${elsewhere}`]
                : code.startsWith("SQLITE_BUSY")
                    ? [`${file} stayed locked by another process (${message})`, "Stop the other process using it, then start Kotae again"]
                    : [`cannot open ${file} (${message})`, `Check the file and its folder, or ${elsewhere}`];
    return new DatabaseProblem(`${label}: ${problem}`, fix, false, error);
}
