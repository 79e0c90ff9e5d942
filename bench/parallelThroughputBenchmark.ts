import path from "node:path";
import {getLlama, LlamaCompletion, LlamaLogLevel} from "node-llama-cpp";
import {Engine} from "../src/engine/Engine.js";
import {ErrorCode, KotaeError} from "../src/errors/ErrorCode.js";
import {LlamaCppBackend} from "../src/llm/LlamaCppBackend.js";
import type {ModelProfile} from "../src/profiles/ModelProfile.js";
import {ProfileRegistry} from "../src/profiles/ProfileRegistry.js";
import {renderPrompt} from "../src/profiles/renderPrompt.js";
import {KotaeStore} from "../storage/KotaeStore.js";
import {Pseudonymizer} from "../storage/Pseudonymizer.js";
import {openBrowser, removeScenarioFolders, scenarioFolder, serveEnv, solveThroughWeb, startServe, stopServe} from "./soak/soakWorld.js";
import {median} from "./statistics.js";

type Settings = {modelPath: string, threads: number, rounds: number, maxTokens: number, problem: string};
const contextSize = 1024;

const sideNames = ["bare", "engine", "serve"] as const;
type SideName = typeof sideNames[number];

/** What one solve of a round gave: its completion tokens, and when its first text came (ms after the round began). */
type Solved = {readonly tokens: number, readonly firstTextMs: number};

/** One way to run `parallel` solves at once: a round generates all of them. */
type Side = {readonly round: (index: number) => Promise<Solved[]>, readonly close: () => Promise<void>};

/**
 * Aggregate generation throughput with 1, 2 and 4 solves at once, three ways on the same model, prompt and
 * sampling: bare node-llama-cpp batching as many sequences (the ceiling), Kotae's engine alone, and
 * `kotae serve` end to end through the web API (each solve streamed to its own browser). The three are
 * set up side by side and take turns round by round (the order rotating), so a slow spell of the machine
 * falls on all of them; each figure is completion tokens over a round's wall time, the median of `rounds`
 * after a warm-up. A ratio against bare is the median of each round's own ratio: on a shared machine
 * whose speed drifts by ±5% over a minute, rounds taken side by side compare like with like, where the
 * medians of separate series did not (two runs of the same build differed by 0.1). The batching gain is
 * N streams against one. Time to first text is what a student waits before the solution starts to
 * appear: from the round's start (the POST, for serve) to the solve's first text, the median over all
 * solves of all rounds. `rounds` is the count at 4 at once; fewer at once take proportionally more rounds,
 * so every count draws the same number of solves: one solve's round is the shortest and swings the most
 * (±15% here), and with 15 rounds the ratio at 1 at once moved from 0.93 to 0.99 between runs.
 */
export async function parallelThroughputBenchmark(settings: Settings): Promise<void> {
    const profile = new ProfileRegistry().get("llmjp-math-cot");
    const results: {parallel: number, bare: number, engine: number, serve: number, engineRatio: Spread, serveRatio: Spread, firstText: Record<SideName, number>}[] = [];
    for (const parallel of [1, 2, mostAtOnce]) {
        const engine = await engineSide(settings, profile, parallel);
        const sides = {bare: await bareSide(settings, profile, parallel, engine.promptText), engine, serve: await serveSide(settings, parallel)};
        const rates = {bare: [] as number[], engine: [] as number[], serve: [] as number[]};
        const firstText = {bare: [] as number[], engine: [] as number[], serve: [] as number[]};
        try {
            for (let round = 0; round <= roundsAt(parallel, settings.rounds); round++) {
                for (let turn = 0; turn < sideNames.length; turn++) {
                    const name = sideNames[(round + turn) % sideNames.length]!;
                    const started = performance.now();
                    const solved = await sides[name].round(round);
                    if (round === 0) continue; // round 0 warms up
                    rates[name].push(sum(solved.map(({tokens}) => tokens)) / ((performance.now() - started) / 1000));
                    firstText[name].push(...solved.map(({firstTextMs}) => firstTextMs));
                }
            }
        } finally {
            for (const side of Object.values(sides)) await side.close();
        }
        results.push({
            parallel, bare: median(rates.bare), engine: median(rates.engine), serve: median(rates.serve),
            engineRatio: roundRatios(rates.engine, rates.bare), serveRatio: roundRatios(rates.serve, rates.bare),
            firstText: {bare: median(firstText.bare), engine: median(firstText.engine), serve: median(firstText.serve)}
        });
    }
    removeScenarioFolders();

    const one = results[0]!;
    console.log(`Parallel solves (${path.basename(settings.modelPath)}, CPU, ${settings.threads} thread(s), ≤${settings.maxTokens} tokens each, median of ${results.map((row) => `${roundsAt(row.parallel, settings.rounds)} rounds at ${row.parallel}`).join(", ")} taken in turn; aggregate tokens/s)`);
    console.log("  at once | bare node-llama-cpp | engine alone (÷ bare, rounds' range) | kotae serve, web API (÷ bare, rounds' range) | batching gain bare / serve");
    for (const row of results)
        console.log(`  ${String(row.parallel).padStart(7)} | ${row.bare.toFixed(0).padStart(19)} | ${row.engine.toFixed(0).padStart(6)} (${describe(row.engineRatio)})`
            + `${" ".repeat(9)} | ${row.serve.toFixed(0).padStart(6)} (${describe(row.serveRatio)})${" ".repeat(17)} | ×${(row.bare / one.bare).toFixed(2)} / ×${(row.serve / one.serve).toFixed(2)}`);
    console.log("  goal: engine and serve ≥ 0.95 of bare at every count");
    console.log(`  time to first text, median ms (bare / engine / serve): ${results.map((row) => `${row.parallel} at once ${row.firstText.bare.toFixed(1)} / ${row.firstText.engine.toFixed(1)} / ${row.firstText.serve.toFixed(1)}`).join("; ")}`);
}

/** Bare node-llama-cpp: one context with `parallel` sequences, as Kotae's backend makes it, all generating at once. */
async function bareSide(settings: Settings, profile: ModelProfile, parallel: number, promptText: string): Promise<Side> {
    const {modelPath, threads, maxTokens} = settings;
    const sampling = profile.sampling;
    const llama = await getLlama({gpu: false, maxThreads: threads, build: "never", logLevel: LlamaLogLevel.error});
    const model = await llama.loadModel({modelPath});
    const context = await model.createContext({contextSize, sequences: parallel, threads});
    const completions = Array.from({length: parallel}, () => new LlamaCompletion({contextSequence: context.getSequence()}));
    return {
        round: async (round) => {
            const started = performance.now();
            return await Promise.all(completions.map(async (completion, index) => {
                let generated = 0;
                let firstTextMs: number | undefined;
                await completion.generateCompletion(promptText, {
                    maxTokens, temperature: sampling.temperature, topP: sampling.topP, topK: sampling.topK, minP: sampling.minP,
                    repeatPenalty: sampling.repeatPenalty > 1 ? {penalty: sampling.repeatPenalty} : false, seed: 1000 * round + index,
                    customStopTriggers: profile.stop, disableContextShift: true,
                    onToken: (tokens) => { generated += tokens.length; },
                    onTextChunk: () => { firstTextMs ??= performance.now() - started; }
                });
                return {tokens: generated, firstTextMs: firstTextMs ?? Number.NaN};
            }));
        },
        close: async () => {
            for (const completion of completions) completion.dispose();
            await context.dispose();
            await model.dispose();
        }
    };
}

/** The engine alone: `parallel` students' solves at once (queue, solver, SQLite log, events); and the prompt it renders. */
async function engineSide(settings: Settings, profile: ModelProfile, parallel: number): Promise<Side & {readonly promptText: string}> {
    const {modelPath, threads, maxTokens, problem} = settings;
    const backend = await LlamaCppBackend.create({model: modelPath, modelsDirectory: path.dirname(modelPath), gpu: "off", threads, contextSize, sequences: parallel});
    const store = new KotaeStore(path.join(scenarioFolder(), "engine.sqlite"), Pseudonymizer.fromSecret("bench-secret-0123456789"));
    const engine = new Engine({
        backend, store, profiles: new ProfileRegistry(), defaultProfile: "llmjp-math-cot", defaultMode: "cot", maxTokens,
        sandbox: () => Promise.reject(new KotaeError(ErrorCode.TirUnavailable, "text reasoning only")),
        samples: 1, tirLimits: {maxExecutions: 8, maxSeconds: 60}, failuresBeforeFallback: 3,
        concurrency: parallel, queueCapacity: 16, maxPendingPerUser: 1, maxProblemChars: 2000
    });
    return {
        promptText: renderPrompt(profile, {withTools: false}, problem, backend).toText(),
        round: async (round) => {
            const started = performance.now();
            return await Promise.all(Array.from({length: parallel}, async (_unused, index) => {
                let firstTextMs: number | undefined;
                for await (const event of engine.solve({problem, requester: {platform: "bench", userId: `student${index}`}, seed: 1000 * round + index})) {
                    if (event.type === "text" || event.type === "thinking") firstTextMs ??= performance.now() - started;
                    if (event.type === "done") return {tokens: event.result.completionTokens, firstTextMs: firstTextMs ?? Number.NaN};
                    if (event.type === "failed") throw new Error(`${event.code}: ${event.detail}`);
                }
                throw new Error("a solve through the engine ended without a result");
            }));
        },
        close: async () => {
            await engine.close();
            store.close();
            await backend.dispose();
        }
    };
}

/**
 * `kotae serve` with `parallel` sequences; `parallel` browsers (each its own client, as a reverse proxy
 * names them) post the problem at once and read their streams to the end. Tokens are each `done` event's
 * count (what the solve's row records), so nothing but the solves falls in the timed round.
 */
async function serveSide(settings: Settings, parallel: number): Promise<Side> {
    const {kotae, url} = await startServe(serveEnv(path.join(scenarioFolder(), "kotae.sqlite"), {
        KOTAE_MODEL: settings.modelPath, KOTAE_THREADS: String(settings.threads), KOTAE_CONTEXT_SIZE: String(contextSize),
        KOTAE_MAX_TOKENS: String(settings.maxTokens), KOTAE_SEQUENCES: String(parallel), KOTAE_SOLVES_PER_HOUR: "10000",
        KOTAE_WEB_TRUST_PROXY: "127.0.0.1"
    }));
    const browsers = await Promise.all(Array.from({length: parallel}, (_unused, index) => openBrowser(url, `192.0.2.${index + 1}`)));
    return {
        round: async () => {
            const outcomes = await Promise.all(browsers.map((browser) => solveThroughWeb(url, browser, settings.problem)));
            return outcomes.map(({last, firstTextMillis}) => {
                if (last?.type !== "done" || last.result == null) throw new Error(`a solve through kotae serve did not finish: ${JSON.stringify(last)}`);
                return {tokens: last.result.completionTokens, firstTextMs: firstTextMillis ?? Number.NaN};
            });
        },
        close: () => stopServe(kotae)
    };
}

const mostAtOnce = 4;

/** Rounds with `parallel` solves at once: as many solves in all as `rounds` at the most at once. */
function roundsAt(parallel: number, rounds: number): number {
    return Math.ceil(rounds * mostAtOnce / parallel);
}

/** A side's rate over bare's in each round: the median, and the lowest and highest. */
type Spread = {readonly median: number, readonly low: number, readonly high: number};

function roundRatios(side: readonly number[], bare: readonly number[]): Spread {
    const ratios = side.map((rate, round) => rate / bare[round]!);
    return {median: median(ratios), low: Math.min(...ratios), high: Math.max(...ratios)};
}

function describe({median, low, high}: Spread): string {
    return `${median.toFixed(3)}, ${low.toFixed(2)}–${high.toFixed(2)}`;
}

function sum(values: readonly number[]): number {
    return values.reduce((total, value) => total + value, 0);
}
