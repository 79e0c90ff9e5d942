import type {ChatInputCommandInteraction} from "discord.js";
import {forgetMeCommand, kotaeCommand, settingsCommand} from "../../../commands/kotae.js";
import {describeSettings} from "../../adapters/shared/applySettingsChange.js";
import {changeCommunitySettings} from "../../app/changeCommunitySettings.js";
import {ErrorCode} from "../../errors/ErrorCode.js";
import {localize} from "../../i18n/messages.js";
import {uiTexts} from "../../i18n/uiTexts.js";
import {trackReply, isModerator, requesterOf, type DiscordContext} from "./DiscordContext.js";
import {optionValues} from "./discordCommands.js";

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
    const change = settingsCommand.toRequest(optionValues(settingsCommand, (name, type) =>
        type === "integer" ? interaction.options.getInteger(name) : type === "boolean" ? interaction.options.getBoolean(name) : interaction.options.getString(name)));
    const outcome = changeCommunitySettings(context.runtime, {
        requester, workspaceId: interaction.guildId ?? undefined, isModerator: isModerator(interaction), change,
        channelIds: (text) => [...text.matchAll(/\d{15,21}/g)].map((match) => match[0])
    });
    if (outcome.status !== "applied") {
        const refusal = outcome.status === "refused" ? localize(ErrorCode.NotPermitted, requester.locale) : localize(outcome.error.code, requester.locale, outcome.error.params);
        await interaction.reply({content: refusal, ephemeral: true});
        return;
    }
    const {settings: next, changed} = outcome;
    const lines = describeSettings(next, {
        mode: context.config.mode, profile: context.config.profile, theme: context.config.theme,
        solvesPerHour: context.config.solvesPerHour, followUpsNeedMention: !context.config.discord.messageContent
    }, (id) => `<#${id}>`);
    await interaction.reply({content: `${changed ? `${texts.settingsSaved}\n` : ""}${texts.settingsShown(lines)}`, ephemeral: true});
}
