import fs from "node:fs";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {extractAnswer} from "../../src/answers/extractAnswer.js";
import {isKotaeError} from "../../src/errors/ErrorCode.js";
import {LlamaCppBackend} from "../../src/llm/LlamaCppBackend.js";
import type {CompletionRequest} from "../../src/llm/LlmBackend.js";
import {Prompt} from "../../src/llm/Prompt.js";
import {meterEvaluatedTokens} from "../support/evaluatedTokens.js";
import {readRows} from "../support/readRows.js";
import {waitFor} from "../support/waitFor.js";
import {alice, bob, collect, sharedModels, temporaryDirectory, testEngine} from "../support/testRuntime.js";

const stories = path.join(sharedModels, "stories260K.gguf");
const llamaVocab = path.join(sharedModels, "llama-2-tiny-random.gguf");
if (!fs.existsSync(stories) || !fs.existsSync(llamaVocab))
    throw new Error(`The model suite needs ${stories} and ${llamaVocab} (../shared/models beside the checkout).`);

const greedy = {temperature: 0, topP: 1, topK: 0, minP: 0, repeatPenalty: 1} as const;

function request(overrides: Partial<CompletionRequest> = {}): CompletionRequest {
    return {prompt: Prompt.text("Once upon a time"), maxTokens: 24, stopTriggers: [], ...greedy, ...overrides};
}

describe("LlamaCppBackend with the real node-llama-cpp (stories260K, CPU)", () => {
    let backend: LlamaCppBackend;

    beforeAll(async () => {
        backend = await LlamaCppBackend.create({
            model: stories, modelsDirectory: temporaryDirectory(), gpu: "off", threads: 1, contextSize: 512, sequences: 2
        });
    });
    afterAll(async () => {
        await backend.dispose();
    });

    it("loads the model with N parallel sequences on the CPU", () => {
        expect(backend.parallelism).toBe(2);
        expect(backend.model).toMatchObject({path: stories, device: "cpu", contextSize: 512});
    });

    it("streams text chunks that add up to the result, and counts tokens", async () => {
        const chunks: string[] = [];
        const result = await backend.complete(request({onTextChunk: (chunk) => chunks.push(chunk)}));
        expect(chunks.length).toBeGreaterThan(3);
        expect(chunks.join("")).toBe(result.text);
        expect(result).toMatchObject({stopReason: "maxTokens", completionTokens: 24});
        expect(result.promptTokens).toBe(backend.countTokens(Prompt.text("Once upon a time")));
    });

    it("is deterministic when greedy", async () => {
        const [first, second] = [await backend.complete(request()), await backend.complete(request())];
        expect(second.text).toBe(first.text);
    });

    it("stops at a custom stop trigger and reports it", async () => {
        const free = await backend.complete(request({maxTokens: 60}));
        const trigger = free.text.split(/\s+/).filter((word) => /^[a-z]{4,}$/.test(word))[1]!;
        const stopped = await backend.complete(request({maxTokens: 60, stopTriggers: [trigger]}));
        expect(stopped).toMatchObject({stopReason: "stopTrigger", stopTrigger: trigger});
        // node-llama-cpp drops the whitespace that shares a SentencePiece token with the trigger (" little").
        expect(stopped.text).toBe(free.text.slice(0, free.text.indexOf(trigger)).trimEnd());
    });

    it("aborts mid-generation and returns what it had", async () => {
        const abort = new AbortController();
        let chunks = 0;
        const result = await backend.complete(request({
            maxTokens: 400, signal: abort.signal, onTextChunk: () => {
                if (++chunks === 5) abort.abort();
            }
        }));
        expect(result.stopReason).toBe("aborted");
        expect(result.completionTokens).toBeLessThan(50);
    });

    it("runs two completions in parallel on two sequences", async () => {
        // When each completion's text arrives: overlapping spans mean both sequences generated at the same time.
        const arrivals: [number[], number[]] = [[], []];
        const [a, b] = await Promise.all(arrivals.map((times, index) => backend.complete(request({
            maxTokens: 60, temperature: 0.8, seed: index + 1, onTextChunk: () => times.push(performance.now())
        }))));
        expect([a!.completionTokens, b!.completionTokens]).toEqual([60, 60]);
        const [first, second] = arrivals;
        expect(second[0]!).toBeLessThan(first.at(-1)!);
        expect(first[0]!).toBeLessThan(second.at(-1)!);
    });

    it("starts a completion on a used sequence while other sequences generate, without waiting for them to finish", async () => {
        // node-llama-cpp's batch loop keeps its lock while two or more sequences generate, so it takes three.
        await using three = await LlamaCppBackend.create({
            model: stories, modelsDirectory: temporaryDirectory(), gpu: "off", threads: 1, contextSize: 512, sequences: 3
        });
        // Every sequence holds tokens of an earlier completion, so the late one must first erase what it does not share.
        await Promise.all([1, 2, 3].map((seed) => three.complete(request({maxTokens: 8, temperature: 0.8, seed}))));
        let longFinishedAt = Number.POSITIVE_INFINITY;
        let longChunks = 0;
        const longs = Promise.all(["Tom had a small blue boat.", "Sue liked to sing."].map((text, index) => three.complete(request({
            prompt: Prompt.text(text), maxTokens: 200, temperature: 0.8, seed: 7 + index, onTextChunk: () => { longChunks++; }
        })))).then((results) => { longFinishedAt = performance.now(); return results; });
        await waitFor(() => longChunks >= 10 || undefined);
        let lateFirstChunkAt: number | undefined;
        const late = await three.complete(request({maxTokens: 4, onTextChunk: () => { lateFirstChunkAt ??= performance.now(); }}));
        expect((await longs).map((result) => result.completionTokens)).toEqual([200, 200]); // they generated throughout
        expect(late.completionTokens).toBe(4);
        expect(lateFirstChunkAt!).toBeLessThan(longFinishedAt);
    });

    it("continues each conversation on the sequence that holds it, evaluating only the new tokens, while two interleave", async () => {
        const meter = meterEvaluatedTokens();
        try {
            const problems = [
                Prompt.text("Lily and her mom went to the park. They saw a big tree with red apples. Lily wanted an apple, so her mom lifted her up high. ".repeat(2)),
                Prompt.text("Tom had a small blue boat. Every day he took the boat to the lake and sailed it with his friend Sam. One day the wind was strong. ".repeat(2))
            ];
            // The first turns run side by side; the first ends sooner, so it frees its sequence first.
            const firstTurns = await Promise.all(problems.map((prompt, index) => backend.complete(request({prompt, maxTokens: index === 0 ? 4 : 40}))));
            const continuations = problems.map((prompt, index) => prompt.append(`${firstTurns[index]!.text}\nThe end.\n`));
            const before = meter.mark();
            // The second turns, the later-freed conversation first: each must find its own sequence, not the first free one.
            const secondTurns = await Promise.all([1, 0].map((index) => backend.complete(request({prompt: continuations[index]!, maxTokens: 4}))));
            expect(secondTurns.map((turn) => turn.completionTokens)).toEqual([4, 4]);

            const evaluated = meter.inputTokensPerSequenceSince(before);
            const shortestProblem = Math.min(...problems.map((prompt) => backend.countTokens(prompt)));
            expect(shortestProblem).toBeGreaterThan(50);
            expect(evaluated).toHaveLength(2);
            for (const tokens of evaluated)
                expect(tokens).toBeLessThan(10); // "\nThe end.\n" and a seam, never the problem again
        } finally {
            meter.restore();
        }
    });

    it("follows a GBNF grammar, so the engine's answer extraction sees a real \\boxed{}", async () => {
        const result = await backend.complete(request({maxTokens: 40, grammar: "root ::= \"The answer is \\\\boxed{\" [0-9] [0-9] \"}\""}));
        expect(result.text).toMatch(/^The answer is \\boxed\{\d\d\}$/);
        expect(extractAnswer(result.text)?.value).toMatch(/^\d\d$/);
    });

    it("refuses a prompt that does not fit the context instead of silently cutting it", async () => {
        const error = await backend.complete(request({prompt: Prompt.text("word ".repeat(2000))})).catch((caught: unknown) => caught);
        expect(isKotaeError(error) && error.code).toBe("problem_too_long");
        expect(backend.parallelism).toBe(2);
        expect((await backend.complete(request({maxTokens: 4}))).completionTokens).toBe(4); // the sequence went back to the pool
    });

    it("drives the engine end to end: more requests than sequences are queued and all logged", async () => {
        const {engine, store} = testEngine(backend, {concurrency: 2, maxTokens: 16, defaultProfile: "generic-chatml"});
        const users = [alice, bob, {...alice, userId: "3"}, {...alice, userId: "4"}];
        const runs = await Promise.all(users.map((requester) => collect(engine.solve({problem: "Tell me a story", requester}))));
        expect(runs.map((events) => (events[0] as {position: number}).position)).toEqual([0, 0, 1, 2]);
        for (const events of runs)
            expect(events.at(-1)).toMatchObject({type: "done", result: {status: "no_answer", completionTokens: 16, stopReason: "maxTokens"}});
        const rows = readRows<{status: string, model_file: string, prompt: string}>(store, "SELECT status, model_file, prompt FROM interactions");
        expect(rows).toHaveLength(4);
        expect(rows.every((row) => row.status === "no_answer" && row.model_file === stories && row.prompt.includes("Tell me a story"))).toBe(true);
    });
});

describe("LlamaCppBackend chat formatting and errors", () => {
    it("formats chats with a Jinja template and the file's BOS, keeps Japanese intact and user text out of special tokens (32k Llama-2 vocabulary)", async () => {
        await using backend = await LlamaCppBackend.create({
            model: llamaVocab, modelsDirectory: temporaryDirectory(), gpu: "off", threads: 1, contextSize: 256, sequences: 1
        });
        expect(backend.model.chatTemplate).toBeUndefined(); // the file has none: profiles must bring one
        const template = "{{ bos_token }}{% for m in messages %}[{{ m['role'] }}]{{ m['content'] }}</s>{% endfor %}{% if add_generation_prompt %}[assistant]{% endif %}";
        const prompt = backend.formatChat([{role: "system", content: "SYS"}, {role: "user", content: "1から100までの和</s>"}], template);
        expect(prompt.segments).toEqual([
            {kind: "special", text: "<s>[system]"}, {kind: "text", text: "SYS"}, {kind: "special", text: "</s>[user]"},
            {kind: "text", text: "1から100までの和</s>"}, {kind: "special", text: "</s>[assistant]"}
        ]);
        // The template's </s> is one EOS token; the student's "</s>" is plain characters.
        const tokenCount = backend.countTokens(prompt);
        const asUserText = backend.countTokens(new Prompt([{kind: "text", text: prompt.toText()}]));
        expect(asUserText).toBeGreaterThan(tokenCount);
        const result = await backend.complete(request({prompt, maxTokens: 8}));
        expect(result.completionTokens).toBeGreaterThan(0);
    });

    it("names the setting when the model file is missing", async () => {
        const error = await LlamaCppBackend.create({
            model: "/nonexistent/model.gguf", modelsDirectory: temporaryDirectory(), gpu: "off", threads: 1, contextSize: 256, sequences: 1
        }).catch((caught: unknown) => caught);
        expect(isKotaeError(error) && error.code).toBe("model_unavailable");
        expect((error as Error).message).toMatch(/\/nonexistent\/model\.gguf does not exist\. Set KOTAE_MODEL/);
    });

    it("explains an hf: model that cannot be downloaded offline", async () => {
        const error = await LlamaCppBackend.create({
            model: "hf:kotae-test/definitely-not-here:Q4_K_M", modelsDirectory: temporaryDirectory(), gpu: "off", threads: 1, contextSize: 256, sequences: 1
        }).catch((caught: unknown) => caught);
        expect((error as Error).message).toMatch(/Could not download hf:kotae-test\/definitely-not-here:Q4_K_M .*KOTAE_MODEL/s);
    });

    it("rejects a file that is not a GGUF model", async () => {
        const bogus = path.join(temporaryDirectory(), "bogus.gguf");
        fs.writeFileSync(bogus, "not a model");
        const error = await LlamaCppBackend.create({
            model: bogus, modelsDirectory: temporaryDirectory(), gpu: "off", threads: 1, contextSize: 256, sequences: 1
        }).catch((caught: unknown) => caught);
        expect((error as Error).message).toMatch(/Could not load the model .*bogus\.gguf/);
    });
});
