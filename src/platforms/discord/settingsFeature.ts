import type {ChatInputCommandInteraction} from "discord.js";
import {forgetMeCommand, kotaeCommand, settingsCommand} from "../../../commands/kotae.js";
import {applySettingsChange, describeSettings} from "../../adapters/shared/applySettingsChange.js";
import {unsetCommunitySettings, type CommunitySettings} from "../../domain/CommunitySettings.js";
import {ErrorCode, isKotaeError} from "../../errors/ErrorCode.js";
import {localize} from "../../i18n/messages.js";
import {uiTexts} from "../../i18n/uiTexts.js";
import {checkPreconditions, moderatorOnly} from "../../preconditions/preconditions.js";
import {trackReply, isModerator, platform, requesterOf, type DiscordContext} from "./DiscordContext.js";
import {optionValues} from "./discordCommands.js";
import {placeOf} from "./discordPlace.js";
import {communityOf} from "../../app/RequestPlace.js";

/** `/kotae settings` (Manage Server only; without options it shows the current settings), `/kotae help` and `/kotae forget-me`. */
export function registerSettings(context: DiscordContext): void {
    context.client.on("interactionCreate", (interaction) => {
        if (interaction.isChatInputCommand() && interaction.commandName === kotaeCommand.name)
            trackReply(context, interaction.id, onKotae(context, interaction));
    });
}

async function onKotae(context: DiscordContext, interaction: ChatInputCommandInteraction): Promise<void> {
    const requester = requesterOf(interaction);
    const texts = uiTexts(requester.locale);
    const subcommand = interaction.options.getSubcommand();
    if (subcommand === forgetMeCommand.name) {
        const {deletedInteractions} = context.runtime.store.dataset.forgetUser(requester);
        await interaction.reply({content: texts.forgotten(deletedInteractions), ephemeral: true});
        return;
    }
    if (subcommand !== settingsCommand.name) {
        await interaction.reply({content: texts.help, ephemeral: true});
        return;
    }
    const {store} = context.runtime;
    const refusal = checkPreconditions({requester, channelId: requester.channelId, settings: undefined, isModerator: isModerator(interaction)}, moderatorOnly);
    // Settings belong to a server that installed Kotae; a DM or a user install elsewhere has none to change.
    const communityId = communityOf(placeOf(interaction));
    if (refusal != null || communityId == null) {
        store.interactions.recordEvent({requester, kind: "settings_refused"});
        await interaction.reply({content: localize(ErrorCode.NotPermitted, requester.locale), ephemeral: true});
        return;
    }

    const change = settingsCommand.toRequest(optionValues(settingsCommand, (name, type) =>
        type === "integer" ? interaction.options.getInteger(name) : type === "boolean" ? interaction.options.getBoolean(name) : interaction.options.getString(name)));
    const current = store.community.get(platform, communityId) ?? unsetCommunitySettings;
    let next: CommunitySettings;
    try {
        next = applySettingsChange(context.runtime.profiles, current, change, (text) => [...text.matchAll(/\d{15,21}/g)].map((match) => match[0]));
    } catch (error) {
        if (!isKotaeError(error)) throw error;
        await interaction.reply({content: localize(error.code, requester.locale, error.params), ephemeral: true});
        return;
    }
    const changed = Object.keys(change).length > 0;
    if (changed) {
        store.community.save(platform, communityId, next, requester);
        store.interactions.recordEvent({requester, kind: "settings_changed", detail: {...change}});
    }
    const lines = describeSettings(next, {
        mode: context.config.mode, profile: context.config.profile, theme: context.config.theme,
        solvesPerHour: context.config.solvesPerHour, followUpsNeedMention: !context.config.discord.messageContent
    }, (id) => `<#${id}>`);
    await interaction.reply({content: `${changed ? `${texts.settingsSaved}\n` : ""}${texts.settingsShown(lines)}`, ephemeral: true});
}
