import fs from "node:fs";
import path from "node:path";
import {describe, expect, it} from "vitest";
import {evalItemEvent, type EvalItemRecord} from "../../src/domain/EvalRun.js";
import type {CompletionRequest} from "../../src/llm/LlmBackend.js";
import {defaultSandboxLimits, type CodeSandbox, type ExecutionStatus} from "../../src/sandbox/CodeSandbox.js";
import {compareRuns} from "../../src/eval/compareRuns.js";
import {DatasetError, loadDataset, parseDatasetText} from "../../src/eval/EvalDataset.js";
import {wilsonInterval} from "../../src/eval/evalMetrics.js";
import {evalReport, formatReport} from "../../src/eval/EvalReport.js";
import {evalPlatform, runEval} from "../../src/eval/EvalRun.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import {ScriptedBackend} from "../support/ScriptedBackend.js";
import {goneProcess, temporaryDirectory, temporaryStore, testEngine} from "../support/testRuntime.js";

const problems = [
    {question: "1は？", answer: "1"},
    {question: "2は？", answer: "2"},
    {question: "3は？", answer: "3"},
    {question: "6は？", answer: "6"}
];
/**
 * What the scripted model answers, by seed: problem i's sample j is drawn with seed i·3 + j (seed 0, k = 3).
 * Problems 0 and 1: all right; 2: one right, the vote wrong (8 ×2); 3: none right, one sample without an
 * answer, and the vote a 1–1 tie that goes to the earliest sample (5).
 */
const answersBySeed = ["1", "1", "1", "2", "2", "2", "3", "8", "8", "5", null, "7"];

function scriptedModel(): ScriptedBackend {
    return new ScriptedBackend([(request: CompletionRequest) => {
        const answer = answersBySeed[request.seed ?? -1];
        return answer != null ? `考えます。答えは \\boxed{${answer}} です。` : "わかりません。";
    }], 2);
}

function newRun(store: KotaeStore, modes: readonly string[] = ["cot"]) {
    return store.evals.get(store.evals.create({
        dataset: "scripted", datasetSha256: "0".repeat(64), itemCount: problems.length, modes, samples: 3,
        profile: "llmjp-math-cot", modelFile: "/models/scripted.gguf", modelSha256: null, itemLimit: null, seed: 0
    }))!;
}

/** The Wilson score interval written out again here, independently of the implementation. */
function wilsonByHand(successes: number, n: number): [number, number] {
    const z = 1.959964;
    const p = successes / n;
    const centre = (p + z * z / (2 * n)) / (1 + z * z / n);
    const half = z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
    return [centre - half, centre + half];
}

describe("kotae eval's metrics, on a scripted model whose answers are known", () => {
    it("grades 4 problems × 3 samples: pass@1 7/12, maj@3 2/4, pass@3 3/4, Wilson bounds, agreement histogram", async () => {
        const backend = scriptedModel();
        const {engine, store} = testEngine(backend, {concurrency: 2, maxPendingPerUser: 2});
        const run = newRun(store);
        const outcome = await runEval({engine, store}, run, problems, {concurrency: 2});
        expect(outcome).toEqual({status: "finished"});
        expect(backend.maxActive).toBe(2); // two problems' samples in flight at once

        const items = store.evals.items(run.id);
        expect(items.map((item) => [item.sampleAnswers, item.answer, item.correct, item.correctSamples, item.agreementVotes])).toEqual([
            [["1", "1", "1"], "1", true, 3, 3],
            [["2", "2", "2"], "2", true, 3, 3],
            [["3", "8", "8"], "8", false, 1, 2],
            [["5", null, "7"], "5", false, 0, 1]
        ]);
        // Every item links to its logged interaction (platform eval) with every sample's solution.
        for (const item of items) {
            const interaction = store.interactions.get(item.interactionId!)!;
            expect(interaction.platform).toBe(evalPlatform);
            expect(store.interactions.solutions(interaction.id)).toHaveLength(3);
        }

        const [metrics] = evalReport(run, items).modes;
        expect(metrics!.pass1).toMatchObject({successes: 7, trials: 12});
        expect(metrics!.majK).toMatchObject({successes: 2, trials: 4, value: 0.5});
        expect(metrics!.passK).toMatchObject({successes: 3, trials: 4, value: 0.75});
        expect(metrics!.pass1.value).toBeCloseTo(7 / 12, 10);
        expect([metrics!.pass1.low, metrics!.pass1.high].map((bound) => bound.toFixed(4))).toEqual(["0.3195", "0.8067"]);
        expect([metrics!.majK.low, metrics!.majK.high].map((bound) => bound.toFixed(4))).toEqual(["0.1500", "0.8500"]);
        expect([metrics!.passK.low, metrics!.passK.high].map((bound) => bound.toFixed(4))).toEqual(["0.3006", "0.9544"]);
        for (const [successes, n] of [[7, 12], [2, 4], [3, 4], [0, 5], [5, 5]] as const) {
            const {low, high} = wilsonInterval(successes, n);
            const [lowByHand, highByHand] = wilsonByHand(successes, n);
            expect(low).toBeCloseTo(Math.max(0, lowByHand), 10);
            expect(high).toBeCloseTo(Math.min(1, highByHand), 10);
        }
        expect(metrics!.agreement).toEqual([0, 1, 1, 2]);
        expect(metrics!.completionTokens.mean).toBeGreaterThan(0);
        expect(formatReport(evalReport(run, items))).toMatch(/cot\s+4\s+58\.3% \[32\.0%, 80\.7%\]\s+50\.0% \[15\.0%, 85\.0%\]\s+75\.0% \[30\.1%, 95\.4%\]/);
        await engine.close();
    });

    it("resumes without solving graded problems again, and stops a run that cannot work instead of grading it all wrong", async () => {
        const backend = scriptedModel();
        const file = path.join(temporaryDirectory(), "kotae.sqlite");
        const {engine, store} = testEngine(backend, {concurrency: 1, store: temporaryStore(file)});
        using killedSession = temporaryStore(file, goneProcess);
        const run = newRun(store);
        const interrupt = new AbortController();
        const first = await runEval({engine, store}, run, problems, {concurrency: 1, signal: interrupt.signal, onProgress: () => interrupt.abort()});
        expect(first).toEqual({status: "interrupted"});
        expect(store.evals.items(run.id)).toHaveLength(1);
        // A problem a killed session left running (linked to the run when queued) is marked when the run resumes.
        const orphan = killedSession.interactions.create({requester: {platform: evalPlatform, userId: "eval"}, question: problems[1]!.question, mode: "cot", profile: "llmjp-math-cot"});
        store.interactions.recordEvent({interactionId: orphan, requester: {platform: evalPlatform, userId: "eval"}, kind: evalItemEvent, detail: {runId: run.id, itemIndex: 1, mode: "cot"}});
        const requestsBefore = backend.requests.length;
        expect(await runEval({engine, store}, run, problems, {concurrency: 1})).toEqual({status: "finished"});
        expect(backend.requests.length - requestsBefore).toBe(3 * 3); // only the three problems left
        expect(store.evals.items(run.id).map((item) => item.itemIndex)).toEqual([0, 1, 2, 3]);
        expect(store.interactions.get(orphan)).toMatchObject({status: "failed", errorCode: "interrupted"});

        // tir without a sandbox fails every problem the same way: the run stops with the reason.
        const tirRun = newRun(store, ["tir"]);
        const stopped = await runEval({engine, store}, tirRun, problems, {concurrency: 1});
        expect(stopped).toMatchObject({status: "failed", code: "mode_unsupported"});
        expect(store.evals.items(tirRun.id)).toEqual([]);
        await engine.close();
    });

    it("counts code runs per problem and their error rate from the executions table (tir)", async () => {
        // Problem A runs one block that works; B one that raises and one that times out. The fake sandbox
        // ends each block as its code says.
        const backend = new ScriptedBackend([(request: CompletionRequest) => {
            const text = request.prompt.toText();
            const ran = text.split("計算します。").length - 1; // the blocks written so far (the prompt holds none)
            const blocks = text.includes("問題A") ? ["ok"] : ["error", "timeout"];
            return ran < blocks.length ? `計算します。<llm-code>\n${blocks[ran]}\n</llm-code>` : `\\boxed{${text.includes("問題A") ? 1 : 2}}`;
        }]);
        const sandbox: CodeSandbox = {
            limits: defaultSandboxLimits,
            openSession: () => Promise.resolve({
                execute: (code: string) => Promise.resolve({status: code.trim() as ExecutionStatus, output: code.trim(), truncated: false, durationMs: 1, restarted: false}),
                dispose: () => Promise.resolve(),
                [Symbol.asyncDispose]: () => Promise.resolve()
            }),
            close: () => Promise.resolve()
        };
        const {engine, store} = testEngine(backend, {sandbox: () => Promise.resolve(sandbox), defaultProfile: "swallow-openmath"});
        const run = store.evals.get(store.evals.create({
            dataset: "tir", datasetSha256: "1".repeat(64), itemCount: 2, modes: ["tir"], samples: 1,
            profile: "swallow-openmath", modelFile: null, modelSha256: null, itemLimit: null, seed: 0
        }))!;
        expect(await runEval({engine, store}, run, [{question: "問題A", answer: "1"}, {question: "問題B", answer: "2"}], {concurrency: 1})).toEqual({status: "finished"});
        const items = store.evals.items(run.id);
        expect(items.map((item) => [item.executionsOk, item.executionsError, item.executionsTimeout, item.correct])).toEqual([[1, 0, 0, true], [0, 1, 1, true]]);
        const [metrics] = evalReport(run, items).modes;
        expect(metrics).toMatchObject({executions: {ok: 1, error: 1, timeout: 1}, executionsPerProblem: 1.5});
        expect(metrics!.executionErrorRate).toBeCloseTo(2 / 3, 10);
        await engine.close();
    });

    it("lists the problems that flipped between two runs", () => {
        const item = (itemIndex: number, correct: boolean, answer: string): EvalItemRecord => ({
            runId: 1, itemIndex, mode: "cot", interactionId: null, createdAt: "", question: `問題${itemIndex}`, expected: "1", status: "answered",
            answer, correct, sampleAnswers: [answer], correctSamples: Number(correct), samples: 1, agreementVotes: 1,
            promptTokens: 0, completionTokens: 0, generationMs: 0, executionsOk: 0, executionsError: 0, executionsTimeout: 0
        });
        const {flips, compared} = compareRuns([item(0, true, "1"), item(1, false, "2"), item(2, true, "1")], [item(0, false, "3"), item(1, true, "1")]);
        expect(compared).toBe(2);
        expect(flips).toEqual([
            expect.objectContaining({itemIndex: 0, direction: "broken", answerA: "1", answerB: "3", question: "問題0"}),
            expect.objectContaining({itemIndex: 1, direction: "fixed", answerA: "2", answerB: "1"})
        ]);
    });
});

describe("kotae eval's datasets", () => {
    const parseError = (text: string, file: string, format: "jsonl" | "json" | "tsv"): string => {
        try {
            parseDatasetText(text, file, format);
        } catch (error) {
            expect(error).toBeInstanceOf(DatasetError);
            return (error as Error).message;
        }
        throw new Error("no error");
    };

    it("reads JSONL, JSON and TSV, and names the file and line of a bad row", () => {
        const good = Array.from({length: 6}, (_unused, index) => JSON.stringify({problem: `${index}+1`, answer: index + 1})).join("\n");
        expect(parseDatasetText(`${good}\n\n`, "/d/data.jsonl", "jsonl")).toHaveLength(6);
        expect(parseError(`${good}\n{"question": "x", "answer"`, "/d/data.jsonl", "jsonl")).toBe("data.jsonl:7: not JSON");
        expect(parseError(`${good}\n{"question": "x"}`, "/d/data.jsonl", "jsonl")).toBe("data.jsonl:7: missing \"answer\"");
        expect(parseError(`{"answer": "1"}`, "/d/data.jsonl", "jsonl")).toBe("data.jsonl:1: missing \"question\" (or \"problem\")");
        expect(parseDatasetText(`[{"question": "1+1", "answer": "2"}]`, "a.json", "json")).toEqual([{question: "1+1", answer: "2"}]);
        expect(parseError(`[{"question": "1+1"}]`, "a.json", "json")).toBe("a.json: item 1: missing \"answer\"");
        // TSV without quote processing: quotes stay part of the question.
        expect(parseDatasetText("\"Hi,\" she said. 1+1?\t2\n", "q.tsv", "tsv")).toEqual([{question: "\"Hi,\" she said. 1+1?", answer: "2"}]);
        expect(parseError("1+1?\t2\nno answer here\n", "q.tsv", "tsv")).toBe("q.tsv:2: expected question<TAB>answer");
    });

    it("loads MGSM (250 problems, thousands separators kept) and reviewed reports as a dataset", () => {
        const store = temporaryStore();
        const mgsm = loadDataset("mgsm-ja", store);
        expect(mgsm.items).toHaveLength(250);
        expect(mgsm.items[146]!.answer).toBe("2,125");
        expect(loadDataset("mgsm-en", store).items[146]!.answer).toBe("2,125");
        expect(() => loadDataset(path.join(temporaryDirectory(), "missing.jsonl"), store)).toThrow(/missing\.jsonl: cannot read the dataset \(ENOENT\)/);

        expect(() => loadDataset("audit", store)).toThrow(/no reviewed report has a canonical answer/);
        const asker = {platform: "discord", userId: "1"} as const;
        const reported = store.interactions.create({requester: asker, question: "1+1は？", mode: "cot", profile: "llmjp-math-cot"});
        store.feedback.addReview({interactionId: reported, reviewer: "mod", status: "model_wrong", canonicalAnswer: "2"});
        const other = store.interactions.create({requester: asker, question: "2+2は？", mode: "cot", profile: "llmjp-math-cot"});
        store.feedback.addReview({interactionId: other, reviewer: "mod", status: "unclear"});
        const audit = loadDataset("audit", store);
        expect(audit).toMatchObject({name: "audit", items: [{question: "1+1は？", answer: "2"}]});
        expect(loadDataset("audit", store, "model_wrong").name).toBe("audit:model_wrong");
        expect(loadDataset("audit:model_wrong", store).sha256).toBe(audit.sha256);
        expect(() => loadDataset("audit", store, "resolved")).toThrow(/with status resolved/);
        const withMark = path.join(temporaryDirectory(), "marked.jsonl");
        fs.writeFileSync(withMark, "\uFEFF{\"question\": \"1+1\", \"answer\": 2}\n");
        expect(loadDataset(withMark, store)).toMatchObject({name: withMark, items: [{question: "1+1", answer: "2"}]});
        const file = path.join(temporaryDirectory(), "data.txt");
        fs.writeFileSync(file, "x");
        expect(() => loadDataset(file, store)).toThrow(/unknown dataset format/);
    });
});
