import {spawn} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import {describe, expect, it, onTestFinished} from "vitest";
import {openStore} from "../../src/app/openStore.js";
import {DatabaseProblem} from "../../src/app/DatabaseProblem.js";
import {KotaeStore} from "../../storage/KotaeStore.js";
import {migrate, migrations} from "../../storage/migrations.js";
import {startMarkOf} from "../../storage/ProcessOwner.js";
import {Pseudonymizer} from "../../storage/Pseudonymizer.js";
import {alice, bob, goneProcess, temporaryDirectory, temporaryStore} from "../support/testRuntime.js";

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

    it("refuses a database from a newer Kotae", () => {
        const database = new Database(":memory:");
        database.pragma("user_version = 99");
        expect(() => migrate(database)).toThrow(/schema is version 99, newer than this Kotae/);
    });

    it("records the whole life of an interaction", () => {
        using store = temporaryStore();
        const id = store.createInteraction({requester: alice, ...question});
        expect(store.getInteraction(id)).toMatchObject({status: "queued", platform: "discord", workspaceId: "g1", locale: "ja"});

        store.markRunning(id, {modelName: "m", modelFile: "/m.gguf", modelSha256: "ab".repeat(32), prompt: "P", queueMs: 12});
        store.finishInteraction(id, {
            status: "answered", rawOutput: "<think>t</think>s \\boxed{5050}", thinking: "t", shownSolution: "s \\boxed{5050}",
            answer: "5050", answerCanonical: "5050", answerMethod: "boxed", stopReason: "endOfGeneration",
            promptTokens: 40, completionTokens: 20, generationMs: 300, totalMs: 320
        });
        expect(store.getInteraction(id)).toMatchObject({
            status: "answered", modelSha256: "ab".repeat(32), prompt: "P", answer: "5050", queueMs: 12, totalMs: 320, completionTokens: 20
        });
    });

    it("never stores a raw user id, only a keyed pseudonym", () => {
        const dir = temporaryDirectory();
        const file = path.join(dir, "kotae.sqlite");
        const key = path.join(dir, "pseudonym.key");
        {
            using store = new KotaeStore(file, Pseudonymizer.fromKeyFile(key));
            const id = store.createInteraction({requester: alice, ...question});
            store.addTurn({interactionId: id, role: "user", requester: alice, content: "なぜ?"});
            store.addFeedback({interactionId: id, requester: alice, kind: "wrong_answer", correctedAnswer: "5050"});
        }
        const bytes = fs.readFileSync(file).toString("latin1") + fs.readFileSync(file + "-wal", {flag: "a+"}).toString("latin1");
        expect(bytes).not.toContain(alice.userId);
        expect((fs.statSync(key).mode & 0o777).toString(8)).toBe("600");

        using again = new KotaeStore(file, Pseudonymizer.fromKeyFile(key));
        expect(again.pseudonymOf(alice)).toBe(again.getInteraction(1)!.userPseudonym);
        expect(again.pseudonymOf(alice)).not.toBe(again.pseudonymOf(bob));
        expect(Pseudonymizer.fromSecret("another-secret-key").pseudonymize("discord", alice.userId)).not.toBe(again.pseudonymOf(alice));
    });

    it("keeps conversation turns in order", () => {
        using store = temporaryStore();
        const id = store.createInteraction({requester: alice, ...question});
        expect(store.addTurn({interactionId: id, role: "user", requester: bob, content: "どうして 101 をかけるの?"})).toBe(0);
        expect(store.addTurn({interactionId: id, role: "assistant", content: "ペアを作ると…", status: "answered", totalMs: 900})).toBe(1);
        const turns = store.listTurns(id);
        expect(turns.map((turn) => [turn.turnIndex, turn.role, turn.content])).toEqual([
            [0, "user", "どうして 101 をかけるの?"], [1, "assistant", "ペアを作ると…"]
        ]);
        expect(turns[0]!.userPseudonym).toBe(store.pseudonymOf(bob));
    });

    it("records wrong-answer reports with the correction and review status", () => {
        using store = temporaryStore();
        const id = store.createInteraction({requester: alice, ...question});
        store.addFeedback({interactionId: id, requester: bob, kind: "wrong_answer", correctedAnswer: "5050", comment: "計算ミス", correctionEqualsModelAnswer: false});
        expect(store.listFeedback(id)).toEqual([expect.objectContaining({
            kind: "wrong_answer", correctedAnswer: "5050", comment: "計算ミス", correctionEqualsModelAnswer: false, reviewerStatus: "new"
        })]);
        expect(() => store.addFeedback({interactionId: 999, requester: bob, kind: "other"})).toThrow(/FOREIGN KEY/);
    });

    it("marks requests left unfinished by a crashed process", () => {
        const file = path.join(temporaryDirectory(), "kotae.sqlite");
        using crashed = temporaryStore(file, goneProcess);
        const queued = crashed.createInteraction({requester: alice, ...question});
        const running = crashed.createInteraction({requester: alice, ...question});
        crashed.markRunning(running, {modelName: "m", modelFile: "/m.gguf", modelSha256: null, prompt: "P", queueMs: 1});
        const done = crashed.createInteraction({requester: alice, ...question});
        crashed.finishInteraction(done, {status: "no_answer", totalMs: 1});

        using restarted = temporaryStore(file);
        expect(restarted.abandonUnfinished()).toBe(2);
        expect(restarted.getInteraction(queued)).toMatchObject({status: "failed", errorCode: "interrupted"});
        expect(restarted.getInteraction(running)).toMatchObject({status: "failed", errorCode: "interrupted", prompt: "P"});
        expect(restarted.getInteraction(done)!.status).toBe("no_answer");
    });

    describe("two processes on one database", () => {
        it("a start leaves the rows of a process that still runs alone", async () => {
            const file = path.join(temporaryDirectory(), "kotae.sqlite");
            // Another live process: a real child, whose pid and start time the store records as /proc shows them.
            const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], {stdio: "ignore"});
            onTestFinished(() => { child.kill("SIGKILL"); });
            await new Promise((resolve) => child.once("spawn", resolve));
            const other = {pid: child.pid!, startMark: startMarkOf(child.pid!)!};
            using beside = temporaryStore(file, other);
            const live = beside.createInteraction({requester: alice, ...question});
            using crashed = temporaryStore(file, goneProcess);
            const orphan = crashed.createInteraction({requester: alice, ...question});
            const legacy = new Database(file); // a row from before rows had owners
            legacy.prepare("UPDATE interactions SET owner_pid = NULL, owner_start_mark = NULL WHERE id = ?").run(crashed.createInteraction({requester: alice, ...question}));
            legacy.close();

            using starting = temporaryStore(file);
            expect(starting.abandonUnfinished()).toBe(2);
            expect(starting.getInteraction(live)!.status).toBe("queued");
            expect(starting.getInteraction(orphan)).toMatchObject({status: "failed", errorCode: "interrupted"});

            // Once it is gone, its rows are marked by the next start.
            const exited = new Promise((resolve) => child.once("exit", resolve));
            child.kill("SIGKILL");
            await exited;
            expect(starting.abandonUnfinished()).toBe(1);
            expect(starting.getInteraction(live)).toMatchObject({status: "failed", errorCode: "interrupted"});
        });

        it("a process believed gone never overwrites the row another process marked interrupted", () => {
            const file = path.join(temporaryDirectory(), "kotae.sqlite");
            using old = temporaryStore(file, goneProcess);
            const id = old.createInteraction({requester: alice, ...question});
            using restarted = temporaryStore(file);
            expect(restarted.abandonUnfinished()).toBe(1);

            old.markRunning(id, {modelName: "m", modelFile: "/m.gguf", modelSha256: null, prompt: "P", queueMs: 1});
            expect(old.finishInteraction(id, {status: "answered", answer: "5050", totalMs: 9})).toBe(false);
            expect(restarted.getInteraction(id)).toMatchObject({status: "failed", errorCode: "interrupted", answer: null, prompt: null});
            // Its own rows it finishes as ever.
            const own = restarted.createInteraction({requester: alice, ...question});
            expect(restarted.finishInteraction(own, {status: "no_answer", totalMs: 1})).toBe(true);
        });
    });

    it("caches model digests by path, size and mtime", () => {
        using store = temporaryStore();
        const file = {path: "/m.gguf", size: 10, mtimeMs: 1234.5};
        expect(store.cachedModelDigest(file)).toBeUndefined();
        store.saveModelDigest(file, "cafe");
        expect(store.cachedModelDigest(file)).toBe("cafe");
        expect(store.cachedModelDigest({...file, size: 11})).toBeUndefined();
    });

    it("allows only reads through query()", () => {
        using store = temporaryStore();
        expect(() => store.query("DELETE FROM interactions")).toThrow(/reading only/);
    });

    it("links a thread to its interaction and finds it again", () => {
        using store = temporaryStore();
        const first = store.createInteraction({requester: alice, ...question});
        store.setThread(first, "thread-1");
        expect(store.findByThread("discord", "thread-1")?.id).toBe(first);
        expect(store.findByThread("slack", "thread-1")).toBeUndefined();
        expect(store.findByThread("discord", "thread-2")).toBeUndefined();
    });

    it("keeps each community's settings, with who changed them as a pseudonym", () => {
        using store = temporaryStore();
        expect(store.communitySettings("discord", "g1")).toBeUndefined();
        const settings = {allowedChannels: ["c1", "c2"], defaultMode: "tir", profile: null, theme: "dark", solvesPerHour: 5, followUpsNeedMention: true} as const;
        store.saveCommunitySettings("discord", "g1", settings, alice);
        expect(store.communitySettings("discord", "g1")).toMatchObject({...settings, updatedBy: store.pseudonymOf(alice)});
        store.saveCommunitySettings("discord", "g1", {...settings, allowedChannels: null, followUpsNeedMention: false}, bob);
        expect(store.communitySettings("discord", "g1")).toMatchObject({allowedChannels: null, followUpsNeedMention: false, updatedBy: store.pseudonymOf(bob)});
        expect(store.communitySettings("discord", "g2")).toBeUndefined();
        expect(() => store.saveCommunitySettings("discord", "g1", {...settings, solvesPerHour: 0}, alice)).toThrow(/CHECK/);
    });

    it("records events around an interaction with their detail", () => {
        using store = temporaryStore();
        const id = store.createInteraction({requester: alice, ...question});
        store.recordEvent({interactionId: id, requester: bob, kind: "button:show_solution"});
        store.recordEvent({interactionId: id, requester: alice, kind: "delivery_failed", detail: {status: 500}});
        store.recordEvent({requester: alice, kind: "settings_refused"});
        expect(store.listEvents(id)).toMatchObject([
            {kind: "button:show_solution", userPseudonym: store.pseudonymOf(bob), detail: null},
            {kind: "delivery_failed", platform: "discord", workspaceId: "g1", detail: {status: 500}}
        ]);
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
        store.createInteraction({requester: alice, ...question}); // writes the -wal (and -shm) files
        expect(Object.fromEntries([folder, db, `${db}-wal`, `${db}-shm`, path.join(folder, "pseudonym.key")].map((file) => [path.basename(file), modeOf(file)])))
            .toEqual({"data": "700", "kotae.sqlite": "600", "kotae.sqlite-wal": "600", "kotae.sqlite-shm": "600", "pseudonym.key": "600"});
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
