import {forgetMeCommand, settingsCommand} from "../../../commands/kotae.js";
import type {CommunitySettings} from "../../domain/CommunitySettings.js";
import {ErrorCode} from "../../errors/ErrorCode.js";
import {localize} from "../../i18n/messages.js";
import {uiTexts} from "../../i18n/uiTexts.js";
import {solveModes} from "../../solver/SolveMode.js";
import {describeSettings} from "../shared/describeSettings.js";
import {callbackIds} from "./slackBlocks.js";
import {askerOf, type SlackContext} from "./SlackContext.js";

/** `/kotae settings` (workspace admins: a modal), `/kotae help` and `/kotae forget-me` (everyone). */
export function registerSettings(context: SlackContext): void {
    const {app, runtime} = context;
    app.command("/kotae", async ({command, ack, client, respond}) => {
        await ack();
        const asker = await askerOf(context, client, {userId: command.user_id, teamId: command.team_id, channelId: command.channel_id});
        const {requester} = asker;
        const texts = uiTexts(requester.locale);
        if (command.text.trim() === forgetMeCommand.name) {
            await respond({response_type: "ephemeral", text: texts.forgotten(runtime.useCases.activity.forgetMe(requester))});
            return;
        }
        if (command.text.trim() !== settingsCommand.name) {
            await respond({response_type: "ephemeral", text: texts.help.replace(/\*\*/g, "*")});
            return;
        }
        const current = runtime.useCases.communitySettings.view(asker);
        if ("refusal" in current) {
            await respond({response_type: "ephemeral", text: localize(current.refusal.code, requester.locale)});
            return;
        }
        await client.views.open({trigger_id: command.trigger_id, view: settingsView(context, current.settings)});
    });

    app.view(callbackIds.settings, async ({ack, view, body, client}) => {
        const asker = await askerOf(context, client, {userId: body.user.id, teamId: body.team?.id, channelId: undefined});
        const {requester} = asker;
        const refusal = (code: ErrorCode, params?: Record<string, string | number>) => ack({response_action: "errors", errors: {
            [code === ErrorCode.NotPermitted ? "channels" : code === ErrorCode.ProfileUnknown ? "profile" : "mode"]: localize(code, requester.locale, params)
        }});
        // Permission first, so a non-admin learns that rather than what is wrong with the form.
        const allowed = runtime.useCases.communitySettings.view(asker);
        if ("refusal" in allowed) {
            await refusal(allowed.refusal.code);
            return;
        }
        const value = (id: string): string | undefined => {
            const state = view.state.values[id]?.[id];
            const text = state?.selected_option?.value ?? state?.value ?? undefined;
            return text == null || text.trim() === "" ? undefined : text.trim();
        };
        const perHour = value("solves_per_hour");
        if (perHour != null && !isSolvesPerHour(perHour)) {
            await ack({response_action: "errors", errors: {solves_per_hour: "1–9999"}});
            return;
        }
        const change = settingsCommand.toRequest({
            channels: value("channels"), mode: value("mode"), profile: value("profile"), theme: value("theme"),
            solves_per_hour: perHour, followups_need_mention: value("followups_need_mention")
        });
        const outcome = runtime.useCases.communitySettings.change(asker, change, slackChannelIds);
        if ("refusal" in outcome) {
            await refusal(outcome.refusal.code, outcome.refusal.params);
            return;
        }
        await ack();
    });
}

/** The hourly limit as a moderator types it: a whole number of at most four digits. */
export function isSolvesPerHour(text: string): boolean {
    return /^\d{1,4}$/.test(text);
}

/** Slack's channel ids (C…) in a settings text, as typed or as the channel picker gives them. */
export function slackChannelIds(text: string): string[] {
    return [...text.matchAll(/C[A-Z0-9]{6,}/g)].map((match) => match[0]);
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
