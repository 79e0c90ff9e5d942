import type {Server} from "node:http";
import type {AddressInfo} from "node:net";
import {App, LogLevel, webApi, type BlockAction, type types} from "@slack/bolt";
import sharp from "sharp";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {FakeSlack, type Delivery, type RecordedSlackMessage} from "../support/fakeSlack/FakeSlack.js";
import {fakeSlackWithClient} from "../support/fakeSlack/fakeSlackWithClient.js";
import {waitFor} from "../support/waitFor.js";

// The real @slack/bolt 4 app, in HTTP mode and in Socket Mode, and the real @slack/web-api client,
// against the fake Slack on 127.0.0.1.

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The TCP handles (sockets, servers) open in this worker, to compare before and after a shutdown. */
function tcpHandles(): number {
    return process.getActiveResourcesInfo().filter((resource) => resource.startsWith("TCP")).length;
}

/** What the app's handlers saw, for the tests to check. */
type Seen = {
    messages: {text: string, threadTs: string | undefined, retryNum: number | undefined, retryReason: string | undefined}[],
    /** Each message's channel_type ("channel", "group", "im"), in order. */
    channelTypes: string[],
    mentions: string[],
    submissions: {reason: string | null | undefined, privateMetadata: string}[],
    errors: unknown[]
};

const reportModal = (messageTs: string): types.ModalView => ({
    type: "modal",
    callback_id: "report-form",
    private_metadata: messageTs,
    title: {type: "plain_text", text: "間違いを報告"},
    submit: {type: "plain_text", text: "送信"},
    // No block_id: Slack makes one up, so the handler finds the value by action_id.
    blocks: [{type: "input", label: {type: "plain_text", text: "どこが違いますか"}, element: {type: "plain_text_input", action_id: "reason", max_length: 200}}]
});

/**
 * A Bolt app with the handlers a math bot has: /solve acks, posts, updates the post with a button and
 * uploads a PNG into its thread; /help answers in its ack; the button opens a modal; the modal's
 * submission is checked; a message in a thread gets a reply there.
 */
async function startApp(fake: FakeSlack, mode: "http" | "socket", png: Buffer): Promise<{app: App, seen: Seen}> {
    const seen: Seen = {messages: [], channelTypes: [], mentions: [], submissions: [], errors: []};
    // Retries, but short ones: enough to wait out an injected 429, not the default ten over 30 minutes.
    const clientOptions = {slackApiUrl: fake.apiUrl, retryConfig: {retries: 2, factor: 1, minTimeout: 20, maxTimeout: 20}};
    const app = mode === "http"
        ? new App({token: fake.botToken, signingSecret: fake.signingSecret, clientOptions, logLevel: LogLevel.ERROR})
        : new App({token: fake.botToken, appToken: fake.appToken, socketMode: true, clientOptions, logLevel: LogLevel.ERROR});
    app.error(async (error) => {
        seen.errors.push(error);
    });
    app.command("/solve", async ({command, ack, client}) => {
        await ack();
        const posted = await client.chat.postMessage({channel: command.channel_id, text: `解いています: ${command.text}`});
        await client.chat.update({
            channel: posted.channel!,
            ts: posted.ts!,
            text: "答え: 2",
            blocks: [
                {type: "section", text: {type: "mrkdwn", text: "*答え*: 2"}},
                {type: "actions", elements: [{type: "button", action_id: "report", text: {type: "plain_text", text: "間違いを報告"}, value: posted.ts!}]}
            ]
        });
        await client.files.uploadV2({channel_id: posted.channel!, thread_ts: posted.ts!, file: png, filename: "answer.png", initial_comment: "途中式"});
    });
    app.command("/help", async ({ack, respond}) => {
        await ack({text: "使い方: /solve 問題"});
        await respond({response_type: "in_channel", text: "みんなへ: /solve で質問できます"});
    });
    app.action<BlockAction>("report", async ({ack, body, client}) => {
        await ack();
        await client.views.open({trigger_id: body.trigger_id, view: reportModal(body.message!.ts)});
    });
    app.view("report-form", async ({ack, view}) => {
        const reason = Object.values(view.state.values).map((block) => block.reason?.value).find((value) => value !== undefined);
        seen.submissions.push({reason, privateMetadata: view.private_metadata});
        const [blockId] = Object.keys(view.state.values);
        await ack((reason ?? "").length < 3 ? {response_action: "errors", errors: {[blockId!]: "もう少し詳しく書いてください"}} : undefined);
    });
    app.message(async ({message, context, say}) => {
        const {text, thread_ts: threadTs} = message as {text: string, thread_ts?: string};
        seen.messages.push({text, threadTs, retryNum: context.retryNum, retryReason: context.retryReason});
        seen.channelTypes.push((message as {channel_type: string}).channel_type);
        // A retry of a message already answered gets no second answer.
        if (threadTs !== undefined && (context.retryNum ?? 0) === 0)
            await say({text: "スレッドで答えます", thread_ts: threadTs});
    });
    app.event("app_mention", async ({event}) => {
        seen.mentions.push(event.text);
    });
    if (mode === "http") {
        const server = await app.start(0) as Server;
        fake.connectHttp(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`);
    } else {
        await app.start();
        await fake.socketConnected();
    }
    return {app, seen};
}

describe.each(["http", "socket"] as const)("the fake Slack, driving the real Bolt app in %s mode", (mode) => {
    let handlesBefore: number;
    let fake: FakeSlack;
    let app: App;
    let seen: Seen;
    let png: Buffer;

    /** /solve, and the bot's answer once its PNG is shared in the answer's thread. */
    async function solve(text = "1+1"): Promise<{delivery: Delivery, answer: RecordedSlackMessage}> {
        const callsBefore = fake.calls.length;
        const delivery = await fake.slashCommand({command: "/solve", text});
        const upload = await fake.waitForCall("files.completeUploadExternal", (call) => call.status === 200 && fake.calls.indexOf(call) >= callsBefore);
        const answer = fake.messagesIn(fake.channel.id).find((message) => message.ts === upload.args.thread_ts)!;
        return {delivery, answer};
    }

    beforeAll(async () => {
        handlesBefore = tcpHandles();
        png = await sharp({create: {width: 4, height: 4, channels: 3, background: "#fff"}}).png().toBuffer();
        fake = await FakeSlack.start();
        ({app, seen} = await startApp(fake, mode, png));
    });

    afterAll(async () => {
        // The last test stops both; this is for a run that failed before it.
        await app.stop().catch(() => undefined);
        await fake.close();
    });

    it("connects: auth.test with the bot token, and in Socket Mode apps.connections.open with the app token", async () => {
        const authTest = await fake.waitForCall("auth.test");
        expect(authTest).toMatchObject({token: fake.botToken, status: 200, response: {ok: true, user_id: fake.botUserId, bot_id: fake.botId, team_id: fake.team.id}});
        const opened = fake.calls.filter((call) => call.method === "apps.connections.open");
        expect(opened.map((call) => call.token)).toEqual(mode === "socket" ? [fake.appToken] : []);
    });

    it("/solve: acked in time; the bot posts, updates with a button, and uploads a valid PNG into the answer's thread", async () => {
        const {delivery, answer} = await solve();
        expect(delivery).toMatchObject({transport: mode, status: mode === "http" ? 200 : "acked", body: undefined, inTime: true});
        expect(delivery.ackMs).toBeLessThan(3_000);

        expect(answer.text).toBe("答え: 2");
        expect(answer.edited?.user).toBe(fake.botUserId);
        expect(answer.blocks).toHaveLength(2);
        expect(answer.blocks!.every((block) => typeof (block as {block_id?: string}).block_id === "string")).toBe(true);

        const upload = fake.uploads.at(-1)!;
        expect(upload).toMatchObject({filename: "answer.png", channelId: fake.channel.id, threadTs: answer.ts, initialComment: "途中式"});
        expect(upload.bytes.subarray(0, 8).equals(pngSignature)).toBe(true);
        expect(await sharp(upload.bytes).metadata()).toMatchObject({format: "png", width: 4, height: 4});

        const [shared] = fake.messagesIn(fake.channel.id, answer.ts);
        expect(shared).toMatchObject({text: "途中式", thread_ts: answer.ts, files: [{id: upload.fileId, name: "answer.png", mimetype: "image/png", size: png.length}]});
        expect(fake.findMessage(fake.channel.id, answer.ts)).toMatchObject({reply_count: 1, latest_reply: shared!.ts});
        expect(fake.calls.filter((call) => call.method === "(upload)").at(-1)?.token).toBe(fake.botToken);
        expect(seen.errors).toEqual([]);
    });

    it("shows a command's ack text to the person only, and posts an in_channel response_url message in the channel", async () => {
        const delivery = await fake.slashCommand({command: "/help", user: fake.otherStudent});
        expect(delivery.body).toEqual({text: "使い方: /solve 問題"});
        expect(fake.ephemerals.at(-1)).toMatchObject({user: fake.otherStudent.id, channel: fake.channel.id, text: "使い方: /solve 問題", via: "ack"});
        const response = await fake.waitForCall("(response_url)");
        expect(response).toMatchObject({status: 200, args: {response_type: "in_channel", text: "みんなへ: /solve で質問できます"}});
        expect(fake.responseUrlPosts.at(-1)?.url).toBe((delivery.envelope.payload as {response_url: string}).response_url);
        expect(fake.messagesIn(fake.channel.id).at(-1)?.text).toBe("みんなへ: /solve で質問できます");
    });

    it("opens a modal from a button with the click's trigger_id, and hands the submission's values to the app", async () => {
        const {answer} = await solve();
        const click = await fake.blockAction({message: answer, actionId: "report"});
        expect(click.inTime).toBe(true);
        const opened = await fake.waitForCall("views.open", (call) => call.status === 200);
        expect(opened.args.trigger_id).toBe((click.envelope.payload as {trigger_id: string}).trigger_id);
        expect(fake.viewsOpened.at(-1)).toMatchObject({user: fake.student, view: {callback_id: "report-form", private_metadata: answer.ts}});

        const rejected = await fake.submitView({callbackId: "report-form", fields: {reason: "x"}});
        expect(rejected.body).toMatchObject({response_action: "errors"});
        const accepted = await fake.submitView({callbackId: "report-form", fields: {reason: "符号が逆です"}});
        expect(accepted.body).toBeUndefined();
        expect(seen.submissions.slice(-2)).toEqual([{reason: "x", privateMetadata: answer.ts}, {reason: "符号が逆です", privateMetadata: answer.ts}]);
    });

    it("refuses views.open with a trigger_id already used", async () => {
        const trigger = fake.viewsOpened.at(-1)!.triggerId;
        await expect(app.client.views.open({trigger_id: trigger, view: reportModal("1.0")})).rejects.toMatchObject({data: {error: "exchanged_trigger_id"}});
    });

    it("delivers a message in a thread, which the bot answers in the thread; a mention also comes as app_mention", async () => {
        const {answer} = await solve();
        const {event, appMention} = await fake.message({text: "なぜ2ですか", threadTs: answer.ts, mentionsBot: true});
        expect(event.inTime).toBe(true);
        expect(appMention?.inTime).toBe(true);
        expect(appMention?.eventId).not.toBe(event.eventId);
        await fake.waitForCall("chat.postMessage", (call) => call.args.thread_ts === answer.ts && call.args.text === "スレッドで答えます" && call.status === 200);
        expect(fake.messagesIn(fake.channel.id, answer.ts).map((message) => message.text)).toEqual(["途中式", "スレッドで答えます"]);
        expect(seen.messages.at(-1)).toMatchObject({text: `<@${fake.botUserId}> なぜ2ですか`, threadTs: answer.ts});
        expect(seen.mentions.at(-1)).toBe(`<@${fake.botUserId}> なぜ2ですか`);
    });

    it("sends a person's message with & < > escaped in its text, as typed in its rich_text block", async () => {
        const {event} = await fake.message({text: "a < b & c <@U123>"});
        await waitFor(() => seen.messages.find((message) => message.text === "a &lt; b &amp; c &lt;@U123&gt;"));
        const sent = (event.envelope.payload as {event: {blocks: {elements: {elements: {text?: string}[]}[]}[]}}).event;
        expect(sent.blocks[0]!.elements[0]!.elements).toEqual([{type: "text", text: "a < b & c <@U123>"}]);
    });

    it("delivers a message in the app's DM as message.im (channel_type im); the bot posts there and conversations.info calls it an im", async () => {
        const dm = fake.openDm(fake.student);
        expect(dm.id).toMatch(/^D/);
        await fake.message({text: "DMで質問です", channelId: dm.id});
        await waitFor(() => seen.messages.find((message) => message.text === "DMで質問です"));
        expect(seen.channelTypes.at(-1)).toBe("im");
        await app.client.chat.postMessage({channel: dm.id, text: "どうぞ"});
        expect(fake.messagesIn(dm.id).map((message) => message.text)).toEqual(["どうぞ"]); // the bot's messages
        const info = await app.client.conversations.info({channel: dm.id});
        expect(info.channel).toMatchObject({id: dm.id, is_im: true, user: fake.student.id});
    });

    it("redelivers an event with the same event_id, and the app sees the retry number and reason", async () => {
        const {event} = await fake.message({text: "こんにちは"});
        const retried = await fake.redeliver(event, {num: 1, reason: "http_timeout"});
        expect(retried.eventId).toBe(event.eventId);
        // Over HTTP a first delivery has no X-Slack-Retry-Num; over Socket Mode Slack sends retry_attempt: 0.
        expect(seen.messages.slice(-2)).toEqual([
            {text: "こんにちは", threadTs: undefined, retryNum: mode === "http" ? undefined : 0, retryReason: mode === "http" ? undefined : ""},
            {text: "こんにちは", threadTs: undefined, retryNum: 1, retryReason: "http_timeout"}
        ]);
    });

    it("answers chat.update with a 429 and Retry-After, which the web-api client waits out before the update lands", async () => {
        fake.failNext({method: "chat.update", status: 429, retryAfterSeconds: 1});
        const {answer} = await solve("2+2");
        const updates = fake.calls.filter((call) => call.method === "chat.update").slice(-2);
        expect(updates.map((call) => [call.status, call.injected])).toEqual([[429, true], [200, false]]);
        expect(updates[0]!.response).toEqual({ok: false, error: "ratelimited"});
        expect(updates[1]!.at - updates[0]!.at).toBeGreaterThanOrEqual(1_000);
        expect(answer.text).toBe("答え: 2");
    });

    if (mode === "http") {
        it("refuses bad, stale and missing signatures with 401, and runs no handler", async () => {
            const before = fake.calls.length;
            for (const signature of ["bad", "stale", "missing"] as const) {
                const delivery = await fake.slashCommand({command: "/solve", text: "署名なし", signature});
                expect(delivery.status).toBe(401);
            }
            const {event} = await fake.message({text: "偽物", signature: "bad"});
            expect(event.status).toBe(401);
            // A signed message the app has seen: the unsigned ones, delivered before it, would be seen before it.
            await fake.message({text: "本物"});
            await waitFor(() => seen.messages.find((message) => message.text === "本物"));
            expect(fake.calls.length).toBe(before);
            expect(seen.messages.map((message) => message.text)).not.toContain("偽物");
        });
    }

    it("stops cleanly: no sockets or servers left open", async () => {
        expect(seen.errors).toEqual([]);
        await app.stop();
        await fake.close();
        await waitFor(() => tcpHandles() <= handlesBefore || undefined, 5_000);
    });
});

describe("the fake Slack's Web API, called with the real @slack/web-api client", () => {
    let fake: FakeSlack;
    let client: webApi.WebClient;

    beforeAll(async () => ({fake, client} = await fakeSlackWithClient()));
    afterAll(() => fake.close());

    it("answers users.info with is_admin / is_owner, and the locale only with include_locale", async () => {
        const admin = await client.users.info({user: fake.admin.id, include_locale: true});
        expect(admin.user).toMatchObject({id: fake.admin.id, is_admin: true, is_owner: true, locale: "ja-JP"});
        const student = await client.users.info({user: fake.student.id});
        expect(student.user).toMatchObject({is_admin: false, is_owner: false});
        expect(student.user?.locale).toBeUndefined();
        const visitor = fake.addUser({name: "visitor", locale: "en-US"});
        expect((await client.users.info({user: visitor.id, include_locale: true})).user?.locale).toBe("en-US");
        await expect(client.users.info({user: "U404"})).rejects.toMatchObject({code: "slack_webapi_platform_error", data: {error: "user_not_found"}});
    });

    it("enforces chat.update's 4 000 characters and 50 blocks, with Slack's error messages", async () => {
        const posted = await client.chat.postMessage({channel: fake.channel.id, text: "あ".repeat(4_001)});
        await expect(client.chat.update({channel: fake.channel.id, ts: posted.ts!, text: "あ".repeat(4_001)})).rejects.toMatchObject({data: {error: "msg_too_long"}});
        const blocks = Array.from({length: 51}, (_, index): types.KnownBlock => ({type: "section", text: {type: "plain_text", text: String(index)}}));
        await expect(client.chat.update({channel: fake.channel.id, ts: posted.ts!, text: "x", blocks}))
            .rejects.toMatchObject({data: {error: "invalid_blocks", response_metadata: {messages: ["[ERROR] no more than 50 items allowed [json-pointer:/blocks]"]}}});
        await client.chat.update({channel: fake.channel.id, ts: posted.ts!, text: "あ".repeat(4_000), blocks: blocks.slice(0, 50)});
        expect(fake.findMessage(fake.channel.id, posted.ts!)?.blocks).toHaveLength(50);
    });

    it("shows an uploaded, unshared image in an image block by its slack_file id, until files.delete; refuses unknown and deleted files", async () => {
        const png = Buffer.from(await sharp({create: {width: 4, height: 4, channels: 3, background: "#ffffff"}}).png().toBuffer());
        const uploaded = await client.files.uploadV2({file_uploads: [{file: png, filename: "tex-1.png"}]}) as unknown as {files: {files: {id: string}[]}[]};
        const fileId = uploaded.files[0]!.files[0]!.id;
        expect(fake.uploads.find((upload) => upload.fileId === fileId)).toMatchObject({channelId: undefined, message: undefined});
        const imageBlocks = (id: string): types.KnownBlock[] => [{type: "image", slack_file: {id}, alt_text: "x"}];
        await client.chat.postMessage({channel: fake.channel.id, text: "x", blocks: imageBlocks(fileId)});
        await expect(client.chat.postMessage({channel: fake.channel.id, text: "x", blocks: imageBlocks("F404")}))
            .rejects.toMatchObject({data: {error: "invalid_blocks"}});
        await client.files.delete({file: fileId});
        await expect(client.files.delete({file: fileId})).rejects.toMatchObject({data: {error: "file_deleted"}});
        await expect(client.files.delete({file: "F404"})).rejects.toMatchObject({data: {error: "file_not_found"}});
        await expect(client.chat.postMessage({channel: fake.channel.id, text: "x", blocks: imageBlocks(fileId)}))
            .rejects.toMatchObject({data: {error: "invalid_blocks"}});
    });

    it("rejects a modal title over 24 characters, then an unknown trigger_id", async () => {
        await expect(client.views.open({trigger_id: "1.2.3", view: {...reportModal("1.0"), title: {type: "plain_text", text: "あ".repeat(25)}}}))
            .rejects.toMatchObject({data: {error: "invalid_arguments", response_metadata: {messages: ["[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"]}}});
        await expect(client.views.open({trigger_id: "1.2.3", view: reportModal("1.0")})).rejects.toMatchObject({data: {error: "invalid_trigger_id"}});
    });

    it("says not_in_channel, unknown_method, invalid_auth and not_allowed_token_type as Slack does", async () => {
        const elsewhere = fake.addChannel({name: "random", botIsMember: false});
        await expect(client.chat.postMessage({channel: elsewhere.id, text: "x"})).rejects.toMatchObject({data: {error: "not_in_channel"}});
        await expect(client.apiCall("chat.frobnicate")).rejects.toMatchObject({data: {error: "unknown_method"}});
        expect(fake.calls.at(-1)).toMatchObject({method: "chat.frobnicate", response: {ok: false, error: "unknown_method"}});
        await expect(client.auth.test({token: "xoxb-wrong"})).rejects.toMatchObject({data: {error: "invalid_auth"}});
        await expect(client.apps.connections.open()).rejects.toMatchObject({data: {error: "not_allowed_token_type"}});
    });

    it("pages conversations.replies: the parent first, then the replies", async () => {
        const parent = await client.chat.postMessage({channel: fake.channel.id, text: "親"});
        for (const text of ["一", "二", "三"])
            await client.chat.postMessage({channel: fake.channel.id, thread_ts: parent.ts!, text});
        const texts: string[] = [];
        for await (const page of client.paginate("conversations.replies", {channel: fake.channel.id, ts: parent.ts!, limit: 2}))
            texts.push(...(page as webApi.ConversationsRepliesResponse).messages!.map((message) => message.text!));
        expect(texts).toEqual(["親", "一", "二", "三"]);
    });

    it("surfaces an injected 500 as an HTTP error once retries are spent", async () => {
        fake.failNext({method: "reactions.add", status: 500});
        const posted = await client.chat.postMessage({channel: fake.channel.id, text: "x"});
        await expect(client.reactions.add({channel: fake.channel.id, timestamp: posted.ts!, name: "white_check_mark"})).rejects.toMatchObject({code: "slack_webapi_http_error", statusCode: 500});
        await client.reactions.add({channel: fake.channel.id, timestamp: posted.ts!, name: "white_check_mark"});
        expect(fake.findMessage(fake.channel.id, posted.ts!)?.reactions).toEqual([{name: "white_check_mark", users: [fake.botUserId], count: 1}]);
    });
});
