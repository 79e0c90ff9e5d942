import {afterAll} from "vitest";
import type {CompletionRequest, CompletionResult} from "../../../src/llm/LlmBackend.js";
import {OpenAiBackend} from "../../../src/llm/openai/OpenAiBackend.js";
import {ScriptedBackend} from "../ScriptedBackend.js";
import {FakeOpenAiServer, type FakeFlavour} from "./FakeOpenAiServer.js";

const started = new Set<OpenAiScriptedBackend>();
afterAll(async () => {
    for (const backend of started)
        await backend.stop();
});

/**
 * The ScriptedBackend's model played by a fake inference server and reached through the real OpenAiBackend:
 * the same scripts, turns and assertions, with every completion going over HTTP as token ids and coming back
 * as a server-sent event stream (stop triggers, budgets, cancel and parallel slots the server's way).
 * Prompt rendering stays the scripted model's, so the engine suites' prompt expectations hold for both.
 */
export class OpenAiScriptedBackend extends ScriptedBackend {
    /** Texts to play, by the prompt the server will decode (BOS written as `<s>`), in order. */
    private readonly queued = new Map<string, string[]>();
    private server: Promise<{fake: FakeOpenAiServer, backend: OpenAiBackend}> | undefined;

    public constructor(
        scripts: ConstructorParameters<typeof ScriptedBackend>[0],
        parallelism = 1,
        private readonly fakeOptions: ConstructorParameters<typeof ScriptedBackend>[2] & {flavour?: FakeFlavour} = {}
    ) {
        super(scripts, parallelism, fakeOptions);
        started.add(this);
    }

    public async stop(): Promise<void> {
        started.delete(this);
        const server = await this.server;
        await server?.backend.dispose();
        await server?.fake.close();
    }

    /** Starts the fake server and connects to it, so that a time-limited solve does not pay for the start. */
    public override async ready(): Promise<this> {
        await (this.server ??= this.start());
        return this;
    }

    protected override async generate(fullText: string, request: CompletionRequest): Promise<CompletionResult> {
        const {backend} = await (this.server ??= this.start());
        const key = `<s>${request.prompt.toText()}`;
        this.queued.set(key, [...this.queued.get(key) ?? [], fullText]);
        return backend.complete(request);
    }

    private async start(): Promise<{fake: FakeOpenAiServer, backend: OpenAiBackend}> {
        const fake = await FakeOpenAiServer.start({
            flavour: this.fakeOptions.flavour ?? "vllm",
            chunkSize: this.fakeOptions.chunkSize ?? 3,
            scripts: [(completion) => this.queued.get(completion.promptText)?.shift() ?? ""]
        });
        fake.chunkDelayMs = this.fakeOptions.chunkDelayMs ?? 0;
        const backend = await OpenAiBackend.create({urls: [fake.url], parallel: this.parallelism, contextSize: this.model.contextSize});
        return {fake, backend};
    }
}
