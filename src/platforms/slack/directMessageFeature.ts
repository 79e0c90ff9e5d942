import {askerOf, threadKey, type SlackContext} from "./SlackContext.js";
import {fromMrkdwn} from "./slackBlocks.js";
import {parseSolveText, solveInChannel} from "./solveFeature.js";

type DirectMessage = {user?: string, text?: string, ts: string, thread_ts?: string, channel: string, channel_type?: string, bot_id?: string, subtype?: string};

/**
 * Plain questions in the app's DM (its Messages tab): a top-level message there is a problem, solved like
 * `/solve` with the same words (`mode:tir` …) and answered in the DM; replies in the answer's thread are
 * follow-ups (followUpFeature). They arrive as `message` events with channel_type "im"
 * (https://api.slack.com/events/message.im). Each message is solved once, by its channel and ts: Slack
 * redelivers an event whose ack it missed. A refusal is an ephemeral message to the student in the DM.
 */
export function registerDirectMessages(context: SlackContext, botUserId: string): void {
    const solved = new Set<string>();
    context.app.event("message", async ({event, body, client}) => {
        const message = event as unknown as DirectMessage;
        if (message.channel_type !== "im" || message.thread_ts != null)
            return;
        if (message.bot_id != null || message.subtype != null || message.user == null || message.user === botUserId)
            return;
        const key = threadKey(message.channel, message.ts);
        if (solved.has(key))
            return;
        solved.add(key);
        if (solved.size > 10_000) solved.clear(); // only recent duplicates matter
        const userId = message.user;
        const asker = await askerOf(context, client, {userId, teamId: body.team_id, channelId: message.channel});
        await solveInChannel(context, client, asker, parseSolveText(fromMrkdwn(message.text ?? "")), {
            refuse: (text) => client.chat.postEphemeral({channel: message.channel, user: userId, text}).then(() => {})
        });
    });
}
