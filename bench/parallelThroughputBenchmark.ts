import path from "node:path";
import Database from "better-sqlite3";
import {getLlama, LlamaCompletion, LlamaLogLevel} from "node-llama-cpp";
import {Engine} from "../src/engine/Engine.js";
import {ErrorCode, KotaeError} from "../src/errors/ErrorCode.js";
import {LlamaCppBackend} from "../src/llm/LlamaCppBackend.js";
import {ProfileRegistry} from "../src/profiles/ProfileRegistry.js";
import {renderPrompt} from "../src/profiles/renderPrompt.js";
import {KotaeStore} from "../storage/KotaeStore.js";
import {Pseudonymizer} from "../storage/Pseudonymizer.js";
import {openBrowser, scenarioFolder, serveEnv, solveThroughWeb, startServe, stopServe, removeScenarioFolders} from "./soak/soakWorld.js";
import {median} from "./statistics.js";

/**
 * Aggregate generation throughput with 1, 2 and 4 solves at once, three ways on the same model, prompt and
 * sampling: bare node-llama-cpp batching as many sequences (the ceiling), Kotae's engine alone, and
 * `kotae serve` end to end through the web API (each solve streamed to its own browser). Each is
 * completion tokens over the wall time of a round, the median of `rounds` rounds after a warm-up; the
 * ratios are against bare in the same run, and the batching gain is N streams against one.
 */
export async function parallelThroughputBenchmark(options: {modelPath: string, threads: number, rounds: number, maxTokens: number, problem: string}): Promise<void> {
    const {modelPath, threads, rounds, maxTokens, problem} = options;
    const contextSize = 1024;
    const profile = new ProfileRegistry().get("llmjp-math-cot");
    const sampling = {...profile.sampling, maxTokens};
    const parallelCounts = [1, 2, 4];
    const results: {parallel: number, bare: number, engine: number, serve: number}[] = [];

    for (const parallel of parallelCounts) {
        // Bare: one context with `parallel` sequences, as Kotae's backend makes it, all generating at once.
        const llama = await getLlama({gpu: false, maxThreads: threads, build: "never", logLevel: LlamaLogLevel.error});
        const model = await llama.loadModel({modelPath});
        const context = await model.createContext({contextSize, sequences: parallel, threads});
        const completions = Array.from({length: parallel}, () => new LlamaCompletion({contextSequence: context.getSequence()}));
        const backend = await LlamaCppBackend.create({model: modelPath, modelsDirectory: path.dirname(modelPath), gpu: "off", threads, contextSize, sequences: parallel});
        const promptText = renderPrompt(profile, {withTools: false}, problem, backend).toText();
        const bare = await tokensPerSecond(rounds, async (round) => {
            const counts = await Promise.all(completions.map(async (completion, index) => {
                let generated = 0;
                await completion.generateCompletion(promptText, {
                    maxTokens, temperature: sampling.temperature, topP: sampling.topP, topK: sampling.topK, minP: sampling.minP,
                    repeatPenalty: sampling.repeatPenalty > 1 ? {penalty: sampling.repeatPenalty} : false, seed: 1000 * round + index,
                    customStopTriggers: profile.stop, disableContextShift: true, onToken: (tokens) => { generated += tokens.length; }
                });
                return generated;
            }));
            return counts.reduce((sum, count) => sum + count, 0);
        });
        for (const completion of completions) completion.dispose();
        await context.dispose();
        await model.dispose();
        await llama.dispose();

        // The engine alone: `parallel` students' solves at once (queue, solver, SQLite log, events).
        const store = new KotaeStore(path.join(scenarioFolder(), "engine.sqlite"), Pseudonymizer.fromSecret("bench-secret-0123456789"));
        const engine = new Engine({
            backend, store, profiles: new ProfileRegistry(), defaultProfile: "llmjp-math-cot", defaultMode: "cot", maxTokens,
            sandbox: () => Promise.reject(new KotaeError(ErrorCode.TirUnavailable, "text reasoning only")),
            samples: 1, tirLimits: {maxExecutions: 8, maxSeconds: 60}, failuresBeforeFallback: 3,
            concurrency: parallel, queueCapacity: 16, maxPendingPerUser: 1, maxProblemChars: 2000
        });
        const engineRate = await tokensPerSecond(rounds, async (round) => {
            const counts = await Promise.all(Array.from({length: parallel}, async (_unused, index) => {
                for await (const event of engine.solve({problem, requester: {platform: "bench", userId: `student${index}`}, seed: 1000 * round + index})) {
                    if (event.type === "done") return event.result.completionTokens;
                    if (event.type === "failed") throw new Error(`${event.code}: ${event.detail}`);
                }
                return 0;
            }));
            return counts.reduce((sum, count) => sum + count, 0);
        });
        await engine.close();
        store.close();
        await backend.dispose();

        const serveRate = await throughServe({modelPath, threads, contextSize, maxTokens, problem, parallel, rounds});
        results.push({parallel, bare, engine: engineRate, serve: serveRate});
    }

    const one = results[0]!;
    console.log(`Parallel solves (${path.basename(modelPath)}, CPU, ${threads} thread(s), ≤${maxTokens} tokens each, median of ${rounds} rounds; aggregate tokens/s)`);
    console.log("  at once | bare node-llama-cpp | engine alone (÷ bare) | kotae serve, web API (÷ bare) | batching gain bare / serve");
    for (const row of results)
        console.log(`  ${String(row.parallel).padStart(7)} | ${row.bare.toFixed(0).padStart(19)} | ${row.engine.toFixed(0).padStart(6)} (${(row.engine / row.bare).toFixed(3)})`
            + `${" ".repeat(8)} | ${row.serve.toFixed(0).padStart(6)} (${(row.serve / row.bare).toFixed(3)})${" ".repeat(15)} | ×${(row.bare / one.bare).toFixed(2)} / ×${(row.serve / one.serve).toFixed(2)}`);
    console.log("  goal: engine and serve ≥ 0.95 of bare at every count");
    removeScenarioFolders();
}

/** Runs `round` once to warm up, then `rounds` times: the median of tokens generated over seconds taken. */
async function tokensPerSecond(rounds: number, round: (index: number) => Promise<number>): Promise<number> {
    const rates: number[] = [];
    for (let index = 0; index <= rounds; index++) {
        const started = performance.now();
        const tokens = await round(index);
        if (index > 0) rates.push(tokens / ((performance.now() - started) / 1000));
    }
    return median(rates);
}

/**
 * `kotae serve` with `parallel` sequences; `parallel` browsers (each its own client, as a reverse proxy
 * names them) post a problem at once and read their streams to the end. Tokens are the rows' own counts.
 */
async function throughServe(options: {modelPath: string, threads: number, contextSize: number, maxTokens: number, problem: string, parallel: number, rounds: number}): Promise<number> {
    const database = path.join(scenarioFolder(), "kotae.sqlite");
    const {kotae, url} = await startServe(serveEnv(database, {
        KOTAE_MODEL: options.modelPath, KOTAE_THREADS: String(options.threads), KOTAE_CONTEXT_SIZE: String(options.contextSize),
        KOTAE_MAX_TOKENS: String(options.maxTokens), KOTAE_SEQUENCES: String(options.parallel), KOTAE_SOLVES_PER_HOUR: "10000",
        KOTAE_WEB_TRUST_PROXY: "127.0.0.1"
    }));
    try {
        const browsers = await Promise.all(Array.from({length: options.parallel}, (_unused, index) => openBrowser(url, `192.0.2.${index + 1}`)));
        let counted = 0;
        return await tokensPerSecond(options.rounds, async () => {
            const outcomes = await Promise.all(browsers.map((browser) => solveThroughWeb(url, browser, options.problem)));
            if (outcomes.some((outcome) => outcome.last?.type !== "done")) throw new Error(`a solve through kotae serve did not finish: ${JSON.stringify(outcomes.map((outcome) => outcome.last))}`);
            const db = new Database(database, {readonly: true});
            const rows = db.prepare("SELECT id, completion_tokens AS tokens FROM interactions WHERE id > ? ORDER BY id").all(counted) as {id: number, tokens: number}[];
            db.close();
            counted = rows.at(-1)?.id ?? counted;
            return rows.reduce((sum, row) => sum + row.tokens, 0);
        });
    } finally {
        await stopServe(kotae);
    }
}

