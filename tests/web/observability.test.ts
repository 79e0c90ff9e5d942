import {spawnSync} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {describe, expect, it, onTestFinished} from "vitest";
import type {EndpointStatus, LlmBackend} from "../../src/llm/LlmBackend.js";
import {parsePrometheusText, sampleValue} from "../support/prometheusText.js";
import {ScriptedBackend} from "../support/ScriptedBackend.js";
import {sendHttp} from "../support/sendHttp.js";
import {temporaryDirectory} from "../support/testRuntime.js";
import {webServersClosedAfterEachTest, type WebWorld} from "../support/webServerWorld.js";

// /healthz, /readyz and /metrics on the web listener, as a supervisor, a load balancer and Prometheus
// ask them: plain HTTP over 127.0.0.1 (node:http, which lets a test choose the Host and forwarded headers).

const adminToken = "observability-admin-token-0123456789";
const solution = "<think>\n組にします。\n</think>\n両端を組にすると $101 \\times 50 = 5050$ です。\n\n\\boxed{5050}";
const json = {"content-type": "application/json", "x-kotae": "1"};

const startWeb = webServersClosedAfterEachTest(adminToken);

function start(backend: LlmBackend | Promise<LlmBackend>, env: Record<string, string> = {}): Promise<WebWorld> {
    return startWeb({env: {KOTAE_MODE: "cot", ...env}, runtime: {backend}});
}

/** A server pool's backend (as the openai backend reports it) whose endpoints are in these states. */
class PoolBackend extends ScriptedBackend {
    public constructor(private readonly states: readonly EndpointStatus[]) {
        super([solution]);
    }

    public endpoints(): readonly EndpointStatus[] {
        return this.states;
    }
}

async function metrics(world: WebWorld, headers: Record<string, string> = {}) {
    const response = await sendHttp(world, "/metrics", {headers});
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(response.body);
}

describe("/healthz", () => {
    it("answers 200 while the model is still loading: the process is alive", async () => {
        let loaded!: (backend: LlmBackend) => void;
        const world = await start(new Promise<LlmBackend>((resolve) => { loaded = resolve; }));
        const response = await sendHttp(world, "/healthz");
        expect(response.status).toBe(200);
        expect(JSON.parse(response.body)).toEqual({status: "ok"});
        expect((await sendHttp(world, "/readyz")).status).toBe(503);
        loaded(new ScriptedBackend([solution])); // the runtime closes only once its model has loaded
    });
});

describe("/readyz", () => {
    it("answers 200 once the model is loaded and the database takes writes", async () => {
        const world = await start(new ScriptedBackend([solution]));
        const response = await sendHttp(world, "/readyz");
        expect(response.status).toBe(200);
        expect(JSON.parse(response.body)).toEqual({status: "ready"});
    });

    it("answers 503 model_loading while the model loads, and 200 once it has", async () => {
        let loaded!: (backend: LlmBackend) => void;
        const world = await start(new Promise<LlmBackend>((resolve) => { loaded = resolve; }));
        const loading = await sendHttp(world, "/readyz");
        expect(loading.status).toBe(503);
        expect(JSON.parse(loading.body)).toEqual({status: "not_ready", reasons: ["model_loading"]});
        loaded(new ScriptedBackend([solution]));
        await world.runtime.backend;
        expect((await sendHttp(world, "/readyz")).status).toBe(200);
    });

    it("answers 503 model_unavailable when the model could not be loaded", async () => {
        const world = await start(Promise.reject(new Error("not a GGUF file")));
        await world.runtime.backend.catch(() => {});
        const response = await sendHttp(world, "/readyz");
        expect(response.status).toBe(503);
        expect(JSON.parse(response.body)).toEqual({status: "not_ready", reasons: ["model_unavailable"]});
    });

    it("answers 503 no_endpoint_ready while every server of the pool is down or loading, 200 with one ready", async () => {
        const down = await start(new PoolBackend([
            {url: "http://10.0.0.1:8000/v1", model: undefined, state: "down"},
            {url: "http://10.0.0.2:8000/v1", model: undefined, state: "loading"}
        ]));
        await down.runtime.backend;
        const response = await sendHttp(down, "/readyz");
        expect(response.status).toBe(503);
        expect(JSON.parse(response.body)).toEqual({status: "not_ready", reasons: ["no_endpoint_ready"]});
        const one = await start(new PoolBackend([
            {url: "http://10.0.0.1:8000/v1", model: undefined, state: "down"},
            {url: "http://10.0.0.2:8000/v1", model: "llm-jp-3-math", state: "ready"}
        ]));
        await one.runtime.backend;
        expect((await sendHttp(one, "/readyz")).status).toBe(200);
    });

    // A real full disk: a small tmpfs (mounting one needs root, as CI and the sandbox suite run).
    it.runIf(process.getuid?.() === 0)("answers 503 database_unwritable when the database's disk is full, and 200 once there is room", async () => {
        const disk = temporaryDirectory("kotae-full-disk-");
        expect(spawnSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", disk]).status).toBe(0);
        onTestFinished(() => { spawnSync("umount", ["-l", disk]); });
        const world = await start(new ScriptedBackend([solution]), {KOTAE_DB: path.join(disk, "kotae.sqlite")});
        expect((await sendHttp(world, "/readyz")).status).toBe(200);
        const filler = fs.openSync(path.join(disk, "filler"), "w");
        try {
            for (;;) fs.writeSync(filler, Buffer.alloc(4096));
        } catch (error) {
            expect((error as NodeJS.ErrnoException).code).toBe("ENOSPC");
        } finally {
            fs.closeSync(filler);
        }
        const full = await sendHttp(world, "/readyz");
        expect(full.status).toBe(503);
        expect(JSON.parse(full.body)).toEqual({status: "not_ready", reasons: ["database_unwritable"]});
        fs.rmSync(path.join(disk, "filler"));
        expect((await sendHttp(world, "/readyz")).status).toBe(200);
    });

    it("answers 503 database_unwritable when the database is closed", async () => {
        const world = await start(new ScriptedBackend([solution]));
        world.runtime.store.close();
        const response = await sendHttp(world, "/readyz");
        expect(response.status).toBe(503);
        expect(JSON.parse(response.body)).toEqual({status: "not_ready", reasons: ["database_unwritable"]});
    });
});

describe("/metrics", () => {
    it("counts a web solve: request by platform, mode and status, tokens, durations, queue wait, and the model's state", async () => {
        const world = await start(new ScriptedBackend([solution]));
        await world.runtime.backend;
        const before = await metrics(world);
        expect(sampleValue(before, "kotae_requests_total")).toBeUndefined();
        expect(sampleValue(before, "kotae_backend_endpoint_state", {endpoint: "in-process", model: "scripted", state: "ready"})).toBe(1);
        expect(sampleValue(before, "kotae_backend_endpoint_state", {endpoint: "in-process", state: "down"})).toBe(0);
        expect(sampleValue(before, "kotae_queue_depth")).toBe(0);

        const solve = await sendHttp(world, "/api/solve", {method: "POST", headers: json, body: JSON.stringify({problem: "1から100までの和"})});
        expect(solve.body).toContain(`"type":"done"`);
        const after = await metrics(world);
        expect(sampleValue(after, "kotae_requests_total", {platform: "web", mode: "cot", status: "answered"})).toBe(1);
        expect(sampleValue(after, "kotae_generated_tokens_total")).toBeGreaterThan(0);
        expect(sampleValue(after, "kotae_generation_tokens_per_second_count")).toBe(1);
        expect(sampleValue(after, "kotae_solve_duration_seconds_count", {mode: "cot", status: "answered"})).toBe(1);
        expect(sampleValue(after, "kotae_queue_wait_seconds_count")).toBe(1);
        expect(sampleValue(after, "kotae_solves_running")).toBe(0);
        expect(sampleValue(after, "kotae_generations_running")).toBe(0);
        expect(sampleValue(after, "kotae_process_resident_memory_bytes")).toBeGreaterThan(0);

        const browser = {cookie: String(solve.headers["set-cookie"]?.[0]).split(";")[0]!};
        const followUp = await sendHttp(world, "/api/interactions/1/followup", {method: "POST", headers: {...json, ...browser}, body: JSON.stringify({question: "なぜ101ですか？"})});
        expect(followUp.body).toContain(`"type":"replied"`);
        expect(sampleValue(await metrics(world), "kotae_requests_total", {platform: "web", mode: "follow_up", status: "answered"})).toBe(1);
    });

    it("times the renderer's work by kind and outcome", async () => {
        const world = await start(new ScriptedBackend([solution]));
        expect((await world.runtime.renderer.render({kind: "answer", answer: "5050"})).images).toHaveLength(1);
        const samples = await metrics(world);
        expect(sampleValue(samples, "kotae_render_duration_seconds_count", {kind: "answer", outcome: "ok"})).toBe(1);
        expect(sampleValue(samples, "kotae_render_duration_seconds_sum", {kind: "answer", outcome: "ok"})).toBeGreaterThan(0);
    });

    it("counts a refused request as rejected", async () => {
        const world = await start(new ScriptedBackend([solution]));
        await sendHttp(world, "/api/solve", {method: "POST", headers: json, body: JSON.stringify({problem: "x".repeat(5000)})});
        expect(sampleValue(await metrics(world), "kotae_requests_total", {platform: "web", status: "rejected"})).toBe(1);
    });

    it("reports each server of a pool with its model and state", async () => {
        const world = await start(new PoolBackend([
            {url: "http://10.0.0.1:8000/v1", model: undefined, state: "down"},
            {url: "http://10.0.0.2:8000/v1", model: "llm-jp-3-math", state: "ready"}
        ]));
        await world.runtime.backend;
        const samples = await metrics(world);
        expect(sampleValue(samples, "kotae_backend_endpoint_state", {endpoint: "http://10.0.0.1:8000/v1", state: "down"})).toBe(1);
        expect(sampleValue(samples, "kotae_backend_endpoint_state", {endpoint: "http://10.0.0.1:8000/v1", state: "ready"})).toBe(0);
        expect(sampleValue(samples, "kotae_backend_endpoint_state", {endpoint: "http://10.0.0.2:8000/v1", model: "llm-jp-3-math", state: "ready"})).toBe(1);
    });

    it("refuses a client beyond this machine without the admin token, and admits it with the token as a bearer", async () => {
        const world = await start(new ScriptedBackend([solution]), {KOTAE_WEB_PUBLIC_URL: "https://kotae.example.org", KOTAE_WEB_TRUST_PROXY: "true"});
        const remote = {host: "kotae.example.org", "x-forwarded-for": "203.0.113.7", "x-forwarded-proto": "https"};
        const refused = await sendHttp(world, "/metrics", {headers: remote});
        expect(refused.status).toBe(403);
        expect(refused.body).not.toContain("kotae_");
        expect(refused.body).toContain("KOTAE_WEB_ADMIN_TOKEN");
        expect((await sendHttp(world, "/metrics", {headers: {...remote, authorization: "Bearer not-the-token"}})).status).toBe(403);
        expect(sampleValue(await metrics(world, {...remote, authorization: `Bearer ${adminToken}`}), "kotae_queue_depth")).toBe(0);
        // An operator logged in to the audit pages in a browser sees them too.
        const login = await sendHttp(world, "/audit/login", {
            method: "POST", headers: {...remote, origin: "https://kotae.example.org", "content-type": "application/x-www-form-urlencoded"}, body: `token=${adminToken}`
        });
        expect(login.status).toBe(303);
        const session = String(login.headers["set-cookie"]?.[0]).split(";")[0]!;
        expect(sampleValue(await metrics(world, {...remote, cookie: session}), "kotae_queue_depth")).toBe(0);
        // The proxy itself is on this machine, but the client it names is not: the health checks stay open to it.
        expect((await sendHttp(world, "/healthz", {headers: remote})).status).toBe(200);
    });

    it("refuses a client beyond this machine when no admin token is configured at all", async () => {
        const world = await start(new ScriptedBackend([solution]), {KOTAE_WEB_ADMIN_TOKEN: "", KOTAE_WEB_TRUST_PROXY: "true"});
        expect((await sendHttp(world, "/metrics", {headers: {"x-forwarded-for": "203.0.113.7"}})).status).toBe(403);
        expect((await sendHttp(world, "/metrics")).status).toBe(200);
    });
});
