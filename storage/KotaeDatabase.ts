import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import {assertSchemaKnown, migrate} from "./migrations.js";

/**
 * The one connection to Kotae's SQLite database (WAL, versioned migrations) that every repository
 * writes through. A database from a newer Kotae is refused before anything writes to it.
 */
export class KotaeDatabase implements Disposable {
    private readonly connection: Database.Database;

    /** @param file the database file, created private (0600, in a 0700 folder) when new; `:memory:` for none. */
    public constructor(file: string) {
        if (file !== ":memory:")
            createPrivately(file);

        this.connection = new Database(file, {timeout: busyTimeoutMs});
        try {
            // Before anything that could write: a database from a newer Kotae is left exactly as it was.
            assertSchemaKnown(this.connection);
            useWriteAheadLog(this.connection);
            this.connection.pragma("synchronous = NORMAL");
            this.connection.pragma("foreign_keys = ON");
            migrate(this.connection);
        } catch (error) {
            this.connection.close();
            throw error;
        }
    }

    /** Prepares a repository's statements once, each under its name. */
    public prepareAll<Name extends string>(sql: Readonly<Record<Name, string>>): Record<Name, Database.Statement> {
        const entries = Object.entries<string>(sql).map(([name, text]) => [name, this.connection.prepare(text)]);
        return Object.fromEntries(entries) as Record<Name, Database.Statement>;
    }

    /** A statement whose text is built at call time (conditions from a filter). */
    public prepare(sql: string): Database.Statement {
        return this.connection.prepare(sql);
    }

    /** Runs `work` as one transaction that takes the write lock first, so a concurrent writer waits instead of failing half-way. */
    public immediately<T>(work: () => T): T {
        return this.connection.transaction(work).immediate();
    }

    /**
     * Whether a write commits now (for `GET /readyz`): the schema version is written again with its own
     * value, a real one-page commit, which a closed, read-only or full database refuses.
     */
    public canWrite(): boolean {
        try {
            const version = this.connection.pragma("user_version", {simple: true}) as number;
            this.immediately(() => this.connection.pragma(`user_version = ${version}`));
            return true;
        } catch {
            return false;
        }
    }

    /**
     * Whether any row holds a user's pseudonym (every table with a `user_pseudonym` column, so a table a later
     * migration adds counts too): such a database was written with a pseudonym key that must not change.
     */
    public holdsPseudonyms(): boolean {
        const tables = this.connection.prepare(`SELECT tables.name FROM sqlite_schema AS tables, pragma_table_info(tables.name) AS columns
            WHERE tables.type = 'table' AND columns.name = 'user_pseudonym'`).pluck().all() as string[];
        return tables.some((table) =>
            this.connection.prepare(`SELECT 1 FROM "${table.replaceAll("\"", "\"\"")}" WHERE user_pseudonym IS NOT NULL LIMIT 1`).get() !== undefined);
    }

    public close(): void {
        if (this.connection.open)
            this.connection.close();
    }

    public [Symbol.dispose](): void {
        this.close();
    }
}

/** How long a statement waits for another process's lock on the file before it fails. */
const busyTimeoutMs = 5000;

/**
 * Switches the file to write-ahead logging (which the file then keeps). SQLite refuses the switch with
 * SQLITE_BUSY at once, without waiting out the busy timeout, while another connection holds the write
 * lock, as when processes sharing the file start together on a new database and one of them is creating
 * the schema. So a refused switch is tried again for as long as that timeout (once the other process has
 * made the file a WAL one, the switch has nothing left to do and succeeds).
 */
function useWriteAheadLog(connection: Database.Database): void {
    const deadline = performance.now() + busyTimeoutMs;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (;;) {
        try {
            connection.pragma("journal_mode = WAL");
            return;
        } catch (error) {
            if ((error as {code?: unknown}).code !== "SQLITE_BUSY" || performance.now() > deadline)
                throw error;
        }
        Atomics.wait(pause, 0, 0, 5 + Math.random() * 10); // a few ms, not in step with the others retrying
    }
}

/**
 * Creates the database's folder (0700) and an empty database file (0600) when they do not exist yet, so
 * other users of the host cannot read the questions: SQLite would create the file 0644, and gives its
 * -wal and -shm files the database file's mode. Existing files keep theirs (`kotae doctor` warns).
 */
function createPrivately(file: string): void {
    fs.mkdirSync(path.dirname(path.resolve(file)), {recursive: true, mode: 0o700});
    try {
        fs.closeSync(fs.openSync(file, "wx", 0o600)); // an empty file is a new database to SQLite
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST")
            throw error;
    }
}
