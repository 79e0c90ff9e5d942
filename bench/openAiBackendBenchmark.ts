import {OpenAiBackend} from "../src/llm/openai/OpenAiBackend.js";
import {Prompt} from "../src/llm/Prompt.js";
import {FakeOpenAiServer} from "../tests/support/fakeOpenAi/FakeOpenAiServer.js";
import {median} from "./statistics.js";

const streamedTokens = 256;
const prompt = "Question: 1から100までの自然数の和を求めてください\nAnswer:";

/**
 * What the openai backend costs on top of the server: the same completions through `OpenAiBackend` and
 * through a bare HTTP client (fetch, the same token-id prompt, the SSE read to `[DONE]`) against one fake
 * vLLM on loopback, alternating. Per request: a one-token completion; per token: a 256-token stream sent as
 * fast as the fake can (the worst case; a real server's tokens come milliseconds apart, which makes the
 * share smaller still). Goals (issue 14): < 2 ms per request, < 2% of stream time.
 */
export async function openAiBackendBenchmark(rounds = 200): Promise<void> {
    const longText = "とても長い解答の一部です。".repeat(Math.ceil(streamedTokens * 3 / 13)).slice(0, streamedTokens * 3);
    const fake = await FakeOpenAiServer.start({flavour: "vllm", scripts: [(completion) => completion.body["max_tokens"] === 1 ? "x" : longText]});
    const backend = await OpenAiBackend.create({urls: [fake.url], parallel: 1, contextSize: 4096, healthIntervalMs: 60_000});
    try {
        const promptTokens = (await (await fetch(`${fake.url.replace(/\/v1$/, "")}/tokenize`, {
            method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify({model: fake.model, prompt, add_special_tokens: false})
        })).json() as {tokens: number[]}).tokens;

        const direct = async (maxTokens: number): Promise<void> => {
            const response = await fetch(`${fake.url}/completions`, {
                method: "POST", headers: {"content-type": "application/json"},
                body: JSON.stringify({model: fake.model, prompt: promptTokens, max_tokens: maxTokens, stream: true, temperature: 0})
            });
            const body = await response.text();
            if (!body.endsWith("data: [DONE]\n\n")) throw new Error("the fake's stream did not end with [DONE]");
        };
        const throughBackend = async (maxTokens: number): Promise<void> => {
            await backend.complete({prompt: Prompt.text(prompt), maxTokens, stopTriggers: [], temperature: 0, topP: 1, topK: 0, minP: 0, repeatPenalty: 1});
        };

        const timings = {directShort: [] as number[], backendShort: [] as number[], directLong: [] as number[], backendLong: [] as number[]};
        const time = async (into: number[], run: () => Promise<void>, keep: boolean) => {
            const started = performance.now();
            await run();
            if (keep) into.push(performance.now() - started);
        };
        for (let round = 0; round < rounds + 10; round++) {
            const keep = round >= 10; // the first rounds warm up connections, JIT and the token cache
            const order = round % 2 === 0;
            await time(order ? timings.directShort : timings.backendShort, () => (order ? direct : throughBackend)(1), keep);
            await time(order ? timings.backendShort : timings.directShort, () => (order ? throughBackend : direct)(1), keep);
            if (round % 4 === 0) {
                await time(order ? timings.directLong : timings.backendLong, () => (order ? direct : throughBackend)(streamedTokens), keep);
                await time(order ? timings.backendLong : timings.directLong, () => (order ? throughBackend : direct)(streamedTokens), keep);
            }
        }
        const perRequest = median(timings.backendShort) - median(timings.directShort);
        const streamShare = (median(timings.backendLong) - median(timings.directLong)) / median(timings.directLong);
        console.log(`openai backend against a bare HTTP client (fake vLLM on loopback, same process, ${rounds} rounds)`);
        console.log(`  one-token completion : bare ${median(timings.directShort).toFixed(2)} ms, backend ${median(timings.backendShort).toFixed(2)} ms median → ${perRequest.toFixed(2)} ms per request (goal < 2 ms)`);
        console.log(`  ${streamedTokens}-token stream    : bare ${median(timings.directLong).toFixed(2)} ms, backend ${median(timings.backendLong).toFixed(2)} ms median → `
            + `${(streamShare * 100).toFixed(1)}% of stream time, ${((median(timings.backendLong) - median(timings.directLong)) * 1000 / streamedTokens).toFixed(1)} µs per token (goal < 2%)`);
    } finally {
        await backend.dispose();
        await fake.close();
    }
}
