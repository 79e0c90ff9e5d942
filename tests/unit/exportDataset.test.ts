import {describe, expect, it} from "vitest";
import type {Requester} from "../../src/domain/Requester.js";
import type {NewReview} from "../../src/domain/Review.js";
import {exportDataset, type ExportFormat} from "../../src/export/exportDataset.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import {alice, bob, temporaryStore} from "../support/testRuntime.js";

const cotPrompt = "あなたは熟練した数学の専門家です。\n### 指示:\n1から100までの和\n### 応答:\n";
const tirPrompt = "<|im_start|>system\nPython を使えます。<|im_end|>\n<|im_start|>user\n6×7<|im_end|>\n<|im_start|>assistant\n";

/** One interaction as the engine logs it: the row, its final attempt, and a review. */
function logged(store: KotaeStore, options: {requester?: Requester, mode: "cot" | "tir", prompt: string, output: string, answer: string, review: Omit<NewReview, "interactionId">}): number {
    const id = store.interactions.create({requester: options.requester ?? alice, question: "q", mode: options.mode, profile: options.mode === "tir" ? "swallow-openmath" : "llmjp-math-cot"});
    store.interactions.markRunning(id, {modelName: "m", modelFile: "/m.gguf", modelSha256: "abc", prompt: options.prompt, queueMs: 0});
    store.interactions.addSolution({
        interactionId: id, sampleIndex: 0, attempt: 0, mode: options.mode, prompt: options.prompt, rawOutput: options.output,
        thinking: "", shownSolution: options.output, answer: options.answer, answerCanonical: options.answer, answerMethod: "boxed",
        stopReason: "endOfGeneration", promptTokens: 1, completionTokens: 1, generationMs: 1
    });
    store.interactions.finish(id, {status: "answered", rawOutput: options.output, answer: options.answer, totalMs: 1, representativeSample: 0});
    store.feedback.addReview({interactionId: id, ...options.review});
    return id;
}

function exported(store: KotaeStore, format: ExportFormat): Record<string, unknown>[] {
    const lines: string[] = [];
    exportDataset(store, format, {}, (line) => lines.push(line));
    return lines.map((line) => {
        const record = JSON.parse(line) as Record<string, unknown>;
        return {...record, created_at: "(time)"};
    });
}

describe("dataset export (golden JSONL lines)", () => {
    function world() {
        const store = temporaryStore();
        logged(store, {mode: "cot", prompt: cotPrompt, output: "<think>\n組にする\n</think>\n101×50=5050。\\boxed{5050}", answer: "5050",
            review: {reviewer: "mod", status: "model_right"}});
        logged(store, {mode: "cot", prompt: cotPrompt, output: "<think>\n数える\n</think>\n\\boxed{4950}", answer: "4950",
            review: {reviewer: "mod", status: "resolved", canonicalAnswer: "5050", correctedSolution: "<think>\n組にする\n</think>\n\\boxed{5050}"}});
        logged(store, {mode: "tir", prompt: tirPrompt, output: "<llm-code>\nprint(6*7)\n</llm-code>\n<llm-code-output>\n42\n</llm-code-output>\n\\boxed{42}", answer: "42",
            review: {reviewer: "mod", status: "resolved", canonicalAnswer: "42"}});
        logged(store, {requester: bob, mode: "cot", prompt: cotPrompt, output: "\\boxed{1}", answer: "1", review: {reviewer: "mod", status: "unclear"}});
        return store;
    }
    const meta = (id: number, profile: string, answer: string, review: string) => ({
        id: `kotae-${id}`, created_at: "(time)", platform: "discord", profile, model: "m", model_sha256: "abc", review, answer
    });

    it("cot: verified model completions and reviewers' corrected solutions, with the exact stored prompt", () => {
        using store = world();
        const user = store.pseudonymOf(alice);
        expect(exported(store, "cot")).toEqual([
            {...meta(1, "llmjp-math-cot", "5050", "model_right"), user, prompt: cotPrompt, completion: "<think>\n組にする\n</think>\n101×50=5050。\\boxed{5050}", source: "model"},
            {...meta(2, "llmjp-math-cot", "5050", "resolved"), user, prompt: cotPrompt, completion: "<think>\n組にする\n</think>\n\\boxed{5050}", source: "reviewer"}
        ]);
    });

    it("tir: a right tool-using completion with its real code and outputs between the profile's tags", () => {
        using store = world();
        expect(exported(store, "tir")).toEqual([{
            ...meta(3, "swallow-openmath", "42", "resolved"), user: store.pseudonymOf(alice), prompt: tirPrompt,
            completion: "<llm-code>\nprint(6*7)\n</llm-code>\n<llm-code-output>\n42\n</llm-code-output>\n\\boxed{42}", source: "model"
        }]);
    });

    it("preference: the corrected solution chosen over the model's wrong one", () => {
        using store = world();
        expect(exported(store, "preference")).toEqual([{
            ...meta(2, "llmjp-math-cot", "5050", "resolved"), user: store.pseudonymOf(alice), prompt: cotPrompt,
            chosen: "<think>\n組にする\n</think>\n\\boxed{5050}", rejected: "<think>\n数える\n</think>\n\\boxed{4950}"
        }]);
    });

    it("filters by status, date, platform and profile, leaves forgotten users out, and never writes a raw user id", () => {
        using store = world();
        const count = (filter: Parameters<typeof exportDataset>[2]) => exportDataset(store, "cot", filter, () => {});
        expect(count({status: "model_right"})).toBe(1);
        expect(count({profile: "swallow-openmath"})).toBe(0);
        expect(count({platform: "slack"})).toBe(0);
        expect(count({since: new Date(Date.now() + 60_000)})).toBe(0);
        expect(count({until: new Date(Date.now() - 60_000)})).toBe(0);
        expect(count({until: new Date(Date.now() + 60_000)})).toBe(2);
        const lines: string[] = [];
        exportDataset(store, "cot", {}, (line) => lines.push(line));
        expect(lines.join("\n")).not.toContain(alice.userId);
        store.dataset.forgetUser(alice);
        expect(count({})).toBe(0);
        // What a forgotten user asks later stays out of exports too.
        logged(store, {mode: "cot", prompt: cotPrompt, output: "\\boxed{5050}", answer: "5050", review: {reviewer: "mod", status: "model_right"}});
        expect(count({})).toBe(0);
    });
});
