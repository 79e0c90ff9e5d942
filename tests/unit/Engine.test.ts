import {spawnSync} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {describe, expect, it, onTestFinished} from "vitest";
import {solveAgain} from "../../src/engine/Engine.js";
import type {EngineEvent} from "../../src/engine/EngineEvent.js";
import {ErrorCode, KotaeError} from "../../src/errors/ErrorCode.js";
import {localize} from "../../src/i18n/messages.js";
import {createKotaeLogger} from "../../src/observability/KotaeLogger.js";
import {acroBoxedRequest, acroCardPromptFor, sansuCardSystem} from "../support/modelCards.js";
import {ScriptedBackend} from "../support/ScriptedBackend.js";
import {scriptedBackends} from "../support/scriptedBackends.js";
import {KotaeStore} from "../../storage/KotaeStore.js";
import {Pseudonymizer} from "../../storage/Pseudonymizer.js";
import {readRows} from "../support/readRows.js";
import {alice, bob, collect, temporaryDirectory, testEngine} from "../support/testRuntime.js";
import {waitFor} from "../support/waitFor.js";

const solution = "<think>\n1から100まで、端から組にすると 101 が 50 組。\n</think>\n\n両端を組にすると 101 × 50 = 5050 です。\n\n\\boxed{5050}";
const problem = "1から100までの自然数の和を求めてください";

function textOf(events: EngineEvent[], type: "text" | "thinking"): string {
    return events.flatMap((event) => event.type === type ? [event.text] : []).join("");
}

/** A failure or notice as an edge tells it: its code and parameters in the asker's language. */
function inWords(event: EngineEvent | undefined, locale: string | undefined): string | undefined {
    if (event?.type === "failed") return localize(event.code, locale, event.params);
    return event?.type === "notice" ? localize(event.code, locale) : undefined;
}

describe.each(scriptedBackends)("Engine (scripted model, %s)", (_backendName, ScriptedModel) => {
    it("streams queued → started → thinking/text → answer → done and logs the interaction", async () => {
        const {engine, store} = testEngine(new ScriptedModel([solution]));
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
        expect(store.interactions.get(1)).toMatchObject({
            status: "answered", question: problem, answer: "5050", answerMethod: "boxed", rawOutput: solution,
            shownSolution: "両端を組にすると 101 × 50 = 5050 です。\n\n\\boxed{5050}", modelName: "scripted", modelFile: "/models/scripted.gguf",
            prompt: acroCardPromptFor(problem)
        });
    });

    it("passes the profile's sampling, stop texts and budget to the backend", async () => {
        const backend = new ScriptedModel([solution]);
        const {engine} = testEngine(backend, {maxTokens: 77});
        await collect(engine.solve({problem, requester: alice, seed: 9}));
        expect(backend.requests[0]).toMatchObject({maxTokens: 77, stopTriggers: ["\n### 指示:"], temperature: 0.7, topP: 1, topK: 50, seed: 9});
    });

    it("uses the profile chosen by the request (a chat-template profile)", async () => {
        const backend = new ScriptedModel(["つるかめ算で考えます。\\boxed{7}"]);
        const {engine, store} = testEngine(backend);
        await collect(engine.solve({problem: "つるとかめが…", requester: alice, profile: "sansu"}));
        expect(store.interactions.get(1)).toMatchObject({profile: "sansu", answer: "7"});
        expect(backend.requests[0]!.prompt.toText().startsWith(`<|im_start|>system\n${sansuCardSystem()}<|im_end|>`)).toBe(true);
    });

    it("solves in a style the profile offers, keeping its format, and refuses one it does not offer (logged, localised)", async () => {
        const backend = new ScriptedModel(["<think>線分図で考えます。</think>\\boxed{7}"]);
        const {engine, store} = testEngine(backend);
        const events = await collect(engine.solve({problem: "つるとかめが…", requester: alice, style: "sansu"}));
        expect(events.at(-1)).toMatchObject({type: "done", result: {answer: "7"}});
        expect(backend.requests[0]!.prompt.toText()).toBe(acroCardPromptFor("つるとかめが…", sansuCardSystem() + acroBoxedRequest()));

        const refused = await collect(engine.solve({problem: "x", requester: {...alice, locale: "en"}, profile: "sansu", style: "standard"}));
        expect(refused.at(-1)).toMatchObject({type: "failed", code: "style_unsupported", params: {style: "standard", styles: "sansu"}});
        expect(refused.at(-1)).not.toHaveProperty("message"); // events carry codes; each edge words them
        expect(inWords(refused.at(-1), "en")).toBe("The \"standard\" explanation style is not available here. Available: sansu.");
        expect(store.interactions.get(2)).toMatchObject({status: "failed", errorCode: "style_unsupported", style: "standard"});
        expect(backend.requests).toHaveLength(1);
    });

    it("keeps the style for follow-ups and for solving the problem again", async () => {
        const backend = new ScriptedModel(["<think>線分図</think>\\boxed{7}", "線分図で説明します。", "\\boxed{7}"]);
        const {engine, store} = testEngine(backend);
        await collect(engine.solve({problem: "つるとかめが…", requester: alice, style: "sansu"}));
        expect(store.interactions.get(1)).toMatchObject({style: "sansu"});

        await collect(engine.followUp({interactionId: 1, question: "なぜですか？", requester: alice}));
        expect(backend.requests[1]!.prompt.toText().startsWith(acroCardPromptFor("つるとかめが…", sansuCardSystem() + acroBoxedRequest()))).toBe(true);

        await collect(engine.solve({...solveAgain(store.interactions.get(1)!), requester: alice}));
        expect(store.interactions.get(2)).toMatchObject({style: "sansu", parentId: 1, profile: "llmjp-math-cot"});
        expect(backend.requests[2]!.prompt.toText()).toBe(backend.requests[0]!.prompt.toText());
    });

    it("logs an output without an answer as no_answer, not as a failure", async () => {
        const {engine, store} = testEngine(new ScriptedModel(["考えましたが、わかりませんでした。"]));
        const events = await collect(engine.solve({problem, requester: alice}));
        expect(events.at(-2)).toEqual({type: "answer", answer: null, canonical: null, agreement: {votes: 0, samples: 1}});
        expect(store.interactions.get(1)).toMatchObject({status: "no_answer", answer: null});
    });

    it("finds no answer when the budget runs out inside the thinking block", async () => {
        const {engine, store} = testEngine(new ScriptedModel(["<think>\\boxed{1} かな? いや、もう少し考えると" + "…".repeat(100)]), {maxTokens: 10});
        await collect(engine.solve({problem, requester: alice}));
        expect(store.interactions.get(1)).toMatchObject({status: "no_answer", stopReason: "maxTokens"});
    });

    it("stops a runaway loop early and still extracts an answer given before it", async () => {
        const loop = "\\boxed{5050}" + "したがって答えは5050です。".repeat(200);
        const backend = new ScriptedModel([loop]);
        const {engine, store} = testEngine(backend);
        await collect(engine.solve({problem, requester: alice}));
        const row = store.interactions.get(1)!;
        expect(row).toMatchObject({status: "answered", stopReason: "repetition", answer: "5050"});
        expect(row.rawOutput!.length).toBeLessThan(loop.length / 4);
    });

    it.each([
        ["", ErrorCode.ProblemEmpty, "問題文が空のようです"],
        ["x".repeat(201), ErrorCode.ProblemTooLong, "200文字まで"]
    ])("rejects %j with a kind message and still logs it", async (text, code, message) => {
        const backend = new ScriptedModel([solution]);
        const {engine, store} = testEngine(backend);
        const events = await collect(engine.solve({problem: text, requester: alice}));
        expect(events).toEqual([expect.objectContaining({type: "failed", interactionId: 1, code})]);
        expect(inWords(events[0], alice.locale)).toContain(message);
        expect(store.interactions.get(1)).toMatchObject({status: "rejected", errorCode: code, question: text});
        expect(backend.requests).toHaveLength(0);
    });

    it("answers in English for an English locale", async () => {
        const {engine} = testEngine(new ScriptedModel([solution]));
        const [event] = await collect(engine.solve({problem: " ", requester: bob}));
        expect(event).toMatchObject({type: "failed", code: ErrorCode.ProblemEmpty});
        expect(inWords(event, bob.locale)).toBe("The problem looks empty. Please write the problem you want solved and send it again.");
    });

    it("rejects an unknown mode and an unknown profile", async () => {
        const {engine, store} = testEngine(new ScriptedModel([solution]));
        const [mode] = await collect(engine.solve({problem, requester: alice, mode: "magic"}));
        const [profile] = await collect(engine.solve({problem, requester: alice, profile: "gpt-9"}));
        expect(mode).toMatchObject({type: "failed", code: ErrorCode.ModeUnsupported});
        expect(profile).toMatchObject({type: "failed", code: ErrorCode.ProfileUnknown, params: {profile: "gpt-9"}});
        expect(inWords(profile, alice.locale)).toBe("「gpt-9」という設定は見つかりませんでした。");
        expect(store.interactions.get(2)).toMatchObject({status: "rejected", profile: "gpt-9"});
    });

    it("reports a model that failed to load, per request, and logs it", async () => {
        const loadFailure = Promise.reject(new KotaeError(ErrorCode.ModelUnavailable, "The model file /x.gguf does not exist."));
        const {engine, store} = testEngine(loadFailure);
        const events = await collect(engine.solve({problem, requester: alice}));
        expect(events.at(-1)).toMatchObject({type: "failed", code: ErrorCode.ModelUnavailable, detail: "The model file /x.gguf does not exist."});
        expect(store.interactions.get(1)).toMatchObject({status: "failed", errorCode: "model_unavailable"});
    });

    it("turns a backend crash into generation_failed and keeps serving", async () => {
        let crashed = false;
        const backend = new ScriptedModel([() => {
            if (!crashed) {
                crashed = true;
                throw new Error("CUDA error: out of memory");
            }
            return solution;
        }]);
        const {engine, store} = testEngine(backend);
        const events = await collect(engine.solve({problem, requester: alice}));
        expect(events.at(-1)).toMatchObject({type: "failed", code: ErrorCode.GenerationFailed, detail: "CUDA error: out of memory"});
        expect(store.interactions.get(1)).toMatchObject({status: "failed", errorMessage: "CUDA error: out of memory"});

        // The crash released its slot: the next request runs and is answered.
        expect((await collect(engine.solve({problem, requester: alice}))).at(-1)).toMatchObject({type: "done", result: {status: "answered", answer: "5050"}});
        expect(store.interactions.get(2)).toMatchObject({status: "answered"});
    });

    it("cancels a running solve through its signal, keeping the partial output", async () => {
        const {engine, store} = testEngine(new ScriptedModel([solution.repeat(20)], 1, {chunkDelayMs: 2}));
        const cancel = new AbortController();
        const events: EngineEvent[] = [];
        for await (const event of engine.solve({problem, requester: alice, signal: cancel.signal})) {
            events.push(event);
            if (event.type === "text")
                cancel.abort();
        }
        expect(events.at(-1)).toMatchObject({type: "failed", code: ErrorCode.Cancelled});
        expect(inWords(events.at(-1), alice.locale)).toBe("キャンセルしました。");
        const row = store.interactions.get(1)!;
        expect(row.status).toBe("cancelled");
        expect(row.rawOutput!.length).toBeGreaterThan(0);
        expect(row.rawOutput!.length).toBeLessThan(solution.length * 20);
    });

    it("cancels a solve by its interaction id for the asker only; anyone else is refused and the solve goes on", async () => {
        const {engine, store} = testEngine(new ScriptedModel([solution.repeat(20)], 1, {chunkDelayMs: 2}));
        const outcomes: string[] = [];
        const events: EngineEvent[] = [];
        for await (const event of engine.solve({problem, requester: alice})) {
            events.push(event);
            const texts = events.filter((seen) => seen.type === "text").length;
            if (event.type === "text" && texts === 1)
                outcomes.push(engine.cancel(1, bob), engine.cancel(1, {platform: "slack", userId: alice.userId}));
            if (event.type === "text" && texts === 5) // the strangers' clicks did not stop it
                outcomes.push(engine.cancel(1, alice));
        }
        expect(outcomes).toEqual(["not_yours", "not_yours", "cancelled"]);
        expect(events.at(-1)).toMatchObject({type: "failed", interactionId: 1, code: ErrorCode.Cancelled});
        expect(store.interactions.get(1)).toMatchObject({status: "cancelled", errorCode: "cancelled"});
        expect(engine.cancel(1, alice)).toBe("not_running");
        expect(engine.cancel(2, alice)).toBe("not_running");
    });

    it("cancels when the consumer stops listening", async () => {
        const backend = new ScriptedModel([solution.repeat(20)], 1, {chunkDelayMs: 2});
        const {engine, store} = testEngine(backend);
        for await (const event of engine.solve({problem, requester: alice}))
            if (event.type === "text") break;
        // Nothing else cancels: no signal, no close(). Left alone, the solve would finish as answered.
        const finished = await waitFor(() => {
            const row = store.interactions.get(1);
            return row != null && row.status !== "queued" && row.status !== "running" ? row : undefined;
        });
        expect(backend.requests[0]!.signal?.aborted).toBe(true);
        expect(finished).toMatchObject({status: "cancelled", errorCode: ErrorCode.Cancelled});
        expect(finished.rawOutput!.length).toBeLessThan(solution.length * 20);
    });

    it("queues requests beyond the parallel sequences, reports positions, and runs at most N at once", async () => {
        const backend = new ScriptedModel([solution], 2, {chunkDelayMs: 1});
        const {engine, store} = testEngine(backend, {concurrency: 2});
        const users = ["u1", "u2", "u3", "u4", "u5"].map((userId) => ({...alice, userId}));
        const runs = await Promise.all(users.map((requester) => collect(engine.solve({problem, requester}))));

        expect(backend.maxActive).toBe(2);
        const firstPositions = runs.map((events) => (events[0] as {position: number}).position);
        expect(firstPositions).toEqual([0, 0, 1, 2, 3]);
        expect(runs[4]!.filter((event) => event.type === "queued").map((event) => (event as {position: number}).position)).toEqual([3, 2, 1]);
        expect(runs.every((events) => events.at(-1)?.type === "done")).toBe(true);
        expect(readRows<{n: number}>(store, "SELECT count(*) AS n FROM interactions WHERE status = 'answered'")[0]!.n).toBe(5);
    });

    it("tells a user who floods the queue that it is busy, and logs the refusal", async () => {
        const backend = new ScriptedModel([solution], 1, {chunkDelayMs: 1});
        const {engine, store} = testEngine(backend, {queueCapacity: 1, maxPendingPerUser: 10});
        const runs = await Promise.all([alice, bob, {...alice, userId: "3"}].map((requester) => collect(engine.solve({problem, requester}))));
        expect(runs[2]!.at(-1)).toMatchObject({type: "failed", code: ErrorCode.QueueFull});
        expect(inWords(runs[2]!.at(-1), "ja")).toContain("混み合っています");
        expect(store.interactions.get(3)).toMatchObject({status: "rejected", errorCode: "queue_full"});
    });

    it("on close, cancels queued and running work and logs every request", async () => {
        const backend = new ScriptedModel([solution.repeat(50)], 1, {chunkDelayMs: 2});
        const {engine, store} = testEngine(backend);
        const first = collect(engine.solve({problem, requester: alice}));
        const second = collect(engine.solve({problem, requester: bob}));
        await waitFor(() => backend.requests.length === 1 && backend.active === 1 ? true : undefined); // the first runs, the second waits
        expect(readRows<{status: string}>(store, "SELECT status FROM interactions ORDER BY id").map((row) => row.status)).toEqual(["running", "queued"]);
        await engine.close();
        expect((await first).at(-1)).toMatchObject({code: ErrorCode.ShuttingDown});
        expect((await second).at(-1)).toMatchObject({code: ErrorCode.ShuttingDown});
        expect(readRows<{status: string}>(store, "SELECT status FROM interactions ORDER BY id").map((row) => row.status)).toEqual(["cancelled", "cancelled"]);
        expect(backend.requests).toHaveLength(1); // the queued request never reached the model
    });

    it("refuses tir for a profile without code tags, and tells a tir request when the sandbox is missing", async () => {
        const {engine, store} = testEngine(new ScriptedModel([solution]));
        const noTools = await collect(engine.solve({problem, requester: bob, mode: "tir"}));
        expect(noTools.at(-1)).toMatchObject({type: "failed", code: ErrorCode.ModeUnsupported, params: {mode: "tir"}});
        expect(inWords(noTools.at(-1), bob.locale)).toBe("The \"tir\" mode is not available for this model.");
        const noSandbox = await collect(engine.solve({problem, requester: alice, mode: "tir", profile: "llmjp-math-tir"}));
        expect(noSandbox.at(-1)).toMatchObject({type: "failed", code: ErrorCode.TirUnavailable});
        expect(inWords(noSandbox.at(-1), alice.locale)).toContain("Python");
        expect(readRows<{status: string, error_code: string}>(store, "SELECT status, error_code FROM interactions ORDER BY id"))
            .toEqual([{status: "rejected", error_code: "mode_unsupported"}, {status: "failed", error_code: "tir_unavailable"}]);
    });

    it("in auto mode without a sandbox, says so and solves in text, recording the path", async () => {
        const backend = new ScriptedModel([solution]);
        const {engine, store} = testEngine(backend, {defaultMode: "auto", defaultProfile: "llmjp-math-tir"});
        const events = await collect(engine.solve({problem, requester: alice}));
        const notice = events.find((event) => event.type === "notice");
        expect(notice).toEqual({type: "notice", sample: 0, code: "tir_unavailable_fallback"});
        expect(inWords(notice, alice.locale)).toBe("いまは Python を使えないため、計算を文章で進めて解きます。");
        const done = events.at(-1);
        expect(done?.type === "done" && done.result).toMatchObject({answer: "5050", mode: "auto", path: "cot"});
        expect(backend.requests[0]!.stopTriggers).toEqual(["\n### 指示:"]); // a text prompt, no code tags
        expect(store.interactions.get(1)).toMatchObject({status: "answered", solvePath: "cot", sampleCount: 1, agreementVotes: 1});
        expect(store.interactions.solutions(1)).toMatchObject([{sampleIndex: 0, attempt: 0, mode: "cot", answer: "5050"}]);
    });

    it("votes over k samples, reports the agreement and shows a solution whose answer won", async () => {
        const answers = ["\\boxed{5050}", "\\boxed{5,050}", "\\boxed{5000}", "答えは 5050 です。", "\\boxed{4950}"];
        const backend = new ScriptedModel([(request) => `考えます。${answers[request.seed! - 100]!}`], 2);
        const {engine, store} = testEngine(backend, {concurrency: 2, samples: 5});
        const events = await collect(engine.solve({problem, requester: alice, seed: 100}));

        expect(backend.requests.map((request) => request.seed).sort()).toEqual([100, 101, 102, 103, 104]);
        expect(backend.maxActive).toBe(2);
        expect(events.filter((event) => event.type === "sampleDone")).toHaveLength(5);
        expect(events.find((event) => event.type === "answer")).toEqual({type: "answer", answer: "5050", canonical: "5050", agreement: {votes: 3, samples: 5}});
        expect(store.interactions.get(1)).toMatchObject({status: "answered", answer: "5050", sampleCount: 5, agreementVotes: 3, representativeSample: 0});
        expect(store.interactions.solutions(1).map((row) => row.answerCanonical)).toEqual(["5050", "5050", "5000", "5050", "4950"]);
    });

    it("counts equivalent answers as one in the vote, whatever their canonical keys", async () => {
        const answers = ["\\boxed{x^2+5x+5}", "\\boxed{(x+2)(x+3)}", "\\boxed{x^2+5x+6}", "\\boxed{(x+3)(x+2)}"];
        const backend = new ScriptedModel([(request) => answers[request.seed!]!]);
        const {engine} = testEngine(backend, {samples: 4});
        const events = await collect(engine.solve({problem, requester: alice, seed: 0}));
        expect(events.find((event) => event.type === "answer")).toEqual({type: "answer", answer: "(x+2)(x+3)", canonical: "(x+2)(x+3)", agreement: {votes: 3, samples: 4}});
    });

    it("takes a later sample as the representative when the first one lost the vote", async () => {
        const answers = ["\\boxed{1}", "\\boxed{2}", "\\boxed{2}"];
        const backend = new ScriptedModel([(request) => answers[request.seed!]!]);
        const {engine, store} = testEngine(backend, {samples: 3});
        const events = await collect(engine.solve({problem, requester: alice, seed: 0}));
        const done = events.at(-1);
        expect(done?.type === "done" && done.result).toMatchObject({answer: "2", representativeSample: 1, agreement: {votes: 2, samples: 3}});
        expect(store.interactions.get(1)).toMatchObject({rawOutput: "\\boxed{2}", representativeSample: 1});
    });

    it("answers nothing, not a failure, when no sample finds an answer; fails only when every sample fails", async () => {
        const {engine, store} = testEngine(new ScriptedModel(["考え中…"]), {samples: 3});
        const events = await collect(engine.solve({problem, requester: alice}));
        expect(events.find((event) => event.type === "answer")).toMatchObject({answer: null, agreement: {votes: 0, samples: 3}});
        expect(store.interactions.get(1)).toMatchObject({status: "no_answer", sampleCount: 3, agreementVotes: 0});

        const broken = testEngine(new ScriptedModel([solution], 1, {failWith: new Error("llama_decode failed")}), {samples: 2});
        const failed = await collect(broken.engine.solve({problem, requester: alice}));
        expect(failed.at(-1)).toMatchObject({type: "failed", code: ErrorCode.GenerationFailed, detail: "llama_decode failed"});
        expect(broken.store.interactions.get(1)).toMatchObject({status: "failed", errorCode: "generation_failed"});
    });

    it("votes without a sample that failed, and logs why it failed", async () => {
        const backend = new ScriptedModel([(request) => {
            if (request.seed === 1) throw new Error("llama_decode failed");
            return "\\boxed{5050}";
        }]);
        const {engine, store} = testEngine(backend, {samples: 3});
        const events = await collect(engine.solve({problem, requester: alice, seed: 0}));
        expect(events.find((event) => event.type === "answer")).toMatchObject({answer: "5050", agreement: {votes: 2, samples: 3}});
        expect(store.interactions.events(1)).toMatchObject([{kind: "sample_failed", detail: {sample: 1, code: "generation_failed", message: "llama_decode failed"}}]);
    });
});

describe("a database that refuses writes", () => {
    // A real full disk: a small tmpfs (mounting one needs root, as CI and the sandbox suite run).
    it.runIf(process.getuid?.() === 0)("tells the user and the operator, and keeps serving, when the database's disk is full", async () => {
        const disk = temporaryDirectory("kotae-full-disk-");
        expect(spawnSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", disk]).status).toBe(0);
        onTestFinished(() => { spawnSync("umount", ["-l", disk]); });
        const store = new KotaeStore(path.join(disk, "kotae.sqlite"), Pseudonymizer.fromSecret("test-secret-key-0123456789"));
        onTestFinished(() => store.close());
        const operator: string[] = [];
        const logger = createKotaeLogger({format: "pretty", debug: false, destination: {write: (line: string) => operator.push(line)}});
        const {engine} = testEngine(new ScriptedBackend([solution]), {store, logger});
        const filler = fs.openSync(path.join(disk, "filler"), "w");
        try {
            for (;;) fs.writeSync(filler, Buffer.alloc(64 * 1024));
        } catch (error) {
            expect((error as NodeJS.ErrnoException).code).toBe("ENOSPC");
        } finally {
            fs.closeSync(filler);
        }
        // A problem larger than the free pages of the database file: its row needs pages the disk cannot give.
        const events = await collect(engine.solve({problem: problem.repeat(2000), requester: alice}));
        expect(events.at(-1)).toMatchObject({type: "failed", code: ErrorCode.StorageFailed});
        expect(inWords(events.at(-1), alice.locale)).toBe("いまは記録ができないため、問題を解けません。管理者にお知らせください。");
        expect(operator).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d \[engine\] error: the database could not record a request \(database or disk is full\): free space on its disk, or check KOTAE_DB \[SQLITE_FULL\]\n$/)]);
        fs.rmSync(path.join(disk, "filler"));
        expect((await collect(engine.solve({problem, requester: alice}))).at(-1)).toMatchObject({type: "done", result: {answer: "5050"}});
        await engine.close();
    });
});
