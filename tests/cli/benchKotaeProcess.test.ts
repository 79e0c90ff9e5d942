import {spawn} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {afterEach, beforeAll, describe, expect, it} from "vitest";
import {assertBuilt} from "../support/runKotae.js";
import {temporaryDirectory} from "../support/testRuntime.js";
import {waitFor} from "../support/waitFor.js";

const soakWorld = fileURLToPath(new URL("../../dist/bench/soak/soakWorld.js", import.meta.url));

/** Whether a process still runs: a zombie (killed, not yet reaped by whoever inherited it) does not. */
function running(pid: number): boolean {
    try {
        return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
        return false;
    }
}

/**
 * A benchmark's process that starts `kotae serve` as `npm run bench` and `npm run soak` do (in a process
 * group of its own, which Ctrl-C at the terminal does not reach), prints its pid, then `ending` (a second
 * later, when it throws, so the test sees kotae running first).
 */
async function benchmarkWithKotae(ending: "throws" | "waits for a signal"): Promise<{benchmark: ReturnType<typeof spawn>, kotaePid: number, exited: Promise<number | null>}> {
    const folder = temporaryDirectory("kotae-bench-process-");
    const script = path.join(folder, "benchmark.mjs");
    fs.writeFileSync(script, `
        import {serveEnv, startServe} from ${JSON.stringify(soakWorld)};
        const {kotae} = await startServe(serveEnv(${JSON.stringify(path.join(folder, "kotae.sqlite"))}));
        console.log("kotae " + kotae.pid);
        ${ending === "throws" ? `setTimeout(() => { throw new Error("the benchmark failed half-way"); }, 1000);` : "setInterval(() => {}, 1000);"}
    `);
    const benchmark = spawn(process.execPath, [script], {stdio: ["ignore", "pipe", "pipe"]});
    const exited = new Promise<number | null>((resolve) => benchmark.once("exit", (code, signal) => resolve(code ?? (signal != null ? -1 : null))));
    let printed = "";
    benchmark.stdout.on("data", (chunk: Buffer) => { printed += chunk.toString("utf8"); });
    benchmark.stderr.on("data", (chunk: Buffer) => { printed += chunk.toString("utf8"); });
    const kotaePid = Number(await waitFor(() => /kotae (\d+)/.exec(printed)?.[1], 45_000));
    started.push(kotaePid);
    expect(running(kotaePid)).toBe(true);
    return {benchmark, kotaePid, exited};
}

/** Kotae processes the tests started: should one outlive its benchmark (the failure tested for), it must not outlive the test. */
const started: number[] = [];

beforeAll(assertBuilt);
afterEach(() => {
    for (const pid of started.splice(0)) {
        try {
            process.kill(-pid, "SIGKILL");
        } catch {
            // gone, as it should be
        }
    }
});

describe("the benchmarks' kotae processes", () => {
    it("are killed with the benchmark when it is stopped with Ctrl-C (SIGINT)", async () => {
        const {benchmark, kotaePid, exited} = await benchmarkWithKotae("waits for a signal");
        benchmark.kill("SIGINT");
        expect(await exited).toBe(130);
        await waitFor(() => running(kotaePid) ? undefined : true, 5_000);
    });

    it("are killed with the benchmark when it dies of an uncaught error", async () => {
        const {kotaePid, exited} = await benchmarkWithKotae("throws");
        expect(await exited).toBe(1);
        await waitFor(() => running(kotaePid) ? undefined : true, 5_000);
    });
});
