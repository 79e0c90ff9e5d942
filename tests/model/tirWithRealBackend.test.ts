import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {LlamaCppBackend} from "../../src/llm/LlamaCppBackend.js";
import type {CompletionRequest, CompletionResult, LlmBackend} from "../../src/llm/LlmBackend.js";
import {BubblewrapSandbox} from "../../src/sandbox/BubblewrapSandbox.js";
import type {CodeSandbox} from "../../src/sandbox/CodeSandbox.js";
import {alice, collect, sharedModels, temporaryDirectory, testEngine} from "../support/testRuntime.js";

/**
 * The real node-llama-cpp backend, steered by one GBNF grammar per generation: a tiny model cannot write
 * Python, but under a grammar it emits a real code block, so the real stop trigger → sandbox → continue
 * path runs (with the continuation reusing the sequence's cached prompt).
 */
function steeredBy(backend: LlamaCppBackend, grammars: readonly string[]): LlmBackend & {requests: CompletionRequest[]} {
    const requests: CompletionRequest[] = [];
    return {
        model: backend.model,
        parallelism: backend.parallelism,
        requests,
        formatChat: (messages, template) => backend.formatChat(messages, template),
        countTokens: (prompt) => backend.countTokens(prompt),
        dispose: async () => {},
        complete: (request): Promise<CompletionResult> => {
            const grammar = grammars[requests.length];
            requests.push(request);
            return backend.complete({...request, temperature: 0, ...(grammar != null ? {grammar} : {})});
        }
    };
}

describe("TIR with the real node-llama-cpp backend (stories260K, grammar-forced code block)", () => {
    let backend: LlamaCppBackend;
    let sandbox: CodeSandbox;

    beforeAll(async () => {
        backend = await LlamaCppBackend.create({
            model: path.join(sharedModels, "stories260K.gguf"), modelsDirectory: temporaryDirectory(),
            gpu: "off", threads: 1, contextSize: 512, sequences: 1
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
        expect(second!.prompt.toText()).toMatch(/We compute\.\n<llm-code>\nprint\(6 \* 7\)\n?<\/llm-code>\n<llm-code-output>\n42\n<\/llm-code-output>\n$/);
        expect(events.filter((event) => event.type === "codeResult")).toMatchObject([{n: 1, status: "ok", output: "42"}]);
        expect(events.at(-1)).toMatchObject({type: "done", result: {answer: "42", path: "tir", status: "answered"}});
        expect(store.listExecutions(1)).toMatchObject([{code: expect.stringContaining("print(6 * 7)") as string, status: "ok", output: "42"}]);
        expect(store.getInteraction(1)!.rawOutput).toMatch(/<llm-code-output>\n42\n<\/llm-code-output>\n\nThe answer is \\boxed\{42\}\.$/);
    });
});
