import type {ChatInputCommandInteraction} from "discord.js";
import {forgetMeCommand, kotaeCommand, settingsCommand} from "../../../commands/kotae.js";
import {describeSettings} from "../shared/describeSettings.js";
import {localize} from "../../i18n/messages.js";
import {uiTexts} from "../../i18n/uiTexts.js";
import {askerOf, trackReply, type DiscordContext} from "./DiscordContext.js";
import {optionValues} from "./discordCommands.js";
import {privately} from "./privately.js";

/** `/kotae settings` (Manage Server only; without options it shows the current settings), `/kotae help` and `/kotae forget-me`. */
export function registerSettings(context: DiscordContext): void {
    context.client.on("interactionCreate", (interaction) => {
        if (interaction.isChatInputCommand() && interaction.commandName === kotaeCommand.name)
            trackReply(context, interaction.id, onKotae(context, interaction));
    });
}

async function onKotae(context: DiscordContext, interaction: ChatInputCommandInteraction): Promise<void> {
    const asker = askerOf(interaction);
    const {requester} = asker;
    const texts = uiTexts(requester.locale);
    const subcommand = interaction.options.getSubcommand();
    if (subcommand === forgetMeCommand.name) {
        await interaction.reply({content: texts.forgotten(context.runtime.useCases.activity.forgetMe(requester)), ...privately()});
        return;
    }
    if (subcommand !== settingsCommand.name) {
        await interaction.reply({content: texts.help, ...privately()});
        return;
    }
    const change = settingsCommand.toRequest(optionValues(settingsCommand, (name, type) =>
        type === "integer" ? interaction.options.getInteger(name) : type === "boolean" ? interaction.options.getBoolean(name) : interaction.options.getString(name)));
    const outcome = context.runtime.useCases.communitySettings.change(asker, change, (text) => [...text.matchAll(/\d{15,21}/g)].map((match) => match[0]));
    if ("refusal" in outcome) {
        await interaction.reply({content: localize(outcome.refusal.code, requester.locale, outcome.refusal.params), ...privately()});
        return;
    }
    const {settings: next, changed = false} = outcome;
    const lines = describeSettings(next, {
        mode: context.config.mode, profile: context.config.profile, theme: context.config.theme,
        solvesPerHour: context.config.solvesPerHour, followUpsNeedMention: !context.config.discord.messageContent
    }, (id) => `<#${id}>`);
    await interaction.reply({content: `${changed ? `${texts.settingsSaved}\n` : ""}${texts.settingsShown(lines)}`, ...privately()});
}
