import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {LlamaCppBackend} from "../../src/llm/LlamaCppBackend.js";
import {BubblewrapSandbox} from "../../src/sandbox/BubblewrapSandbox.js";
import type {CodeSandbox} from "../../src/sandbox/CodeSandbox.js";
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

    it("stops at </llm-code>, runs the block in the sandbox, and continues after the output", async () => {
        const steered = steeredBy(backend, [
            String.raw`root ::= "We compute.\n<llm-code>\nprint(6 * 7)\n</llm-code>"`,
            String.raw`root ::= "\nThe answer is \\boxed{42}."`
        ]);
        const {engine, store} = testEngine(steered, {
            defaultProfile: "swallow-openmath", defaultMode: "tir", sandbox: () => Promise.resolve(sandbox), maxTokens: 80
        });
        const events = await collect(engine.solve({problem: "What is 6 times 7?", requester: alice}));

        const [first, second] = steered.requests;
        expect(first!.stopTriggers).toEqual(["</llm-code>"]);
        expect(second!.prompt.toText()).toMatch(/We compute\.\n<llm-code>\nprint\(6 \* 7\)\n?<\/llm-code><llm-code-output>\n42\n<\/llm-code-output>\n$/);
        expect(events.filter((event) => event.type === "codeResult")).toMatchObject([{n: 1, status: "ok", output: "42"}]);
        expect(events.at(-1)).toMatchObject({type: "done", result: {answer: "42", path: "tir", status: "answered"}});
        expect(store.listExecutions(1)).toMatchObject([{code: expect.stringContaining("print(6 * 7)") as string, status: "ok", output: "42"}]);
        expect(store.getInteraction(1)!.rawOutput).toMatch(/<llm-code-output>\n42\n<\/llm-code-output>\n\nThe answer is \\boxed\{42\}\.$/);
    });
});
