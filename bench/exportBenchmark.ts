import path from "node:path";
import Database from "better-sqlite3";
import {KotaeRuntime} from "../src/app/KotaeRuntime.js";
import {loadConfig} from "../src/config/loadConfig.js";
import {exportDataset} from "../src/export/exportDataset.js";
import {WebServer} from "../src/platforms/web/WebServer.js";
import {ScriptedBackend} from "../tests/support/ScriptedBackend.js";
import {KotaeStore} from "../storage/KotaeStore.js";
import {Pseudonymizer} from "../storage/Pseudonymizer.js";
import {temporaryDirectory} from "../tests/support/testRuntime.js";
import {percentile} from "./statistics.js";

const interactions = Number(process.env["KOTAE_BENCH_EXPORT_COUNT"] ?? 100_000);
const reported = 10_000;

/**
 * Auditing at scale, on a real SQLite file: exporting 100 000 reviewed interactions as CoT JSONL (goal
 * ≤ 5 s) against reading the same rows bare (one table scan + JSON.stringify), and the audit page
 * (first 50 of 10 000 reports, through the web app) (goal p50 ≤ 100 ms).
 */
export async function exportBenchmark(): Promise<void> {
    const file = path.join(temporaryDirectory("kotae-bench-"), "kotae.sqlite");
    const store = new KotaeStore(file, Pseudonymizer.fromSecret("bench-secret-0123456789"));
    seed(file);

    let start = performance.now();
    let bytes = 0;
    const lines = exportDataset(store, "cot", {}, (line) => { bytes += line.length + 1; });
    const exportMs = performance.now() - start;

    // The same rows read bare, on a connection of its own while the store is open, as the export read them.
    start = performance.now();
    let bareBytes = 0;
    const bare = new Database(file, {readonly: true});
    for (const row of bare.prepare("SELECT id, prompt, raw_output, answer FROM interactions").iterate())
        bareBytes += JSON.stringify(row).length + 1;
    bare.close();
    const bareMs = performance.now() - start;

    store.close();

    // The audit page itself, through the web app (HTTP on loopback, HTML rendered and escaped).
    const token = "bench-admin-token-0123456789";
    const config = loadConfig({env: {KOTAE_DB: file, KOTAE_PSEUDONYM_KEY: "bench-secret-0123456789", KOTAE_WEB_PORT: "0", KOTAE_WEB_ADMIN_TOKEN: token}, cwd: path.dirname(file)});
    const runtime = KotaeRuntime.start(config, {backend: new ScriptedBackend([""])});
    const web = await WebServer.start(runtime, config);
    const pageMs: number[] = [];
    try {
        for (let round = 0; round <= 30; round++) {
            start = performance.now();
            const response = await fetch(`${web.url}/audit`, {headers: {authorization: `Bearer ${token}`}});
            if (!(await response.text()).includes("Review queue")) throw new Error(`the audit page answered ${response.status}`);
            if (round > 0) pageMs.push(performance.now() - start);
        }
    } finally {
        await web.close();
        await runtime.close();
    }

    console.log(`Audit and export (real SQLite file; ${interactions} reviewed interactions, ${reported} of them reported)`);
    console.log(`  export cot JSONL                : ${(exportMs / 1000).toFixed(2)} s for ${lines} lines, ${(bytes / 2 ** 20).toFixed(0)} MiB (goal ≤ 5 s)`);
    console.log(`  baseline: bare scan + stringify : ${(bareMs / 1000).toFixed(2)} s, ${(bareBytes / 2 ** 20).toFixed(0)} MiB; ratio ${(exportMs / bareMs).toFixed(2)}`);
    console.log(`  /audit page (first 50 reports)  : p50 ${percentile(pageMs, 0.5).toFixed(1)} ms, p95 ${percentile(pageMs, 0.95).toFixed(1)} ms (goal p50 ≤ 100 ms)`);
}

/** Rows as the engine and reviewers leave them, written in one transaction (a benchmark's set-up, not Kotae's path). */
function seed(file: string): void {
    const database = new Database(file);
    const now = new Date().toISOString();
    const insertInteraction = database.prepare(`
        INSERT INTO interactions (id, created_at, updated_at, platform, user_pseudonym, question, mode, profile, prompt, raw_output,
            shown_solution, answer, status, total_ms, representative_sample)
        VALUES (?, ?, ?, 'discord', ?, ?, 'cot', 'llmjp-math-cot', ?, ?, ?, ?, 'answered', 1, 0)`);
    const insertSolution = database.prepare(`
        INSERT INTO solutions (interaction_id, sample_index, attempt, created_at, mode, prompt, raw_output, thinking, shown_solution,
            answer, stop_reason, prompt_tokens, completion_tokens, generation_ms)
        VALUES (?, 0, 0, ?, 'cot', ?, ?, '', ?, ?, 'endOfGeneration', 50, 200, 1000)`);
    const insertReview = database.prepare("INSERT INTO reviews (interaction_id, created_at, reviewer, status) VALUES (?, ?, 'bench', 'model_right')");
    const insertFeedback = database.prepare(`
        INSERT INTO feedback (interaction_id, created_at, user_pseudonym, kind, corrected_answer) VALUES (?, ?, 'reporter', 'wrong_answer', '5050')`);
    database.transaction(() => {
        for (let id = 1; id <= interactions; id++) {
            const question = `1から${id}までの自然数の和を求めてください`;
            const prompt = `あなたは熟練した数学の専門家です。\n### 指示:\n${question}\n### 応答:\n`;
            const output = `<think>\n両端を組にして数えます。\n</think>\n和は ${id}(${id}+1)/2 = ${(id * (id + 1)) / 2} です。\\boxed{${(id * (id + 1)) / 2}}`;
            insertInteraction.run(id, now, now, `user-${id % 500}`, question, prompt, output, output, String((id * (id + 1)) / 2));
            insertSolution.run(id, now, prompt, output, output, String((id * (id + 1)) / 2));
            insertReview.run(id, now);
            if (id % (interactions / reported) === 0) insertFeedback.run(id, now);
        }
    })();
    database.close();
}
