import {describe, expect, it} from "vitest";
import type {EngineEvent} from "../../src/engine/EngineEvent.js";
import {ErrorCode, KotaeError} from "../../src/errors/ErrorCode.js";
import {ScriptedBackend} from "../support/ScriptedBackend.js";
import {alice, bob, collect, testEngine} from "../support/testRuntime.js";

const solution = "<think>\n1から100まで、端から組にすると 101 が 50 組。\n</think>\n\n両端を組にすると 101 × 50 = 5050 です。\n\n\\boxed{5050}";
const problem = "1から100までの自然数の和を求めてください";

function textOf(events: EngineEvent[], type: "text" | "thinking"): string {
    return events.flatMap((event) => event.type === type ? [event.text] : []).join("");
}

describe("Engine (scripted backend)", () => {
    it("streams queued → started → thinking/text → answer → done and logs the interaction", async () => {
        const {engine, store} = testEngine(new ScriptedBackend([solution]));
        const events = await collect(engine.solve({problem, requester: alice}));

        const types = [...new Set(events.map((event) => event.type))];
        expect(types).toEqual(["queued", "started", "thinking", "text", "answer", "done"]);
        expect(events[0]).toEqual({type: "queued", interactionId: 1, position: 0});
        expect(textOf(events, "thinking")).toBe("\n1から100まで、端から組にすると 101 が 50 組。\n");
        expect(textOf(events, "text")).toBe("両端を組にすると 101 × 50 = 5050 です。\n\n\\boxed{5050}");

        const done = events.at(-1);
        expect(done?.type === "done" && done.result).toMatchObject({
            interactionId: 1, status: "answered", answer: "5050", answerCanonical: "5050", answerMethod: "boxed",
            stopReason: "endOfGeneration", profile: "llmjp-math-cot", mode: "cot"
        });
        expect(store.getInteraction(1)).toMatchObject({
            status: "answered", question: problem, answer: "5050", answerMethod: "boxed", rawOutput: solution,
            shownSolution: "両端を組にすると 101 × 50 = 5050 です。\n\n\\boxed{5050}", modelName: "scripted", modelFile: "/models/scripted.gguf",
            prompt: expect.stringContaining(`### 指示:\n${problem}\n### 応答:\n`) as string
        });
    });

    it("passes the profile's sampling, stop texts and budget to the backend", async () => {
        const backend = new ScriptedBackend([solution]);
        const {engine} = testEngine(backend, {maxTokens: 77});
        await collect(engine.solve({problem, requester: alice, seed: 9}));
        expect(backend.requests[0]).toMatchObject({maxTokens: 77, stopTriggers: ["\n### 指示:"], temperature: 0.6, topP: 0.95, seed: 9});
    });

    it("uses the profile chosen by the request (a chat-template profile)", async () => {
        const backend = new ScriptedBackend(["つるかめ算で考えます。\\boxed{7}"]);
        const {engine, store} = testEngine(backend);
        await collect(engine.solve({problem: "つるとかめが…", requester: alice, profile: "sansu"}));
        expect(store.getInteraction(1)).toMatchObject({profile: "sansu", answer: "7"});
        expect(backend.requests[0]!.prompt.toText()).toMatch(/^<\|im_start\|>system\nあなたは中学受験の算数を教える/);
    });

    it("logs an output without an answer as no_answer, not as a failure", async () => {
        const {engine, store} = testEngine(new ScriptedBackend(["考えましたが、わかりませんでした。"]));
        const events = await collect(engine.solve({problem, requester: alice}));
        expect(events.at(-2)).toEqual({type: "answer", answer: null, canonical: null, agreement: {votes: 0, samples: 1}});
        expect(store.getInteraction(1)).toMatchObject({status: "no_answer", answer: null});
    });

    it("finds no answer when the budget runs out inside the thinking block", async () => {
        const {engine, store} = testEngine(new ScriptedBackend(["<think>\\boxed{1} かな? いや、もう少し考えると" + "…".repeat(100)]), {maxTokens: 10});
        await collect(engine.solve({problem, requester: alice}));
        expect(store.getInteraction(1)).toMatchObject({status: "no_answer", stopReason: "maxTokens"});
    });

    it("stops a runaway loop early and still extracts an answer given before it", async () => {
        const loop = "\\boxed{5050}" + "したがって答えは5050です。".repeat(200);
        const backend = new ScriptedBackend([loop]);
        const {engine, store} = testEngine(backend);
        await collect(engine.solve({problem, requester: alice}));
        const row = store.getInteraction(1)!;
        expect(row).toMatchObject({status: "answered", stopReason: "repetition", answer: "5050"});
        expect(row.rawOutput!.length).toBeLessThan(loop.length / 4);
    });

    it.each([
        ["", ErrorCode.ProblemEmpty, "問題文が空のようです"],
        ["x".repeat(201), ErrorCode.ProblemTooLong, "200文字まで"]
    ])("rejects %j with a kind message and still logs it", async (text, code, message) => {
        const backend = new ScriptedBackend([solution]);
        const {engine, store} = testEngine(backend);
        const events = await collect(engine.solve({problem: text, requester: alice}));
        expect(events).toEqual([expect.objectContaining({type: "failed", interactionId: 1, code, message: expect.stringContaining(message) as string})]);
        expect(store.getInteraction(1)).toMatchObject({status: "rejected", errorCode: code, question: text});
        expect(backend.requests).toHaveLength(0);
    });

    it("answers in English for an English locale", async () => {
        const {engine} = testEngine(new ScriptedBackend([solution]));
        const [event] = await collect(engine.solve({problem: " ", requester: bob}));
        expect(event).toMatchObject({type: "failed", message: "The problem looks empty. Please write the problem you want solved and send it again."});
    });

    it("rejects an unknown mode and an unknown profile", async () => {
        const {engine, store} = testEngine(new ScriptedBackend([solution]));
        const [mode] = await collect(engine.solve({problem, requester: alice, mode: "magic"}));
        const [profile] = await collect(engine.solve({problem, requester: alice, profile: "gpt-9"}));
        expect(mode).toMatchObject({type: "failed", code: ErrorCode.ModeUnsupported});
        expect(profile).toMatchObject({type: "failed", code: ErrorCode.ProfileUnknown, message: "「gpt-9」という設定は見つかりませんでした。"});
        expect(store.getInteraction(2)).toMatchObject({status: "rejected", profile: "gpt-9"});
    });

    it("reports a model that failed to load, per request, and logs it", async () => {
        const loadFailure = Promise.reject(new KotaeError(ErrorCode.ModelUnavailable, "The model file /x.gguf does not exist."));
        const {engine, store} = testEngine(loadFailure);
        const events = await collect(engine.solve({problem, requester: alice}));
        expect(events.at(-1)).toMatchObject({type: "failed", code: ErrorCode.ModelUnavailable, detail: "The model file /x.gguf does not exist."});
        expect(store.getInteraction(1)).toMatchObject({status: "failed", errorCode: "model_unavailable"});
    });

    it("turns a backend crash into generation_failed and keeps serving", async () => {
        const broken = testEngine(new ScriptedBackend([solution], 1, {failWith: new Error("CUDA error: out of memory")}));
        const events = await collect(broken.engine.solve({problem, requester: alice}));
        expect(events.at(-1)).toMatchObject({type: "failed", code: ErrorCode.GenerationFailed, detail: "CUDA error: out of memory"});
        expect(broken.store.getInteraction(1)).toMatchObject({status: "failed", errorMessage: "CUDA error: out of memory"});
    });

    it("cancels a running solve through its signal, keeping the partial output", async () => {
        const {engine, store} = testEngine(new ScriptedBackend([solution.repeat(20)], 1, {chunkDelayMs: 2}));
        const cancel = new AbortController();
        const events: EngineEvent[] = [];
        for await (const event of engine.solve({problem, requester: alice, signal: cancel.signal})) {
            events.push(event);
            if (event.type === "text")
                cancel.abort();
        }
        expect(events.at(-1)).toMatchObject({type: "failed", code: ErrorCode.Cancelled, message: "キャンセルしました。"});
        const row = store.getInteraction(1)!;
        expect(row.status).toBe("cancelled");
        expect(row.rawOutput!.length).toBeGreaterThan(0);
        expect(row.rawOutput!.length).toBeLessThan(solution.length * 20);
    });

    it("cancels when the consumer stops listening", async () => {
        const backend = new ScriptedBackend([solution.repeat(20)], 1, {chunkDelayMs: 2});
        const {engine, store} = testEngine(backend);
        for await (const event of engine.solve({problem, requester: alice}))
            if (event.type === "text") break;
        await engine.close();
        expect(store.getInteraction(1)!.status).toBe("cancelled");
    });

    it("queues requests beyond the parallel sequences, reports positions, and runs at most N at once", async () => {
        const backend = new ScriptedBackend([solution], 2, {chunkDelayMs: 1});
        const {engine, store} = testEngine(backend, {concurrency: 2});
        const users = ["u1", "u2", "u3", "u4", "u5"].map((userId) => ({...alice, userId}));
        const runs = await Promise.all(users.map((requester) => collect(engine.solve({problem, requester}))));

        expect(backend.maxActive).toBe(2);
        const firstPositions = runs.map((events) => (events[0] as {position: number}).position);
        expect(firstPositions).toEqual([0, 0, 1, 2, 3]);
        expect(runs[4]!.filter((event) => event.type === "queued").map((event) => (event as {position: number}).position)).toEqual([3, 2, 1]);
        expect(runs.every((events) => events.at(-1)?.type === "done")).toBe(true);
        expect(store.query<{n: number}>("SELECT count(*) AS n FROM interactions WHERE status = 'answered'")[0]!.n).toBe(5);
    });

    it("tells a user who floods the queue that it is busy, and logs the refusal", async () => {
        const backend = new ScriptedBackend([solution], 1, {chunkDelayMs: 1});
        const {engine, store} = testEngine(backend, {queueCapacity: 1, maxPendingPerUser: 10});
        const runs = await Promise.all([alice, bob, {...alice, userId: "3"}].map((requester) => collect(engine.solve({problem, requester}))));
        expect(runs[2]!.at(-1)).toMatchObject({type: "failed", code: ErrorCode.QueueFull, message: expect.stringContaining("混み合っています") as string});
        expect(store.getInteraction(3)).toMatchObject({status: "rejected", errorCode: "queue_full"});
    });

    it("on close, cancels queued and running work and logs every request", async () => {
        const backend = new ScriptedBackend([solution.repeat(50)], 1, {chunkDelayMs: 2});
        const {engine, store} = testEngine(backend);
        const first = collect(engine.solve({problem, requester: alice}));
        const second = collect(engine.solve({problem, requester: bob}));
        await new Promise((resolve) => setTimeout(resolve, 20));
        await engine.close();
        expect((await first).at(-1)).toMatchObject({code: ErrorCode.ShuttingDown});
        expect((await second).at(-1)).toMatchObject({code: ErrorCode.ShuttingDown});
        expect(store.query<{status: string}>("SELECT status FROM interactions ORDER BY id").map((row) => row.status)).toEqual(["cancelled", "cancelled"]);
    });
});
