import path from "node:path";
import {SlackAdapter} from "../../src/platforms/slack/SlackAdapter.js";
import {KotaeRuntime} from "../../src/app/KotaeRuntime.js";
import {loadConfig} from "../../src/config/loadConfig.js";
import {createKotaeLogger} from "../../src/observability/KotaeLogger.js";
import {FakeSlack, type FakeSlackOptions, type RecordedSlackMessage} from "../support/fakeSlack/FakeSlack.js";
import {ScriptedBackend, type Script} from "../support/ScriptedBackend.js";
import {stoppedAfterEachTest} from "../support/stoppedAfterEachTest.js";
import {temporaryDirectory} from "../support/testRuntime.js";
import {waitFor} from "../support/waitFor.js";

// The real Slack adapter (Bolt, the engine, SQLite, the renderer) against the fake Slack on 127.0.0.1,
// with a scripted model: what every adapter test file starts from.

export const problem = "1から100までの自然数の和を求めてください";
export const solution = "<think>\n組にします。\n</think>\n両端を組にすると $101 \\times 50 = 5050$ です。\n\n\\boxed{5050}";

export type World = {fake: FakeSlack, runtime: KotaeRuntime, adapter: SlackAdapter, backend: ScriptedBackend};

export type WorldOptions = {
    socketMode?: boolean,
    env?: Record<string, string>,
    chunkDelayMs?: number,
    /** Characters per scripted token (default 3). */
    chunkSize?: number,
    fake?: FakeSlackOptions,
    /** Collects Kotae's log lines (JSON, one per entry) instead of printing them. */
    logLines?: string[]
};

const stopAfterTest = stoppedAfterEachTest<World>();

/** Kotae on Slack (HTTP mode unless `socketMode`), connected to a fresh fake Slack; stopped after each test. */
export async function world(scripts: Script[], options: WorldOptions = {}): Promise<World> {
    const fake = await FakeSlack.start(options.fake);
    const config = loadConfig({env: {
        KOTAE_DB: path.join(temporaryDirectory(), "kotae.sqlite"),
        KOTAE_PSEUDONYM_KEY: "slack-test-key-0123456789",
        KOTAE_SLACK_BOT_TOKEN: fake.botToken,
        ...(options.socketMode === true ? {KOTAE_SLACK_APP_TOKEN: fake.appToken} : {KOTAE_SLACK_SIGNING_SECRET: fake.signingSecret}),
        KOTAE_SLACK_PORT: "0",
        KOTAE_SLACK_API_URL: fake.apiUrl,
        KOTAE_SEQUENCES: "1",
        ...options.env
    }, cwd: temporaryDirectory()});
    const backend = new ScriptedBackend(scripts, 1, {chunkDelayMs: options.chunkDelayMs ?? 0, ...(options.chunkSize != null ? {chunkSize: options.chunkSize} : {})});
    const logLines = options.logLines;
    const logger = logLines != null ? createKotaeLogger({format: "json", destination: {write: (line: string) => logLines.push(line)}}) : undefined;
    const runtime = KotaeRuntime.start(config, {backend, ...(logger != null ? {logger} : {})});
    const adapter = await SlackAdapter.start(runtime, config);
    if (adapter.port != null) fake.connectHttp(`http://127.0.0.1:${adapter.port}/slack/events`);
    else await fake.socketConnected();
    return stopAfterTest({fake, runtime, adapter, backend});
}

/** The bot's answer message in the channel, once it carries the answer buttons. */
export function answerMessage(fake: FakeSlack): Promise<RecordedSlackMessage> {
    return waitFor(() => fake.messagesIn(fake.channel.id).find((message) => JSON.stringify(message.blocks ?? []).includes("kotae:show")));
}

/** The answer message once the follow-up hint is in its thread: the last thing a solve posts. */
export async function finishedAnswer(fake: FakeSlack): Promise<RecordedSlackMessage> {
    const answer = await answerMessage(fake);
    await fake.waitForCall("chat.postMessage", (call) => call.args.thread_ts === answer.ts && call.status === 200, 10_000);
    return answer;
}

/** /solve, and its answer once the solve has posted everything. */
export async function solved(fake: FakeSlack, text = problem): Promise<RecordedSlackMessage> {
    await fake.slashCommand({command: "/solve", text});
    return finishedAnswer(fake);
}

/** The bot's replies in a thread, as people read them. */
export function shownReplies(fake: FakeSlack, threadTs: string): string[] {
    return fake.messagesIn(fake.channel.id, threadTs).map((message) => fake.shown(message).shown);
}
