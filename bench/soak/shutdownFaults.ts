import fs from "node:fs";
import path from "node:path";
import {hostProcesses, isKotae, launchesSandboxOfThisCheckout} from "../../tests/sandbox/sandboxProcesses.js";
import {KotaeProcess} from "./KotaeProcess.js";
import {openBrowser, integrityCheck, interactionStatuses, scenarioFolder, serveEnv, solveThroughWeb, startServe, until, type SoakRow} from "./soakWorld.js";

/** The goal for SIGTERM to exit with 8 samples running (issue 13). */
const shutdownGoalSeconds = 5;

/** A long solve (8 samples of 400 tokens) through the web, waited for until its row is running. */
async function longSolve(url: string, database: string, mode: string): Promise<void> {
    const browser = await openBrowser(url);
    void solveThroughWeb(url, browser, "Once upon a time there was a long story.", mode).catch(() => undefined);
    await until("a running row", () => interactionStatuses(database).find((row) => row.status === "running"));
}

/** SIGTERM while 8 samples run: exit 0 within the goal, the row cancelled. */
export async function sigtermWithSamples(): Promise<SoakRow> {
    const database = path.join(scenarioFolder(), "kotae.sqlite");
    const {kotae, url} = await startServe(serveEnv(database, {KOTAE_SAMPLES: "8", KOTAE_MAX_TOKENS: "400", KOTAE_SEQUENCES: "2"}));
    try {
        await longSolve(url, database, "cot");
        const signalled = performance.now();
        kotae.signal("SIGTERM");
        const code = await Promise.race([kotae.exited, new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), 120_000))]);
        const seconds = (performance.now() - signalled) / 1000;
        const rows = interactionStatuses(database);
        const open = rows.filter((row) => row.status === "queued" || row.status === "running").length;
        const ok = code === 0 && seconds < shutdownGoalSeconds && open === 0;
        return {
            scenario: "SIGTERM with 8 samples running", kind: "fault", outcome: ok ? "survived" : "FAILED",
            detail: `exit ${String(code)} after ${seconds.toFixed(1)} s (goal < ${shutdownGoalSeconds} s); rows: ${rows.map((row) => row.status).join(", ")}`,
            rowsLost: open
        };
    } finally {
        await kotae.kill();
    }
}

/** kill -9 in the middle of a solve, then a restart on the same database: the row marked, the file intact, no sandbox left. */
export async function killAndRestart(mode: "cot" | "tir"): Promise<SoakRow> {
    const database = path.join(scenarioFolder(), "kotae.sqlite");
    // TIR needs a profile with code tags; the tiny model writes no code, but the sandbox is started for it.
    const env = serveEnv(database, {KOTAE_SAMPLES: "2", KOTAE_MAX_TOKENS: "400", ...(mode === "tir" ? {KOTAE_PROFILE: "swallow-openmath"} : {})});
    const first = await startServe(env);
    try {
        await longSolve(first.url, database, mode);
    } finally {
        await first.kotae.kill();
    }
    const second = await startServe(env);
    try {
        const rows = interactionStatuses(database);
        const open = rows.filter((row) => row.status === "queued" || row.status === "running").length;
        const integrity = integrityCheck(database);
        const leftovers = sandboxLeftovers();
        const ok = open === 0 && integrity === "ok" && leftovers === 0;
        return {
            scenario: `kill -9 mid-solve (${mode}), then restart`, kind: "fault", outcome: ok ? "survived" : "FAILED",
            detail: `rows after restart: ${rows.map((row) => `${row.status}${row.error_code != null ? `/${row.error_code}` : ""}`).join(", ")}; integrity_check ${integrity}; ${leftovers} sandbox processes left`,
            rowsLost: open
        };
    } finally {
        second.kotae.signal("SIGTERM");
        await second.kotae.exited;
    }
}

/** A second `kotae serve` on the database of a live one must not touch the live one's running row. */
export async function twoProcessesOneDatabase(): Promise<SoakRow> {
    const database = path.join(scenarioFolder(), "kotae.sqlite");
    // A solve that outlasts the second process's start (its model load): 64 samples, one after the other.
    const first = await startServe(serveEnv(database, {KOTAE_SAMPLES: "64", KOTAE_MAX_TOKENS: "480", KOTAE_SEQUENCES: "1"}));
    let second: KotaeProcess | undefined;
    try {
        await longSolve(first.url, database, "cot");
        const running = interactionStatuses(database).find((row) => row.status === "running")!;
        second = (await startServe(serveEnv(database))).kotae;
        const seenBySecond = interactionStatuses(database).find((row) => row.id === running.id)!;
        first.kotae.signal("SIGTERM");
        await first.kotae.exited;
        const final = interactionStatuses(database).find((row) => row.id === running.id)!;
        const ok = seenBySecond.status === "running" && final.status === "cancelled";
        return {
            scenario: "two kotae serve on one database", kind: "fault", outcome: ok ? "survived" : "FAILED",
            detail: `the first's running row, after the second started: ${seenBySecond.status}${seenBySecond.error_code != null ? `/${seenBySecond.error_code}` : ""}; after the first stopped: ${final.status}`,
            rowsLost: ok ? 0 : 1
        };
    } finally {
        await first.kotae.kill();
        if (second != null) {
            second.signal("SIGTERM");
            await second.exited;
        }
    }
}

/** A file that is not a database: one clear line naming it, a non-zero exit, the file untouched. */
export async function corruptedDatabase(): Promise<SoakRow> {
    const database = path.join(scenarioFolder(), "kotae.sqlite");
    const garbage = Buffer.from("this is not a database, but a student's notes. ".repeat(200));
    fs.writeFileSync(database, garbage);
    const kotae = KotaeProcess.start(["serve"], serveEnv(database));
    const code = await Promise.race([kotae.exited, new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), 30_000))]);
    await kotae.kill();
    const output = kotae.printed();
    const unchanged = fs.readFileSync(database).equals(garbage);
    const stackTrace = /^\s+at /m.test(output);
    const namesFile = output.includes(database);
    const ok = typeof code === "number" && code !== 0 && unchanged && !stackTrace && namesFile;
    return {
        scenario: "a corrupted database file", kind: "bad input", outcome: ok ? "refused cleanly" : "FAILED",
        detail: `exit ${String(code)}; ${namesFile ? "names the file" : "does not name the file"}; ${stackTrace ? "prints a stack trace" : "no stack trace"}; file ${unchanged ? "unchanged" : "CHANGED"}`,
        rowsLost: 0
    };
}

/** Sandboxes of this checkout whose Kotae is gone: launchers whose parent is neither a Kotae nor another launcher. */
function sandboxLeftovers(): number {
    const processes = hostProcesses();
    return [...processes.values()].filter((candidate) => {
        const parent = processes.get(candidate.parent);
        return launchesSandboxOfThisCheckout(candidate) && !(parent != null && (isKotae(parent) || launchesSandboxOfThisCheckout(parent)));
    }).length;
}
