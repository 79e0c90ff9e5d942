import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";
import Database from "better-sqlite3";
import {KotaeRuntime} from "../src/app/KotaeRuntime.js";
import {loadConfig} from "../src/config/loadConfig.js";
import {loadDataset} from "../src/eval/EvalDataset.js";
import {evalConfig, runEval, runItems} from "../src/eval/EvalRun.js";
import {temporaryDirectory} from "../tests/support/testRuntime.js";
import {median} from "./statistics.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const modelPath = process.env["KOTAE_BENCH_MODEL"] ?? path.resolve(root, "../shared/models/stories260K.gguf");
const threads = process.env["KOTAE_BENCH_THREADS"] ?? "1";
const problems = Number(process.env["KOTAE_BENCH_EVAL_PROBLEMS"] ?? 8);
const rounds = Number(process.env["KOTAE_BENCH_EVAL_ROUNDS"] ?? 3);
const maxTokens = process.env["KOTAE_BENCH_EVAL_MAX_TOKENS"] ?? "384";

type Rates = {problemsPerSecond: number, tokensPerSecond: number, promptTokensPerSecond: number, mostAtOnce: number};

/** One `kotae eval` of the first MGSM problems (cot, one sample, seed 0) with this many parallel sequences: problems per second and tokens per second. */
async function measure(sequences: number): Promise<Rates> {
    const folder = temporaryDirectory("kotae-bench-eval-");
    try {
        return await measureIn(folder, sequences);
    } finally {
        fs.rmSync(folder, {recursive: true, force: true});
    }
}

async function measureIn(folder: string, sequences: number): Promise<Rates> {
    const config = evalConfig(loadConfig({cwd: folder, env: {
        KOTAE_DB: path.join(folder, "kotae.sqlite"), KOTAE_PSEUDONYM_KEY: "bench-secret-0123456789", KOTAE_MODEL: modelPath,
        KOTAE_GPU: "off", KOTAE_THREADS: threads, KOTAE_SEQUENCES: String(sequences), KOTAE_CONTEXT_SIZE: "1024",
        KOTAE_MAX_TOKENS: maxTokens, KOTAE_MODE: "cot"
    }}));
    await using runtime = KotaeRuntime.start(config);
    const backend = await runtime.backend;
    const dataset = loadDataset("mgsm-ja", runtime.store);
    const run = runtime.store.evals.get(runtime.store.evals.create({
        dataset: dataset.name, datasetSha256: dataset.sha256, itemCount: problems, modes: ["cot"], samples: 1, profile: config.profile,
        modelFile: backend.model.path, modelSha256: null, itemLimit: problems, seed: 0
    }))!;
    const start = performance.now();
    const outcome = await runEval(runtime, run, runItems(dataset.items, problems), {concurrency: sequences});
    const seconds = (performance.now() - start) / 1000;
    if (outcome.status !== "finished")
        throw new Error(`the benchmark's eval ended ${JSON.stringify(outcome)}`);
    const items = runtime.store.evals.items(run.id);
    const sum = (value: (item: typeof items[number]) => number): number => items.reduce((total, item) => total + value(item), 0);
    return {
        problemsPerSecond: problems / seconds, tokensPerSecond: sum((item) => item.completionTokens) / seconds,
        promptTokensPerSecond: sum((item) => item.promptTokens) / seconds, mostAtOnce: mostAtOnce(config.db)
    };
}

/** The most problems generating at the same moment (from each interaction's start, after its queue wait, to its end): are the sequences kept busy? */
function mostAtOnce(file: string): number {
    const database = new Database(file, {readonly: true});
    const rows = database.prepare("SELECT created_at AS createdAt, queue_ms AS queueMs, total_ms AS totalMs FROM interactions WHERE platform = 'eval'")
        .all() as Array<{createdAt: string, queueMs: number, totalMs: number}>;
    database.close();
    const spans = rows.map((row) => ({start: Date.parse(row.createdAt) + row.queueMs, end: Date.parse(row.createdAt) + row.totalMs}));
    return Math.max(0, ...spans.map(({start}) => spans.filter((span) => span.start <= start && start < span.end).length));
}

/**
 * `kotae eval`'s throughput: the same problems on the same model with 1 and with 4 parallel sequences,
 * alternating which goes first, in the same run. Eval submits several problems at once so that the
 * sequences are all busy (checked from the logged start and end times); the ratio shows what that buys
 * on this hardware (llama.cpp evaluates the busy sequences' tokens in one batch).
 */
export async function evalBenchmark(): Promise<void> {
    const results = new Map<number, Rates[]>([[1, []], [4, []]]);
    for (let round = 0; round <= rounds; round++)
        for (const sequences of round % 2 === 0 ? [1, 4] : [4, 1]) {
            const result = await measure(sequences);
            if (round > 0) // warm-up
                results.get(sequences)!.push(result);
        }
    const rate = (sequences: number, key: keyof Rates): number => median(results.get(sequences)!.map((result) => result[key]));
    console.log(`Eval throughput (${path.basename(modelPath)}, CPU, ${threads} thread(s), ${problems} MGSM problems, cot, 1 sample, ≤${maxTokens} tokens, seed 0, ${rounds} rounds)`);
    for (const sequences of [1, 4])
        console.log(`  ${sequences} sequence(s)       : ${rate(sequences, "problemsPerSecond").toFixed(2)} problems/s (median; ${rate(sequences, "tokensPerSecond").toFixed(0)} generated and ${rate(sequences, "promptTokensPerSecond").toFixed(0)} prompt tokens/s; at most ${Math.max(...results.get(sequences)!.map((result) => result.mostAtOnce))} problems generating at once)`);
    console.log(`  ratio 4 / 1 sequences : ${(rate(4, "problemsPerSecond") / rate(1, "problemsPerSecond")).toFixed(2)}× problems/s`);
}
