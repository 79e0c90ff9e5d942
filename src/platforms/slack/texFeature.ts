import type {types, webApi} from "@slack/bolt";
import {texCommand} from "../../../commands/tex.js";
import {localize} from "../../i18n/messages.js";
import {uiTexts} from "../../i18n/uiTexts.js";
import type {RenderedImage} from "../../render/RenderRequest.js";
import {logFailure, requesterOf, settingsFor, slackPlace, userFacts, type SlackContext} from "./SlackContext.js";

/** The 「削除」 button under a /tex image; its value is `interactionId:fileId,fileId…`. */
export const texDeleteActionId = "kotae-tex:delete";

/**
 * `/tex`: the user's LaTeX drawn and posted in the channel, with a 「削除」 button only its author can use.
 * Refusals and TeX errors are ephemeral, as is the refusal of someone else's delete.
 */
export function registerTex(context: SlackContext): void {
    const {app} = context;
    app.command(`/${texCommand.name}`, async ({command, ack, client, respond}) => {
        await ack();
        const posting = postTex(context, client, command, (text) => respond({response_type: "ephemeral", text}).then(() => {}));
        await context.answering.track(posting, (error) => logFailure(context, "a /tex", error));
    });

    app.action({type: "block_actions", action_id: texDeleteActionId}, async ({ack, body, action, client}) => {
        await ack();
        if (action.type !== "button" || body.channel == null || body.message == null)
            return;
        const [idText = "", fileIds = ""] = action.value?.split(":") ?? [];
        const requester = await requesterOf(context, client, {userId: body.user.id, teamId: body.team?.id, channelId: body.channel.id});
        const outcome = context.runtime.useCases.tex.delete(Number(idText), requester);
        if (outcome !== "deleted") {
            const texts = uiTexts(requester.locale);
            await client.chat.postEphemeral({channel: body.channel.id, user: body.user.id, text: outcome === "not_yours" ? texts.texNotYours : texts.unknownAction});
            return;
        }
        await client.chat.delete({channel: body.channel.id, ts: body.message.ts});
        // The images were uploaded for this message only: they go with it.
        for (const file of fileIds.split(",").filter((id) => id !== ""))
            await client.files.delete({file});
    });
}

async function postTex(context: SlackContext, client: webApi.WebClient, command: {user_id: string, team_id: string, channel_id: string, text: string}, tellUser: (text: string) => Promise<void>): Promise<void> {
    const {runtime} = context;
    const request = parseTexText(command.text);
    const requester = await requesterOf(context, client, {userId: command.user_id, teamId: command.team_id, channelId: command.channel_id});
    const settings = settingsFor(context, slackPlace(command.team_id, command.channel_id));
    const {isAdmin} = await userFacts(context, client, command.user_id);
    const outcome = await runtime.useCases.tex.render({
        ...request, requester, communityTheme: settings.theme,
        admission: {settings: settings.stored, channelId: command.channel_id, isModerator: isAdmin}
    });
    if (!outcome.ok) {
        await tellUser(localize(outcome.failure.code, requester.locale, outcome.failure.params));
        return;
    }
    const fileIds = await uploadPrivately(client, outcome.images);
    const alt = request.source.slice(0, 2000);
    try {
        await postImages(client, command.channel_id, alt, fileIds, outcome.interactionId, uiTexts(requester.locale).texDelete);
    } catch (error) {
        // Not posted (the bot is not in the channel, Slack refused the blocks): the uploads would only be orphans.
        runtime.useCases.activity.record({interactionId: outcome.interactionId, requester, kind: "delivery_failed",
            detail: {via: "chat.postMessage", error: error instanceof Error ? error.message : String(error)}});
        for (const file of fileIds)
            await client.files.delete({file}).catch(() => {});
        throw error;
    }
}

function postImages(client: webApi.WebClient, channel: string, alt: string, fileIds: readonly string[], interactionId: number, deleteLabel: string) {
    return client.chat.postMessage({
        channel, text: alt, blocks: [
            ...fileIds.map((id): types.KnownBlock => ({type: "image", slack_file: {id}, alt_text: alt})),
            {type: "actions", elements: [{
                type: "button", action_id: texDeleteActionId, value: `${interactionId}:${fileIds.join(",")}`,
                text: {type: "plain_text", text: deleteLabel}
            }]}
        ]
    });
}

/**
 * Uploads the pages without sharing them anywhere, so one message can show them in image blocks above its
 * delete button (a shared file would be a message of its own, which no button can sit under).
 * https://docs.slack.dev/reference/block-kit/composition-objects/slack-file-object
 */
async function uploadPrivately(client: webApi.WebClient, images: readonly RenderedImage[]): Promise<string[]> {
    const uploaded = await client.files.uploadV2({
        file_uploads: images.map((image, index) => ({file: Buffer.from(image.png), filename: `tex-${index + 1}.png`}))
    }) as unknown as {files: {files?: {id?: string}[]}[]};
    return uploaded.files.flatMap((completed) => completed.files ?? []).map((file) => file.id).filter((id): id is string => id != null);
}

/** `/tex` text: the source, with an optional `theme:dark` (or テーマ:ダーク…) word anywhere in it. */
export function parseTexText(text: string): ReturnType<typeof texCommand.toRequest> {
    let theme: string | undefined;
    const source = text.replace(/(?:^|\s)(?:theme|テーマ)[:：](\S+)/, (_word, value: string) => {
        theme = value === "ダーク" ? "dark" : value === "ライト" ? "light" : value;
        return " ";
    }).trim();
    return texCommand.toRequest({source, ...(theme != null ? {theme} : {})});
}
