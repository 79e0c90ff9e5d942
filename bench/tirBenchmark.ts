import {setTimeout as sleep} from "node:timers/promises";
import {Engine} from "../src/engine/Engine.js";
import {ProfileRegistry} from "../src/profiles/ProfileRegistry.js";
import {renderPrompt} from "../src/profiles/renderPrompt.js";
import {KotaeStore} from "../storage/KotaeStore.js";
import {Pseudonymizer} from "../storage/Pseudonymizer.js";
import {ScriptedBackend} from "../tests/support/ScriptedBackend.js";
import {temporaryDirectory} from "../tests/support/testRuntime.js";
import {sandboxOrSkip} from "./sandboxBenchmark.js";
import {median, percentile} from "./statistics.js";

const rounds = Number(process.env["KOTAE_BENCH_TIR_ROUNDS"] ?? 20);
/** Long enough for the pool to have a warm interpreter again, as it has between real (seconds-long) generations. */
const pauseMs = 800;
const code = "import sympy\nprint(sympy.factorint(2**64 + 1))";
const turns = [`素因数分解します。\n<llm-code>\n${code}\n</llm-code>`, "\nよって答えは \\boxed{274177} です。"];

/**
 * What the TIR loop itself costs per solution: an instant scripted model writes one code block and an
 * answer, through the engine (queue, session from the warm pool, stop → execute → continue, SQLite rows
 * for the interaction, the execution and the solution, events) against the same work done directly (two
 * backend calls and the block in a fresh session from the same pool), alternating, in the same run.
 */
export async function tirLoopBenchmark(): Promise<void> {
    const sandbox = await sandboxOrSkip("TIR loop");
    if (sandbox == null)
        return;
    const backend = new ScriptedBackend(turns, 1, {chunkSize: 64});
    const profiles = new ProfileRegistry();
    const profile = profiles.get("swallow-openmath");
    const store = new KotaeStore(`${temporaryDirectory("kotae-bench-")}/kotae.sqlite`, Pseudonymizer.fromSecret("bench-secret-0123456789"));
    const engine = new Engine({
        backend, store, profiles, sandbox: () => Promise.resolve(sandbox),
        defaultProfile: "swallow-openmath", defaultMode: "tir", samples: 1,
        tirLimits: {maxExecutions: 8, maxSeconds: 60}, failuresBeforeFallback: 3,
        concurrency: 1, queueCapacity: 8, maxPendingPerUser: 8, maxProblemChars: 2000
    });
    const problem = "2^64 + 1 の最小の素因数は？";
    const sampling = {maxTokens: 512, stopTriggers: ["</llm-code>"], temperature: 0, topP: 1, topK: 0, minP: 0, repeatPenalty: 1};

    const directMs: number[] = [];
    const engineMs: number[] = [];
    try {
        for (let round = 0; round <= rounds; round++) {
            await sleep(pauseMs);
            let start = performance.now();
            const prompt = renderPrompt(profile, {withTools: true}, problem, backend);
            const first = await backend.complete({...sampling, prompt});
            {
                await using session = await sandbox.openSession();
                await session.execute(code);
            }
            await backend.complete({...sampling, prompt: prompt.append(first.text)});
            const direct = performance.now() - start;

            await sleep(pauseMs);
            start = performance.now();
            for await (const event of engine.solve({problem, requester: {platform: "bench", userId: "bench"}})) {
                if (event.type === "failed") throw new Error(`${event.code}: ${event.detail}`);
                if (event.type === "done" && event.result.answer !== "274177") throw new Error(`answered ${event.result.answer}`);
            }
            const viaEngine = performance.now() - start;
            if (round === 0) continue; // warm-up
            directMs.push(direct);
            engineMs.push(viaEngine);
        }
    } finally {
        await engine.close();
        store.close();
        await sandbox.close();
    }

    console.log(`TIR loop (${rounds} rounds, instant scripted model, 1 block: import sympy + factorint, real sandbox and SQLite)`);
    console.log(`  direct: 2 completions + block   : ${median(directMs).toFixed(1)} ms median, p95 ${percentile(directMs, 0.95).toFixed(1)} ms`);
    console.log(`  through the engine              : ${median(engineMs).toFixed(1)} ms median, p95 ${percentile(engineMs, 0.95).toFixed(1)} ms`);
    console.log(`  ratio engine / direct           : ${(median(engineMs) / median(directMs)).toFixed(2)} ` +
        `(loop overhead ${(median(engineMs) - median(directMs)).toFixed(1)} ms per solution)`);
}
