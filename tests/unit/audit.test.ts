import {describe, expect, it} from "vitest";
import {describeTally, freshSampleVotes, startFreshSampleVote} from "../../src/audit/freshSampleVote.js";
import {ScriptedBackend, type Script} from "../support/ScriptedBackend.js";
import {readRows} from "../support/readRows.js";
import {alice, bob, collect, testEngine} from "../support/testRuntime.js";

const solution = "<think>\n組にします。\n</think>\n両端を組にすると 101 × 49 = 4949。\\boxed{4949}";

/** Interaction 1 (answered 4949, reported with the correction 5050) and interaction 2; `more` scripts what follows. */
async function reported(more: Script[] = [], options: {chunkDelayMs?: number} = {}) {
    const {engine, store} = testEngine(new ScriptedBackend([solution, solution, ...more], 1, options));
    await collect(engine.solve({problem: "1から100までの和", requester: alice}));
    await collect(engine.solve({problem: "2+2", requester: bob}));
    store.feedback.add({interactionId: 1, requester: bob, kind: "wrong_answer", correctedAnswer: "5050", comment: "50組です", correctionEqualsModelAnswer: false});
    return {engine, store};
}

describe("auditing reported answers", () => {
    it("lists reported interactions with their status, filters them, and keeps an append-only review trail", async () => {
        const {store} = await reported();
        expect(store.feedback.reportQueue()).toMatchObject([{interactionId: 1, reports: 1, correctedAnswer: "5050", status: "new", answer: "4949"}]);
        expect(store.feedback.countReports({status: "new"})).toBe(1);
        expect(store.feedback.countReports({platform: "slack"})).toBe(0);
        expect(store.feedback.countReports({since: new Date(Date.now() + 60_000)})).toBe(0);
        expect(store.feedback.countReports({until: new Date(Date.now() - 60_000)})).toBe(0);
        expect(store.feedback.countReports({until: new Date(Date.now() + 60_000), profile: "llmjp-math-cot"})).toBe(1);

        store.feedback.addReview({interactionId: 1, reviewer: "mod-a", status: "model_wrong", note: "50組なのに49組"});
        store.feedback.addReview({interactionId: 1, reviewer: "mod-b", status: "resolved", canonicalAnswer: "5050", correctedSolution: "両端を組にすると 101 × 50 = 5050。\\boxed{5050}"});
        expect(store.feedback.reportQueue({status: "resolved"})).toMatchObject([{interactionId: 1, status: "resolved"}]);
        expect(store.feedback.countReports({status: "new"})).toBe(0);
        expect(store.feedback.reviews(1).map((review) => [review.reviewer, review.status])).toEqual([["mod-a", "model_wrong"], ["mod-b", "resolved"]]);
        expect(store.feedback.list(1)[0]!.reviewerStatus).toBe("resolved");
    });

    it("forgets a user: their interactions and reports go, what they wrote elsewhere is blanked, and they are remembered", async () => {
        const {engine, store} = await reported();
        await collect(engine.followUp({interactionId: 1, question: "bob の質問", requester: bob}));
        expect(store.dataset.forgetUser(bob)).toEqual({deletedInteractions: 1});
        expect(store.interactions.get(2)).toBeUndefined();
        expect(store.feedback.list(1)).toEqual([]);
        expect(store.conversations.turns(1)[0]).toMatchObject({role: "user", content: "", userPseudonym: null});
        expect(readRows<{n: number}>(store, "SELECT count(*) AS n FROM forgotten_users")[0]!.n).toBe(1);
        expect(store.interactions.get(1)).toMatchObject({id: 1, question: "1から100までの和", answer: "4949"}); // alice's own question stays
    });

    it("purges interactions older than the retention period", async () => {
        const {store} = await reported();
        expect(store.dataset.purgeBefore(new Date(Date.now() - 86_400_000))).toBe(0);
        expect(store.dataset.purgeBefore(new Date(Date.now() + 1000))).toBe(2);
        expect(store.feedback.reportQueue()).toEqual([]);
    });

    it("applies the configured retention period through the runtime", async () => {
        const {KotaeRuntime} = await import("../../src/app/KotaeRuntime.js");
        const {loadConfig} = await import("../../src/config/loadConfig.js");
        const {temporaryDirectory} = await import("../support/testRuntime.js");
        const directory = temporaryDirectory();
        const config = loadConfig({env: {KOTAE_DB: `${directory}/kotae.sqlite`, KOTAE_RETENTION_DAYS: "30", KOTAE_PSEUDONYM_KEY: "retention-key-0123456789"}, cwd: directory});
        await using runtime = KotaeRuntime.start(config, {backend: new ScriptedBackend([solution])});
        await collect(runtime.engine.solve({problem: "1+1", requester: alice}));
        expect(runtime.applyRetention()).toBe(0);
        expect(runtime.applyRetention(new Date(Date.now() + 31 * 24 * 60 * 60 * 1000))).toBe(1);
    });

    it("draws k fresh samples of a reported problem and shows what they vote, next to the model's answer and the correction", async () => {
        const fresh = (answer: string) => `<think>\n数えます。\n</think>\n101 × 50 = ${answer}。\\boxed{${answer}}`;
        const {engine, store} = await reported([fresh("5050"), fresh("5049"), fresh("5,050"), "答えが分かりません。"], {chunkDelayMs: 5});
        const started = await startFreshSampleVote({engine, store}, 1, {samples: 4, reviewer: "mod-a"});
        expect(freshSampleVotes(store, 1)).toMatchObject([{interactionId: started.interactionId, reviewer: "mod-a", samples: 4, finished: 0, tally: []}]);
        expect(["queued", "running"]).toContain(freshSampleVotes(store, 1)[0]!.status);
        expect(describeTally(freshSampleVotes(store, 1)[0]!)).toBe("…");

        const vote = await started.finished;
        expect(vote).toMatchObject({
            interactionId: 3, samples: 4, finished: 4, status: "answered",
            tally: [{answer: "5050", canonical: "5050", votes: 2}, {answer: "5049", canonical: "5049", votes: 1}],
            agreesWithModel: false, agreesWithCorrection: true
        });
        expect(describeTally(vote)).toBe("5050 ×2, 5049 ×1");
        // The re-solve is an interaction of its own, a child of the reported one, asked for by the reviewer.
        expect(store.interactions.get(3)).toMatchObject({platform: "audit", parentId: 1, question: store.interactions.get(1)!.question, sampleCount: 4, agreementVotes: 2});
        expect(store.interactions.events(1)).toMatchObject([{kind: "fresh_samples", platform: "audit", detail: {recheckId: 3, samples: 4, reviewer: "mod-a"}}]);
        expect(store.feedback.reportQueue().map((report) => report.interactionId)).toEqual([1]);
    });

    it("refuses a fresh-sample vote for an unknown interaction or an out-of-range sample count", async () => {
        const {engine, store} = await reported();
        await expect(startFreshSampleVote({engine, store}, 99, {samples: 3, reviewer: "mod-a"})).rejects.toThrow("no interaction #99");
        await expect(startFreshSampleVote({engine, store}, 1, {samples: 17, reviewer: "mod-a"})).rejects.toThrow("from 1 to 16");
        expect(freshSampleVotes(store, 1)).toEqual([]);
    });

    it("records a fresh-sample vote that could not run (no model) as failed, with no tally", async () => {
        const {KotaeError, ErrorCode} = await import("../../src/errors/ErrorCode.js");
        const {store} = await reported();
        const {engine: modelless} = testEngine(Promise.reject(new KotaeError(ErrorCode.ModelUnavailable, "No model")), {store});
        const vote = await (await startFreshSampleVote({engine: modelless, store}, 1, {samples: 2, reviewer: "mod-a"})).finished;
        expect(vote).toMatchObject({status: "failed", tally: [], finished: 0, agreesWithModel: null, agreesWithCorrection: null});
        expect(describeTally(vote)).toBe("no answer");
    });
});
