import {spawnSync} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {openBrowser, integrityCheck, scenarioFolder, serveEnv, solveThroughWeb, startServe, type SoakRow} from "./soakWorld.js";

/**
 * The database's disk fills up while Kotae serves: solves then must fail kindly (no crash, no stack
 * trace), Kotae must answer again once space is back, and the database must stay intact. The disk is a
 * 16 MiB tmpfs (room for the write-ahead log, 4 MiB before a checkpoint), which needs root (skipped otherwise).
 */
export async function fullDisk(): Promise<SoakRow> {
    const scenario = "the database's disk full during writes";
    const disk = path.join(scenarioFolder(), "disk");
    fs.mkdirSync(disk);
    if (spawnSync("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", disk], {stdio: "ignore"}).status !== 0)
        return {scenario, kind: "fault", outcome: "skipped", detail: "mounting a small tmpfs needs root", rowsLost: 0};
    try {
        const database = path.join(disk, "kotae.sqlite");
        const {kotae, url} = await startServe(serveEnv(database, {KOTAE_MAX_TOKENS: "24"}));
        try {
            const browser = await openBrowser(url);
            const before = await solveThroughWeb(url, browser, "Once upon a time, before the disk filled up.");
            const filler = path.join(disk, "filler");
            fillUp(filler);
            const whileFull = await Promise.all(Array.from({length: 3}, (_unused, index) => solveThroughWeb(url, browser, `Once upon a time, on a full disk (${index}).`)));
            fs.rmSync(filler);
            const after = await solveThroughWeb(url, browser, "Once upon a time, after the disk was freed.");
            kotae.signal("SIGTERM");
            const code = await Promise.race([kotae.exited, new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), 30_000))]);
            const integrity = integrityCheck(database);
            const stackTrace = /^\s+at /m.test(kotae.printed());
            const kind = whileFull.every((outcome) => outcome.status >= 400 || (outcome.last?.type === "failed" && (outcome.last.message ?? "") !== "") || outcome.last?.type === "done");
            const ok = before.last?.type === "done" && kind && after.last?.type === "done" && code === 0 && integrity === "ok" && !stackTrace;
            return {
                scenario, kind: "fault", outcome: ok ? "survived" : "FAILED",
                detail: `while full: ${whileFull.map((outcome) => `${outcome.status === 0 ? "connection failed" : outcome.status} ${outcome.last?.type ?? "no event"}${outcome.last?.code != null ? `/${outcome.last.code}` : ""}`).join(", ")}; `
                    + `after freeing: ${after.last?.type ?? `HTTP ${after.status}`}; exit ${String(code)}; integrity_check ${integrity}; ${stackTrace ? `a stack trace printed (${kotae.printed().split("\n").find((line) => /Error/.test(line))?.trim() ?? "?"})` : "no stack trace"}`,
                rowsLost: 0
            };
        } finally {
            await kotae.kill();
        }
    } finally {
        spawnSync("umount", ["-l", disk], {stdio: "ignore"});
    }
}

/** Writes to `file` until the disk refuses more. */
function fillUp(file: string): void {
    const chunk = Buffer.alloc(64 * 1024, 0x2e);
    const descriptor = fs.openSync(file, "w");
    try {
        for (;;) fs.writeSync(descriptor, chunk);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
    } finally {
        fs.closeSync(descriptor);
    }
}
