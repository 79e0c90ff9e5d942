import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {LlamaCppBackend} from "../../src/llm/LlamaCppBackend.js";
import {Prompt} from "../../src/llm/Prompt.js";
import {BubblewrapSandbox} from "../../src/sandbox/BubblewrapSandbox.js";
import type {CodeSandbox} from "../../src/sandbox/CodeSandbox.js";
import {meterEvaluatedTokens} from "../support/evaluatedTokens.js";
import {steeredBy} from "../support/steeredBackend.js";
import {alice, collect, sharedModels, temporaryDirectory, testEngine} from "../support/testRuntime.js";

describe("TIR with the real node-llama-cpp backend (stories260K, grammar-forced code block)", () => {
    let backend: LlamaCppBackend;
    let sandbox: CodeSandbox;

    beforeAll(async () => {
        backend = await LlamaCppBackend.create({
            model: path.join(sharedModels, "stories260K.gguf"), modelsDirectory: temporaryDirectory(),
            gpu: "off", threads: 1, contextSize: 2048, sequences: 1
        });
        sandbox = await BubblewrapSandbox.create({poolSize: 1});
    });
    afterAll(async () => {
        await sandbox?.close();
        await backend?.dispose();
    });

    /** A TIR solve whose model (under grammars) writes one block, `print(6 * 7)`, then the answer after its output. */
    async function solveSixTimesSeven(problem: string) {
        const steered = steeredBy(backend, [
            String.raw`root ::= "We compute.\n<llm-code>\nprint(6 * 7)\n</llm-code>"`,
            String.raw`root ::= "\nThe answer is \\boxed{42}."`
        ]);
        const {engine, store} = testEngine(steered, {
            defaultProfile: "swallow-openmath", defaultMode: "tir", sandbox: () => Promise.resolve(sandbox), maxTokens: 80
        });
        const events = await collect(engine.solve({problem, requester: alice}));
        return {requests: steered.requests, store, events};
    }

    it("stops at </llm-code>, runs the block in the sandbox, and continues after the output", async () => {
        const {requests, store, events} = await solveSixTimesSeven("What is 6 times 7?");

        const [first, second] = requests;
        expect(first!.stopTriggers).toEqual(["</llm-code>"]);
        expect(second!.prompt.toText()).toMatch(/We compute\.\n<llm-code>\nprint\(6 \* 7\)\n?<\/llm-code><llm-code-output>\n42\n<\/llm-code-output>\n$/);
        expect(events.filter((event) => event.type === "codeResult")).toMatchObject([{n: 1, status: "ok", output: "42"}]);
        expect(events.at(-1)).toMatchObject({type: "done", result: {answer: "42", path: "tir", status: "answered"}});
        expect(store.interactions.executions(1)).toMatchObject([{code: expect.stringContaining("print(6 * 7)") as string, status: "ok", output: "42"}]);
        expect(store.interactions.get(1)!.rawOutput).toMatch(/<llm-code-output>\n42\n<\/llm-code-output>\n\nThe answer is \\boxed\{42\}\.$/);
    });

    it("continues after the output from the KV cache: only what the transcript added is evaluated, not the prompt again", async () => {
        // Something else first, so that the one sequence holds nothing of this prompt when the solve starts.
        await backend.complete({prompt: Prompt.text("Once upon a time"), maxTokens: 4, stopTriggers: [], temperature: 0, topP: 1, topK: 0, minP: 0, repeatPenalty: 1});
        const meter = meterEvaluatedTokens();
        try {
            const {requests, events} = await solveSixTimesSeven("What is 6 times 7? Please compute it with Python and explain each step.");
            expect(events.at(-1)).toMatchObject({type: "done", result: {answer: "42", path: "tir"}});
            const [prompt, continuation] = requests.map((request) => backend.countTokens(request.prompt));
            // One sequence: the first turn evaluates the whole prompt, the continuation only the tokens after it.
            const [evaluated] = meter.inputTokensPerSequenceSince(0);
            expect(prompt).toBeGreaterThan(100);
            expect(evaluated).toBeGreaterThanOrEqual(prompt! - 2);
            expect(evaluated! - prompt!).toBeLessThan(continuation! - prompt! + 5);
        } finally {
            meter.restore();
        }
    });
});
