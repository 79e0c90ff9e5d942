import {
    ActionRowBuilder, AttachmentBuilder, ModalBuilder, TextInputBuilder, TextInputStyle,
    type ButtonInteraction, type ChatInputCommandInteraction, type ModalSubmitInteraction
} from "discord.js";
import {solveCommand} from "../../../commands/solve.js";
import {solveAgain} from "../../engine/Engine.js";
import {ErrorCode} from "../../errors/ErrorCode.js";
import {NoticeCode} from "../../errors/NoticeCode.js";
import {localize} from "../../i18n/messages.js";
import {uiTexts} from "../../i18n/uiTexts.js";
import {recordReport} from "../../adapters/shared/recordReport.js";
import {solutionSource} from "../../adapters/shared/solutionSource.js";
import {splitMessage} from "../../adapters/shared/splitMessage.js";
import {trackReply, settingsFor, requesterOf, type DiscordContext} from "./DiscordContext.js";
import {optionValues} from "./discordCommands.js";
import {placeOf} from "./discordPlace.js";
import {customIdPrefixes, customIds, solveFlow} from "./solveFlow.js";

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
    const {store} = context.runtime;
    const original = store.interactions.get(interactionId);
    const requester = requesterOf(interaction);
    const texts = uiTexts(requester.locale);
    store.interactions.recordEvent({...(original != null ? {interactionId} : {}), requester, kind: `button:${action ?? "unknown"}`});
    if (original == null) {
        await interaction.reply({content: localize(ErrorCode.ConversationUnknown, requester.locale), ephemeral: true});
        return;
    }

    switch (action) {
        case "cancel":
            if (context.runtime.engine.cancel(interactionId, requester) === "not_yours")
                await interaction.reply({content: texts.notYours, ephemeral: true});
            else
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
            await solveFlow(context, interaction, {
                ...solveAgain(original),
                seed: Math.floor(Math.random() * 2 ** 31) // a fresh sample, not the same one again
            });
            return;
        case "show": {
            await interaction.deferReply({ephemeral: true});
            const theme = settingsFor(context, placeOf(interaction)).theme;
            const rendered = await context.runtime.renderer.render({
                kind: "solution", theme, ...(requester.locale != null ? {locale: requester.locale} : {}),
                solution: solutionSource(context.runtime.profiles, original.profile, original.shownSolution ?? "")
            });
            const files = rendered.images.slice(0, 10).map((image, index) =>
                new AttachmentBuilder(Buffer.from(image.png), {name: `solution-${index + 1}.png`}));
            const notice = rendered.images.length === 0 ? `${localize(NoticeCode.RenderFailed, requester.locale)}\n` : "";
            const [first = ""] = splitMessage(`${notice}${rendered.alt}`, 2000);
            await interaction.editReply({content: files.length > 0 ? "" : first, files});
            return;
        }
        default: // a button of an older Kotae
            await interaction.reply({content: texts.unknownAction, ephemeral: true});
    }
}

async function onReport(context: DiscordContext, interaction: ModalSubmitInteraction): Promise<void> {
    const interactionId = Number(interaction.customId.split(":")[2]);
    const {store} = context.runtime;
    const requester = requesterOf(interaction);
    const texts = uiTexts(requester.locale);
    const equals = recordReport(store, {
        interactionId, requester,
        correctedAnswer: interaction.fields.getTextInputValue("answer"), comment: interaction.fields.getTextInputValue("comment")
    });
    await interaction.reply({content: equals === true ? `${texts.reportThanks}\n${texts.reportMatchesModel}` : texts.reportThanks, ephemeral: true});
}
