import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import {packageRoot} from "../../src/app/packageRoot.js";
import {serverSentEvents} from "../../src/llm/openai/ServerSentEvents.js";
import {KotaeProcess} from "./KotaeProcess.js";

const tinyModel = path.resolve(packageRoot(), "../shared/models/stories260K.gguf");

/** One line of the soak table. `rowsLost`: requests without exactly one database row in a final state. */
export type SoakRow = {
    readonly scenario: string,
    readonly kind: "load" | "fault" | "bad input",
    readonly outcome: "held" | "survived" | "refused cleanly" | "skipped" | "FAILED",
    readonly detail: string,
    readonly rowsLost: number
};

/** A fresh folder for one scenario's database; removed by `removeAll()`. */
const folders: string[] = [];
export function scenarioFolder(): string {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "kotae-soak-"));
    folders.push(folder);
    return folder;
}
export function removeScenarioFolders(): void {
    for (const folder of folders.splice(0))
        fs.rmSync(folder, {recursive: true, force: true});
}

/** `kotae serve` on the tiny real model, the web app on a free loopback port, everything else default. */
export function serveEnv(database: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
        KOTAE_MODEL: tinyModel, KOTAE_DB: database, KOTAE_GPU: "off", KOTAE_THREADS: "1", KOTAE_CONTEXT_SIZE: "512",
        KOTAE_MODE: "cot", KOTAE_WEB_PORT: "0", KOTAE_PSEUDONYM_KEY: "soak-pseudonym-key-0123456789", ...extra
    };
}

/** Starts `kotae serve` and waits for the playground's address. */
export async function startServe(env: Record<string, string>): Promise<{kotae: KotaeProcess, url: string}> {
    const kotae = KotaeProcess.start(["serve"], env);
    try {
        return {kotae, url: await kotae.waitFor(/http:\/\/127\.0\.0\.1:\d+/)};
    } catch (error) {
        await kotae.kill();
        throw error;
    }
}

/** SIGTERM, as pm2 and systemd stop it; SIGKILL for whatever is left after 10 s. */
export async function stopServe(kotae: KotaeProcess): Promise<void> {
    kotae.signal("SIGTERM");
    await Promise.race([kotae.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    await kotae.kill();
}

/** The interactions table, read-only, as a curator would see it after the fact. */
export function interactionStatuses(database: string): {id: number, status: string, error_code: string | null}[] {
    using db = openReadOnly(database);
    return db.prepare("SELECT id, status, error_code FROM interactions ORDER BY id").all() as {id: number, status: string, error_code: string | null}[];
}

export function integrityCheck(database: string): string {
    using db = openReadOnly(database);
    return (db.prepare("PRAGMA integrity_check").pluck().get() as string);
}

function openReadOnly(database: string): Database.Database & Disposable {
    const db = new Database(database, {readonly: true, fileMustExist: true});
    return Object.assign(db, {[Symbol.dispose]: () => db.close()});
}

/** Short answers on two sequences: a burst measures admission, queueing and delivery, not the model. */
export const burstSettings = {KOTAE_MAX_TOKENS: "24", KOTAE_SEQUENCES: "2"} as const;

/** Waits until the database holds at least `count` rows, none of them queued or running. */
export function allRowsFinal(database: string, count: number, timeoutMs: number): Promise<true> {
    return until(`${count} rows in a final state`, () => {
        const rows = interactionStatuses(database);
        return rows.length >= count && rows.every((row) => row.status !== "queued" && row.status !== "running") || undefined;
    }, timeoutMs);
}

/** Waits until `check` returns a value (polling the database or a process), or fails after `timeoutMs`. */
export async function until<T>(what: string, check: () => T | undefined, timeoutMs = 30_000): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
        const value = check();
        if (value !== undefined) return value;
        if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

/**
 * A browser of the playground: its cookie from the page, then solves through the API. Web admission is
 * per client address; `forwardedFor` (with `KOTAE_WEB_TRUST_PROXY=true`) makes each browser a client of
 * its own, as a reverse proxy in front of Kotae reports them.
 */
export type Browser = {readonly cookie: string, readonly forwardedFor?: string};

export async function openBrowser(url: string, forwardedFor?: string): Promise<Browser> {
    const page = await fetch(`${url}/`, {headers: forwardedFor != null ? {"x-forwarded-for": forwardedFor} : {}});
    await page.text();
    const cookie = /kotae_user=[^;]+/.exec(page.headers.get("set-cookie") ?? "")?.[0];
    if (cookie == null) throw new Error("the playground handed out no browser cookie");
    return {cookie, ...(forwardedFor != null ? {forwardedFor} : {})};
}

/**
 * How one solve through the web ended: HTTP status (0: the connection failed), the last event, the time,
 * and when its first streamed text (solution or thinking) arrived, in ms after the POST.
 */
export type SolveOutcome = {
    status: number,
    last: {type: string, code?: string, message?: string, result?: {completionTokens: number}} | undefined,
    millis: number,
    firstTextMillis?: number
};

/** POSTs a problem to /api/solve and reads the event stream (or the refusal) to its end, as it arrives. */
export async function solveThroughWeb(url: string, browser: Browser, problem: string, mode = "cot"): Promise<SolveOutcome> {
    const started = performance.now();
    try {
        const response = await fetch(`${url}/api/solve`, {
            method: "POST",
            headers: {"content-type": "application/json", "x-kotae": "1", cookie: browser.cookie, origin: url, ...(browser.forwardedFor != null ? {"x-forwarded-for": browser.forwardedFor} : {})},
            body: JSON.stringify({problem, mode})
        });
        let last: SolveOutcome["last"];
        let firstTextMillis: number | undefined;
        for await (const data of response.body != null ? serverSentEvents(response.body) : []) {
            last = JSON.parse(data) as NonNullable<SolveOutcome["last"]>;
            if (firstTextMillis == null && (last.type === "text" || last.type === "thinking")) firstTextMillis = performance.now() - started;
        }
        return {status: response.status, last, millis: performance.now() - started, ...(firstTextMillis != null ? {firstTextMillis} : {})};
    } catch {
        return {status: 0, last: undefined, millis: performance.now() - started};
    }
}
