import {describe, expect, it} from "vitest";
import type {EngineEvent, SolveResult} from "../../src/engine/EngineEvent.js";
import {ErrorCode} from "../../src/errors/ErrorCode.js";
import type {EndpointStatus} from "../../src/llm/LlmBackend.js";
import {KotaeMetrics} from "../../src/observability/KotaeMetrics.js";
import {parsePrometheusText, sampleValue} from "../support/prometheusText.js";

// The metrics as the engine feeds them (its EngineObserver): event sequences a solve produces, in order.
// The web suite (tests/web/observability.test.ts) checks the same metrics after real solves through /metrics.

function metricsWith(load = {waiting: 0, running: 0}, endpoints: readonly EndpointStatus[] = []) {
    const metrics = new KotaeMetrics({load: () => load, endpoints: () => endpoints});
    return {metrics, samples: async () => parsePrometheusText((await metrics.exposition()).text)};
}

function done(overrides: Partial<SolveResult>): EngineEvent {
    return {type: "done", result: {status: "answered", completionTokens: 200, generationMs: 4000, ...overrides} as SolveResult};
}

describe("KotaeMetrics as the engine's observer", () => {
    it("counts a TIR solve's code runs by status, its tokens and rate, and its end", async () => {
        const {metrics, samples} = metricsWith();
        const observe = metrics.observeSolve({platform: "discord", mode: "tir"});
        observe({type: "queued", interactionId: 1, position: 0});
        observe({type: "started", interactionId: 1, profile: "p", mode: "tir", samples: 1});
        expect(sampleValue(await samples(), "kotae_solves_running")).toBe(1);
        for (const status of ["ok", "ok", "timeout", "error"] as const)
            observe({type: "codeResult", sample: 0, n: 1, status, output: "", durationMs: 5});
        observe(done({completionTokens: 200, generationMs: 4000}));
        const after = await samples();
        expect(sampleValue(after, "kotae_sandbox_executions_total", {status: "ok"})).toBe(2);
        expect(sampleValue(after, "kotae_sandbox_executions_total", {status: "timeout"})).toBe(1);
        expect(sampleValue(after, "kotae_sandbox_executions_total", {status: "error"})).toBe(1);
        expect(sampleValue(after, "kotae_generated_tokens_total")).toBe(200);
        expect(sampleValue(after, "kotae_generation_tokens_per_second_sum")).toBe(50);
        expect(sampleValue(after, "kotae_generation_tokens_per_second_bucket", {le: "40"})).toBe(0);
        expect(sampleValue(after, "kotae_generation_tokens_per_second_bucket", {le: "80"})).toBe(1);
        expect(sampleValue(after, "kotae_requests_total", {platform: "discord", mode: "tir", status: "answered"})).toBe(1);
        expect(sampleValue(after, "kotae_solve_duration_seconds_count", {mode: "tir", status: "answered"})).toBe(1);
        expect(sampleValue(after, "kotae_queue_wait_seconds_count")).toBe(1);
        expect(sampleValue(after, "kotae_solves_running")).toBe(0);
    });

    it("counts a solve cancelled while running as cancelled, and no longer running", async () => {
        const {metrics, samples} = metricsWith();
        const observe = metrics.observeSolve({platform: "slack", mode: "auto"});
        observe({type: "started", interactionId: 2, profile: "p", mode: "auto", samples: 1});
        observe({type: "failed", interactionId: 2, code: ErrorCode.Cancelled, detail: ""});
        const after = await samples();
        expect(sampleValue(after, "kotae_requests_total", {platform: "slack", mode: "auto", status: "cancelled"})).toBe(1);
        expect(sampleValue(after, "kotae_solves_running")).toBe(0);
        expect(sampleValue(after, "kotae_generated_tokens_total")).toBe(0);
    });

    it("counts a refusal before the queue as rejected, without a queue wait or a running solve", async () => {
        const {metrics, samples} = metricsWith();
        metrics.observeSolve({platform: "web", mode: "cot"})({type: "failed", interactionId: 3, code: ErrorCode.ProblemTooLong, detail: ""});
        const after = await samples();
        expect(sampleValue(after, "kotae_requests_total", {platform: "web", mode: "cot", status: "rejected"})).toBe(1);
        expect(sampleValue(after, "kotae_queue_wait_seconds_count")).toBe(0);
        expect(sampleValue(after, "kotae_solves_running")).toBe(0);
    });

    it("labels a mode the engine refuses as unsupported, so a typo is not a series of its own", async () => {
        const {metrics, samples} = metricsWith();
        metrics.observeSolve({platform: "web", mode: "magic"})({type: "failed", interactionId: 4, code: ErrorCode.ModeUnsupported, detail: ""});
        expect(sampleValue(await samples(), "kotae_requests_total", {mode: "unsupported", status: "rejected"})).toBe(1);
    });

    it("reads the queue and the endpoints' health at each scrape", async () => {
        const load = {waiting: 3, running: 2};
        const endpoints: EndpointStatus[] = [{url: "http://10.0.0.1:8000/v1", model: "m", state: "loading"}];
        const {samples} = metricsWith(load, endpoints);
        expect(sampleValue(await samples(), "kotae_queue_depth")).toBe(3);
        expect(sampleValue(await samples(), "kotae_generations_running")).toBe(2);
        expect(sampleValue(await samples(), "kotae_backend_endpoint_state", {endpoint: "http://10.0.0.1:8000/v1", state: "loading"})).toBe(1);
        load.waiting = 0;
        endpoints[0] = {url: "http://10.0.0.1:8000/v1", model: "m", state: "ready"};
        const later = await samples();
        expect(sampleValue(later, "kotae_queue_depth")).toBe(0);
        expect(sampleValue(later, "kotae_backend_endpoint_state", {endpoint: "http://10.0.0.1:8000/v1", state: "loading"})).toBe(0);
        expect(sampleValue(later, "kotae_backend_endpoint_state", {endpoint: "http://10.0.0.1:8000/v1", state: "ready"})).toBe(1);
    });

    it("counts a follow-up question as a request of mode follow_up, with its tokens", async () => {
        const {metrics, samples} = metricsWith();
        const answered = metrics.observeFollowUp({platform: "discord"});
        answered({type: "queued", interactionId: 5, position: 0});
        answered({type: "started", interactionId: 5});
        answered({type: "replied", interactionId: 5, turnIndex: 2, text: "はい。", completionTokens: 30, totalMs: 900});
        metrics.observeFollowUp({platform: "discord"})({type: "failed", interactionId: 5, code: ErrorCode.ProblemEmpty, detail: ""});
        const after = await samples();
        expect(sampleValue(after, "kotae_requests_total", {platform: "discord", mode: "follow_up", status: "answered"})).toBe(1);
        expect(sampleValue(after, "kotae_requests_total", {platform: "discord", mode: "follow_up", status: "rejected"})).toBe(1);
        expect(sampleValue(after, "kotae_generated_tokens_total")).toBe(30);
    });

    it("keeps its metrics in a registry of its own: two runtimes in one process do not mix", async () => {
        const first = metricsWith();
        const second = metricsWith();
        first.metrics.observeSolve({platform: "web", mode: "cot"})(done({}));
        expect(sampleValue(await first.samples(), "kotae_requests_total", {status: "answered"})).toBe(1);
        expect(sampleValue(await second.samples(), "kotae_requests_total", {status: "answered"})).toBeUndefined();
    });
});
