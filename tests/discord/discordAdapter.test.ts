import path from "node:path";
import {InteractionResponseType, Locale, MessageFlags, type APIGuildInteraction} from "discord.js";
import {describe, expect, it} from "vitest";
import {DiscordAdapter, deployCommands} from "../../src/platforms/discord/DiscordAdapter.js";
import {KotaeRuntime} from "../../src/app/KotaeRuntime.js";
import {loadConfig} from "../../src/config/loadConfig.js";
import type {KotaeConfig} from "../../src/config/KotaeConfig.js";
import {FakeDiscord, type FakeInteraction} from "../support/fakeDiscord/FakeDiscord.js";
import {ScriptedBackend, type Script} from "../support/ScriptedBackend.js";
import {waitFor} from "../support/waitFor.js";
import {stoppedAfterEachTest} from "../support/stoppedAfterEachTest.js";
import {readRows} from "../support/readRows.js";
import {sharedModels, temporaryDirectory} from "../support/testRuntime.js";

// The real Discord adapter (discord.js, the engine, SQLite, the renderer) against the fake Discord on
// 127.0.0.1, with a scripted model where the content matters.

const problem = "1から100までの自然数の和を求めてください";
const solution = "<think>\n組にします。\n</think>\n両端を組にすると $101 \\times 50 = 5050$ です。\n\n\\boxed{5050}";
const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

type World = {fake: FakeDiscord, runtime: KotaeRuntime, adapter: DiscordAdapter, backend: ScriptedBackend, config: KotaeConfig};
const stopAfterTest = stoppedAfterEachTest<World>();

/** A port nothing listens on (the discard port): where the fake's API points a client behind a gateway proxy. */
const unreachableGateway = "ws://127.0.0.1:9/unreachable";

async function world(scripts: Script[], options: {env?: Record<string, string>, chunkDelayMs?: number, failWith?: Error, gatewayProxy?: boolean, shards?: number} = {}): Promise<World> {
    const fake = await FakeDiscord.start({
        ...(options.gatewayProxy === true ? {announcedGatewayUrl: unreachableGateway} : {}),
        // Every shard in one 5-second identify window, so a sharded start takes no longer than one shard's.
        ...(options.shards != null ? {shards: options.shards, maxConcurrency: options.shards} : {})
    });
    const config = loadConfig({env: {
        KOTAE_DB: path.join(temporaryDirectory(), "kotae.sqlite"),
        KOTAE_PSEUDONYM_KEY: "discord-test-key-0123456789",
        KOTAE_DISCORD_TOKEN: "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123",
        KOTAE_DISCORD_APPLICATION_ID: fake.applicationId,
        KOTAE_DISCORD_API_URL: fake.apiUrl,
        KOTAE_DISCORD_GUILD_ID: fake.guild.id,
        KOTAE_SEQUENCES: "1",
        ...(options.gatewayProxy === true ? {KOTAE_DISCORD_GATEWAY_URL: fake.gatewayUrl} : {}),
        ...options.env
    }, cwd: temporaryDirectory()});
    const backend = new ScriptedBackend(scripts, 1, {chunkDelayMs: options.chunkDelayMs ?? 0, ...(options.failWith != null ? {failWith: options.failWith} : {})});
    const runtime = KotaeRuntime.start(config, {backend});
    const adapter = await DiscordAdapter.start(runtime, config);
    return stopAfterTest({fake, runtime, adapter, backend, config});
}

function solve(fake: FakeDiscord, text: string, user = fake.student, locale: Locale = Locale.Japanese) {
    return fake.slashCommand({name: "solve", options: [{type: 3, name: "problem", value: text}], user, locale});
}

/**
 * The solution's thread once Kotae has posted its hint there: the fake knows the thread as soon as it
 * creates it, but Kotae links it to the interaction only when the REST reply arrives, and a member can
 * only write in a thread they can see.
 */
function openedThread(fake: FakeDiscord) {
    return waitFor(() => {
        const thread = fake.threads[0];
        return thread !== undefined && fake.messagesIn(thread.id).some((message) => message.content.includes("メンション")) ? thread : undefined;
    });
}

/** Whether a request body is the final edit's: the one that carries the answer buttons. */
function isFinalEdit(body: unknown): boolean {
    return JSON.stringify(body ?? {}).includes("kotae:show:");
}

/** The final edit: the one that carries the answer buttons. */
function finalEdit(interaction: Pick<FakeInteraction<APIGuildInteraction>, "waitForEdit">) {
    return interaction.waitForEdit((edit) => isFinalEdit(edit.body), 20_000);
}

describe("Discord adapter against the fake Discord", () => {
    it("/solve: defers, shows progress, and ends with the answer, a PNG card, buttons and a thread", async () => {
        const {fake, runtime} = await world([solution], {chunkDelayMs: 60});
        const interaction = solve(fake, problem);
        expect((await interaction.callback()).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);

        const edit = await finalEdit(interaction);
        const progress = interaction.edits.slice(0, -1).map((request) => String((request.body as {content?: string}).content));
        expect(progress.length).toBeGreaterThanOrEqual(1);
        expect(progress.every((content) => /順番待ち|解き始めています|考えています|答えを書いています/.test(content))).toBe(true);

        const body = edit.body as {content: string, components: {components: {custom_id: string, label: string}[]}[]};
        expect(body.content).toContain("**答え**：5050");
        expect(body.components[0]!.components.map((button) => button.label)).toEqual(["解き方を見る", "間違いを報告", "もう一度解く"]);
        expect(edit.files).toHaveLength(1);
        expect(edit.files[0]!.data.subarray(0, 8).equals(pngSignature)).toBe(true);

        const thread = await openedThread(fake);
        expect(thread.name).toBe(`質問: ${problem}`);
        const row = runtime.store.interactions.get(1)!;
        expect(row).toMatchObject({platform: "discord", status: "answered", answer: "5050", threadId: thread.id, workspaceId: fake.guild.id});
        expect(row.userPseudonym).not.toContain(fake.student.id);
    });

    it("shards internally: identifies once per shard Discord recommends, and the guild's shard answers /solve, once", async () => {
        const {fake, runtime} = await world([solution], {shards: 2});
        expect(fake.identifies.map((identify) => identify.shard).toSorted()).toEqual([[0, 2], [1, 2]]);

        const interaction = solve(fake, problem);
        expect((await interaction.callback()).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
        expect((await finalEdit(interaction)).body).toMatchObject({content: expect.stringContaining("**答え**：5050")});
        expect(runtime.store.interactions.get(1)).toMatchObject({platform: "discord", status: "answered"});
        expect(runtime.store.interactions.get(2)).toBeUndefined();
    });

    it("answers a follow-up @mention in the thread with the problem and solution as context, and skips one without a mention", async () => {
        const {fake, backend, runtime} = await world([solution, "50組になるのは、100個を2個ずつ組にするからです。$100 \\div 2 = 50$", "二つ目の答えです。"]);
        await finalEdit(solve(fake, problem));
        const thread = await openedThread(fake);
        fake.message({channelId: thread.id, content: "なぜ50組？", mentionsBot: true});
        const reply = await waitFor(() => fake.messagesIn(thread.id).find((message) => message.content.includes("100個を2個ずつ")));
        expect(reply.attachments.length).toBe(1); // the math is drawn as an image too
        expect(backend.requests[1]!.prompt.toText()).toContain(`### 指示:\n${problem}\n### 応答:\n両端を組にすると`);
        expect(runtime.store.conversations.turns(1).map((turn) => turn.role)).toEqual(["user", "assistant"]);

        // Without the MessageContent intent a follow-up needs a mention: the unmentioned question is skipped,
        // which the answer to a later, mentioned one proves (messages are handled in order).
        fake.message({channelId: thread.id, content: "メンションなしの質問"});
        fake.message({channelId: thread.id, content: "もう一つ", mentionsBot: true});
        await waitFor(() => fake.messagesIn(thread.id).find((message) => message.content === "二つ目の答えです。"));
        expect(runtime.store.conversations.turns(1).map((turn) => turn.content)).toEqual(["なぜ50組？", expect.stringContaining("100個を2個ずつ"), "もう一つ", "二つ目の答えです。"]);
        expect(backend.requests).toHaveLength(3);
    });

    it("answers a stray @mention outside an answer's thread with a short hint, once, without the model and pinging nobody", async () => {
        const {fake, backend} = await world([solution]);
        const stray = fake.message({content: "これ解いて 2+3", mentionsBot: true});
        const hint = await waitFor(() => fake.messagesIn(fake.textChannel.id).find((message) => message.content.includes("/solve")));
        expect(hint.content).toBe("数学の問題は /solve で送ってください（例: /solve 1から100までの和は？）。答えのスレッドでは続けて質問できます。");
        expect(hint.message_reference?.message_id).toBe(stray.id);
        expect(hint.mentions).toEqual([]);
        fake.message({content: "ふつうの会話"});
        // The next mention's hint proves the unmentioned message before it was passed over.
        const second = fake.message({content: "もう一回", mentionsBot: true});
        await waitFor(() => fake.messagesIn(fake.textChannel.id).find((message) => message.message_reference?.message_id === second.id));
        expect(fake.messagesIn(fake.textChannel.id)).toHaveLength(2);
        expect(backend.requests).toHaveLength(0);
    });

    it("/ask in the thread answers a follow-up; elsewhere it says there is no problem to follow", async () => {
        const {fake, runtime} = await world([solution, "公式 n(n+1)/2 を使います。"]);
        await finalEdit(solve(fake, problem));
        const thread = await openedThread(fake);
        const ask = fake.slashCommand({name: "ask", channelId: thread.id, options: [{type: 3, name: "question", value: "公式は？"}]});
        expect((await ask.callback()).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
        await ask.waitForEdit(() => true, 10_000);
        expect(ask.original()).toMatchObject({channel_id: thread.id, content: "公式 n(n+1)/2 を使います。"});
        expect(runtime.store.conversations.turns(1).map((turn) => turn.content)).toEqual(["公式は？", "公式 n(n+1)/2 を使います。"]);
        const outside = fake.slashCommand({name: "ask", options: [{type: 3, name: "question", value: "公式は？"}]});
        expect(await outside.callback()).toMatchObject({data: {content: expect.stringContaining("/solve") as string, flags: MessageFlags.Ephemeral}});
    });

    it("answers only in the channels the moderators allowed", async () => {
        const {fake, runtime} = await world([solution]);
        const allow = (channelId: string) => runtime.store.community.save("discord", fake.guild.id, {
            allowedChannels: [channelId], defaultMode: null, profile: null, theme: null, solvesPerHour: null, followUpsNeedMention: null
        }, {platform: "discord", userId: fake.admin.id});
        allow("999999999999999999");
        expect(await solve(fake, problem).callback()).toMatchObject({
            type: InteractionResponseType.ChannelMessageWithSource,
            data: {content: expect.stringContaining("このチャンネルでは使えません") as string, flags: MessageFlags.Ephemeral}
        });
        expect(runtime.store.interactions.get(1)).toMatchObject({status: "rejected", errorCode: "channel_not_allowed"});
        allow(fake.textChannel.id);
        await finalEdit(solve(fake, problem));
        expect(runtime.store.interactions.get(2)).toMatchObject({status: "answered", channelId: fake.textChannel.id});
    });

    it("buttons: the solution pages for the presser, the report form into SQLite, and a fresh retry", async () => {
        const {fake, runtime} = await world([solution]);
        const asked = solve(fake, problem);
        await finalEdit(asked);

        const show = fake.button({customId: "kotae:show:1", message: asked.original()!, user: fake.otherStudent});
        expect(await show.callback()).toEqual({type: InteractionResponseType.DeferredChannelMessageWithSource, data: {flags: MessageFlags.Ephemeral}});
        const pages = await show.waitForEdit((edit) => edit.files.length > 0, 20_000);
        expect(pages.files[0]!.data.subarray(0, 8).equals(pngSignature)).toBe(true);
        // For the presser only: the rest of the channel does not see the pages.
        const shown = show.original()!;
        expect(shown.flags! & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
        expect(fake.messagesSeenBy(fake.otherStudent, fake.textChannel.id).map((message) => message.id)).toContain(shown.id);
        expect(fake.messagesSeenBy(fake.student, fake.textChannel.id).map((message) => message.id)).not.toContain(shown.id);

        const report = fake.button({customId: "kotae:report:1", message: asked.original()!, user: fake.otherStudent});
        expect((await report.callback()).type).toBe(InteractionResponseType.Modal);
        const submitted = fake.modalSubmit({customId: "kotae:report-form:1", fields: {answer: "5,050", comment: "合っているかも"}});
        const thanks = await submitted.callback();
        expect(thanks).toMatchObject({type: InteractionResponseType.ChannelMessageWithSource, data: {flags: MessageFlags.Ephemeral}});
        expect(runtime.store.feedback.list(1)).toMatchObject([{kind: "wrong_answer", correctedAnswer: "5,050", comment: "合っているかも", correctionEqualsModelAnswer: true}]);

        const retry = fake.button({customId: "kotae:retry:1", message: asked.original()!});
        await finalEdit(retry);
        expect(runtime.store.interactions.get(2)).toMatchObject({parentId: 1, question: problem, status: "answered"});
        expect(runtime.store.interactions.events(1).map((event) => event.kind)).toEqual(["button:show", "button:report", "button:retry"]);
    });

    it("cancel: only the asker can stop a running solve, which is logged as cancelled", async () => {
        const {fake, runtime} = await world([solution.repeat(30)], {chunkDelayMs: 40});
        const asked = solve(fake, problem);
        await asked.waitForEdit((edit) => JSON.stringify(edit.body).includes("kotae:cancel:1"), 10_000);
        const stranger = fake.button({customId: "kotae:cancel:1", message: asked.original()!, user: fake.otherStudent});
        expect(await stranger.callback()).toMatchObject({data: {content: "このボタンは質問した人だけが使えます。", flags: MessageFlags.Ephemeral}});
        const owner = fake.button({customId: "kotae:cancel:1", message: asked.original()!});
        expect((await owner.callback()).type).toBe(InteractionResponseType.DeferredMessageUpdate);
        await asked.waitForEdit((edit) => (edit.body as {content?: string}).content === "キャンセルしました。", 10_000);
        await waitFor(() => runtime.store.interactions.get(1)?.status === "cancelled" || undefined);
    });

    it("refuses past the hourly limit with when to retry, and logs the refusal", async () => {
        const {fake, runtime} = await world([solution], {env: {KOTAE_SOLVES_PER_HOUR: "1"}});
        await finalEdit(solve(fake, problem));
        const second = solve(fake, "2+2は？");
        expect(await second.callback()).toMatchObject({
            type: InteractionResponseType.ChannelMessageWithSource,
            data: {flags: MessageFlags.Ephemeral, content: expect.stringMatching(/あと\d+秒ほどで/) as string}
        });
        expect(runtime.store.interactions.get(2)).toMatchObject({status: "rejected", errorCode: "rate_limited", question: "2+2は？"});
        const english = solve(fake, "3+3?", fake.otherStudent, Locale.EnglishUS);
        await finalEdit(english); // another member is not limited by the first one's problems
    });

    it("a burst of refusals (too long, blank, still solving the previous one) is answered privately and leaves nothing public", async () => {
        const {fake, runtime} = await world([solution.repeat(30)], {chunkDelayMs: 40, env: {KOTAE_MAX_PROBLEM_CHARS: "50", KOTAE_MAX_PENDING_PER_USER: "1"}});
        const asked = solve(fake, problem);
        await asked.waitForEdit((edit) => JSON.stringify(edit.body).includes("kotae:cancel:1"), 10_000);
        const publicBefore = fake.messagesSeenBy(fake.otherStudent, fake.textChannel.id).length;
        const refused = [solve(fake, "x".repeat(51)), solve(fake, "   "), ...Array.from({length: 6}, (_, index) => solve(fake, `${index}+1は？`))];
        for (const refusal of refused)
            expect(await refusal.callback()).toMatchObject({type: InteractionResponseType.ChannelMessageWithSource, data: {flags: MessageFlags.Ephemeral}});
        expect(fake.messagesSeenBy(fake.otherStudent, fake.textChannel.id)).toHaveLength(publicBefore);
        expect(refused.every((refusal) => refusal.edits.length === 0)).toBe(true);
        expect(runtime.store.interactions.get(2)).toMatchObject({status: "rejected", errorCode: "problem_too_long"});
        expect(runtime.store.interactions.get(4)).toMatchObject({status: "rejected", errorCode: "too_many_pending"});
    });

    it("answers a command left registered after a rename and buttons Kotae no longer has, privately and kindly, and logs them", async () => {
        const {fake, runtime} = await world([solution]);
        const unknownAction = "このボタンやコマンドは今は使えません。問題は /solve で送ってください。";
        const renamed = fake.slashCommand({name: "kaitou", options: [{type: 3, name: "problem", value: problem}]});
        expect(await renamed.callback()).toMatchObject({type: InteractionResponseType.ChannelMessageWithSource, data: {content: unknownAction, flags: MessageFlags.Ephemeral}});
        const asked = solve(fake, problem);
        await finalEdit(asked);
        // An old message's buttons: another app's custom id, and one of Kotae's that no longer exists.
        const oldMessage = {...asked.original()!, id: "1", components: [{type: 1, components: [
            {type: 2, style: 1, label: "?", custom_id: "other-app:explain"}, {type: 2, style: 1, label: "?", custom_id: "kotae:explain:1"}
        ]}]} as NonNullable<ReturnType<typeof asked.original>>;
        for (const customId of ["other-app:explain", "kotae:explain:1"])
            expect(await fake.button({customId, message: oldMessage}).callback()).toMatchObject({
                type: InteractionResponseType.ChannelMessageWithSource, data: {content: unknownAction, flags: MessageFlags.Ephemeral}
            });
        expect(runtime.store.interactions.events(1).map((event) => event.kind)).toEqual(["button:explain"]);
    });

    it("tells the user kindly when the engine fails, and logs it", async () => {
        const {fake, runtime} = await world([solution], {failWith: new Error("llama_decode returned -1")});
        const asked = solve(fake, problem);
        await asked.waitForEdit((edit) => String((edit.body as {content?: string}).content).includes("エラーが起きました"), 10_000);
        expect(runtime.store.interactions.get(1)).toMatchObject({status: "failed", errorCode: "generation_failed"});
    });

    it("has discord.js retry a 429 on the final edit after retry_after, so the answer arrives as the edit", async () => {
        const {fake, runtime} = await world([solution]);
        fake.failNext({method: "PATCH", path: /\/webhooks\/.*\/messages\/@original/, body: isFinalEdit, status: 429, retryAfterSeconds: 0.3});
        const asked = solve(fake, problem);
        const edit = await finalEdit(asked);
        const attempts = fake.requests.filter((request) => request.params["token"] === asked.token && request.method === "PATCH" && isFinalEdit(request.body));
        expect(attempts.map((request) => [request.status, request.injected])).toEqual([[429, true], [200, false]]);
        // Kotae edits once: the retry is discord.js' REST queue waiting out retry_after, not Kotae sending again.
        expect(attempts[1]!.receivedAt - attempts[0]!.receivedAt).toBeGreaterThanOrEqual(300);
        expect(edit).toBe(attempts[1]);
        expect(asked.original()?.content).toContain("**答え**：5050");
        expect(runtime.store.interactions.events(1).map((event) => event.kind)).not.toContain("delivery_failed");
        expect(fake.messagesIn(fake.textChannel.id).map((message) => message.id)).toEqual([asked.original()!.id]);
    });

    it("after a lasting 500 on the reply still delivers the answer as a channel message that pings only the asker", async () => {

        const {fake, runtime} = await world([solution]);
        const asked = solve(fake, problem);
        await asked.callback();
        fake.failNext({method: "PATCH", path: /\/webhooks\/.*\/messages\/@original/, status: 500, times: 100});
        const delivered = await waitFor(() => fake.messagesIn(fake.textChannel.id).find((message) => message.content.includes("5050") && message.content.includes(`<@${fake.student.id}>`)), 20_000);
        expect(delivered.attachments).toHaveLength(1);
        expect(delivered.mentions.map((user) => user.id)).toEqual([fake.student.id]);
        expect(runtime.store.interactions.events(1).map((event) => event.kind)).toContain("delivery_failed");
    });

    it("delivers an answer whose interaction token has expired as a normal message in the channel", async () => {
        const {fake, runtime} = await world([solution], {chunkDelayMs: 30});
        const asked = solve(fake, problem);
        await asked.callback();
        fake.expireToken(asked.token);
        const delivered = await waitFor(() => fake.messagesIn(fake.textChannel.id).find((message) => message.content.includes("**答え**：5050")), 20_000);
        expect(delivered.content.startsWith(`<@${fake.student.id}>`)).toBe(true);
        expect(delivered.attachments).toHaveLength(1);
        await waitFor(() => fake.threads.find((thread) => thread.startedFromMessageId === delivered.id));
        expect(runtime.store.interactions.events(1)).toMatchObject([{kind: "delivery_failed", detail: {via: "edit"}}]);
    });

    it("/solve: acknowledges within Discord's 3 seconds, then edits its progress at most once a second, never rate limited", async () => {
        const slowThought = `<think>\n${"両端を組にします。".repeat(30)}\n</think>\n$101 \\times 50 = 5050$\n\n\\boxed{5050}`;
        const {fake} = await world([slowThought], {chunkDelayMs: 40});
        const asked = solve(fake, problem);
        // The fake refuses a callback after 3 s (10062), so an accepted one came in time.
        expect((await asked.callback()).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
        await finalEdit(asked);
        const progress = asked.edits.slice(0, -1);
        expect(progress.length).toBeGreaterThanOrEqual(2);
        const gaps = progress.slice(1).map((edit, index) => edit.receivedAt - progress[index]!.receivedAt);
        expect(Math.min(...gaps)).toBeGreaterThanOrEqual(700); // 1 s apart, less network jitter; unthrottled edits come milliseconds apart
        expect(fake.requests.filter((request) => request.status === 429)).toEqual([]);
    });

    it("shows hostile model text as written and pings nobody: @everyone, @here, role and member mentions", async () => {
        let hostile = "";
        const {fake} = await world([solution, () => hostile, () => hostile]);
        hostile = `@everyone @here <@&${fake.guild.adminRoleId}> <@&1> <@${fake.otherStudent.id}> <@!${fake.otherStudent.id}> <@222> **太字** a < b & c`;
        await finalEdit(solve(fake, problem));
        const thread = await openedThread(fake);
        fake.message({channelId: thread.id, content: "なぜ？", mentionsBot: true});
        const reply = await waitFor(() => fake.messagesIn(thread.id).find((message) => message.content.includes("**太字**")));
        const ask = fake.slashCommand({name: "ask", channelId: thread.id, options: [{type: 3, name: "question", value: "もう一度"}]});
        await ask.waitForEdit(() => true, 10_000);
        expect(reply.content).toBe(hostile);
        expect(ask.original()?.content).toBe(hostile);
        const botMessages = [...fake.messagesIn(fake.textChannel.id), ...fake.messagesIn(thread.id)];
        expect(botMessages.length).toBeGreaterThanOrEqual(4);
        for (const message of botMessages)
            expect({id: message.id, everyone: message.mention_everyone, users: message.mentions, roles: message.mention_roles}).toEqual({id: message.id, everyone: false, users: [], roles: []});
    });

    it("splits an answer over 2000 characters into messages of at most 2000, in order, losing nothing", async () => {
        const paragraph = (n: number) => `第${n}段落：${"両端の数を足すと毎回同じ和になります。".repeat(12)}`;
        const ending = "以上で全部です。";
        const long = [...Array.from({length: 20}, (_, index) => paragraph(index + 1)), ending].join("\n\n");
        expect(long.length).toBeGreaterThan(4000);
        const {fake} = await world([solution, long]);
        await finalEdit(solve(fake, problem));
        const thread = await openedThread(fake);
        const ask = fake.slashCommand({name: "ask", channelId: thread.id, options: [{type: 3, name: "question", value: "詳しく"}]});
        // The parts go out in order, so the one that ends the text is the last.
        await ask.waitForFollowUp((followUp) => String(followUp.body.content).endsWith(ending), 10_000);
        const parts = [ask.original()!.content, ...ask.followUps.map((followUp) => String(followUp.body.content))];
        expect(parts.length).toBeGreaterThanOrEqual(3);
        expect(parts.every((part) => [...part].length <= 2000)).toBe(true);
        expect(parts.join("").replace(/\s/g, "")).toBe(long.replace(/\s/g, ""));
        expect(parts[0]!.startsWith("第1段落")).toBe(true);
    });

    it("/kotae settings: a moderator changes them, a student is refused, and both are recorded", async () => {
        const {fake, runtime} = await world([solution]);
        const change = fake.slashCommand({name: "kotae", user: fake.admin, options: [{type: 1, name: "settings", options: [
            {type: 3, name: "channels", value: `<#${fake.textChannel.id}>`}, {type: 3, name: "theme", value: "dark"},
            {type: 4, name: "solves_per_hour", value: 3}, {type: 5, name: "followups_need_mention", value: false}
        ]}]});
        expect(await change.callback()).toMatchObject({data: {content: expect.stringContaining("設定を保存しました。") as string, flags: MessageFlags.Ephemeral}});
        expect(runtime.store.community.get("discord", fake.guild.id)).toMatchObject({
            allowedChannels: [fake.textChannel.id], theme: "dark", solvesPerHour: 3, followUpsNeedMention: false
        });

        const refused = fake.slashCommand({name: "kotae", user: fake.student, options: [{type: 1, name: "settings", options: [{type: 3, name: "theme", value: "light"}]}]});
        expect(await refused.callback()).toMatchObject({data: {content: "この操作はサーバーの管理者だけができます。"}});
        expect(runtime.store.community.get("discord", fake.guild.id)?.theme).toBe("dark");
        expect(readRows<{kind: string}>(runtime.store, "SELECT kind FROM interaction_events ORDER BY id").map((row) => row.kind)).toEqual(["settings_changed", "settings_refused"]);

        const help = fake.slashCommand({name: "kotae", options: [{type: 1, name: "help", options: []}]});
        expect(await help.callback()).toMatchObject({data: {content: expect.stringContaining("/solve") as string}});
    });

    it("/kotae forget-me deletes the member's records and answers privately", async () => {
        const {fake, runtime} = await world([solution]);
        await finalEdit(solve(fake, problem));
        const forget = fake.slashCommand({name: "kotae", options: [{type: 1, name: "forget-me", options: []}]});
        expect(await forget.callback()).toMatchObject({data: {content: expect.stringContaining("質問 1 件") as string, flags: MessageFlags.Ephemeral}});
        expect(runtime.store.interactions.get(1)).toBeUndefined();
    });

    it("connects to the gateway URL setting (a proxy) instead of the one the API announces", async () => {
        const {fake} = await world([solution], {gatewayProxy: true});
        expect(fake.requests.some((request) => request.path.endsWith("/gateway/bot"))).toBe(true);
        const edit = await finalEdit(solve(fake, problem));
        expect((edit.body as {content: string}).content).toContain("**答え**：5050");
    });

    it("deploy-commands registers /solve, /ask, /kotae and /tex with Japanese names to the test server", async () => {
        const {fake, config} = await world([solution]);
        expect(await deployCommands(config)).toEqual({scope: `server ${fake.guild.id}`, names: ["solve", "ask", "kotae", "tex"]});
        const registered = fake.registeredCommands(fake.guild.id);
        expect(registered.map((command) => command.name)).toEqual(["solve", "ask", "kotae", "tex"]);
        expect(registered[0]!.options?.[0]).toMatchObject({name: "problem", name_localizations: {ja: "問題"}});
    });
});


describe("Discord adapter with the real tiny model", () => {
    it("runs /solve through node-llama-cpp (stories260K) to a final reply without an answer, logged as no_answer", async () => {
        const fake = await FakeDiscord.start();
        const config = loadConfig({env: {
            KOTAE_DB: path.join(temporaryDirectory(), "kotae.sqlite"), KOTAE_PSEUDONYM_KEY: "discord-test-key-0123456789",
            KOTAE_DISCORD_TOKEN: "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123",
            KOTAE_DISCORD_APPLICATION_ID: fake.applicationId, KOTAE_DISCORD_API_URL: fake.apiUrl,
            KOTAE_MODEL: path.join(sharedModels, "stories260K.gguf"), KOTAE_GPU: "off", KOTAE_THREADS: "1",
            KOTAE_SEQUENCES: "1", KOTAE_CONTEXT_SIZE: "512", KOTAE_MAX_TOKENS: "24", KOTAE_MODE: "cot"
        }, cwd: temporaryDirectory()});
        const runtime = KotaeRuntime.start(config);
        const adapter = await DiscordAdapter.start(runtime, config);
        try {
            const asked = solve(fake, "Once upon a time");
            const edit = await finalEdit(asked);
            expect((edit.body as {content: string}).content).toContain("最後の答えまでたどり着けませんでした");
            expect(runtime.store.interactions.get(1)).toMatchObject({status: "no_answer", completionTokens: 24, modelFile: config.model});
        } finally {
            await adapter.close();
            await runtime.close();
            await fake.close();
        }
    });
});

describe("Discord DMs and user installs", () => {
    /** Registers the commands globally, as for DMs and user installs: a server's own commands exist only there. */
    async function deployGlobally({config}: World): Promise<void> {
        await deployCommands({...config, discord: {...config.discord, guildId: undefined}});
    }

    function solveIn(fake: FakeDiscord, channelId: string, text = problem) {
        return fake.slashCommand({name: "solve", options: [{type: 3, name: "problem", value: text}], channelId});
    }

    /** Whether the bot asked Discord to start any thread (from a message or on its own). */
    function startedThreads(fake: FakeDiscord) {
        return fake.requests.filter((request) => request.method === "POST" && /\/threads$/.test(request.path));
    }

    it("declares both installations and every context, so /solve is offered in servers, DMs and group DMs", async () => {
        const setup = await world([]);
        await deployGlobally(setup);
        for (const command of setup.fake.registeredCommands())
            expect(command).toMatchObject({integration_types: [0, 1], contexts: [0, 1, 2]});
    });

    it("in a DM with Kotae, /solve answers through the interaction and opens no thread; a message in the DM continues it", async () => {
        const setup = await world([solution, "50組になるのは、100個を2個ずつ組にするからです。"]);
        const {fake, runtime, backend} = setup;
        await deployGlobally(setup);
        const dm = fake.openDm(fake.student);
        const asked = solveIn(fake, dm.id);
        expect(await asked.callback()).toEqual({type: InteractionResponseType.DeferredChannelMessageWithSource, data: {flags: 0}});
        expect((await finalEdit(asked)).body).toMatchObject({content: expect.stringContaining("**答え**：5050")});
        // The DM holds the conversation: no thread was asked for, and the answer is linked to the DM.
        // (discord.js cannot even try to start a thread in a DM: it records thread_failed without a request.)
        const triedThread = () => startedThreads(fake).length > 0 || runtime.store.interactions.events(1).some((event) => event.kind === "thread_failed");
        await waitFor(() => runtime.store.interactions.get(1)?.threadId != null || triedThread() ? true : undefined);
        expect(triedThread()).toBe(false);
        expect(fake.threads).toEqual([]);
        expect(runtime.store.interactions.get(1)).toMatchObject({status: "answered", channelId: dm.id, workspaceId: null});

        fake.message({channelId: dm.id, content: "なぜ50組？"});
        const reply = await waitFor(() => fake.messagesIn(dm.id).find((message) => message.content.includes("100個を2個ずつ")));
        expect(reply.author.id).toBe(fake.applicationId);
        expect(backend.requests[1]!.prompt.toText()).toContain(problem);
        expect(runtime.store.conversations.turns(1).map((turn) => turn.content)).toEqual(["なぜ50組？", expect.stringContaining("100個を2個ずつ")]);
    });

    it("a user install in a server without Kotae answers through the token alone, seen by the student only, under the bot-wide defaults", async () => {
        const setup = await world([solution]);
        const {fake, runtime} = setup;
        await deployGlobally(setup);
        const channel = fake.addForeignChannel();
        // Settings once saved for that server are not its members' rules here: Kotae is not installed there.
        runtime.store.community.save("discord", fake.foreignGuildId, {
            allowedChannels: ["999999999999999999"], defaultMode: null, profile: null, theme: null, solvesPerHour: 1, followUpsNeedMention: null
        }, {platform: "discord", userId: fake.admin.id});
        const asked = solveIn(fake, channel.id);
        expect(await asked.callback()).toEqual({type: InteractionResponseType.DeferredChannelMessageWithSource, data: {flags: MessageFlags.Ephemeral}});
        expect((await finalEdit(asked)).body).toMatchObject({content: expect.stringContaining("**答え**：5050")});
        const answer = asked.original()!;
        expect(answer.flags! & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
        expect(fake.messagesSeenBy(fake.otherStudent, channel.id)).toEqual([]);
        // Nothing but the interaction's webhook touched the channel: no post, no thread (those would be 403s).
        expect(fake.requests.filter((request) => request.path.startsWith(`/channels/${channel.id}`))).toEqual([]);
        expect(runtime.store.interactions.get(1)).toMatchObject({status: "answered", workspaceId: null});

        // Its buttons work there too, privately.
        const show = fake.button({customId: "kotae:show:1", message: answer});
        expect(await show.callback()).toEqual({type: InteractionResponseType.DeferredChannelMessageWithSource, data: {flags: MessageFlags.Ephemeral}});
        await show.waitForEdit((edit) => edit.files.length > 0, 20_000);
    });

    it("in a group DM (reached by the student's own installation) the answer is the student's alone too", async () => {
        const setup = await world([solution]);
        const {fake} = setup;
        await deployGlobally(setup);
        const group = fake.addGroupDm([fake.student, fake.otherStudent]);
        const asked = solveIn(fake, group.id);
        expect(await asked.callback()).toEqual({type: InteractionResponseType.DeferredChannelMessageWithSource, data: {flags: MessageFlags.Ephemeral}});
        await finalEdit(asked);
        expect(fake.messagesSeenBy(fake.otherStudent, group.id)).toEqual([]);
        expect(fake.requests.filter((request) => request.path.startsWith(`/channels/${group.id}`))).toEqual([]);
    });

    it("DMs and user installs share the student's one bot-wide hourly limit, and its refusal is private", async () => {
        const setup = await world([solution], {env: {KOTAE_SOLVES_PER_HOUR: "1"}});
        const {fake, runtime} = setup;
        await deployGlobally(setup);
        const dm = fake.openDm(fake.student);
        await finalEdit(solveIn(fake, dm.id));
        const refused = solveIn(fake, fake.addForeignChannel().id);
        expect(await refused.callback()).toMatchObject({
            type: InteractionResponseType.ChannelMessageWithSource,
            data: {content: expect.stringContaining("また質問できます") as string, flags: MessageFlags.Ephemeral}
        });
        const again = solveIn(fake, dm.id);
        expect(await again.callback()).toMatchObject({type: InteractionResponseType.ChannelMessageWithSource, data: {flags: MessageFlags.Ephemeral}});
        expect(runtime.store.interactions.get(2)).toMatchObject({status: "rejected", errorCode: "rate_limited"});
        expect(runtime.store.interactions.get(3)).toMatchObject({status: "rejected", errorCode: "rate_limited"});
    });
});
