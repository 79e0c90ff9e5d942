import type {Readable} from "node:stream";
import {isKotaeError} from "../src/errors/ErrorCode.js";
import {BubblewrapSandbox} from "../src/sandbox/BubblewrapSandbox.js";
import {resolveInterpreterCommand, type InterpreterCommand} from "../src/sandbox/interpreterCommand.js";
import {spawnInterpreter} from "../src/sandbox/spawnInterpreter.js";
import {percentile} from "./statistics.js";

const rounds = Number(process.env["KOTAE_BENCH_SANDBOX_ROUNDS"] ?? 20);
/** A typical TIR block: it imports sympy (as every block the model writes does) and computes a little. */
const block = "import sympy\nprint(sympy.factorint(2**64 + 1))";
const expected = "{274177: 1, 67280421310721: 1}\n";

/**
 * Milliseconds per execution of the same block, measured from Node in the same run: in a warm session
 * of the real sandbox, and in a fresh interpreter per block (the same bwrap + prlimit command running
 * `python -c`, spawned, run to its exit). Rounds alternate between the two.
 */
export async function sandboxBenchmark(): Promise<void> {
    const sandbox = await sandboxOrSkip("Python sandbox");
    if (sandbox == null)
        return;
    const fresh = resolveInterpreterCommand({python: "/usr/bin/python3", limits: sandbox.limits, unsafeUnsandboxedPython: false}, block);
    const warmMs: number[] = [];
    const freshMs: number[] = [];
    try {
        await using session = await sandbox.openSession();
        for (let round = 0; round <= rounds; round++) {
            let start = performance.now();
            const result = await session.execute(block);
            const warm = performance.now() - start;
            if (result.output !== expected) throw new Error(`the warm session printed ${JSON.stringify(result.output)}`);
            start = performance.now();
            const output = await runToExit(fresh);
            const cold = performance.now() - start;
            if (output !== expected) throw new Error(`the fresh interpreter printed ${JSON.stringify(output)}`);
            if (round === 0) continue; // warm-up
            warmMs.push(warm);
            freshMs.push(cold);
        }
    } finally {
        await sandbox.close();
    }

    const line = (values: number[]): string =>
        `p50 ${percentile(values, 0.5).toFixed(1)} ms, p95 ${percentile(values, 0.95).toFixed(1)} ms`;
    console.log(`Python sandbox (bubblewrap + prlimit, ${rounds} rounds, block: import sympy + factorint(2**64 + 1))`);
    console.log(`  warm session                    : ${line(warmMs)}`);
    console.log(`  fresh interpreter per block     : ${line(freshMs)}`);
    console.log(`  ratio warm / fresh              : p50 ${(percentile(warmMs, 0.5) / percentile(freshMs, 0.5)).toFixed(3)}, ` +
        `p95 ${(percentile(warmMs, 0.95) / percentile(freshMs, 0.95)).toFixed(3)} (goal ≤ 0.15)`);
}

function runToExit(command: InterpreterCommand): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = spawnInterpreter(command);
        child.stdin?.end();
        let output = "";
        let errors = "";
        child.stdout?.on("data", (chunk: Buffer) => { output += chunk.toString("utf8"); });
        child.stderr?.on("data", (chunk: Buffer) => { errors += chunk.toString("utf8"); });
        (child.stdio[3] as Readable | undefined)?.resume(); // bwrap's --info-fd report, not needed here
        child.on("error", reject);
        child.on("close", (code) => code === 0 ? resolve(output) : reject(new Error(`exit code ${code}: ${errors}`)));
    });
}

/** A sandbox with one warm interpreter, or undefined (said on the output) where this host cannot run one. */
export async function sandboxOrSkip(benchmark: string): Promise<BubblewrapSandbox | undefined> {
    try {
        return await BubblewrapSandbox.create({poolSize: 1});
    } catch (error) {
        if (!isKotaeError(error)) throw error;
        console.log(`${benchmark}: not measured, ${error.message}`);
        return undefined;
    }
}
