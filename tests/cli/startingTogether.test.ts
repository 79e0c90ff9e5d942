import fs from "node:fs";
import path from "node:path";
import {Worker} from "node:worker_threads";
import Database from "better-sqlite3";
import {describe, expect, it} from "vitest";
import {migrations} from "../../storage/migrations.js";
import {temporaryDirectory} from "../support/testRuntime.js";

// Bot processes sharing one database on one host (README, "A large community") start together, often on
// a new database. Threads stand in for them here: SQLite and the file system treat each thread's
// connection and file calls as they would another process's, and threads can be released at one instant.

/**
 * Runs `body` (the text of a function of the compiled module `module`, under dist/, and of `argument`) in
 * `threads` threads released at the same instant: what each returned, or "error: …" for what it threw.
 */
async function together(threads: number, module: string, body: string, argument: string): Promise<string[]> {
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const moduleUrl = new URL(`../../dist/${module}`, import.meta.url).href;
    const workers = Array.from({length: threads}, () => new Worker(`
        const {workerData, parentPort} = require("node:worker_threads");
        import(workerData.moduleUrl).then((exports) => {
            const run = new Function("exports", "argument", workerData.body);
            parentPort.postMessage("ready");
            Atomics.wait(workerData.gate, 0, 0);
            try {
                parentPort.postMessage(String(run(exports, workerData.argument)));
            } catch (error) {
                parentPort.postMessage("error: " + error.message);
            }
        });`, {eval: true, workerData: {moduleUrl, body, argument, gate}}));
    try {
        const answers = workers.map((worker) => ({
            ready: new Promise<void>((resolve) => worker.on("message", (message: string) => { if (message === "ready") resolve(); })),
            done: new Promise<string>((resolve, reject) => {
                worker.on("message", (message: string) => { if (message !== "ready") resolve(message); });
                worker.on("error", reject);
            })
        }));
        await Promise.all(answers.map(({ready}) => ready));
        Atomics.store(gate, 0, 1);
        Atomics.notify(gate, 0);
        return await Promise.all(answers.map(({done}) => done));
    } finally {
        await Promise.all(workers.map((worker) => worker.terminate()));
    }
}

describe("processes starting together on a new database", () => {
    it("make one pseudonym key and each read it whole", async () => {
        for (let round = 0; round < 25; round++) {
            const folder = temporaryDirectory("kotae-key-");
            const pseudonyms = await together(6, "storage/Pseudonymizer.js",
                "return exports.Pseudonymizer.fromKeyFile(argument).pseudonymize('web', 'student');", path.join(folder, "pseudonym.key"));
            expect(new Set(pseudonyms), `round ${round}: ${pseudonyms.join(", ")}`).toHaveLength(1);
            expect(pseudonyms[0]).toMatch(/^[0-9a-f]{32}$/);
            expect(fs.readdirSync(folder)).toEqual(["pseudonym.key"]); // no draft left beside it
        }
    });

    it("open the database once another holds no write lock, in write-ahead-log mode and at the newest schema", async () => {
        // The moment of the race that lost one of them now and then (SQLITE_BUSY at once: SQLite does not wait
        // for a write lock before switching a file to write-ahead logging): another process holds the lock.
        const file = path.join(temporaryDirectory("kotae-db-"), "kotae.sqlite");
        fs.closeSync(fs.openSync(file, "wx", 0o600));
        const other = new Database(file);
        other.exec("BEGIN IMMEDIATE");
        const opening = together(1, "storage/KotaeDatabase.js", `
            const database = new exports.KotaeDatabase(argument);
            try {
                return database.prepare("PRAGMA journal_mode").pluck().get() + " " + database.prepare("PRAGMA user_version").pluck().get();
            } finally {
                database.close();
            }`, file);
        await new Promise((resolve) => setTimeout(resolve, 300));
        other.exec("COMMIT");
        other.close();
        expect(await opening).toEqual([`wal ${migrations.at(-1)!.version}`]);
    });
});
