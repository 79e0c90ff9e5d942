import path from "node:path";
import {InteractionResponseType, Locale, MessageFlags} from "discord.js";
import {describe, expect, it} from "vitest";
import {KotaeRuntime} from "../../src/app/KotaeRuntime.js";
import {loadConfig} from "../../src/config/loadConfig.js";
import {DiscordAdapter} from "../../src/platforms/discord/DiscordAdapter.js";
import {themes} from "../../src/render/RenderTheme.js";
import {FakeDiscord} from "../support/fakeDiscord/FakeDiscord.js";
import {decode} from "../support/imageComparison.js";
import {ScriptedBackend} from "../support/ScriptedBackend.js";
import {stoppedAfterEachTest} from "../support/stoppedAfterEachTest.js";
import {temporaryDirectory} from "../support/testRuntime.js";
import {waitFor} from "../support/waitFor.js";

// /tex through the real discord.js client against the fake Discord on 127.0.0.1, with the real renderer and SQLite.

type World = {fake: FakeDiscord, runtime: KotaeRuntime, adapter: DiscordAdapter};
const stopAfterTest = stoppedAfterEachTest<World>();
const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function world(env: Record<string, string> = {}): Promise<World> {
    const fake = await FakeDiscord.start();
    const config = loadConfig({env: {
        KOTAE_DB: path.join(temporaryDirectory(), "kotae.sqlite"),
        KOTAE_PSEUDONYM_KEY: "discord-tex-test-key-0123456789",
        KOTAE_DISCORD_TOKEN: "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123",
        KOTAE_DISCORD_APPLICATION_ID: fake.applicationId,
        KOTAE_DISCORD_API_URL: fake.apiUrl,
        KOTAE_DISCORD_GUILD_ID: fake.guild.id,
        ...env
    }, cwd: temporaryDirectory()});
    const runtime = KotaeRuntime.start(config, {backend: new ScriptedBackend([], 1)});
    const adapter = await DiscordAdapter.start(runtime, config);
    return stopAfterTest({fake, runtime, adapter});
}

function tex(fake: FakeDiscord, source: string, options: {theme?: string, user?: typeof fake.student, locale?: Locale} = {}) {
    return fake.slashCommand({
        name: "tex", user: options.user ?? fake.student, locale: options.locale ?? Locale.Japanese,
        options: [{type: 3, name: "source", value: source}, ...(options.theme != null ? [{type: 3 as const, name: "theme", value: options.theme}] : [])]
    });
}

/** The edit that carries the image and its delete button. */
function imageEdit(interaction: ReturnType<typeof tex>) {
    return interaction.waitForEdit((edit) => edit.files.length > 0, 20_000);
}

describe("/tex on Discord", () => {
    it("replies in the channel with the drawn math and a 削除 button, logged as a tex interaction", async () => {
        const {fake, runtime} = await world();
        const asked = tex(fake, "二次方程式の解は $$x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}$$");
        expect((await asked.callback()).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
        const edit = await imageEdit(asked);
        expect(edit.files).toHaveLength(1);
        expect(edit.files[0]!.data.subarray(0, 8).equals(pngSignature)).toBe(true);
        const raster = await decode(edit.files[0]!.data);
        expect(raster.width).toBe(880);
        expect(edit.body).toMatchObject({components: [{components: [{custom_id: "kotae-tex:delete:1", label: "削除"}]}]});
        const posted = asked.original()!;
        expect((posted.flags ?? 0) & MessageFlags.Ephemeral).toBe(0);
        expect(fake.messagesSeenBy(fake.otherStudent, fake.textChannel.id).map((message) => message.id)).toContain(posted.id);
        expect(runtime.store.interactions.get(1)).toMatchObject({platform: "discord", mode: "tex", status: "answered", workspaceId: fake.guild.id});
    });

    it("削除: someone else is refused privately and the image stays; the author's press removes it", async () => {
        const {fake, runtime} = await world();
        const asked = tex(fake, "$a^2 + b^2 = c^2$");
        await imageEdit(asked);
        const posted = asked.original()!;

        const stranger = fake.button({customId: "kotae-tex:delete:1", message: posted, user: fake.otherStudent});
        expect(await stranger.callback()).toMatchObject({
            type: InteractionResponseType.ChannelMessageWithSource, data: {content: "この画像を削除できるのは、書いた人だけです。", flags: MessageFlags.Ephemeral}
        });
        expect(fake.messagesIn(fake.textChannel.id).map((message) => message.id)).toContain(posted.id);

        const author = fake.button({customId: "kotae-tex:delete:1", message: posted});
        expect((await author.callback()).type).toBe(InteractionResponseType.DeferredMessageUpdate);
        await waitFor(() => fake.messagesIn(fake.textChannel.id).every((message) => message.id !== posted.id) || undefined);
        expect(runtime.store.interactions.events(1).map((event) => event.kind)).toEqual(["tex_delete:not_yours", "tex_delete:deleted"]);
    });

    it("a TeX error: the public placeholder goes, and only the author is told what is wrong", async () => {
        const {fake, runtime} = await world();
        const asked = tex(fake, "答えは $\\frac{1}{2$ です", {locale: Locale.EnglishUS});
        const told = await asked.waitForFollowUp(() => true, 20_000);
        expect(told.body).toMatchObject({content: "The braces { } do not pair up in: \\frac{1}{2", flags: MessageFlags.Ephemeral});
        await waitFor(() => fake.messagesSeenBy(fake.otherStudent, fake.textChannel.id).length === 0 || undefined);
        expect(runtime.store.interactions.get(1)).toMatchObject({mode: "tex", status: "failed", errorCode: "tex_unbalanced"});
    });

    it("a refusal before drawing (too long) is an ephemeral reply, nothing posted", async () => {
        const {fake, runtime} = await world({KOTAE_MAX_PROBLEM_CHARS: "10"});
        const asked = tex(fake, "$x^2 + y^2 = z^2$");
        expect(await asked.callback()).toMatchObject({
            type: InteractionResponseType.ChannelMessageWithSource, data: {content: "長すぎます（10文字まで）。短くして、もう一度送ってください。", flags: MessageFlags.Ephemeral}
        });
        expect(fake.messagesSeenBy(fake.otherStudent, fake.textChannel.id)).toHaveLength(0);
        expect(runtime.store.interactions.get(1)).toMatchObject({mode: "tex", status: "rejected", errorCode: "tex_too_long"});
    });

    it("the theme option is remembered for the user's next /tex, not for anyone else's", async () => {
        const {fake} = await world();
        const background = async (interaction: ReturnType<typeof tex>) => {
            const raster = await decode((await imageEdit(interaction)).files[0]!.data);
            return `#${[...raster.data.subarray(0, 3)].map((value) => value.toString(16).padStart(2, "0")).join("")}`;
        };
        expect(await background(tex(fake, "$x$", {theme: "dark"}))).toBe(themes.dark.background);
        expect(await background(tex(fake, "$y$"))).toBe(themes.dark.background);
        expect(await background(tex(fake, "$z$", {user: fake.otherStudent}))).toBe(themes.light.background);
    });
});
