import type {ChatInputCommandInteraction} from "discord.js";
import {settingsCommand, kotaeCommand, type SettingsCommandRequest} from "../../../commands/kotae.js";
import {ErrorCode, isKotaeError, KotaeError} from "../../errors/ErrorCode.js";
import {localize} from "../../i18n/messages.js";
import {uiTexts} from "../../i18n/uiTexts.js";
import {checkPreconditions, moderatorOnly} from "../../preconditions/preconditions.js";
import {isSolveMode} from "../../solver/SolveMode.js";
import {unsetCommunitySettings, type CommunitySettings} from "../../../storage/KotaeStore.js";
import {isModerator, platform, requesterOf, type DiscordContext} from "./DiscordContext.js";
import {optionValues} from "./discordCommands.js";
import {logFailure} from "./solveFeature.js";

/** `/kotae settings` (Manage Server only; without options it shows the current settings) and `/kotae help`. */
export function registerSettings(context: DiscordContext): void {
    context.client.on("interactionCreate", (interaction) => {
        if (interaction.isChatInputCommand() && interaction.commandName === kotaeCommand.name)
            void onKotae(context, interaction).catch((error: unknown) => logFailure(interaction.id, error));
    });
}

async function onKotae(context: DiscordContext, interaction: ChatInputCommandInteraction): Promise<void> {
    const requester = requesterOf(interaction);
    const texts = uiTexts(requester.locale);
    if (interaction.options.getSubcommand() !== settingsCommand.name) {
        await interaction.reply({content: texts.help, ephemeral: true});
        return;
    }
    const {store} = context.runtime;
    const refusal = checkPreconditions({requester, channelId: requester.channelId, settings: undefined, isModerator: isModerator(interaction)}, moderatorOnly);
    if (refusal != null || interaction.guildId == null) {
        store.recordEvent({requester, kind: "settings_refused"});
        await interaction.reply({content: localize(ErrorCode.NotPermitted, requester.locale), ephemeral: true});
        return;
    }

    const change = settingsCommand.toRequest(optionValues(settingsCommand, (name, type) =>
        type === "integer" ? interaction.options.getInteger(name) : type === "boolean" ? interaction.options.getBoolean(name) : interaction.options.getString(name)));
    const current = store.communitySettings(platform, interaction.guildId) ?? unsetCommunitySettings;
    let next: CommunitySettings;
    try {
        next = applyChange(context, current, change);
    } catch (error) {
        if (!isKotaeError(error)) throw error;
        await interaction.reply({content: localize(error.code, requester.locale, error.params), ephemeral: true});
        return;
    }
    const changed = Object.keys(change).length > 0;
    if (changed) {
        store.saveCommunitySettings(platform, interaction.guildId, next, requester);
        store.recordEvent({requester, kind: "settings_changed", detail: {...change}});
    }
    const lines = [
        `channels: ${next.allowedChannels == null ? "all" : next.allowedChannels.map((id) => `<#${id}>`).join(" ")}`,
        `mode: ${next.defaultMode ?? context.config.mode}`,
        `profile: ${next.profile ?? context.config.profile}`,
        `theme: ${next.theme ?? context.config.theme}`,
        `solves_per_hour: ${next.solvesPerHour ?? context.config.solvesPerHour}`,
        `followups_need_mention: ${next.followUpsNeedMention ?? !context.config.discordMessageContent}`
    ];
    await interaction.reply({content: `${changed ? `${texts.settingsSaved}\n` : ""}${texts.settingsShown(lines)}`, ephemeral: true});
}

/** The new settings, each given option validated (an unknown profile or mode is refused, not stored). */
function applyChange(context: DiscordContext, current: CommunitySettings, change: SettingsCommandRequest): CommunitySettings {
    if (change.mode != null && !isSolveMode(change.mode))
        throw new KotaeError(ErrorCode.ModeUnsupported, `Unknown mode ${change.mode}`, {params: {mode: change.mode}});
    if (change.profile != null)
        context.runtime.profiles.get(change.profile); // throws profile_unknown
    const channels = change.channels?.trim();
    return {
        allowedChannels: channels == null ? current.allowedChannels
            : /^(all|すべて|全部)$/i.test(channels) ? null
            : [...channels.matchAll(/\d{15,21}/g)].map((match) => match[0]),
        defaultMode: change.mode ?? current.defaultMode,
        profile: change.profile ?? current.profile,
        theme: change.theme === "light" || change.theme === "dark" ? change.theme : current.theme,
        solvesPerHour: change.solvesPerHour ?? current.solvesPerHour,
        followUpsNeedMention: change.followUpsNeedMention ?? current.followUpsNeedMention
    };
}
