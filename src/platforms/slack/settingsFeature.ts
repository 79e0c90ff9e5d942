import {forgetMeCommand, settingsCommand} from "../../../commands/kotae.js";
import {changeCommunitySettings, type SettingsChangeOutcome} from "../../app/changeCommunitySettings.js";
import {unsetCommunitySettings, type CommunitySettings} from "../../domain/CommunitySettings.js";
import type {Requester} from "../../domain/Requester.js";
import {ErrorCode} from "../../errors/ErrorCode.js";
import {localize} from "../../i18n/messages.js";
import {uiTexts} from "../../i18n/uiTexts.js";
import {checkPreconditions, moderatorOnly} from "../../preconditions/preconditions.js";
import {solveModes} from "../../solver/SolveMode.js";
import {describeSettings} from "../../adapters/shared/applySettingsChange.js";
import {callbackIds} from "./slackBlocks.js";
import {platform, requesterOf, userFacts, type SlackContext} from "./SlackContext.js";

/** `/kotae settings` (workspace admins: a modal), `/kotae help` and `/kotae forget-me` (everyone). */
export function registerSettings(context: SlackContext): void {
    const {app, runtime} = context;
    app.command("/kotae", async ({command, ack, client, respond}) => {
        await ack();
        const requester = await requesterOf(context, client, {userId: command.user_id, teamId: command.team_id, channelId: command.channel_id});
        const texts = uiTexts(requester.locale);
        if (command.text.trim() === forgetMeCommand.name) {
            const {deletedInteractions} = runtime.store.dataset.forgetUser(requester);
            await respond({response_type: "ephemeral", text: texts.forgotten(deletedInteractions)});
            return;
        }
        if (command.text.trim() !== settingsCommand.name) {
            await respond({response_type: "ephemeral", text: texts.help.replace(/\*\*/g, "*")});
            return;
        }
        const {isAdmin} = await userFacts(context, client, command.user_id);
        if (checkPreconditions({requester, channelId: command.channel_id, settings: undefined, isModerator: isAdmin}, moderatorOnly) != null) {
            runtime.store.interactions.recordEvent({requester, kind: "settings_refused"});
            await respond({response_type: "ephemeral", text: localize(ErrorCode.NotPermitted, requester.locale)});
            return;
        }
        const current = runtime.store.community.get(platform, command.team_id) ?? unsetCommunitySettings;
        await client.views.open({trigger_id: command.trigger_id, view: settingsView(context, current)});
    });

    app.view(callbackIds.settings, async ({ack, view, body, client}) => {
        const teamId = body.team?.id;
        const requester = await requesterOf(context, client, {userId: body.user.id, teamId, channelId: undefined});
        const {isAdmin} = await userFacts(context, client, body.user.id);
        const value = (id: string): string | undefined => {
            const state = view.state.values[id]?.[id];
            const text = state?.selected_option?.value ?? state?.value ?? undefined;
            return text == null || text.trim() === "" ? undefined : text.trim();
        };
        const perHour = value("solves_per_hour");
        if (isAdmin && perHour != null && !isSolvesPerHour(perHour)) {
            await ack({response_action: "errors", errors: {solves_per_hour: "1–9999"}});
            return;
        }
        const outcome = changeSlackSettings(context, {requester, teamId, isAdmin, values: {
            channels: value("channels"), mode: value("mode"), profile: value("profile"), theme: value("theme"),
            solves_per_hour: perHour, followups_need_mention: value("followups_need_mention")
        }});
        if (outcome.status === "refused") {
            await ack({response_action: "errors", errors: {channels: localize(ErrorCode.NotPermitted, requester.locale)}});
            return;
        }
        if (outcome.status === "invalid") {
            const {error} = outcome;
            await ack({response_action: "errors", errors: {[error.code === ErrorCode.ProfileUnknown ? "profile" : "mode"]: localize(error.code, requester.locale, error.params)}});
            return;
        }
        await ack();
    });
}

/** The hourly limit as a moderator types it: a whole number of at most four digits. */
export function isSolvesPerHour(text: string): boolean {
    return /^\d{1,4}$/.test(text);
}

/**
 * A workspace admin's change, from the settings modal or the App Home tab, through the one settings use
 * case (same checks, same log). `values` are the settings command's options by name; channel ids are
 * Slack's (C…), as typed or as the channel picker gives them.
 */
export function changeSlackSettings(context: SlackContext, change: {
    requester: Requester, teamId: string | undefined, isAdmin: boolean, values: Readonly<Record<string, string | undefined>>
}): SettingsChangeOutcome {
    return changeCommunitySettings(context.runtime, {
        requester: change.requester, workspaceId: change.teamId, isModerator: change.isAdmin,
        change: settingsCommand.toRequest(change.values),
        channelIds: (text) => [...text.matchAll(/C[A-Z0-9]{6,}/g)].map((match) => match[0])
    });
}

function settingsView(context: SlackContext, current: CommunitySettings) {
    const {config} = context;
    const shown = describeSettings(current, {
        mode: config.mode, profile: config.profile, theme: config.theme, solvesPerHour: config.solvesPerHour, followUpsNeedMention: false
    }, (id) => `<#${id}>`);
    const text = (id: string, label: string, placeholder: string) => ({
        type: "input" as const, block_id: id, optional: true, label: {type: "plain_text" as const, text: label},
        element: {type: "plain_text_input" as const, action_id: id, placeholder: {type: "plain_text" as const, text: placeholder}}
    });
    const select = (id: string, label: string, options: readonly string[]) => ({
        type: "input" as const, block_id: id, optional: true, label: {type: "plain_text" as const, text: label},
        element: {type: "static_select" as const, action_id: id, options: options.map((option) => ({text: {type: "plain_text" as const, text: option}, value: option}))}
    });
    return {
        type: "modal" as const,
        callback_id: callbackIds.settings,
        title: {type: "plain_text" as const, text: "Kotae"},
        submit: {type: "plain_text" as const, text: "OK"},
        blocks: [
            {type: "section" as const, text: {type: "mrkdwn" as const, text: shown.join("\n")}},
            text("channels", "channels (C… ids, or all)", "all"),
            select("mode", "mode", solveModes),
            text("profile", "profile", config.profile),
            select("theme", "theme", ["light", "dark"]),
            text("solves_per_hour", "solves_per_hour", String(config.solvesPerHour)),
            select("followups_need_mention", "followups_need_mention", ["true", "false"])
        ]
    };
}
