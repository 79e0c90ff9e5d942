import sharp from "sharp";
import {
    ActionRowBuilder,
    ApplicationIntegrationType,
    ChannelType,
    InteractionContextType,
    AllowedMentionsTypes,
    AttachmentBuilder,
    ButtonBuilder,
    ButtonStyle,
    Client,
    DiscordAPIError,
    Events,
    GatewayDispatchEvents,
    GatewayIntentBits,
    HTTPError,
    InteractionResponseType,
    LabelBuilder,
    MessageFlags,
    ModalBuilder,
    PermissionFlagsBits,
    Routes,
    TextInputBuilder,
    TextInputStyle,
    type ButtonInteraction,
    type ChatInputCommandInteraction,
    type ClientEvents,
    type Interaction,
    type Message,
    type APIMessage,
    type ModalSubmitInteraction,
    type RESTPostAPIChannelMessageJSONBody
} from "discord.js";
import {afterAll, beforeAll, describe, expect, it, vi} from "vitest";
import {FakeDiscord, type FakeInteraction} from "../support/fakeDiscord/FakeDiscord.js";

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent];

/** The TCP handles (sockets, servers) open in this worker, to compare before and after a shutdown. */
function tcpHandles(): number {
    return process.getActiveResourcesInfo().filter((resource) => resource.startsWith("TCP")).length;
}

/** A client logged in to the fake (and the fake's READY received), to act as the bot. */
async function connectedClient(fake: FakeDiscord, clientIntents = intents): Promise<Client> {
    const client = new Client({intents: clientIntents, rest: {api: fake.apiUrl}});
    const ready = nextEvent(client, Events.ClientReady);
    await client.login("fake-bot-token");
    await ready;
    return client;
}

/** The next time the client emits `event` with arguments that match. */
function nextEvent<K extends keyof ClientEvents>(client: Client, event: K, matches: (...args: ClientEvents[K]) => boolean = () => true): Promise<ClientEvents[K]> {
    return new Promise((resolve) => {
        const listener = (...args: ClientEvents[K]): void => {
            if (!matches(...args))
                return;
            client.off(event, listener);
            resolve(args);
        };
        client.on(event, listener);
    });
}

const rateLimitWindowMs = 600;

describe("the fake Discord, driven by the real discord.js client", () => {
    const handlesBefore = tcpHandles();
    let fake: FakeDiscord;
    let client: Client;

    /** Sends an interaction and returns it with the discord.js object the client made of it, to act as the bot. */
    async function interact<T extends Interaction>(send: () => FakeInteraction): Promise<{sent: FakeInteraction, received: T}> {
        const received = nextEvent(client, Events.InteractionCreate);
        const sent = send();
        const [interaction] = await received;
        expect(interaction.id).toBe(sent.id);
        return {sent, received: interaction as T};
    }

    /** A slash command whose deferred reply the bot has acknowledged. */
    async function deferredCommand(name = "solve"): Promise<{sent: FakeInteraction, received: ChatInputCommandInteraction}> {
        const command = await interact<ChatInputCommandInteraction>(() => fake.slashCommand({name}));
        await command.received.deferReply();
        return command;
    }

    beforeAll(async () => {
        // A short heartbeat interval so that the client heartbeats (and gets ACKs) within the tests, and
        // Discord's message rate limit over a short window so that a client waiting it out stays quick.
        fake = await FakeDiscord.start({heartbeatIntervalMs: 200, rateLimit: {limit: 5, windowMs: rateLimitWindowMs}});
        client = await connectedClient(fake);
    });

    afterAll(async () => {
        await client.destroy();
        await fake.close();
    });

    it("logs the client in: IDENTIFY with its intents, READY, then the guild with its text channel", async () => {
        const identified = await fake.identified();
        expect(identified).toEqual({intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent, token: "fake-bot-token", shard: [0, 1]});
        expect(client.user?.id).toBe(fake.botUser.id);
        expect(client.application?.id).toBe(fake.applicationId);
        const guild = client.guilds.cache.get(fake.guild.id);
        expect(guild?.available).toBe(true);
        expect(guild?.channels.cache.get(fake.textChannel.id)?.isTextBased()).toBe(true);
        expect(guild?.members.cache.has(fake.student.id)).toBe(true);
        expect(fake.requests.map((request) => request.route)).toContain("GET /gateway/bot");
    });

    it("acknowledges heartbeats, so the client measures a ping", async () => {
        await vi.waitFor(() => expect(client.ws.ping).toBeGreaterThanOrEqual(0), {timeout: 5_000});
    });

    it("records bulk command registration and names the registered command's id in interactions", async () => {
        await client.application!.commands.set([{name: "solve", description: "問題を解きます", options: [{type: 3, name: "problem", description: "問題文", required: true}]}], fake.guild.id);
        const [registered] = fake.registeredCommands(fake.guild.id);
        expect(registered).toMatchObject({name: "solve", application_id: fake.applicationId, guild_id: fake.guild.id});
        const {received} = await interact<ChatInputCommandInteraction>(() => fake.slashCommand({name: "solve", options: [{type: 3, name: "problem", value: "2x+1=5"}]}));
        expect(received.commandId).toBe(registered!.id);
        expect(received.options.getString("problem")).toBe("2x+1=5");
        expect(received.locale).toBe("ja");
        expect(received.user.id).toBe(fake.student.id);
        expect(received.memberPermissions?.has(PermissionFlagsBits.ManageGuild)).toBe(false);
        await received.reply({content: "了解", flags: MessageFlags.Ephemeral});
    });

    it("rejects a command Discord would reject: a description over 100 characters", async () => {
        const registering = client.application!.commands.set([{name: "solve", description: "長".repeat(101)}], fake.guild.id);
        await expect(registering).rejects.toMatchObject({code: 50035, message: expect.stringContaining("description[BASE_TYPE_BAD_LENGTH]")});
    });

    it("gives the admin's interactions ADMINISTRATOR and MANAGE_GUILD", async () => {
        const {received} = await interact<ChatInputCommandInteraction>(() => fake.slashCommand({name: "kotae", options: [{type: 1, name: "settings", options: []}], user: fake.admin}));
        expect(received.options.getSubcommand()).toBe("settings");
        expect(received.memberPermissions?.has(PermissionFlagsBits.Administrator)).toBe(true);
        expect(received.memberPermissions?.has(PermissionFlagsBits.ManageGuild)).toBe(true);
        await received.reply({content: "設定", flags: MessageFlags.Ephemeral});
    });

    describe("a solve: deferred reply, an answer card and buttons, a thread for follow-ups", () => {
        let command: {sent: FakeInteraction, received: ChatInputCommandInteraction};
        let png: Buffer;
        let answer: Message;

        beforeAll(async () => {
            png = await sharp({create: {width: 4, height: 4, channels: 3, background: "#fff"}}).png().toBuffer();
            command = await deferredCommand();
            answer = await command.received.editReply({
                content: "答え：x = 2",
                files: [new AttachmentBuilder(png, {name: "answer.png", description: "x = 2"})],
                components: [new ActionRowBuilder<ButtonBuilder>().addComponents(
                    new ButtonBuilder().setCustomId("show").setLabel("解き方を見る").setStyle(ButtonStyle.Primary),
                    new ButtonBuilder().setCustomId("note").setLabel("メモ").setStyle(ButtonStyle.Secondary))]
            });
        });

        it("records the defer callback", async () => {
            expect(await command.sent.callback()).toEqual({type: InteractionResponseType.DeferredChannelMessageWithSource, data: {flags: 0}});
        });

        it("records the multipart edit: the PNG's bytes and the button row", async () => {
            const edit = await command.sent.waitForEdit();
            expect(edit.path).toBe(`/webhooks/${fake.applicationId}/${command.sent.token}/messages/@original`);
            expect(edit.files).toHaveLength(1);
            expect(edit.files[0]).toMatchObject({field: "files[0]", index: 0, filename: "answer.png", contentType: "image/png"});
            expect(edit.files[0]!.data.subarray(0, 8).equals(pngSignature)).toBe(true);
            expect(edit.body.content).toBe("答え：x = 2");
            expect(edit.body.components?.[0]).toMatchObject({type: 1, components: [{type: 2, custom_id: "show"}, {type: 2, custom_id: "note"}]});
        });

        it("keeps the original response's state, with the attachment served back by URL", async () => {
            const original = command.sent.original()!;
            expect(answer.id).toBe(original.id);
            expect(original).toMatchObject({content: "答え：x = 2", channel_id: fake.textChannel.id, author: {id: fake.botUser.id}, webhook_id: fake.applicationId});
            expect(original.flags! & MessageFlags.Loading).toBe(0);
            const [attachment] = original.attachments;
            expect(attachment).toMatchObject({filename: "answer.png", size: png.length, content_type: "image/png", description: "x = 2"});
            expect(answer.attachments.first()?.url).toBe(attachment!.url);
            const downloaded = Buffer.from(await (await fetch(attachment!.url)).arrayBuffer());
            expect(downloaded.equals(png)).toBe(true);
        });

        it("starts a thread on the reply, which the client caches as a thread", async () => {
            const thread = await answer.startThread({name: "x の解き方", autoArchiveDuration: 1440});
            expect(thread.id).toBe(answer.id);
            expect(fake.threads).toEqual([{id: thread.id, parentId: fake.textChannel.id, name: "x の解き方", ownerId: fake.botUser.id, startedFromMessageId: answer.id}]);
            expect(client.channels.cache.get(thread.id)?.isThread()).toBe(true);
            await thread.sendTyping();
            await thread.send("質問はこのスレッドへどうぞ");
            expect(fake.messagesIn(thread.id).map((message) => message.content)).toEqual(["質問はこのスレッドへどうぞ"]);
            await expect(answer.startThread({name: "二つ目"})).rejects.toMatchObject({code: 160004});
        });

        it("delivers a member's message in the thread to messageCreate, as a thread message with its content", async () => {
            const threadId = fake.threads[0]!.id;
            const received = nextEvent(client, Events.MessageCreate, (message) => message.author.id === fake.student.id);
            const sent = fake.message({channelId: threadId, content: "なぜ 2 で割るの？"});
            const [message] = await received;
            expect(message.id).toBe(sent.id);
            expect(message.channel.isThread()).toBe(true);
            expect(message.content).toBe("なぜ 2 で割るの？");
            expect(message.guildId).toBe(fake.guild.id);
            expect(message.member?.id).toBe(fake.student.id);
            expect(message.mentions.users.has(fake.botUser.id)).toBe(false);
            await message.reply({content: "両辺を 2 で割ると x だけが残るからです。", allowedMentions: {repliedUser: false}});
            expect(fake.messagesIn(threadId).at(-1)).toMatchObject({type: 19, message_reference: {message_id: sent.id}, mentions: []});
        });

        it("opens a modal (label layout) from a button, and the submission's fields reach the bot", async () => {
            const click = await interact<ButtonInteraction>(() => fake.button({customId: "show", message: command.sent.original()!}));
            expect(click.received.message.id).toBe(answer.id);
            await click.received.showModal(new ModalBuilder().setCustomId("report-form").setTitle("誤りの報告").addLabelComponents(
                new LabelBuilder().setLabel("どこが違いますか").setTextInputComponent(new TextInputBuilder().setCustomId("reason").setStyle(TextInputStyle.Paragraph))));
            expect(await click.sent.callback()).toMatchObject({type: InteractionResponseType.Modal, data: {custom_id: "report-form", title: "誤りの報告"}});

            const submit = await interact<ModalSubmitInteraction>(() => fake.modalSubmit({customId: "report-form", fields: {reason: "符号が逆です"}}));
            expect(submit.received.user.id).toBe(fake.student.id);
            expect(submit.received.fields.getTextInputValue("reason")).toBe("符号が逆です");
            await submit.received.reply({content: "ありがとうございます", flags: MessageFlags.Ephemeral});
            expect(await submit.sent.callback()).toMatchObject({type: InteractionResponseType.ChannelMessageWithSource, data: {flags: MessageFlags.Ephemeral}});
            expect(submit.sent.original()).toMatchObject({content: "ありがとうございます", flags: MessageFlags.Ephemeral});
        });

        it("submits a modal of legacy action rows in that layout, and lets a component's modal update its message", async () => {
            const click = await interact<ButtonInteraction>(() => fake.button({customId: "note", message: command.sent.original()!, user: fake.otherStudent}));
            await click.received.showModal(new ModalBuilder().setCustomId("note-form").setTitle("メモ").addActionRowComponents(
                new ActionRowBuilder<TextInputBuilder>().addComponents(new TextInputBuilder().setCustomId("text").setLabel("メモ").setStyle(TextInputStyle.Short))));
            const submit = await interact<ModalSubmitInteraction>(() => fake.modalSubmit({customId: "note-form", fields: {text: "あとで復習"}}));
            expect(submit.sent.payload.data).toEqual({custom_id: "note-form", components: [{type: 1, components: [{type: 4, custom_id: "text", value: "あとで復習"}]}]});
            expect(submit.received.user.id).toBe(fake.otherStudent.id);
            expect(submit.received.fields.getTextInputValue("text")).toBe("あとで復習");
            if (!submit.received.isFromMessage())
                throw new Error("A modal opened from a button comes with the button's message");
            await submit.received.update({content: "答え：x = 2（メモあり）"});
            expect(fake.findMessage(answer.id)?.content).toBe("答え：x = 2（メモあり）");
        });

        it("refuses a modal whose title is over Discord's 45 characters", async () => {
            const click = await interact<ButtonInteraction>(() => fake.button({customId: "show", message: command.sent.original()!}));
            // Raw JSON: discord.js' builders would refuse the title before sending it.
            const modal = {custom_id: "long", title: "長".repeat(46), components: [{type: 18, label: "理由", component: {type: 4, custom_id: "reason", style: 1}}]};
            await expect(click.received.showModal(modal)).rejects.toMatchObject({code: 50035, message: expect.stringContaining("data.title[BASE_TYPE_BAD_LENGTH]")});
        });

        it("refuses a second callback for the same interaction with 40060", async () => {
            await expect(command.received.reply("もう一度")).rejects.toThrow(); // discord.js itself refuses: already deferred
            const again = fake.requests.length;
            await expect(client.rest.post(`/interactions/${command.sent.id}/${command.sent.token}/callback`, {body: {type: 5}, auth: false})).rejects.toMatchObject({code: 40060});
            expect(fake.requests).toHaveLength(again + 1);
        });
    });

    it("answers a 429 with headers that make discord.js wait and retry, so the edit arrives", async () => {
        fake.failNext({method: "PATCH", path: /\/messages\/@original$/, status: 429, retryAfterSeconds: 0.2});
        const {sent, received} = await deferredCommand();
        const rateLimited = new Promise((resolve) => client.rest.once("rateLimited", resolve));
        await received.editReply("少々お待ちください");
        // discord.js adds its 50 ms offset (twice where it waits out the bucket's reset before the retry).
        await expect(rateLimited).resolves.toMatchObject({method: "PATCH", global: false, retryAfter: expect.toSatisfy((ms: number) => ms >= 200 && ms <= 300)});
        const attempts = fake.requests.filter((request) => request.params["token"] === sent.token && request.method === "PATCH");
        expect(attempts.map((request) => [request.status, request.injected])).toEqual([[429, true], [200, false]]);
        expect(sent.edits).toHaveLength(1);
        expect(sent.original()?.content).toBe("少々お待ちください");
    });

    it("makes discord.js wait out a global 429 before retrying", async () => {
        fake.failNext({method: "PATCH", path: /\/messages\/@original$/, status: 429, retryAfterSeconds: 0.3, global: true});
        const {sent, received} = await deferredCommand();
        const started = Date.now();
        await received.editReply("全体の制限");
        expect(Date.now() - started).toBeGreaterThanOrEqual(300);
        expect(fake.requests.filter((request) => request.params["token"] === sent.token && request.method === "PATCH").map((request) => request.status)).toEqual([429, 200]);
    });

    it("surfaces a lasting 500 to the bot as an HTTPError once discord.js' three retries are spent", async () => {
        fake.failNext({method: "PATCH", path: /\/messages\/@original$/, status: 500, times: 4});
        const {sent, received} = await deferredCommand();
        const failure = await received.editReply("届かない").catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(HTTPError);
        expect(failure).toMatchObject({status: 500});
        expect(fake.requests.filter((request) => request.params["token"] === sent.token && request.method === "PATCH").map((request) => request.status)).toEqual([500, 500, 500, 500]);
        expect(sent.edits).toEqual([]);
    });

    it("surfaces an injected 4xx as a DiscordAPIError with its code", async () => {
        fake.failNext({method: "POST", path: new RegExp(`^/channels/${fake.textChannel.id}/messages$`), status: 403});
        const channel = client.channels.cache.get(fake.textChannel.id)!;
        const failure = await (channel.isSendable() ? channel.send("送れない") : Promise.reject(new Error("not sendable"))).catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(DiscordAPIError);
        expect(failure).toMatchObject({status: 403, code: 50013});
    });

    it("refuses an over-long edit with Discord's form error; the rest goes in a follow-up", async () => {
        const {sent, received} = await deferredCommand();
        await expect(received.editReply("あ".repeat(2001))).rejects.toMatchObject({code: 50035, message: expect.stringContaining("content[BASE_TYPE_MAX_LENGTH]")});
        await received.editReply("あ".repeat(2000));
        const rest = await received.followUp("あ");
        expect(sent.followUps.map((followUp) => followUp.body.content)).toEqual(["あ"]);
        expect(fake.messagesIn(fake.textChannel.id).at(-1)).toMatchObject({id: rest.id, content: "あ", interaction_metadata: {id: sent.id, original_response_message_id: sent.original()!.id}});
    });

    it("answers webhook calls with an expired token with 401 / 50027, and the bot token keeps working", async () => {
        const {sent, received} = await deferredCommand();
        fake.expireToken(sent.token);
        const failure = await received.editReply("遅すぎた").catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(DiscordAPIError);
        expect(failure).toMatchObject({status: 401, code: 50027});
        // discord.js drops its bot token on a 401 to an authenticated route; interaction webhooks are not.
        const channel = client.channels.cache.get(fake.textChannel.id)!;
        const fallback = channel.isSendable() ? await channel.send(`<@${fake.student.id}> 答え：x = 2`) : undefined;
        expect(fallback?.mentions.users.has(fake.student.id)).toBe(true);
    });

    it("hides message content from a client without the MessageContent intent, unless the bot is mentioned", async () => {
        const other = await connectedClient(fake, [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages]);
        try {
            const plain = nextEvent(other, Events.MessageCreate, (message) => message.author.id === fake.student.id);
            fake.message({content: "こんにちは"});
            expect((await plain)[0].content).toBe("");
            const mentioning = nextEvent(other, Events.MessageCreate, (message) => message.author.id === fake.student.id);
            fake.message({content: "1+1 は？", mentionsBot: true});
            const [message] = await mentioning;
            expect(message.content).toBe(`<@${fake.botUser.id}> 1+1 は？`);
            expect(message.mentions.users.has(fake.botUser.id)).toBe(true);
        } finally {
            await other.destroy();
        }
    });

    describe("mentions: who a message pings, from its content and allowed_mentions", () => {
        /** Posts a raw body (discord.js would add nothing) and returns the message as the fake stored it. */
        async function post(body: RESTPostAPIChannelMessageJSONBody): Promise<APIMessage> {
            const sent = await client.rest.post(Routes.channelMessages(fake.textChannel.id), {body}) as APIMessage;
            return fake.findMessage(sent.id)!;
        }
        const pings = (message: APIMessage) => ({everyone: message.mention_everyone, users: message.mentions.map((user) => user.id), roles: message.mention_roles});
        const everything = () => `@everyone @here <@${fake.student.id}> <@!${fake.otherStudent.id}> <@&${fake.guild.adminRoleId}>`;

        it("pings everything the content names when allowed_mentions is absent: @everyone, @here, <@id>, <@!id>, <@&id>", async () => {
            expect(pings(await post({content: everything()}))).toEqual({everyone: true, users: [fake.student.id, fake.otherStudent.id], roles: [fake.guild.adminRoleId]});
            expect(pings(await post({content: "@here だけ"}))).toMatchObject({everyone: true});
        });

        it("pings nothing with allowed_mentions {parse: []}, yet shows the text as written", async () => {
            const message = await post({content: everything(), allowed_mentions: {parse: []}});
            expect(pings(message)).toEqual({everyone: false, users: [], roles: []});
            expect(message.content).toBe(everything());
        });

        it("pings only the parsed types, or only the listed users and roles", async () => {
            expect(pings(await post({content: everything(), allowed_mentions: {parse: [AllowedMentionsTypes.Everyone]}}))).toEqual({everyone: true, users: [], roles: []});
            expect(pings(await post({content: everything(), allowed_mentions: {parse: [AllowedMentionsTypes.User, AllowedMentionsTypes.Role]}})))
                .toEqual({everyone: false, users: [fake.student.id, fake.otherStudent.id], roles: [fake.guild.adminRoleId]});
            expect(pings(await post({content: everything(), allowed_mentions: {users: [fake.otherStudent.id], roles: []}})))
                .toEqual({everyone: false, users: [fake.otherStudent.id], roles: []});
        });

        it("pings a replied-to author by default, and with allowed_mentions only if replied_user is true", async () => {
            const question = fake.message({content: "質問です"});
            const reply = (allowed?: RESTPostAPIChannelMessageJSONBody["allowed_mentions"]) => post({content: "返事", message_reference: {message_id: question.id}, ...(allowed === undefined ? {} : {allowed_mentions: allowed})});
            expect(pings(await reply()).users).toEqual([fake.student.id]);
            expect(pings(await reply({parse: []})).users).toEqual([]);
            expect(pings(await reply({parse: [], replied_user: true})).users).toEqual([fake.student.id]);
        });

        it("refuses a type both parsed and listed with Discord's form error", async () => {
            await expect(post({content: everything(), allowed_mentions: {parse: [AllowedMentionsTypes.User], users: [fake.student.id]}}))
                .rejects.toMatchObject({code: 50035, message: expect.stringContaining("allowed_mentions.parse[MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE]")});
        });

        it("recomputes the pings when an edit changes the content", async () => {
            const message = await post({content: "まだ誰も", allowed_mentions: {parse: []}});
            await client.rest.patch(Routes.channelMessage(fake.textChannel.id, message.id), {body: {content: "@everyone"}});
            expect(fake.findMessage(message.id)?.mention_everyone).toBe(true);
        });
    });

    it("shows an ephemeral reply only to the member who interacted, and keeps it out of the gateway and the history", async () => {
        const {sent, received} = await interact<ChatInputCommandInteraction>(() => fake.slashCommand({name: "kotae", user: fake.otherStudent}));
        const created: Message[] = [];
        const record = (message: Message): void => { created.push(message); };
        client.on(Events.MessageCreate, record);
        try {
            await received.reply({content: "あなただけに", flags: MessageFlags.Ephemeral});
            const marker = await (client.channels.cache.get(fake.textChannel.id) as {send: (content: string) => Promise<Message>}).send("公開");
            await vi.waitFor(() => expect(created.map((message) => message.id)).toContain(marker.id));
            const ephemeral = sent.original()!;
            expect(ephemeral.flags! & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
            expect(fake.messagesSeenBy(fake.otherStudent, fake.textChannel.id).map((message) => message.id)).toContain(ephemeral.id);
            expect(fake.messagesSeenBy(fake.student, fake.textChannel.id).map((message) => message.id)).not.toContain(ephemeral.id);
            expect(created.map((message) => message.id)).not.toContain(ephemeral.id);
            const history = await client.rest.get(Routes.channelMessages(fake.textChannel.id)) as APIMessage[];
            expect(history.map((message) => message.id)).not.toContain(ephemeral.id);
        } finally {
            client.off(Events.MessageCreate, record);
        }
    });

    describe("rate limits: a bucket per route and channel or interaction token", () => {
        it("answers with the bucket's X-RateLimit headers, then a 429 with Retry-After and {message, retry_after, global}", async () => {
            // A channel of its own, so that no earlier test has used its bucket.
            const channel = await client.rest.post(Routes.threads(fake.textChannel.id), {body: {name: "制限", type: 11}}) as {id: string};
            const target = await client.rest.post(Routes.channelMessages(channel.id), {body: {content: "編集される"}}) as APIMessage;
            // Raw requests: discord.js would wait for the bucket instead of sending the sixth.
            const edit = (content: string) => fetch(`${fake.apiUrl}/v10${Routes.channelMessage(channel.id, target.id)}`, {
                method: "PATCH", headers: {"authorization": "Bot fake-bot-token", "content-type": "application/json"}, body: JSON.stringify({content})
            });
            const answers = [];
            for (let attempt = 1; attempt <= 6; attempt++)
                answers.push(await edit(`編集 ${attempt}`));
            expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 429]);
            expect(answers.map((answer) => answer.headers.get("x-ratelimit-remaining"))).toEqual(["4", "3", "2", "1", "0", "0"]);
            expect(answers[0]!.headers.get("x-ratelimit-limit")).toBe("5");
            expect(Number(answers[0]!.headers.get("x-ratelimit-reset-after"))).toBeGreaterThan(0);
            expect(answers[0]!.headers.get("x-ratelimit-bucket")).toMatch(/^[0-9a-f]+$/);
            const limited = answers[5]!;
            expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
            const body = await limited.json() as {message: string, retry_after: number, global: boolean};
            expect(body).toMatchObject({message: "You are being rate limited.", global: false});
            expect(body.retry_after).toBeGreaterThan(0);
            expect(body.retry_after).toBeLessThanOrEqual(rateLimitWindowMs / 1000);
            expect(fake.findMessage(target.id)?.content).toBe("編集 5");
        });

        it("makes discord.js wait for the bucket's reset on its own, so a burst of edits gets no 429", async () => {
            const {sent, received} = await deferredCommand();
            for (let edit = 1; edit <= 7; edit++)
                await received.editReply(`進捗 ${edit}`);
            const attempts = fake.requests.filter((request) => request.params["token"] === sent.token && request.method === "PATCH");
            expect(attempts.map((request) => request.status)).toEqual([200, 200, 200, 200, 200, 200, 200]);
            // The sixth waited for the window the first opened to end.
            expect(attempts[5]!.receivedAt - attempts[0]!.receivedAt).toBeGreaterThanOrEqual(rateLimitWindowMs - 20);
        });
    });

    it("answers a callback later than the interaction deadline with 404 Unknown interaction (10062)", async () => {
        const strict = await FakeDiscord.start({interactionDeadlineMs: 150});
        const bot = await connectedClient(strict);
        try {
            const received = nextEvent(bot, Events.InteractionCreate);
            const sent = strict.slashCommand({name: "solve"});
            const [interaction] = await received;
            await new Promise((resolve) => setTimeout(resolve, 200)); // past the deadline: the point of the test
            await expect((interaction as ChatInputCommandInteraction).deferReply()).rejects.toMatchObject({status: 404, code: 10062});
            await expect(sent.callback(100)).rejects.toThrow(/Timed out/);
        } finally {
            await bot.destroy();
            await strict.close();
        }
    });

    it("recommends its shard count, and sends the guild and its events to the shard that owns it, (guild_id >> 22) % num_shards", async () => {
        const sharded = await FakeDiscord.start({shards: 2, maxConcurrency: 2});
        const bot = new Client({intents, shards: "auto", rest: {api: sharded.apiUrl}});
        const owner = Number((BigInt(sharded.guild.id) >> 22n) % 2n);
        const seen: Array<[string, number]> = [];
        for (const event of [GatewayDispatchEvents.GuildCreate, GatewayDispatchEvents.MessageCreate])
            bot.ws.on(event, (_data: unknown, shardId: number) => seen.push([event, shardId]));
        try {
            const ready = nextEvent(bot, Events.ClientReady);
            await bot.login("fake-bot-token");
            await ready;
            expect(sharded.identifies.map((identify) => identify.shard).toSorted()).toEqual([[0, 2], [1, 2]]);
            expect(bot.guilds.cache.get(sharded.guild.id)?.shardId).toBe(owner);

            const received = nextEvent(bot, Events.MessageCreate);
            const sent = sharded.message({content: "2+2は？"});
            expect((await received)[0].id).toBe(sent.id);
            expect(seen).toEqual([["GUILD_CREATE", owner], ["MESSAGE_CREATE", owner]]);
        } finally {
            await bot.destroy();
            await sharded.close();
        }
    });

    it("sends a command in the bot's DM with context BOT_DM, the user and no guild, and takes the bot's posts there", async () => {
        const dm = fake.openDm(fake.student);
        expect(fake.openDm(fake.student).id).toBe(dm.id);
        const {sent, received} = await interact<ChatInputCommandInteraction>(() => fake.slashCommand({name: "ask", channelId: dm.id}));
        expect(sent.payload).not.toHaveProperty("member");
        expect(received.context).toBe(InteractionContextType.BotDM);
        expect(received.guildId).toBeNull();
        expect(received.user.id).toBe(fake.student.id);
        expect(received.channelId).toBe(dm.id);
        expect((await client.channels.fetch(dm.id))?.type).toBe(ChannelType.DM);
        await received.reply({content: "DMで答えます"});
        const posted = await client.rest.post(Routes.channelMessages(dm.id), {body: {content: "続きもどうぞ"}}) as APIMessage;
        expect(fake.messagesIn(dm.id).map((message) => message.content)).toEqual(["DMで答えます", "続きもどうぞ"]);
        await expect(client.rest.post(Routes.threads(dm.id, posted.id), {body: {name: "スレッド"}})).rejects.toMatchObject({status: 400, code: 50024});
    });

    it("in a server without the bot, only the user's installation authorizes; the token answers, the bot's own calls get 403 Missing Access", async () => {
        const channel = fake.addForeignChannel();
        const {received} = await interact<ChatInputCommandInteraction>(() => fake.slashCommand({name: "ask", channelId: channel.id}));
        expect(received.context).toBe(InteractionContextType.Guild);
        expect(received.guildId).toBe(fake.foreignGuildId);
        expect(received.authorizingIntegrationOwners.guildId).toBeNull();
        expect(received.authorizingIntegrationOwners.userId).toBe(fake.student.id);
        await received.reply({content: "あなただけに", flags: MessageFlags.Ephemeral});
        expect(fake.messagesSeenBy(fake.student, channel.id).map((message) => message.content)).toEqual(["あなただけに"]);
        expect(fake.messagesSeenBy(fake.otherStudent, channel.id)).toEqual([]);
        await expect(client.rest.post(Routes.channelMessages(channel.id), {body: {content: "公開"}})).rejects.toMatchObject({status: 403, code: 50001});

        const group = fake.addGroupDm([fake.student, fake.otherStudent]);
        const inGroup = await interact<ChatInputCommandInteraction>(() => fake.slashCommand({name: "ask", channelId: group.id}));
        expect(inGroup.received.context).toBe(InteractionContextType.PrivateChannel);
        await inGroup.received.reply({content: "ok", flags: MessageFlags.Ephemeral});
        await expect(client.rest.post(Routes.channelMessages(group.id), {body: {content: "公開"}})).rejects.toMatchObject({status: 403, code: 50001});
    });

    it("offers a registered command only in its contexts and through its installations", async () => {
        await client.application!.commands.create({name: "serveronly", description: "サーバーだけ", contexts: [InteractionContextType.Guild], integration_types: [ApplicationIntegrationType.GuildInstall]});
        expect(() => fake.slashCommand({name: "serveronly", channelId: fake.openDm(fake.student).id})).toThrow(/no context 1/);
        expect(() => fake.slashCommand({name: "serveronly", channelId: fake.addForeignChannel().id})).toThrow(/no installation \[1\]/);
    });

    it("answers unknown routes with 404 and lists them", async () => {
        await expect(client.rest.get("/guilds/1/nothing-here")).rejects.toMatchObject({status: 404});
        expect(fake.unknownRequests.map((request) => `${request.method} ${request.path}`)).toEqual(["GET /guilds/1/nothing-here"]);
    });

    it("shuts down without leaving sockets or servers open", async () => {
        await client.destroy();
        await fake.close();
        await vi.waitFor(() => expect(tcpHandles()).toBeLessThanOrEqual(handlesBefore), {timeout: 5_000});
    });
});
