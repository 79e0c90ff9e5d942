import {describe, expect, it} from "vitest";
import {alice, bob, temporaryStore} from "../support/testRuntime.js";

const question = {question: "1から100までの自然数の和を求めてください", mode: "cot", profile: "llmjp-math-cot"};

describe("ConversationRepository", () => {
    it("keeps conversation turns in order", () => {
        using store = temporaryStore();
        const id = store.interactions.create({requester: alice, ...question});
        expect(store.conversations.add({interactionId: id, role: "user", requester: bob, content: "どうして 101 をかけるの?"})).toBe(0);
        expect(store.conversations.add({interactionId: id, role: "assistant", content: "ペアを作ると…", status: "answered", totalMs: 900})).toBe(1);
        const turns = store.conversations.turns(id);
        expect(turns.map((turn) => [turn.turnIndex, turn.role, turn.content])).toEqual([
            [0, "user", "どうして 101 をかけるの?"], [1, "assistant", "ペアを作ると…"]
        ]);
        expect(turns[0]!.userPseudonym).toBe(store.pseudonymOf(bob));
    });
});

describe("FeedbackRepository", () => {
    it("records wrong-answer reports with the correction and review status", () => {
        using store = temporaryStore();
        const id = store.interactions.create({requester: alice, ...question});
        store.feedback.add({interactionId: id, requester: bob, kind: "wrong_answer", correctedAnswer: "5050", comment: "計算ミス", correctionEqualsModelAnswer: false});
        expect(store.feedback.list(id)).toEqual([expect.objectContaining({
            kind: "wrong_answer", correctedAnswer: "5050", comment: "計算ミス", correctionEqualsModelAnswer: false, reviewerStatus: "new"
        })]);
        expect(() => store.feedback.add({interactionId: 999, requester: bob, kind: "other"})).toThrow(/FOREIGN KEY/);
    });
});

describe("CommunityRepository", () => {
    it("keeps each community's settings, with who changed them as a pseudonym", () => {
        using store = temporaryStore();
        expect(store.community.get("discord", "g1")).toBeUndefined();
        const settings = {allowedChannels: ["c1", "c2"], defaultMode: "tir", profile: null, theme: "dark", solvesPerHour: 5, followUpsNeedMention: true} as const;
        store.community.save("discord", "g1", settings, alice);
        expect(store.community.get("discord", "g1")).toMatchObject({...settings, updatedBy: store.pseudonymOf(alice)});
        store.community.save("discord", "g1", {...settings, allowedChannels: null, followUpsNeedMention: false}, bob);
        expect(store.community.get("discord", "g1")).toMatchObject({allowedChannels: null, followUpsNeedMention: false, updatedBy: store.pseudonymOf(bob)});
        expect(store.community.get("discord", "g2")).toBeUndefined();
        expect(() => store.community.save("discord", "g1", {...settings, solvesPerHour: 0}, alice)).toThrow(/CHECK/);
    });
});

describe("ModelDigestCache", () => {
    it("caches model digests by path, size and mtime", () => {
        using store = temporaryStore();
        const file = {path: "/m.gguf", size: 10, mtimeMs: 1234.5};
        expect(store.modelDigests.get(file)).toBeUndefined();
        store.modelDigests.save(file, "cafe");
        expect(store.modelDigests.get(file)).toBe("cafe");
        expect(store.modelDigests.get({...file, size: 11})).toBeUndefined();
    });
});
