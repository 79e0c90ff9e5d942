import path from "node:path";
import {afterEach, describe, expect, it} from "vitest";
import {SlackAdapter} from "../../src/adapters/slack/SlackAdapter.js";
import {KotaeRuntime} from "../../src/app/KotaeRuntime.js";
import {loadConfig} from "../../src/config/loadConfig.js";
import {FakeSlack, type RecordedSlackMessage} from "../support/fakeSlack/FakeSlack.js";
import {ScriptedBackend, type Script} from "../support/ScriptedBackend.js";
import {waitFor} from "../support/waitFor.js";
import {temporaryDirectory} from "../support/testRuntime.js";

// The real Slack adapter (Bolt, the engine, SQLite, the renderer) against the fake Slack on 127.0.0.1,
// in HTTP mode and in Socket Mode, with a scripted model.

const problem = "1から100までの自然数の和を求めてください";
const solution = "<think>\n組にします。\n</think>\n両端を組にすると $101 \\times 50 = 5050$ です。\n\n\\boxed{5050}";
const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

type World = {fake: FakeSlack, runtime: KotaeRuntime, adapter: SlackAdapter, backend: ScriptedBackend};
const worlds: World[] = [];

async function world(scripts: Script[], options: {socketMode?: boolean, env?: Record<string, string>, chunkDelayMs?: number} = {}): Promise<World> {
    const fake = await FakeSlack.start();
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
    const backend = new ScriptedBackend(scripts, 1, {chunkDelayMs: options.chunkDelayMs ?? 0});
    const runtime = KotaeRuntime.start(config, {backend});
    const adapter = await SlackAdapter.start(runtime, config);
    if (adapter.port != null) fake.connectHttp(`http://127.0.0.1:${adapter.port}/slack/events`);
    else await fake.socketConnected();
    const created = {fake, runtime, adapter, backend};
    worlds.push(created);
    return created;
}

afterEach(async () => {
    for (const {adapter, runtime, fake} of worlds.splice(0)) {
        await adapter.close();
        await runtime.close();
        await fake.close();
    }
});

/** The bot's answer message in the channel, once it carries the answer buttons. */
function answerMessage(fake: FakeSlack): Promise<RecordedSlackMessage> {
    return waitFor(() => fake.messagesIn(fake.channel.id).find((message) => JSON.stringify(message.blocks ?? []).includes("kotae:show")));
}

describe.each([["HTTP mode", false], ["Socket Mode", true]] as const)("Slack adapter against the fake Slack (%s)", (_mode, socketMode) => {
    it("/solve: acks in time, updates progress, ends with the answer, buttons and a PNG card in the thread", async () => {
        const {fake, runtime} = await world([solution], {socketMode, chunkDelayMs: 60});
        const command = await fake.slashCommand({command: "/solve", text: `${problem} mode:cot`});
        expect(command.inTime).toBe(true);

        const answer = await answerMessage(fake);
        expect(answer.text).toContain("*答え*：5050");
        expect(fake.calls.filter((call) => call.method === "chat.update").length).toBeGreaterThanOrEqual(2);
        const upload = await waitFor(() => fake.uploads.find((file) => file.threadTs === answer.ts));
        expect(upload.bytes.subarray(0, 8).equals(pngSignature)).toBe(true);
        await waitFor(() => fake.messagesIn(fake.channel.id, answer.ts).find((message) => message.text?.includes("続けて質問する") === true));
        expect(runtime.store.getInteraction(1)).toMatchObject({platform: "slack", status: "answered", mode: "cot", threadId: `${fake.channel.id}/${answer.ts}`, locale: "ja-JP"});
    });

    it("answers a reply in the thread with the problem and solution as context, once even if Slack redelivers it", async () => {
        const {fake, backend, runtime} = await world([solution, "100個を2個ずつ組にするので50組です。"], {socketMode});
        await fake.slashCommand({command: "/solve", text: problem});
        const answer = await answerMessage(fake);
        const {event} = await fake.message({text: "なぜ50組？", threadTs: answer.ts});
        await fake.redeliver(event, {num: 1, reason: "http_timeout"});
        const reply = await waitFor(() => fake.messagesIn(fake.channel.id, answer.ts).find((message) => message.text?.includes("2個ずつ") === true));
        expect(reply.thread_ts).toBe(answer.ts);
        expect(backend.requests[1]!.prompt.toText()).toContain(`### 指示:\n${problem}\n### 応答:\n両端を組にすると`);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(runtime.store.listTurns(1).map((turn) => turn.role)).toEqual(["user", "assistant"]);
        expect(backend.requests).toHaveLength(2);
    });

    it("buttons: solution pages into the thread, the report modal into SQLite, and a fresh retry", async () => {
        const {fake, runtime} = await world([solution], {socketMode});
        await fake.slashCommand({command: "/solve", text: problem});
        const answer = await answerMessage(fake);

        await fake.blockAction({message: answer, actionId: "kotae:show", user: fake.otherStudent});
        const pages = await waitFor(() => fake.uploads.find((file) => file.filename.startsWith("solution-")));
        expect(pages.bytes.subarray(0, 8).equals(pngSignature)).toBe(true);

        await fake.blockAction({message: answer, actionId: "kotae:report", user: fake.otherStudent});
        await fake.waitForCall("views.open");
        await fake.submitView({callbackId: "kotae:report", fields: {answer: "5,050", comment: "合っているかも"}, user: fake.otherStudent});
        await waitFor(() => runtime.store.listFeedback(1)[0]);
        expect(runtime.store.listFeedback(1)).toMatchObject([{correctedAnswer: "5,050", comment: "合っているかも", correctionEqualsModelAnswer: true}]);
        await waitFor(() => fake.ephemerals.find((ephemeral) => ephemeral.text.includes("報告ありがとうございます")));

        await fake.blockAction({message: answer, actionId: "kotae:retry"});
        await waitFor(() => runtime.store.getInteraction(2)?.status === "answered" || undefined);
        expect(runtime.store.getInteraction(2)).toMatchObject({parentId: 1, question: problem});
        expect(runtime.store.listEvents(1).map((event) => event.kind)).toEqual(["button:show", "button:report", "button:retry"]);
    });
});

describe("Slack adapter reliability (HTTP mode)", () => {
    it("rejects a bad or stale signature with 401 and records nothing", async () => {
        const {fake, runtime} = await world([solution]);
        expect((await fake.slashCommand({command: "/solve", text: problem, signature: "bad"})).status).toBe(401);
        expect((await fake.slashCommand({command: "/solve", text: problem, signature: "stale"})).status).toBe(401);
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(runtime.store.query<{n: number}>("SELECT count(*) AS n FROM interactions")[0]!.n).toBe(0);
        expect(fake.calls.filter((call) => call.method === "chat.postMessage")).toHaveLength(0);
    });

    it("backs off on a 429 from chat.update and still delivers the answer", async () => {
        const {fake} = await world([solution], {chunkDelayMs: 20});
        fake.failNext({method: "chat.update", status: 429, retryAfterSeconds: 1, times: 1});
        await fake.slashCommand({command: "/solve", text: problem});
        const answer = await answerMessage(fake);
        expect(answer.text).toContain("5050");
        expect(fake.calls.some((call) => call.method === "chat.update" && call.injected === true)).toBe(true);
    });

    it("cancel: only the asker can stop a running solve", async () => {
        const {fake, runtime} = await world([solution.repeat(30)], {chunkDelayMs: 40});
        await fake.slashCommand({command: "/solve", text: problem});
        const working = await waitFor(() => fake.messagesIn(fake.channel.id).find((message) => JSON.stringify(message.blocks ?? []).includes("kotae:cancel")));
        await fake.blockAction({message: working, actionId: "kotae:cancel", user: fake.otherStudent});
        await waitFor(() => fake.ephemerals.find((ephemeral) => ephemeral.text.includes("質問した人だけ")));
        await fake.blockAction({message: working, actionId: "kotae:cancel"});
        await waitFor(() => fake.messagesIn(fake.channel.id).find((message) => message.text === "キャンセルしました。"));
        expect(runtime.store.getInteraction(1)?.status).toBe("cancelled");
    });

    it("answers in the user's Slack locale and refuses past the hourly limit, logging the refusal", async () => {
        const {fake, runtime} = await world([solution], {env: {KOTAE_SOLVES_PER_HOUR: "1"}});
        const english = fake.addUser({name: "alex", locale: "en-US"});
        await fake.slashCommand({command: "/solve", text: "1+1", user: english});
        expect((await answerMessage(fake)).text).toContain("*Answer*: 5050");
        await fake.slashCommand({command: "/solve", text: "2+2", user: english});
        const refusal = await waitFor(() => fake.responseUrlPosts.find((post) => JSON.stringify(post.body).includes("slow down")));
        expect(JSON.stringify(refusal.body)).toContain("ephemeral");
        expect(runtime.store.getInteraction(2)).toMatchObject({status: "rejected", errorCode: "rate_limited"});
    });

    it("/kotae forget-me deletes the user's records", async () => {
        const {fake, runtime} = await world([solution]);
        await fake.slashCommand({command: "/solve", text: problem});
        await answerMessage(fake);
        await fake.slashCommand({command: "/kotae", text: "forget-me"});
        await waitFor(() => fake.responseUrlPosts.find((post) => JSON.stringify(post.body).includes("記録を削除しました")));
        expect(runtime.store.getInteraction(1)).toBeUndefined();
    });

    it("/kotae settings: an admin saves them in a modal, a student is refused", async () => {
        const {fake, runtime} = await world([solution]);
        await fake.slashCommand({command: "/kotae", text: "settings", user: fake.admin});
        await fake.waitForCall("views.open");
        await fake.submitView({callbackId: "kotae:settings", user: fake.admin, fields: {theme: "dark", solves_per_hour: "5", channels: fake.channel.id}});
        await waitFor(() => runtime.store.communitySettings("slack", fake.team.id));
        expect(runtime.store.communitySettings("slack", fake.team.id)).toMatchObject({theme: "dark", solvesPerHour: 5, allowedChannels: [fake.channel.id]});
        await fake.slashCommand({command: "/kotae", text: "settings", user: fake.student});
        await waitFor(() => fake.responseUrlPosts.find((post) => JSON.stringify(post.body).includes("管理者だけ")));
        expect(runtime.store.query<{kind: string}>("SELECT kind FROM interaction_events ORDER BY id").map((row) => row.kind)).toEqual(["settings_changed", "settings_refused"]);
    });
});
