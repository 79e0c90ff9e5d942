// `npm run bench`: the engine against bare node-llama-cpp on the same model, prompt and settings,
// measured in the same run, plus the queue's and the engine's own overhead per request, the Python
// sandbox's warm sessions against a fresh interpreter per block, the TIR loop's own cost, and the
// image renderer (answer cards, solutions, memory over many renders) against sharp alone, the
// answer checker against the old canonical-key check and sympy, and `kotae eval`'s throughput with 1
// against 4 parallel sequences.
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {getLlama, LlamaCompletion, LlamaLogLevel} from "node-llama-cpp";
import {Engine} from "../src/engine/Engine.js";
import type {SolveResult} from "../src/engine/EngineEvent.js";
import {ErrorCode, KotaeError} from "../src/errors/ErrorCode.js";
import {LlamaCppBackend} from "../src/llm/LlamaCppBackend.js";
import {ProfileRegistry} from "../src/profiles/ProfileRegistry.js";
import {renderPrompt} from "../src/profiles/renderPrompt.js";
import {FairQueue} from "../src/queue/FairQueue.js";
import {KotaeStore} from "../storage/KotaeStore.js";
import {Pseudonymizer} from "../storage/Pseudonymizer.js";
import {ScriptedBackend} from "../tests/support/ScriptedBackend.js";
import {answerCheckBenchmark} from "./answerCheckBenchmark.js";
import {openAiBackendBenchmark} from "./openAiBackendBenchmark.js";
import {parallelThroughputBenchmark} from "./parallelThroughputBenchmark.js";
import {renderBenchmark} from "./renderBenchmark.js";
import {discordBenchmark} from "./discordBenchmark.js";
import {exportBenchmark} from "./exportBenchmark.js";
import {evalBenchmark} from "./evalBenchmark.js";
import {sandboxBenchmark} from "./sandboxBenchmark.js";
import {slackBenchmark} from "./slackBenchmark.js";
import {tirLoopBenchmark} from "./tirBenchmark.js";
import {median, percentile} from "./statistics.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const modelPath = process.env["KOTAE_BENCH_MODEL"] ?? path.resolve(root, "../shared/models/stories260K.gguf");
const threads = Number(process.env["KOTAE_BENCH_THREADS"] ?? 1);
// Rounds of each generation comparison: on a shared 2-core VM single rounds of one 256-token solve range
// over ±20%, and the median of 15 still moved by ±3% from run to run, most of the goals' margin.
const rounds = Number(process.env["KOTAE_BENCH_ROUNDS"] ?? 20);
const maxTokens = 256;
const problem = "Once upon a time, Lily wanted to count the apples in the big tree. How many apples were there?";

const profiles = new ProfileRegistry({
    bench: {extends: "llmjp-math-cot", sampling: {temperature: 0.8, topP: 0.95, topK: 40, minP: 0, repeatPenalty: 1, maxTokens}}
});
const profile = profiles.get("bench");
const requester = {platform: "bench", userId: "bench"} as const;

/** The engine benchmarks measure text reasoning (mode cot): no sandbox, one sample. */
const textOnly = {
    sandbox: () => Promise.reject(new KotaeError(ErrorCode.TirUnavailable, "the engine benchmarks measure text reasoning only")),
    samples: 1,
    tirLimits: {maxExecutions: 8, maxSeconds: 60},
    failuresBeforeFallback: 3
};

function temporaryStore(): KotaeStore {
    return new KotaeStore(path.join(os.tmpdir(), `kotae-bench-${process.pid}-${Math.random().toString(36).slice(2)}.sqlite`),
        Pseudonymizer.fromSecret("bench-secret-0123456789"));
}

async function solveOnce(engine: Engine, seed: number): Promise<SolveResult> {
    for await (const event of engine.solve({problem, requester, profile: "bench", seed})) {
        if (event.type === "done") return event.result;
        if (event.type === "failed") throw new Error(`${event.code}: ${event.detail}`);
    }
    throw new Error("the solve ended without a result");
}

async function generationThroughput(): Promise<void> {
    // Bare node-llama-cpp: its own model and context with the same settings as Kotae's backend.
    const llama = await getLlama({gpu: false, maxThreads: threads, build: "never", logLevel: LlamaLogLevel.error});
    const model = await llama.loadModel({modelPath});
    const context = await model.createContext({contextSize: 1024, sequences: 1, threads});
    const bare = new LlamaCompletion({contextSequence: context.getSequence()});

    const backend = await LlamaCppBackend.create({model: modelPath, modelsDirectory: root, gpu: "off", threads, contextSize: 1024, sequences: 1});
    const store = temporaryStore();
    const engine = new Engine({
        backend, store, profiles, defaultProfile: "bench", defaultMode: "cot", ...textOnly,
        concurrency: 1, queueCapacity: 4, maxPendingPerUser: 4, maxProblemChars: 2000
    });
    const promptText = renderPrompt(profile, {withTools: false}, problem, backend).toText();

    const bareRates: number[] = [];
    const engineRates: number[] = [];
    let bareTokens = 0;
    let engineTokens = 0;
    for (let round = 0; round <= rounds; round++) {
        const seed = 1000 + round;
        // Alternate which goes first, so warm caches and CPU frequency favour neither side.
        const order = round % 2 === 0 ? ["bare", "engine"] : ["engine", "bare"];
        for (const side of order) {
            const start = performance.now();
            let tokens: number;
            if (side === "bare") {
                let generated = 0;
                await bare.generateCompletion(promptText, {
                    maxTokens, temperature: 0.8, topP: 0.95, topK: 40, minP: 0, repeatPenalty: false, seed,
                    customStopTriggers: profile.stop, disableContextShift: true, onToken: (chunk) => { generated += chunk.length; }
                });
                tokens = generated;
            } else
                tokens = (await solveOnce(engine, seed)).completionTokens;
            const seconds = (performance.now() - start) / 1000;
            if (round === 0) continue; // warm-up
            if (side === "bare") { bareRates.push(tokens / seconds); bareTokens += tokens; }
            else { engineRates.push(tokens / seconds); engineTokens += tokens; }
        }
    }

    const bareRate = median(bareRates);
    const engineRate = median(engineRates);
    console.log(`Generation (${path.basename(modelPath)}, CPU, ${threads} threads, ${rounds} rounds × ≤${maxTokens} tokens, same seeds)`);
    console.log(`  bare LlamaCompletion : ${bareRate.toFixed(0)} tokens/s (median; ${bareTokens} tokens in all)`);
    console.log(`  Kotae engine         : ${engineRate.toFixed(0)} tokens/s (median; ${engineTokens} tokens in all, end to end incl. queue + SQLite)`);
    console.log(`  ratio engine / bare  : ${(engineRate / bareRate).toFixed(3)} (goal ≥ 0.95)`);

    await engine.close();
    store.close();
    await backend.dispose();
    bare.dispose();
    await context.dispose();
    await model.dispose();
    await llama.dispose();
}

async function queueOverhead(): Promise<void> {
    const requests = 2000;

    const queue = new FairQueue({concurrency: 2, capacity: requests, maxPerUser: requests});
    const queueStart = performance.now();
    await Promise.all(Array.from({length: requests}, async (_, index) => {
        const slot = await queue.acquire(`user-${index % 50}`);
        slot.release();
    }));
    const queueMicros = (performance.now() - queueStart) * 1000 / requests;

    // The same instant "model" called directly and through the engine (validation, queue, SQLite log, events).
    const backend = new ScriptedBackend(["\\boxed{42}"], 2, {chunkSize: 64});
    const direct: number[] = [];
    const base = {maxTokens: 16, stopTriggers: [], temperature: 0, topP: 1, topK: 0, minP: 0, repeatPenalty: 1};
    for (let index = 0; index < requests; index++) {
        const start = performance.now();
        await backend.complete({...base, prompt: renderPrompt(profile, {withTools: false}, problem, backend)});
        direct.push(performance.now() - start);
    }
    const store = temporaryStore();
    const engine = new Engine({
        backend, store, profiles, defaultProfile: "bench", defaultMode: "cot", ...textOnly,
        concurrency: 2, queueCapacity: requests, maxPendingPerUser: requests, maxProblemChars: 2000
    });
    const viaEngine: number[] = [];
    for (let index = 0; index < requests; index++) {
        const start = performance.now();
        await solveOnce(engine, index);
        viaEngine.push(performance.now() - start);
    }
    await engine.close();
    store.close();

    const overhead = (median(viaEngine) - median(direct)) * 1000;
    console.log(`Queue and engine overhead (${requests} requests, instant scripted model, real SQLite file)`);
    console.log(`  FairQueue acquire + release      : ${queueMicros.toFixed(1)} µs per request (50 users, 2 slots)`);
    console.log(`  direct backend call              : ${(median(direct) * 1000).toFixed(0)} µs median`);
    console.log(`  through the engine               : ${(median(viaEngine) * 1000).toFixed(0)} µs median, p99 ${(percentile(viaEngine, 0.99) * 1000).toFixed(0)} µs`);
    console.log(`  engine overhead per request      : ${overhead.toFixed(0)} µs (validation, queue, 4 SQLite writes, events)`);
}

await generationThroughput();
console.log("");
await parallelThroughputBenchmark({modelPath, threads, rounds, maxTokens, problem});
console.log("");
await queueOverhead();
console.log("");
await openAiBackendBenchmark();
console.log("");
await sandboxBenchmark();
console.log("");
await tirLoopBenchmark();
console.log("");
await renderBenchmark();
console.log("");
await discordBenchmark();
console.log("");
await slackBenchmark();
console.log("");
await exportBenchmark();
console.log("");
await answerCheckBenchmark();
await evalBenchmark();
