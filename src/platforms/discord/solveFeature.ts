import {
    ActionRowBuilder, AttachmentBuilder, ModalBuilder, TextInputBuilder, TextInputStyle,
    type ButtonInteraction, type ChatInputCommandInteraction, type ModalSubmitInteraction
} from "discord.js";
import {solveCommand} from "../../../commands/solve.js";
import {NoticeCode} from "../../errors/NoticeCode.js";
import {localize} from "../../i18n/messages.js";
import {uiTexts} from "../../i18n/uiTexts.js";
import {splitMessage} from "../shared/splitMessage.js";
import {trackReply, settingsFor, requesterOf, type DiscordContext} from "./DiscordContext.js";
import {placeOf} from "./discordPlace.js";
import {optionValues} from "./discordCommands.js";
import {customIdPrefixes, customIds, solveFlow} from "./solveFlow.js";
import {privately} from "./privately.js";

/** /solve, the answer's buttons (show, report, retry, cancel) and the report form. */
export function registerSolve(context: DiscordContext): void {
    context.client.on("interactionCreate", (interaction) => {
        const handled = interaction.isChatInputCommand() && interaction.commandName === solveCommand.name ? onSolve(context, interaction)
            : interaction.isButton() && interaction.customId.startsWith(customIdPrefixes.button) ? onButton(context, interaction)
            : interaction.isModalSubmit() && interaction.customId.startsWith(customIdPrefixes.reportForm) ? onReport(context, interaction)
            : undefined;
        if (handled != null)
            trackReply(context, interaction.id, handled);
    });
}

async function onSolve(context: DiscordContext, interaction: ChatInputCommandInteraction): Promise<void> {
    const values = optionValues(solveCommand, (name) => interaction.options.getString(name));
    await solveFlow(context, interaction, solveCommand.toRequest(values));
}

async function onButton(context: DiscordContext, interaction: ButtonInteraction): Promise<void> {
    const [, action, idText] = interaction.customId.split(":");
    const interactionId = Number(idText);
    const {answers} = context.runtime.useCases;
    const requester = requesterOf(interaction);
    const texts = uiTexts(requester.locale);
    const pressed = answers.press(action ?? "unknown", interactionId, requester);
    if ("refusal" in pressed) {
        await interaction.reply({content: pressed.refusal === "not_yours" ? texts.notYours : localize(pressed.refusal, requester.locale), ...privately()});
        return;
    }

    switch (action) {
        case "cancel": // done by the press
            await interaction.deferUpdate();
            return;
        case "report": {
            const modal = new ModalBuilder().setCustomId(customIds.reportForm(interactionId)).setTitle(texts.reportTitle).addComponents(
                new ActionRowBuilder<TextInputBuilder>().addComponents(new TextInputBuilder()
                    .setCustomId("answer").setLabel(texts.reportAnswerLabel).setStyle(TextInputStyle.Short).setRequired(false).setMaxLength(200)),
                new ActionRowBuilder<TextInputBuilder>().addComponents(new TextInputBuilder()
                    .setCustomId("comment").setLabel(texts.reportCommentLabel).setStyle(TextInputStyle.Paragraph).setRequired(false).setMaxLength(1000)));
            await interaction.showModal(modal);
            return;
        }
        case "retry":
            await solveFlow(context, interaction, answers.retryOf(pressed.original));
            return;
        case "show": {
            await interaction.deferReply(privately());
            const theme = settingsFor(context, placeOf(interaction)).theme;
            const rendered = await answers.showSolution(pressed.original, {theme, locale: requester.locale});
            const files = rendered.images.slice(0, 10).map((image, index) =>
                new AttachmentBuilder(Buffer.from(image.png), {name: `solution-${index + 1}.png`}));
            const notice = rendered.images.length === 0 ? `${localize(NoticeCode.RenderFailed, requester.locale)}\n` : "";
            const [first = ""] = splitMessage(`${notice}${rendered.alt}`, 2000);
            await interaction.editReply({content: files.length > 0 ? "" : first, files});
            return;
        }
        default: // a button of an older Kotae
            await interaction.reply({content: texts.unknownAction, ...privately()});
    }
}

async function onReport(context: DiscordContext, interaction: ModalSubmitInteraction): Promise<void> {
    const interactionId = Number(interaction.customId.split(":")[2]);
    const requester = requesterOf(interaction);
    const texts = uiTexts(requester.locale);
    const equals = context.runtime.useCases.answers.report({
        interactionId, requester,
        correctedAnswer: interaction.fields.getTextInputValue("answer"), comment: interaction.fields.getTextInputValue("comment")
    });
    await interaction.reply({content: equals === true ? `${texts.reportThanks}\n${texts.reportMatchesModel}` : texts.reportThanks, ...privately()});
}
