import {describe, expect, it} from "vitest";
import {chooseRepresentative, type SampleResult} from "../../src/engine/chooseRepresentative.js";
import type {EngineEvent} from "../../src/engine/EngineEvent.js";
import {fanOutSamples} from "../../src/engine/fanOutSamples.js";
import {FollowUpLifecycle} from "../../src/engine/FollowUpLifecycle.js";
import type {LifecycleServices} from "../../src/engine/RequestLifecycle.js";
import {RunningSolves} from "../../src/engine/RunningSolves.js";
import {sampleListeners} from "../../src/engine/sampleListeners.js";
import {SolveLifecycle} from "../../src/engine/SolveLifecycle.js";
import {ErrorCode, KotaeError} from "../../src/errors/ErrorCode.js";
import {NoticeCode} from "../../src/errors/NoticeCode.js";
import {ProfileRegistry} from "../../src/profiles/ProfileRegistry.js";
import {FairQueue} from "../../src/queue/FairQueue.js";
import {HybridSolver} from "../../src/solver/HybridSolver.js";
import {ScriptedBackend} from "../support/ScriptedBackend.js";
import {alice, bob, temporaryStore} from "../support/testRuntime.js";

/** A finished sample that gave `answer` (or none), as the solver reports it. */
function sampleGiving(sample: number, answer: string | null, tokens = 10): SampleResult {
    return {
        sample, path: "cot", promptTokens: tokens, completionTokens: tokens * 2,
        outcome: {
            rawOutput: `sample ${sample}`, thinking: "", solution: `sample ${sample}`, stopReason: "endOfGeneration",
            answer: answer != null ? {value: answer, method: "boxed"} : undefined,
            promptTokens: tokens, completionTokens: tokens * 2, generationMs: 1, executions: []
        }
    };
}

function services(queue = new FairQueue({concurrency: 1, capacity: 8, maxPerUser: 4})): LifecycleServices & {shutdownController: AbortController} {
    const shutdownController = new AbortController();
    return {store: temporaryStore(), queue, running: new RunningSolves(), shutdown: shutdownController.signal, shutdownController};
}

const asked = {requester: alice, question: "1+1は？", mode: "cot", profile: "llmjp-math-cot"};

describe("chooseRepresentative", () => {
    it("shows the first sample that gave the winning answer and counts the agreement over every sample drawn", () => {
        const chosen = chooseRepresentative([sampleGiving(0, "1"), sampleGiving(1, "2"), sampleGiving(3, "2", 5)], 4);
        expect(chosen.representative.sample).toBe(1);
        expect(chosen).toMatchObject({answer: "2", canonical: "2", agreement: {votes: 2, samples: 4}, promptTokens: 25, completionTokens: 50});
    });

    it("counts equivalent answers as one and shows the answer as the representative wrote it", () => {
        const chosen = chooseRepresentative([sampleGiving(0, "0.5"), sampleGiving(1, "\\frac{1}{2}"), sampleGiving(2, "3")], 3);
        expect(chosen).toMatchObject({answer: "0.5", agreement: {votes: 2, samples: 3}});
        expect(chosen.representative.sample).toBe(0);
    });

    it("has no answer when no sample gave one, and shows the first finished sample", () => {
        const chosen = chooseRepresentative([sampleGiving(1, null), sampleGiving(2, null)], 3);
        expect(chosen).toMatchObject({answer: null, canonical: null, agreement: {votes: 0, samples: 3}});
        expect(chosen.representative.sample).toBe(1);
    });

    it("needs at least one finished sample", () => {
        expect(() => chooseRepresentative([], 2)).toThrow(RangeError);
    });
});

describe("fanOutSamples", () => {
    it("runs sample 0 in the request's slot and the others in turn for slots, releasing each as its sample ends", async () => {
        const queue = new FairQueue({concurrency: 1, capacity: 8, maxPerUser: 4});
        const first = await queue.acquire("u");
        const running: number[] = [];
        const fannedOut = await fanOutSamples(3, {first, next: () => queue.acquire("u", {admitted: true})}, async (sample) => {
            running.push(queue.runningCount);
            await Promise.resolve();
            return sample * 10;
        });
        expect(fannedOut).toEqual({solved: [0, 10, 20], lost: []});
        expect(running).toEqual([1, 1, 1]); // one slot at a time: each sample waited for the one before to release
        expect(queue.runningCount).toBe(0);
    });

    it("collects failed samples in sample order, with why, and keeps the others", async () => {
        const queue = new FairQueue({concurrency: 2, capacity: 8, maxPerUser: 4});
        const first = await queue.acquire("u");
        const fannedOut = await fanOutSamples(4, {first, next: () => queue.acquire("u", {admitted: true})}, async (sample) => {
            if (sample % 2 === 1) throw new Error(`sample ${sample} broke`);
            return sample;
        });
        expect(fannedOut.solved).toEqual([0, 2]);
        expect(fannedOut.lost.map(({sample, error}) => [sample, (error as Error).message])).toEqual([[1, "sample 1 broke"], [3, "sample 3 broke"]]);
        expect(queue.runningCount).toBe(0);
    });

    it("counts a sample whose slot never came as lost", async () => {
        const queue = new FairQueue({concurrency: 1, capacity: 8, maxPerUser: 4});
        const first = await queue.acquire("u");
        const cancel = new AbortController();
        const fannedOut = await fanOutSamples(2, {first, next: () => queue.acquire("u", {admitted: true, signal: cancel.signal})}, async (sample) => {
            cancel.abort(); // while sample 0 holds the only slot, sample 1 waits, then is cancelled
            return sample;
        });
        expect(fannedOut.solved).toEqual([0]);
        expect(fannedOut.lost).toMatchObject([{sample: 1, error: {code: ErrorCode.Cancelled}}]);
    });
});

describe("SolveLifecycle", () => {
    it("logs the row queued, running, then its end once: a failure after the answer does not rewrite it", async () => {
        const world = services();
        using lifecycle = new SolveLifecycle(world, asked, new AbortController().signal, () => {});
        expect(world.store.interactions.get(lifecycle.interactionId)).toMatchObject({status: "queued", question: "1+1は？"});
        await lifecycle.markRunning({modelName: "m", modelFile: "/m.gguf", prompt: "P"}, Promise.resolve("abc"));
        expect(world.store.interactions.get(lifecycle.interactionId)).toMatchObject({status: "running", modelSha256: "abc", prompt: "P"});

        const finished = lifecycle.finish(chooseRepresentative([sampleGiving(0, "2")], 1), 1);
        expect(finished.status).toBe("answered");
        expect(finished.totalMs).toBe(finished.queueMs + finished.generationMs);
        expect(lifecycle.fail(new Error("late"))).toMatchObject({type: "failed", interactionId: lifecycle.interactionId, code: ErrorCode.GenerationFailed});
        expect(world.store.interactions.get(lifecycle.interactionId)).toMatchObject({status: "answered", answer: "2", errorCode: null});
        expect(() => lifecycle.finish(chooseRepresentative([sampleGiving(0, "3")], 1), 1)).toThrow(/already logged/);
    });

    it("tells a cancellation from a shutdown and an error, and keeps what a cancelled solve generated", () => {
        const world = services();
        const asker = new AbortController();
        const cancelled = new SolveLifecycle(world, asked, asker.signal, () => {});
        cancelled.keepPartial(sampleGiving(0, "4").outcome);
        asker.abort();
        expect(cancelled.fail(new Error("aborted"))).toMatchObject({code: ErrorCode.Cancelled});
        expect(world.store.interactions.get(cancelled.interactionId)).toMatchObject({status: "cancelled", errorCode: "cancelled", rawOutput: "sample 0", answer: "4"});

        const failed = new SolveLifecycle(world, asked, new AbortController().signal, () => {});
        expect(failed.fail(new KotaeError(ErrorCode.ProblemTooLong, "long", {params: {limit: 5}}))).toEqual({
            type: "failed", interactionId: failed.interactionId, code: ErrorCode.ProblemTooLong, params: {limit: 5}, detail: "long"
        });
        expect(world.store.interactions.get(failed.interactionId)).toMatchObject({status: "rejected", errorCode: "problem_too_long"});

        const stopping = new AbortController();
        const shutDown = new SolveLifecycle(world, asked, stopping.signal, () => {});
        world.shutdownController.abort();
        stopping.abort();
        expect(shutDown.fail(new Error("aborted"))).toMatchObject({code: ErrorCode.ShuttingDown});
        expect(world.store.interactions.get(shutDown.interactionId)).toMatchObject({status: "cancelled", errorCode: "shutting_down"});
    });

    it("releases every slot it took when it is disposed, whether or not the solve got far", async () => {
        const queue = new FairQueue({concurrency: 2, capacity: 8, maxPerUser: 4});
        const world = services(queue);
        {
            using lifecycle = new SolveLifecycle(world, asked, new AbortController().signal, () => {});
            const positions: number[] = [];
            await lifecycle.waitForSlot((event) => positions.push(event.position));
            await lifecycle.extraSlot();
            expect(positions).toEqual([0]);
            expect(queue.runningCount).toBe(2);
            lifecycle.fail(new Error("broke before the samples ran"));
        }
        expect(queue.runningCount).toBe(0);
    });

    it("can be cancelled by id while it lives, by its asker only", () => {
        const world = services();
        let cancels = 0;
        const lifecycle = new SolveLifecycle(world, asked, new AbortController().signal, () => cancels++);
        expect(world.running.cancel(lifecycle.interactionId, bob)).toBe("not_yours");
        expect(world.running.cancel(lifecycle.interactionId, alice)).toBe("cancelled");
        expect(cancels).toBe(1);
        lifecycle[Symbol.dispose]();
        expect(world.running.cancel(lifecycle.interactionId, alice)).toBe("not_running");
    });
});

describe("FollowUpLifecycle", () => {
    it("logs the question, then the answer once; a failure after it changes nothing", () => {
        const world = services();
        const solved = world.store.interactions.create(asked);
        world.store.interactions.finish(solved, {status: "answered", shownSolution: "\\boxed{2}", totalMs: 1});
        using lifecycle = new FollowUpLifecycle(world, {interactionId: solved, question: "なぜ？", requester: alice}, new AbortController().signal);
        expect(lifecycle.open()).toMatchObject({original: {id: solved, shownSolution: "\\boxed{2}"}, earlier: []});
        expect(lifecycle.finish({text: "1+1=2 だからです。", promptTokens: 3, completionTokens: 4})).toMatchObject({turnIndex: 1});
        lifecycle.fail(new Error("late"));
        expect(world.store.conversations.turns(solved).map((turn) => [turn.role, turn.status, turn.content])).toEqual([
            ["user", null, "なぜ？"], ["assistant", "answered", "1+1=2 だからです。"]
        ]);
    });

    it("refuses a follow-up on a problem that was never solved, logging nothing for an unknown one", () => {
        const world = services();
        using lifecycle = new FollowUpLifecycle(world, {interactionId: 99, question: "なぜ？", requester: alice}, new AbortController().signal);
        expect(() => lifecycle.open()).toThrow(expect.objectContaining({code: ErrorCode.ConversationUnknown}));
        expect(lifecycle.fail(new KotaeError(ErrorCode.ConversationUnknown, "none"))).toMatchObject({interactionId: 99, code: ErrorCode.ConversationUnknown});
        expect(world.store.conversations.turns(99)).toEqual([]);
    });
});

describe("RunningSolves", () => {
    it("lets only the asker cancel: the same user id on another platform is someone else", () => {
        const running = new RunningSolves();
        let cancels = 0;
        const tracked = running.track(7, alice, () => cancels++);
        expect(running.cancel(7, {platform: "slack", userId: alice.userId})).toBe("not_yours");
        expect(running.cancel(7, {platform: alice.platform, userId: bob.userId})).toBe("not_yours");
        expect(cancels).toBe(0);
        expect(running.cancel(7, {platform: alice.platform, userId: alice.userId})).toBe("cancelled");
        expect(cancels).toBe(1);
        tracked[Symbol.dispose]();
        expect(running.cancel(7, alice)).toBe("not_running");
        expect(running.cancel(8, alice)).toBe("not_running");
    });
});

describe("sampleListeners", () => {
    it("tags each sample's events, logs its attempts with its seed, and says a notice once per request", async () => {
        const world = services();
        using lifecycle = new SolveLifecycle(world, {...asked, mode: "auto", profile: "llmjp-math-tir"}, new AbortController().signal, () => {});
        const events: EngineEvent[] = [];
        const listenerFor = sampleListeners(lifecycle, (event) => events.push(event));
        const solver = new HybridSolver(new ScriptedBackend(["\\boxed{2}"]), () => Promise.reject(new KotaeError(ErrorCode.TirUnavailable, "no sandbox here")));
        const profile = new ProfileRegistry().get("llmjp-math-tir");
        for (const sample of [0, 1])
            await solver.solve({
                problem: "1+1は？", profile, mode: "auto", maxTokens: 64, tirLimits: {maxExecutions: 2, maxSeconds: 5}, failuresBeforeFallback: 1,
                seed: 40 + sample, listener: listenerFor(sample, 40 + sample)
            });
        expect(events.filter((event) => event.type === "notice")).toEqual([{type: "notice", sample: 0, code: NoticeCode.TirUnavailableFallback}]);
        expect(new Set(events.flatMap((event) => event.type === "text" ? [event.sample] : []))).toEqual(new Set([0, 1]));
        expect(world.store.interactions.solutions(lifecycle.interactionId).map((row) => [row.sampleIndex, row.seed, row.answer])).toEqual([[0, 40, "2"], [1, 41, "2"]]);
    });
});
