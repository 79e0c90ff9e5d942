import {afterEach, describe, expect, it, vi} from "vitest";
import type {ReportFilter, ReportSummary} from "../../src/domain/ReportQueue.js";
import type {ReviewStatus} from "../../src/domain/Review.js";
import {describeTally, freshSampleVotes, startFreshSampleVote} from "../../src/audit/freshSampleVote.js";
import {ScriptedBackend, type Script} from "../support/ScriptedBackend.js";
import {readRows} from "../support/readRows.js";
import {alice, bob, collect, temporaryStore, testEngine} from "../support/testRuntime.js";

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

    it("sorts, pages, filters and counts the report queue as a plain computation over the same rows does", () => {
        afterEach(() => { vi.useRealTimers(); });
        vi.useFakeTimers({toFake: ["Date"]});
        const store = temporaryStore();
        const start = Date.parse("2026-11-01T00:00:00Z");
        const at = (minutes: number) => vi.setSystemTime(start + minutes * 60_000);
        // 40 interactions over two platforms and profiles; most reported 1–3 times (some with corrections),
        // some reviewed once or twice (the newest review counts), some reported again after a review.
        type Expected = {-readonly [Key in Exclude<keyof ReportSummary, "question" | "answer">]: ReportSummary[Key]} & {reviews: ReviewStatus[]};
        const expected = new Map<number, Expected>();
        const statuses: ReviewStatus[] = ["model_wrong", "model_right", "unclear", "resolved"];
        for (let index = 0; index < 40; index++) {
            at(index * 7);
            const platform = index % 3 === 0 ? "slack" : "discord";
            const profile = index % 4 === 0 ? "swallow-llm-code" : "llmjp-math-cot";
            const id = store.interactions.create({requester: {...alice, platform}, question: `問題 ${index}`, mode: "cot", profile});
            if (index % 5 === 4) continue; // never reported
            const report = (minutes: number, correctedAnswer?: string) => {
                at(minutes);
                store.feedback.add({interactionId: id, requester: bob, kind: "wrong_answer", ...(correctedAnswer != null ? {correctedAnswer} : {})});
                const entry = expected.get(id) ?? {interactionId: id, createdAt: new Date(start + index * 7 * 60_000).toISOString(), platform, profile,
                    reports: 0, lastReportAt: "", correctedAnswer: null, status: "new", reviews: []};
                entry.reports++;
                const reportedAt = new Date(Date.now()).toISOString();
                if (reportedAt > entry.lastReportAt) entry.lastReportAt = reportedAt;
                entry.correctedAnswer ??= correctedAnswer ?? null;
                expected.set(id, entry);
            };
            // Report times interleave across interactions (and some tie), so the order is not the ids'.
            report(300 + (index * 37) % 90, index % 2 === 0 ? undefined : `${index}`);
            if (index % 3 === 1) report(300 + (index * 53) % 120, `訂正 ${index}`);
            if (index % 4 === 2) {
                for (const status of index % 8 === 2 ? [statuses[(index >> 2) % 4]!, statuses[((index >> 2) + 1) % 4]!] : [statuses[(index >> 2) % 4]!]) {
                    store.feedback.addReview({interactionId: id, reviewer: "mod", status});
                    expected.get(id)!.reviews.push(status);
                }
                if (index % 8 === 6) report(500);
            }
        }
        for (const entry of expected.values()) entry.status = entry.reviews.at(-1) ?? "new";

        const filters: ReportFilter[] = [
            {}, {status: "new"}, {status: "model_right"}, {status: "resolved"}, {platform: "slack"}, {profile: "swallow-llm-code"},
            {since: new Date(start + 100 * 60_000)}, {until: new Date(start + 100 * 60_000)},
            {platform: "discord", status: "new", since: new Date(start + 50 * 60_000)}
        ];
        for (const filter of filters) {
            const selected = [...expected.values()]
                .filter((entry) => (filter.status == null || entry.status === filter.status)
                    && (filter.platform == null || entry.platform === filter.platform) && (filter.profile == null || entry.profile === filter.profile)
                    && (filter.since == null || entry.createdAt >= filter.since.toISOString()) && (filter.until == null || entry.createdAt < filter.until.toISOString()))
                .sort((a, b) => b.lastReportAt.localeCompare(a.lastReportAt) || b.interactionId - a.interactionId)
                .map(({reviews: _reviews, ...summary}) => summary);
            expect(selected.length, JSON.stringify(filter)).toBeGreaterThan(0);
            expect(store.feedback.countReports(filter), JSON.stringify(filter)).toBe(selected.length);
            for (const page of [{limit: 50, offset: 0}, {limit: 5, offset: 0}, {limit: 5, offset: 5}, {limit: 7, offset: selected.length - 3}])
                expect(store.feedback.reportQueue(filter, page).map(({question: _question, answer: _answer, ...summary}) => summary), JSON.stringify({filter, page}))
                    .toEqual(selected.slice(page.offset, page.offset + page.limit));
        }
        store.close();
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
