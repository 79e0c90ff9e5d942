import {describe, expect, it} from "vitest";
import {parseTexText} from "../../src/platforms/slack/texFeature.js";
import {themes} from "../../src/render/RenderTheme.js";
import {decode} from "../support/imageComparison.js";
import {waitFor} from "../support/waitFor.js";
import {world} from "./slackWorld.js";

// /tex through real Bolt against the fake Slack on 127.0.0.1, with the real renderer and SQLite.

/** The bot's /tex message: image blocks above the 削除 button. */
function texMessage(fake: Awaited<ReturnType<typeof world>>["fake"]) {
    return waitFor(() => fake.messagesIn(fake.channel.id).find((message) => JSON.stringify(message.blocks ?? []).includes("kotae-tex:delete")), 20_000);
}

/** The colour of an uploaded image's corner: its theme's background. */
async function backgroundOf(fake: Awaited<ReturnType<typeof world>>["fake"], fileId: string): Promise<string> {
    const upload = fake.uploads.find((candidate) => candidate.fileId === fileId)!;
    const raster = await decode(upload.bytes);
    return `#${[...raster.data.subarray(0, 3)].map((value) => value.toString(16).padStart(2, "0")).join("")}`;
}

function slackFileIds(message: {blocks?: readonly unknown[] | undefined}): string[] {
    return (message.blocks ?? []).flatMap((block) => {
        const id = (block as {type: string, slack_file?: {id: string}}).slack_file?.id;
        return id != null ? [id] : [];
    });
}

describe("/tex on Slack", () => {
    it("posts the drawn math in the channel with a 削除 button, logged as a tex interaction", async () => {
        const {fake, runtime} = await world([]);
        await fake.slashCommand({command: "/tex", text: "面積は $$S = \\pi r^2$$"});
        const message = await texMessage(fake);
        const [fileId] = slackFileIds(message);
        const upload = fake.uploads.find((candidate) => candidate.fileId === fileId)!;
        expect(upload.channelId, "uploaded for the message, not shared on its own").toBeUndefined();
        expect((await decode(upload.bytes)).width).toBe(880);
        expect(message.text).toBe("面積は $$S = \\pi r^2$$");
        expect(JSON.stringify(message.blocks)).toContain("削除");
        expect(runtime.store.interactions.get(1)).toMatchObject({platform: "slack", mode: "tex", status: "answered"});
    });

    it("削除: someone else is refused privately and the image stays; the author's press removes the message and its file", async () => {
        const {fake, runtime} = await world([]);
        await fake.slashCommand({command: "/tex", text: "$e^{i\\pi} + 1 = 0$"});
        const message = await texMessage(fake);
        const [fileId] = slackFileIds(message);

        await fake.blockAction({message, actionId: "kotae-tex:delete", user: fake.otherStudent});
        const refusal = await waitFor(() => fake.ephemerals.find((ephemeral) => ephemeral.text === "この画像を削除できるのは、書いた人だけです。"));
        expect(refusal.user).toBe(fake.otherStudent.id);
        expect(fake.findMessage(fake.channel.id, message.ts)).toBeDefined();

        await fake.blockAction({message, actionId: "kotae-tex:delete"});
        await waitFor(() => fake.findMessage(fake.channel.id, message.ts) === undefined || undefined);
        await fake.waitForCall("files.delete", (call) => call.args.file === fileId && call.status === 200);
        expect(runtime.store.interactions.events(1).map((event) => event.kind)).toEqual(["tex_delete:not_yours", "tex_delete:deleted"]);
    });

    it("a TeX error is told to the author alone, by name; nothing is posted", async () => {
        const {fake, runtime} = await world([]);
        await fake.slashCommand({command: "/tex", text: "$\\href{https://example.com}{x}$"});
        const told = await waitFor(() => fake.responseUrlPosts.find((post) => JSON.stringify(post.body).includes("\\\\href は使えない命令です")), 20_000);
        expect(told.body).toMatchObject({response_type: "ephemeral"});
        expect(fake.messagesIn(fake.channel.id)).toHaveLength(0);
        expect(runtime.store.interactions.get(1)).toMatchObject({mode: "tex", status: "failed", errorCode: "tex_unknown_command"});
    });

    it("theme:dark is remembered for the user's next /tex, not for anyone else's", async () => {
        const {fake} = await world([]);
        await fake.slashCommand({command: "/tex", text: "theme:dark $x$"});
        const first = await texMessage(fake);
        expect(first.text).toBe("$x$");
        expect(await backgroundOf(fake, slackFileIds(first)[0]!)).toBe(themes.dark.background);
        await fake.slashCommand({command: "/tex", text: "$y$"});
        const second = await waitFor(() => fake.messagesIn(fake.channel.id).find((message) => message.text === "$y$"), 20_000);
        expect(await backgroundOf(fake, slackFileIds(second)[0]!)).toBe(themes.dark.background);
        await fake.slashCommand({command: "/tex", text: "$z$", user: fake.otherStudent});
        const third = await waitFor(() => fake.messagesIn(fake.channel.id).find((message) => message.text === "$z$"), 20_000);
        expect(await backgroundOf(fake, slackFileIds(third)[0]!)).toBe(themes.light.background);
    });

    it("a channel the bot cannot post in leaves no uploaded file behind, and the failure is logged", async () => {
        const {fake, runtime} = await world([]);
        const elsewhere = fake.addChannel({name: "random", botIsMember: false});
        await fake.slashCommand({command: "/tex", text: "$x$", channelId: elsewhere.id});
        await fake.waitForCall("chat.postMessage", (call) => call.status === 200 && (call.response as {ok?: boolean}).ok === false, 20_000);
        const deleted = await fake.waitForCall("files.delete", (call) => call.status === 200);
        expect(fake.uploads.map((upload) => upload.fileId)).toEqual([deleted.args.file]);
        await waitFor(() => runtime.store.interactions.events(1).find((event) => event.kind === "delivery_failed"));
    });

    it("reads theme words in either language, anywhere in the text", () => {
        expect(parseTexText("$x$ テーマ:ダーク")).toEqual({source: "$x$", theme: "dark"});
        expect(parseTexText("theme:light $x$")).toEqual({source: "$x$", theme: "light"});
        expect(parseTexText("theme:neon $x$")).toEqual({source: "$x$"});
    });
});
