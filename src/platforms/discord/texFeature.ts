import {
    ActionRowBuilder, AttachmentBuilder, ButtonBuilder, ButtonStyle,
    type ButtonInteraction, type ChatInputCommandInteraction
} from "discord.js";
import {texCommand} from "../../../commands/tex.js";
import {answersPrivately} from "../../app/RequestPlace.js";
import {localize} from "../../i18n/messages.js";
import {uiTexts} from "../../i18n/uiTexts.js";
import {isModerator, requesterOf, settingsFor, trackReply, type DiscordContext} from "./DiscordContext.js";
import {optionValues} from "./discordCommands.js";
import {placeOf} from "./discordPlace.js";
import {privately} from "./privately.js";

/** The 「削除」 button under a /tex image: its own prefix, apart from the answer buttons' `kotae:`. */
export const texDeletePrefix = "kotae-tex:delete:";

/**
 * /tex: the user's LaTeX drawn as an image in the channel, with a 「削除」 button only its author can use.
 * Refusals and TeX errors are private (ephemeral), as is the refusal of someone else's delete.
 */
export function registerTex(context: DiscordContext): void {
    context.client.on("interactionCreate", (interaction) => {
        const handled = interaction.isChatInputCommand() && interaction.commandName === texCommand.name ? onTex(context, interaction)
            : interaction.isButton() && interaction.customId.startsWith(texDeletePrefix) ? onDelete(context, interaction)
            : undefined;
        if (handled != null)
            trackReply(context, interaction.id, handled);
    });
}

async function onTex(context: DiscordContext, interaction: ChatInputCommandInteraction): Promise<void> {
    const {runtime} = context;
    const request = texCommand.toRequest(optionValues(texCommand, (name) => interaction.options.getString(name)));
    const requester = requesterOf(interaction);
    const place = placeOf(interaction);
    const settings = settingsFor(context, place);
    let deferred = false;
    const outcome = await runtime.useCases.tex.render({
        ...request, requester, communityTheme: settings.theme,
        admission: {settings: settings.stored, channelId: requester.channelId, isModerator: isModerator(interaction)},
        beforeRender: async () => {
            await interaction.deferReply(privately(answersPrivately(place))); // where Kotae is no member, the drawing is the author's alone
            deferred = true;
        }
    });
    if (!outcome.ok) {
        const content = localize(outcome.failure.code, requester.locale, outcome.failure.params);
        if (!deferred) {
            await interaction.reply({content, ...privately()});
            return;
        }
        // The deferred reply is public; a TeX error is the author's business only.
        await interaction.deleteReply();
        await interaction.followUp({content, ...privately()});
        return;
    }
    const files = outcome.images.slice(0, 10).map((image, index) => new AttachmentBuilder(Buffer.from(image.png), {
        name: `tex-${index + 1}.png`, description: request.source.slice(0, 1000)
    }));
    await interaction.editReply({content: "", files, components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder()
        .setCustomId(`${texDeletePrefix}${outcome.interactionId}`).setLabel(uiTexts(requester.locale).texDelete).setStyle(ButtonStyle.Secondary))]});
}

async function onDelete(context: DiscordContext, interaction: ButtonInteraction): Promise<void> {
    const requester = requesterOf(interaction);
    const interactionId = Number(interaction.customId.slice(texDeletePrefix.length));
    switch (context.runtime.useCases.tex.delete(interactionId, requester)) {
        case "deleted":
            // For a component, the original response is the message the button is on: the webhook deletes it
            // without the bot needing to read the channel.
            // https://discord.com/developers/docs/interactions/receiving-and-responding#delete-original-interaction-response
            await interaction.deferUpdate();
            await interaction.deleteReply();
            return;
        case "not_yours":
            await interaction.reply({content: uiTexts(requester.locale).texNotYours, ...privately()});
            return;
        case "unknown":
            await interaction.reply({content: uiTexts(requester.locale).unknownAction, ...privately()});
    }
}
