import type {webApi} from "@slack/bolt";
import {postText} from "./postText.js";
import {fromMrkdwn} from "./slackBlocks.js";
import type {Requester} from "../../domain/Requester.js";
import {uiTexts} from "../../i18n/uiTexts.js";
import {platform, requesterOf, settingsFor, slackPlace, threadKey, userFacts, type SlackContext} from "./SlackContext.js";

type ThreadMessage = {user?: string, text?: string, ts: string, thread_ts?: string, channel: string, bot_id?: string, subtype?: string};

/**
 * Follow-ups in an answer's thread: replies there (or, when the workspace asks for it, only those that
 * @mention Kotae). Each message is answered once, by its channel and ts: a mention arrives as both a
 * message and an app_mention event, and Slack redelivers an event whose ack it missed (X-Slack-Retry-Num,
 * same event_id). A retry of a delivery that never reached Kotae is new to it, and answered. An @mention
 * anywhere else gets a private hint on how to ask.
 */
export function registerFollowUps(context: SlackContext, botUserId: string): void {
    const answered = new Set<string>();
    const hinted = new Set<string>();
    const onThreadMessage = async (event: ThreadMessage, teamId: string | undefined, client: webApi.WebClient): Promise<void> => {
        if (event.bot_id != null || event.subtype != null || event.user == null || event.user === botUserId || event.thread_ts == null)
            return;
        const key = threadKey(event.channel, event.ts);
        if (answered.has(key))
            return;
        const original = context.runtime.useCases.followUps.answerInThread(platform, threadKey(event.channel, event.thread_ts));
        if (original == null)
            return;
        const mention = `<@${botUserId}>`;
        const text = event.text ?? "";
        if (settingsFor(context, slackPlace(teamId, event.channel)).followUpsNeedMention && !text.includes(mention))
            return;
        answered.add(key);
        if (answered.size > 10_000) answered.clear(); // only recent duplicates matter
        const requester = await requesterOf(context, client, {userId: event.user, teamId, channelId: event.channel, threadTs: event.thread_ts});
        await answer(context, client, {interactionId: original.id, profile: original.profile, question: fromMrkdwn(text.replaceAll(mention, "")).trim(), requester, threadTs: event.thread_ts});
    };
    context.app.event("message", async ({event, body, client}) => {
        await onThreadMessage(event as unknown as ThreadMessage, body.team_id, client);
    });
    context.app.event("app_mention", async ({event, body, client}) => {
        const mention = event as unknown as ThreadMessage;
        const answerThread = mention.thread_ts != null && context.runtime.useCases.followUps.answerInThread(platform, threadKey(mention.channel, mention.thread_ts)) != null;
        if (answerThread) {
            await onThreadMessage(mention, body.team_id, client);
            return;
        }
        // A stray @mention (top level, or a thread that is no answer's): how to ask, once per message, no model.
        const key = threadKey(mention.channel, mention.ts);
        if (mention.user == null || mention.bot_id != null || hinted.has(key))
            return;
        hinted.add(key);
        if (hinted.size > 10_000) hinted.clear(); // only recent duplicates matter
        const {locale} = await userFacts(context, client, mention.user);
        await client.chat.postEphemeral({
            channel: mention.channel, user: mention.user, text: uiTexts(locale).mentionHint,
            ...(mention.thread_ts != null ? {thread_ts: mention.thread_ts} : {})
        });
    });
}

async function answer(context: SlackContext, client: webApi.WebClient, question: {
    interactionId: number, profile: string, question: string, requester: Requester, threadTs: string
}): Promise<void> {
    const channel = question.requester.channelId!;
    const {text, images} = await context.runtime.useCases.followUps.answer({...question, theme: settingsFor(context, slackPlace(question.requester.workspaceId, channel)).theme});
    await postText(client, {channel, threadTs: question.threadTs}, text);
    if (images.length > 0)
        await client.files.uploadV2({
            channel_id: channel, thread_ts: question.threadTs,
            file_uploads: images.map((image, index) => ({file: Buffer.from(image.png), filename: `answer-${index + 1}.png`}))
        });
}
