import {kotaeCommand} from "../../../commands/kotae.js";
import {solveCommand} from "../../../commands/solve.js";
import {texCommand} from "../../../commands/tex.js";
import {uiTexts} from "../../i18n/uiTexts.js";
import {actionIdPrefix} from "./slackBlocks.js";
import {requesterOf, type SlackContext} from "./SlackContext.js";
import {texDeleteActionId} from "./texFeature.js";

/**
 * Commands and buttons no feature answers (a slash command the workspace still routes to Kotae after a
 * rename, a button of another app version): acknowledged within Slack's 3 seconds, so nobody sees an
 * error, and answered kindly and privately, logged like every button press.
 */
export function registerUnknown(context: SlackContext): void {
    const {app, runtime} = context;
    const known = new Set([solveCommand.name, kotaeCommand.name, texCommand.name].map((name) => `/${name}`));
    app.command(/.*/, async ({command, ack, respond, client}) => {
        if (known.has(command.command))
            return;
        await ack();
        const requester = await requesterOf(context, client, {userId: command.user_id, teamId: command.team_id, channelId: command.channel_id});
        runtime.useCases.activity.record({requester, kind: `unknown:command:${command.command}`});
        await respond({response_type: "ephemeral", text: uiTexts(requester.locale).unknownAction});
    });
    app.action({type: "block_actions"}, async ({ack, action, body, client}) => {
        if (action.action_id === texDeleteActionId) // texFeature's
            return;
        if (action.action_id.startsWith(actionIdPrefix))
            return;
        await ack();
        const requester = await requesterOf(context, client, {userId: body.user.id, teamId: body.team?.id, channelId: body.channel?.id});
        runtime.useCases.activity.record({requester, kind: `unknown:button:${action.action_id}`});
        if (body.channel != null)
            await client.chat.postEphemeral({channel: body.channel.id, user: body.user.id, text: uiTexts(requester.locale).unknownAction});
    });
}
