import {describe, expect, it} from "vitest";
import {ScriptedBackend} from "../support/ScriptedBackend.js";
import {alice, bob, collect, testEngine} from "../support/testRuntime.js";

const solution = "<think>\n組にします。\n</think>\n両端を組にすると 101 × 49 = 4949。\\boxed{4949}";

async function reported() {
    const {engine, store} = testEngine(new ScriptedBackend([solution]));
    await collect(engine.solve({problem: "1から100までの和", requester: alice}));
    await collect(engine.solve({problem: "2+2", requester: bob}));
    store.addFeedback({interactionId: 1, requester: bob, kind: "wrong_answer", correctedAnswer: "5050", comment: "50組です", correctionEqualsModelAnswer: false});
    return {engine, store};
}

describe("auditing reported answers", () => {
    it("lists reported interactions with their status, filters them, and keeps an append-only review trail", async () => {
        const {store} = await reported();
        expect(store.reportQueue()).toMatchObject([{interactionId: 1, reports: 1, correctedAnswer: "5050", status: "new", answer: "4949"}]);
        expect(store.countReports({status: "new"})).toBe(1);
        expect(store.countReports({platform: "slack"})).toBe(0);
        expect(store.countReports({since: new Date(Date.now() + 60_000)})).toBe(0);

        store.addReview({interactionId: 1, reviewer: "mod-a", status: "model_wrong", note: "50組なのに49組"});
        store.addReview({interactionId: 1, reviewer: "mod-b", status: "resolved", canonicalAnswer: "5050", correctedSolution: "両端を組にすると 101 × 50 = 5050。\\boxed{5050}"});
        expect(store.reportQueue({status: "resolved"})).toMatchObject([{interactionId: 1, status: "resolved"}]);
        expect(store.countReports({status: "new"})).toBe(0);
        expect(store.listReviews(1).map((review) => [review.reviewer, review.status])).toEqual([["mod-a", "model_wrong"], ["mod-b", "resolved"]]);
        expect(store.listFeedback(1)[0]!.reviewerStatus).toBe("resolved");
    });

    it("forgets a user: their interactions and reports go, what they wrote elsewhere is blanked, and they are remembered", async () => {
        const {engine, store} = await reported();
        await collect(engine.followUp({interactionId: 1, question: "bob の質問", requester: bob}));
        expect(store.forgetUser(bob)).toEqual({deletedInteractions: 1});
        expect(store.getInteraction(2)).toBeUndefined();
        expect(store.listFeedback(1)).toEqual([]);
        expect(store.listTurns(1)[0]).toMatchObject({role: "user", content: "", userPseudonym: null});
        expect(store.query<{n: number}>("SELECT count(*) AS n FROM forgotten_users")[0]!.n).toBe(1);
        expect(store.getInteraction(1)).toBeDefined();
    });

    it("purges interactions older than the retention period", async () => {
        const {store} = await reported();
        expect(store.purgeBefore(new Date(Date.now() - 86_400_000))).toBe(0);
        expect(store.purgeBefore(new Date(Date.now() + 1000))).toBe(2);
        expect(store.reportQueue()).toEqual([]);
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
});
