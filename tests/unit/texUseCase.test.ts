import {describe, expect, it} from "vitest";
import {deleteTex} from "../../src/app/deleteTex.js";
import {texMode} from "../../src/domain/Interaction.js";
import {exportDataset, exportFormats} from "../../src/export/exportDataset.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import {alice, bob, temporaryStore} from "../support/testRuntime.js";

/** A /tex row as renderTex logs it, then reported and reviewed as if someone had found it in audit. */
function reviewedTex(store: KotaeStore): number {
    const id = store.interactions.create({requester: alice, question: "$x^2$", mode: texMode, profile: ""});
    store.interactions.finish(id, {status: "answered", shownSolution: "$x^2$", totalMs: 5});
    store.feedback.addReview({interactionId: id, reviewer: "mod", status: "resolved", canonicalAnswer: "x^2", correctedSolution: "\\boxed{x^2}"});
    store.feedback.addReview({interactionId: id, reviewer: "mod", status: "model_right"});
    return id;
}

/** A reviewed solve, so an export that drops everything would not pass for one that drops /tex. */
function reviewedSolve(store: KotaeStore): number {
    const id = store.interactions.create({requester: alice, question: "1+1", mode: "cot", profile: "llmjp-math-cot"});
    store.interactions.markRunning(id, {modelName: "m", modelFile: "/m.gguf", modelSha256: "abc", prompt: "p", queueMs: 0});
    store.interactions.finish(id, {status: "answered", rawOutput: "\\boxed{2}", answer: "2", totalMs: 1});
    store.feedback.addReview({interactionId: id, reviewer: "mod", status: "resolved", canonicalAnswer: "2", correctedSolution: "\\boxed{2}"});
    return id;
}

describe("/tex rows and the training data", () => {
    it("the reviewed interactions exports read leave /tex rows out, even reviewed ones", () => {
        using store = temporaryStore();
        const tex = reviewedTex(store);
        const solve = reviewedSolve(store);
        expect([...store.dataset.reviewedInteractions({})].map((row) => row.id)).toEqual([solve]);
        expect(tex).not.toBe(solve);
    });

    it("no export format carries a /tex row, even a reviewed one", () => {
        using store = temporaryStore();
        const tex = reviewedTex(store);
        const solve = reviewedSolve(store);
        const ids = new Set<string>();
        for (const format of exportFormats)
            exportDataset(store, format, {}, (line) => ids.add(String((JSON.parse(line) as {id: string}).id)));
        expect(ids).toContain(`kotae-${solve}`);
        expect(ids).not.toContain(`kotae-${tex}`);
    });

    it("the audit dataset for kotae eval leaves /tex rows out", () => {
        using store = temporaryStore();
        reviewedTex(store);
        reviewedSolve(store);
        expect(store.dataset.reviewedProblems()).toEqual([{question: "1+1", answer: "2"}]);
    });
});

describe("a user's theme preference", () => {
    it("is kept per user and platform, changed by the user's newest choice, and forgotten with them", () => {
        using store = temporaryStore();
        expect(store.preferences.theme(alice)).toBeUndefined();
        store.preferences.saveTheme(alice, "dark");
        store.preferences.saveTheme(bob, "light");
        expect(store.preferences.theme(alice)).toBe("dark");
        expect(store.preferences.theme({...alice, platform: "slack"})).toBeUndefined();
        store.preferences.saveTheme(alice, "light");
        expect(store.preferences.theme(alice)).toBe("light");
        store.dataset.forgetUser(alice);
        expect(store.preferences.theme(alice)).toBeUndefined();
        expect(store.preferences.theme(bob)).toBe("light");
    });
});

describe("deleting a /tex image", () => {
    it("is for its author only; every press is logged", () => {
        using store = temporaryStore();
        const id = store.interactions.create({requester: alice, question: "$x$", mode: texMode, profile: ""});
        expect(deleteTex(store, id, bob)).toBe("not_yours");
        expect(deleteTex(store, id, {...bob, userId: alice.userId, platform: "slack"})).toBe("not_yours");
        expect(deleteTex(store, id, alice)).toBe("deleted");
        expect(store.interactions.events(id).map((event) => event.kind)).toEqual(["tex_delete:not_yours", "tex_delete:not_yours", "tex_delete:deleted"]);
    });

    it("answers unknown for a solve's id (a solve's message is not a /tex image to delete)", () => {
        using store = temporaryStore();
        const solve = store.interactions.create({requester: alice, question: "1+1", mode: "cot", profile: "p"});
        expect(deleteTex(store, solve, alice)).toBe("unknown");
        expect(deleteTex(store, 999, alice)).toBe("unknown");
    });
});
