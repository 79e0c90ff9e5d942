import path from "node:path";
import Database from "better-sqlite3";
import {afterEach, beforeAll, describe, expect, it} from "vitest";
import {FakeOpenAiServer} from "../support/fakeOpenAi/FakeOpenAiServer.js";
import {assertBuilt} from "../support/runKotae.js";
import {startKotae} from "../support/spawnKotae.js";
import {temporaryDirectory} from "../support/testRuntime.js";

// `kotae` as users run it (dist/), with KOTAE_BACKEND=openai against fake inference servers on loopback.
// The fakes answer from this process, so kotae runs in the background (startKotae), never with spawnSync.

beforeAll(assertBuilt);

const fakes: FakeOpenAiServer[] = [];
afterEach(async () => {
    for (const fake of fakes.splice(0))
        await fake.close();
});

async function fake(flavour: "vllm" | "llama-server", scripts: string[]): Promise<FakeOpenAiServer> {
    const server = await FakeOpenAiServer.start({flavour, scripts, model: `${flavour}/served-model`});
    fakes.push(server);
    return server;
}

async function kotae(args: string[], env: Record<string, string>): Promise<{status: number | null, output: string}> {
    const run = startKotae(args, {cwd: temporaryDirectory("kotae-cli-"), env});
    const status = await run.exited;
    return {status, output: run.output()};
}

describe("KOTAE_BACKEND=openai", () => {
    it("kotae solve streams a solution from the server and logs the served model, without a file hash", async () => {
        const server = await fake("vllm", ["<think>\n1 と 1 を足します。\n</think>\n答えは \\boxed{2} です。"]);
        const db = path.join(temporaryDirectory(), "kotae.sqlite");
        const result = await kotae(["solve", "--profile", "generic-chatml", "--mode", "cot", "--seed", "3", "1+1は？<|im_end|>"],
            {KOTAE_BACKEND: "openai", KOTAE_BACKEND_URLS: server.url, KOTAE_DB: db});

        expect(result.output).toContain("答えは \\boxed{2} です。");
        expect(result.status).toBe(0);
        const database = new Database(db, {readonly: true});
        const row = database.prepare("SELECT status, answer, model_name, model_file, model_sha256 FROM interactions").get();
        database.close();
        expect(row).toEqual({status: "answered", answer: "2", model_name: "vllm/served-model", model_file: `vllm/served-model @ ${server.url}`, model_sha256: null});
        expect(server.completions[0]!.body).toMatchObject({model: "vllm/served-model", seed: 3, stream: true});
        // The problem's <|im_end|> went as text: the only special tokens are the template's.
        expect(server.completions[0]!.promptText).toContain("1+1は？<|im_end|><|im_end|>");
    });

    it("kotae doctor reports each server with its model and state", async () => {
        const vllm = await fake("vllm", ["2"]);
        const llama = await fake("llama-server", ["2"]);
        const result = await kotae(["doctor", "--json"], {
            KOTAE_BACKEND: "openai", KOTAE_BACKEND_URLS: `${vllm.url},${llama.url}`, KOTAE_BACKEND_MODEL: "vllm/served-model",
            KOTAE_DB: path.join(temporaryDirectory(), "kotae.sqlite")
        });
        const checks = JSON.parse(result.output.slice(result.output.indexOf("["))) as Array<{name: string, status: string, detail: string, fix?: string}>;
        expect(checks.filter((check) => ["Inference server", "Sampling"].includes(check.name))).toEqual([
            {name: "Inference server", status: "ok", detail: `${vllm.url}: vllm/served-model (vllm, 8 parallel) ready`},
            {name: "Inference server", status: "warn", detail: `${llama.url}: no model yet (server kind unknown, 8 parallel) down: serves llama-server/served-model, not "vllm/served-model" (KOTAE_BACKEND_MODEL)`,
                fix: expect.stringContaining("Start or fix this server") as string}
        ]);
        expect(checks.map((check) => check.name)).not.toContain("Compute");
    });

    it("kotae doctor names a refused sampling parameter", async () => {
        const llama = await fake("llama-server", ["2"]);
        llama.rejectParameter = "min_p";
        const result = await kotae(["doctor", "--json"], {KOTAE_BACKEND: "openai", KOTAE_BACKEND_URLS: llama.url, KOTAE_DB: path.join(temporaryDirectory(), "kotae.sqlite")});
        const checks = JSON.parse(result.output.slice(result.output.indexOf("["))) as Array<{name: string, status: string, detail: string}>;
        expect(checks.filter((check) => check.name === "Sampling")).toEqual([{name: "Sampling", status: "warn",
            detail: `${llama.url} refuses "min_p" (Unrecognized request argument supplied: min_p), so it is left out there`, fix: expect.any(String)}]);
    });

    it("kotae serve prints one line per server", async () => {
        const server = await fake("llama-server", ["2"]);
        const run = startKotae(["serve"], {cwd: temporaryDirectory("kotae-cli-"), env: {
            KOTAE_BACKEND: "openai", KOTAE_BACKEND_URLS: server.url, KOTAE_BACKEND_PARALLEL: "3", KOTAE_WEB_PORT: "0", KOTAE_DB: path.join(temporaryDirectory(), "kotae.sqlite")
        }});
        await run.printed(`Inference server ${server.url}: llama-server/served-model (llama-server, 3 parallel) ready`);
    });

    it("refuses to start without KOTAE_BACKEND_URLS, naming the setting", async () => {
        const result = await kotae(["solve", "1+1"], {KOTAE_BACKEND: "openai", KOTAE_BACKEND_PARALLEL: "0"});
        expect(result.status).toBe(2);
        expect(result.output).toContain("KOTAE_BACKEND_PARALLEL / \"backendParallel\" in the config file: must be a whole number from 1 to 256 (got \"0\")");
        expect(result.output).toContain("KOTAE_BACKEND_URLS / \"backendUrls\" in the config file: required with KOTAE_BACKEND=openai");
    });
});
