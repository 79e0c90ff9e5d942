import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import {describe, expect, it} from "vitest";
import {openStore} from "../../src/app/openStore.js";
import {DatabaseProblem} from "../../src/app/DatabaseProblem.js";
import {KotaeStore} from "../../storage/KotaeStore.js";
import {migrate, migrations} from "../../storage/migrations.js";
import {Pseudonymizer} from "../../storage/Pseudonymizer.js";
import {readRows} from "../support/readRows.js";
import {alice, bob, temporaryDirectory, temporaryStore} from "../support/testRuntime.js";

const question = {question: "1から100までの自然数の和を求めてください", mode: "cot", profile: "llmjp-math-cot"};

describe("KotaeStore", () => {
    it("creates a WAL database at the newest schema version", () => {
        const file = path.join(temporaryDirectory(), "nested", "kotae.sqlite");
        using _store = new KotaeStore(file, Pseudonymizer.fromSecret("0123456789abcdef"));
        const database = new Database(file, {readonly: true});
        expect(database.pragma("journal_mode", {simple: true})).toBe("wal");
        expect(database.pragma("user_version", {simple: true})).toBe(migrations.at(-1)!.version);
        database.close();
    });

    it("migrates a new database that another process migrates at the same moment, each migration once", () => {
        const file = path.join(temporaryDirectory(), "kotae.sqlite");
        const first = new Database(file, {timeout: 5000});
        const second = new Database(file, {timeout: 5000});
        // The second process migrates everything between the first one reading the version and its first migration.
        let interleaved = false;
        const racing = new Proxy(first, {
            get(target, property) {
                if (property === "transaction" && !interleaved) {
                    interleaved = true;
                    migrate(second);
                }
                const value = Reflect.get(target, property) as unknown;
                return typeof value === "function" ? value.bind(target) : value;
            }
        });
        expect(migrate(racing)).toBe(migrations.at(-1)!.version);
        expect(interleaved).toBe(true);
        expect(first.pragma("user_version", {simple: true})).toBe(migrations.at(-1)!.version);
        first.close();
        second.close();
    });

    it("refuses a database from a newer Kotae", () => {
        const database = new Database(":memory:");
        database.pragma("user_version = 99");
        expect(() => migrate(database)).toThrow(/schema is version 99, newer than this Kotae/);
    });

    it("never stores a raw user id, only a keyed pseudonym", () => {
        const dir = temporaryDirectory();
        const file = path.join(dir, "kotae.sqlite");
        const key = path.join(dir, "pseudonym.key");
        {
            using store = new KotaeStore(file, Pseudonymizer.fromKeyFile(key));
            const id = store.interactions.create({requester: alice, ...question});
            store.conversations.add({interactionId: id, role: "user", requester: alice, content: "なぜ?"});
            store.feedback.add({interactionId: id, requester: alice, kind: "wrong_answer", correctedAnswer: "5050"});
        }
        const bytes = fs.readFileSync(file).toString("latin1") + fs.readFileSync(file + "-wal", {flag: "a+"}).toString("latin1");
        expect(bytes).not.toContain(alice.userId);
        expect((fs.statSync(key).mode & 0o777).toString(8)).toBe("600");
        const keyFolder = path.join(dir, "keys"); // a key file's missing folder is made private, as the database's
        Pseudonymizer.fromKeyFile(path.join(keyFolder, "pseudonym.key"));
        expect((fs.statSync(keyFolder).mode & 0o777).toString(8)).toBe("700");

        using again = new KotaeStore(file, Pseudonymizer.fromKeyFile(key));
        expect(again.pseudonymOf(alice)).toBe(again.interactions.get(1)!.userPseudonym);
        expect(again.pseudonymOf(alice)).not.toBe(again.pseudonymOf(bob));
        expect(Pseudonymizer.fromSecret("another-secret-key").pseudonymize("discord", alice.userId)).not.toBe(again.pseudonymOf(alice));
    });

    it("offers no raw SQL: a tool or test reads through its own connection on the file, which cannot write", () => {
        using store = temporaryStore();
        expect(store).not.toHaveProperty("query");
        expect(store).not.toHaveProperty("iterate");
        const id = store.interactions.create({requester: alice, ...question});
        expect(readRows<{id: number}>(store, "SELECT id FROM interactions")).toEqual([{id}]);
        expect(() => readRows(store, "DELETE FROM interactions RETURNING id")).toThrow(/readonly/);
        expect(store.interactions.get(id)).toBeDefined();
    });
});

describe("openStore: the database's files and what goes wrong opening them", () => {
    const modeOf = (file: string): string => (fs.statSync(file).mode & 0o777).toString(8);

    function openingFails(db: string): DatabaseProblem {
        try {
            openStore({db}).close();
        } catch (error) {
            if (error instanceof DatabaseProblem)
                return error;
            throw error;
        }
        throw new Error(`${db} opened`);
    }

    it("creates the folder 0700 and the database, its -wal and -shm files and the pseudonym key 0600", () => {
        const folder = path.join(temporaryDirectory(), "data");
        const db = path.join(folder, "kotae.sqlite");
        using store = openStore({db});
        store.interactions.create({requester: alice, ...question}); // writes the -wal (and -shm) files
        expect(Object.fromEntries([folder, db, `${db}-wal`, `${db}-shm`, path.join(folder, "pseudonym.key")].map((file) => [path.basename(file), modeOf(file)])))
            .toEqual({"data": "700", "kotae.sqlite": "600", "kotae.sqlite-wal": "600", "kotae.sqlite-shm": "600", "pseudonym.key": "600"});
    });

    it("makes the key for a database that holds no pseudonyms yet, and refuses one whose rows hold some", () => {
        // Another process starting on the same new file has just made its schema, and no key yet.
        const folder = temporaryDirectory();
        const db = path.join(folder, "kotae.sqlite");
        const throwaway = Pseudonymizer.fromSecret("a-key-nobody-kept-0123456789");
        new KotaeStore(db, throwaway).close();
        using store = openStore({db});
        expect(store.holdsPseudonyms()).toBe(false);
        expect(fs.existsSync(path.join(folder, "pseudonym.key"))).toBe(true);

        // A table holding pseudonyms other than the interactions counts too: a user's saved preference.
        const other = temporaryDirectory();
        const written = new KotaeStore(path.join(other, "kotae.sqlite"), throwaway);
        written.preferences.saveTheme(alice, "dark");
        expect(written.holdsPseudonyms()).toBe(true);
        written.close();
        expect(openingFails(path.join(other, "kotae.sqlite")).message).toContain("pseudonym key: ");
        expect(fs.readdirSync(other).filter((file) => file === "pseudonym.key")).toEqual([]);
    });

    it("keeps the mode of a database the operator made (doctor warns about it instead)", () => {
        const db = path.join(temporaryDirectory(), "kotae.sqlite");
        fs.writeFileSync(db, "", {mode: 0o640});
        fs.chmodSync(db, 0o640);
        openStore({db}).close();
        expect(modeOf(db)).toBe("640");
    });

    it("names a file that is not a database and the fix, leaving its bytes as they were", () => {
        const db = path.join(temporaryDirectory(), "kotae.sqlite");
        const bytes = Buffer.from("this is not a database, but someone's notes ".repeat(200));
        fs.writeFileSync(db, bytes);
        const problem = openingFails(db);
        expect(problem.message).toBe(`KOTAE_DB: ${db} is not a SQLite database or is damaged (file is not a database). ` +
            "Restore it from a backup, or move it away so Kotae creates a new one; it was left unchanged");
        expect(problem.isSetting).toBe(false);
        expect(fs.readFileSync(db).equals(bytes)).toBe(true);
        expect(fs.existsSync(`${db}-wal`)).toBe(false);
    });

    it("refuses a database from a newer Kotae before writing anything to it", () => {
        const db = path.join(temporaryDirectory(), "kotae.sqlite");
        const newer = new Database(db); // a rollback-journal file: switching it to WAL would rewrite its header
        newer.exec("CREATE TABLE future (x); INSERT INTO future VALUES (1);");
        newer.pragma(`user_version = ${migrations.at(-1)!.version + 1}`);
        newer.close();
        const bytes = fs.readFileSync(db);
        expect(openingFails(db).message).toBe(`KOTAE_DB: ${db} was written by a newer Kotae (schema version ${migrations.at(-1)!.version + 1}; ` +
            `this one knows up to ${migrations.at(-1)!.version}). Upgrade Kotae, or set KOTAE_DB to another file; the database was left unchanged`);
        expect(fs.readFileSync(db).equals(bytes)).toBe(true);
    });

    it("refuses, as an invalid setting, a folder, a path under a file and anything under /proc, /sys or /dev", () => {
        const dir = temporaryDirectory();
        fs.writeFileSync(path.join(dir, "notes.txt"), "x");
        fs.symlinkSync("/proc/self", path.join(dir, "link"));
        const cases: Array<[string, string]> = [
            [dir, `KOTAE_DB: ${dir} is a folder. Set KOTAE_DB to a file in it, e.g. ${path.join(dir, "kotae.sqlite")}`],
            [path.join(dir, "notes.txt", "kotae.sqlite"), `KOTAE_DB: ${path.join(dir, "notes.txt", "kotae.sqlite")} is under ${path.join(dir, "notes.txt")}, which is a file, not a folder. Set KOTAE_DB to a path whose folders are folders, e.g. ./data/kotae.sqlite`],
            ["/proc/kotae.sqlite", "KOTAE_DB: /proc/kotae.sqlite is under /proc, which holds no real files. Set KOTAE_DB to a file on a disk, e.g. ./data/kotae.sqlite"],
            ["/sys/kernel/kotae.sqlite", "KOTAE_DB: /sys/kernel/kotae.sqlite is under /sys, which holds no real files. Set KOTAE_DB to a file on a disk, e.g. ./data/kotae.sqlite"],
            ["/dev/shm/x/kotae.sqlite", "KOTAE_DB: /dev/shm/x/kotae.sqlite is under /dev, which holds no real files. Set KOTAE_DB to a file on a disk, e.g. ./data/kotae.sqlite"],
            [path.join(dir, "link", "kotae.sqlite"), `KOTAE_DB: ${path.join(dir, "link", "kotae.sqlite")} is under /proc, which holds no real files. Set KOTAE_DB to a file on a disk, e.g. ./data/kotae.sqlite`]
        ];
        for (const [db, line] of cases) {
            const problem = openingFails(db);
            expect(problem.message, db).toBe(line);
            expect(problem.isSetting, db).toBe(true);
        }
        expect(fs.existsSync("/dev/shm/x")).toBe(false);
        expect(fs.readdirSync(dir).sort()).toEqual(["link", "notes.txt"]);
    });
});
