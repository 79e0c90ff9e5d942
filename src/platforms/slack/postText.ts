import type {webApi} from "@slack/bolt";
import {textMessages} from "./slackBlocks.js";

/**
 * Posts text of any length as mrkdwn, in order: as many messages as Slack's 50-block limit needs, each
 * its sections of at most 3 000 characters. `notice` replaces the first message's notification text.
 */
export async function postText(client: webApi.WebClient, where: {channel: string, threadTs?: string | undefined}, text: string, notice?: string): Promise<void> {
    for (const [index, message] of textMessages(text).entries())
        await client.chat.postMessage({
            channel: where.channel, ...(where.threadTs != null ? {thread_ts: where.threadTs} : {}),
            text: index === 0 && notice != null ? notice : message.text, blocks: message.blocks
        });
}
