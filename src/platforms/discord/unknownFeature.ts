import type {Interaction} from "discord.js";
import {uiTexts} from "../../i18n/uiTexts.js";
import {trackReply, requesterOf, type DiscordContext} from "./DiscordContext.js";
import {discordCommands} from "./discordCommands.js";
import {customIdPrefixes} from "./solveFlow.js";
import {texDeletePrefix} from "./texFeature.js";
import {privately} from "./privately.js";

/**
 * Interactions no feature answers (a command left registered after a rename, a button or form from
 * another app version): a kind private reply instead of Discord's "The application did not respond",
 * logged like every button press.
 */
export function registerUnknown(context: DiscordContext): void {
    const commandNames = new Set(discordCommands().map((command) => command.name));
    context.client.on("interactionCreate", (interaction) => {
        if (!isUnknown(interaction, commandNames) || !interaction.isRepliable())
            return;
        const requester = requesterOf(interaction);
        context.runtime.useCases.activity.record({requester, kind: `unknown:${describe(interaction)}`});
        trackReply(context, interaction.id, interaction.reply({content: uiTexts(requester.locale).unknownAction, ...privately()}).then(() => {}));
    });
}

function isUnknown(interaction: Interaction, commandNames: ReadonlySet<string>): boolean {
    if (interaction.isChatInputCommand()) return !commandNames.has(interaction.commandName);
    if (interaction.isButton()) return !interaction.customId.startsWith(customIdPrefixes.button) && !interaction.customId.startsWith(texDeletePrefix);
    if (interaction.isModalSubmit()) return !interaction.customId.startsWith(customIdPrefixes.reportForm);
    return false;
}

function describe(interaction: Interaction): string {
    if (interaction.isChatInputCommand()) return `command:${interaction.commandName}`;
    if (interaction.isButton() || interaction.isModalSubmit()) return `${interaction.isButton() ? "button" : "form"}:${interaction.customId}`;
    return "interaction";
}
