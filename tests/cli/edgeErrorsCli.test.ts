import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import {beforeAll, describe, expect, it} from "vitest";
import {assertBuilt, runKotae, type KotaeRun} from "../support/runKotae.js";
import {temporaryDirectory} from "../support/testRuntime.js";
import {migrations} from "../../storage/migrations.js";

/** Kotae's answer to a bad database, file or setting: exactly this one line on stderr, no stack trace. */
function expectOneLine(result: KotaeRun, status: number, line: string): void {
    expect(result.stderr).toBe(`kotae: ${line}\n`);
    expect(result.stderr + result.stdout).not.toMatch(/^\s+at /m);
    expect(result.status).toBe(status);
}

function run(args: string[], env: Record<string, string>, cwd = temporaryDirectory("kotae-cli-")): KotaeRun {
    return runKotae(args, {cwd, env});
}

function corruptedDatabase(): {db: string, bytes: Buffer} {
    const db = path.join(temporaryDirectory(), "kotae.sqlite");
    const bytes = Buffer.from("SQLite format 2\u0000 but not really: a half-copied backup ".repeat(100));
    fs.writeFileSync(db, bytes);
    return {db, bytes};
}

beforeAll(assertBuilt);

describe("database problems: one line naming the file and the fix, and the file untouched", () => {
    // One kotae run per test: each starts in seconds, and a loaded CI machine must stay within the 60 s per test.
    it.each([[["audit", "list"]], [["solve", "1+1"]], [["export", "--format", "cot"]], [["serve"]]])("a corrupted file: kotae %j exits 1", (args) => {
        const {db, bytes} = corruptedDatabase();
        expectOneLine(run(args, {KOTAE_DB: db, KOTAE_WEB_PORT: "0"}), 1, `KOTAE_DB: ${db} is not a SQLite database or is damaged (file is not a database). ` +
            "Restore it from a backup, or move it away so Kotae creates a new one; it was left unchanged");
        expect(fs.readFileSync(db).equals(bytes)).toBe(true);
        expect(fs.readdirSync(path.dirname(db))).toEqual(["kotae.sqlite"]); // no pseudonym key made beside a file that is not Kotae's
    });

    it("a database that holds data but lost its pseudonym key: exits 1 naming the key, and makes no new key (that would split every user in two)", () => {
        const folder = temporaryDirectory();
        const db = path.join(folder, "kotae.sqlite");
        // A solve refused for want of a model is still logged: a row with the student's pseudonym.
        expect(run(["solve", "1+1"], {KOTAE_DB: db}).status).toBe(1);
        fs.rmSync(path.join(folder, "pseudonym.key"));
        expectOneLine(run(["audit", "list"], {KOTAE_DB: db}), 1, `pseudonym key: ${path.join(folder, "pseudonym.key")} is missing, but ${db} already holds data pseudonymized with it. ` +
            "Restore pseudonym.key from a backup, or set KOTAE_PSEUDONYM_KEY to the key it was made with");
        expect(fs.readdirSync(folder).sort()).toEqual(["kotae.sqlite"]);
        expect(run(["audit", "list"], {KOTAE_DB: db, KOTAE_PSEUDONYM_KEY: "the-key-it-was-made-with-0123456789"}).status).toBe(0);
    });

    it.each([[["eval", "list"]], [["serve"]]])("a database from a newer Kotae: kotae %j exits 1, the file left byte for byte as it was", (args) => {
        const db = path.join(temporaryDirectory(), "kotae.sqlite");
        const newer = new Database(db);
        newer.pragma(`user_version = ${migrations.at(-1)!.version + 5}`);
        newer.close();
        const bytes = fs.readFileSync(db);
        expectOneLine(run(args, {KOTAE_DB: db, KOTAE_WEB_PORT: "0"}), 1, `KOTAE_DB: ${db} was written by a newer Kotae ` +
            `(schema version ${migrations.at(-1)!.version + 5}; this one knows up to ${migrations.at(-1)!.version}). Upgrade Kotae, or set KOTAE_DB to another file; the database was left unchanged`);
        expect(fs.readFileSync(db).equals(bytes)).toBe(true);
    });

    it("KOTAE_DB a folder: an invalid setting (exit 2), nothing created in it", () => {
        const dir = temporaryDirectory();
        expectOneLine(run(["audit", "list"], {KOTAE_DB: dir}), 2, `KOTAE_DB: ${dir} is a folder. Set KOTAE_DB to a file in it, e.g. ${path.join(dir, "kotae.sqlite")}`);
        expect(fs.readdirSync(dir)).toEqual([]);
    });

    it("KOTAE_DB under a file: an invalid setting (exit 2)", () => {
        const notes = path.join(temporaryDirectory(), "notes.txt");
        fs.writeFileSync(notes, "x");
        expectOneLine(run(["solve", "1+1"], {KOTAE_DB: path.join(notes, "kotae.sqlite")}), 2,
            `KOTAE_DB: ${path.join(notes, "kotae.sqlite")} is under ${notes}, which is a file, not a folder. Set KOTAE_DB to a path whose folders are folders, e.g. ./data/kotae.sqlite`);
        expect(fs.readFileSync(notes, "utf8")).toBe("x");
    });

    it("KOTAE_DB under /proc: an invalid setting (exit 2) instead of a hang", () => {
        expectOneLine(run(["serve"], {KOTAE_DB: "/proc/kotae.sqlite", KOTAE_WEB_PORT: "0"}), 2,
            "KOTAE_DB: /proc/kotae.sqlite is under /proc, which holds no real files. Set KOTAE_DB to a file on a disk, e.g. ./data/kotae.sqlite");
    });

    it("prints the stack trace only when asked, with --debug or KOTAE_DEBUG=1", () => {
        const {db} = corruptedDatabase();
        const result = run(["audit", "list", "--debug"], {KOTAE_DB: db});
        expect(result.status).toBe(1);
        expect(result.stderr).toMatch(/^kotae: KOTAE_DB: .* is not a SQLite database/);
        expect(result.stderr).toMatch(/\n\s+at openStore /);
        expect(run(["audit", "list"], {KOTAE_DB: db, KOTAE_DEBUG: "1"}).stderr).toMatch(/\n\s+at openStore /);
    });
});

describe("settings that used to hang or slip through: exit 2, every problem listed", () => {
    it("KOTAE_THREADS=1000, KOTAE_QUEUE_CAPACITY=\" \" and KOTAE_MAX_TOKENS=0x10 together", () => {
        const maxThreads = os.availableParallelism() * 2;
        const result = run(["solve", "1+1"], {KOTAE_THREADS: "1000", KOTAE_QUEUE_CAPACITY: " ", KOTAE_MAX_TOKENS: "0x10", KOTAE_DB: path.join(temporaryDirectory(), "k.sqlite")});
        expect(result.stderr).toBe([
            "kotae: Invalid configuration:",
            `  - KOTAE_THREADS / "threads" in the config file: must be a whole number from 1 to ${maxThreads} (got "1000")`,
            "  - KOTAE_MAX_TOKENS / \"maxTokens\" in the config file: must be a whole number from 1 to 1048576 (got \"0x10\")",
            "  - KOTAE_QUEUE_CAPACITY / \"queueCapacity\" in the config file: must be a whole number from 0 to 10000 (got \" \")",
            ""
        ].join("\n"));
        expect(result.status).toBe(2);
    });

    it("a config file with a wrong type and an unknown key reports both", () => {
        const cwd = temporaryDirectory("kotae-cli-");
        fs.writeFileSync(path.join(cwd, "kotae.config.json"), JSON.stringify({samples: true, modle: "x.gguf"}));
        const result = run(["audit", "list"], {}, cwd);
        expect(result.stderr).toBe([
            "kotae: Invalid configuration:",
            `  - "modle" in ${path.join(fs.realpathSync(cwd), "kotae.config.json")} is not a Kotae setting`,
            "  - KOTAE_SAMPLES / \"samples\" in the config file: must be a whole number from 1 to 64 (got true)",
            ""
        ].join("\n"));
        expect(result.status).toBe(2);
    });
});

describe("kotae doctor and the database's files", () => {
    it("fails the database check with the fix, and warns about each file other users can read, with the chmod", () => {
        const {db} = corruptedDatabase();
        const folder = path.dirname(db);
        const key = path.join(folder, "pseudonym.key");
        fs.writeFileSync(key, "a-key-an-operator-copied-over-0123456789\n");
        fs.chmodSync(folder, 0o755);
        fs.chmodSync(db, 0o644);
        fs.chmodSync(key, 0o640);
        const result = run(["doctor", "--json"], {KOTAE_DB: db, KOTAE_GPU: "off"});
        const checks = JSON.parse(result.stdout) as Array<{name: string, status: string, detail: string, fix?: string}>;
        expect(checks.find((check) => check.name === "Database")).toEqual({name: "Database", status: "fail",
            detail: `KOTAE_DB: ${db} is not a SQLite database or is damaged (file is not a database)`,
            fix: "Restore it from a backup, or move it away so Kotae creates a new one; it was left unchanged."});
        expect(checks.filter((check) => check.name === "File permissions")).toEqual([
            {name: "File permissions", status: "warn", detail: `${folder} is open to other users of this host (mode 755)`, fix: `chmod 700 ${folder}`},
            {name: "File permissions", status: "warn", detail: `${db} is open to other users of this host (mode 644)`, fix: `chmod 600 ${db}`},
            {name: "File permissions", status: "warn", detail: `${key} is open to other users of this host (mode 640)`, fix: `chmod 600 ${key}`}
        ]);
        expect(result.status).toBe(1);
    });
});
