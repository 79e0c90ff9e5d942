import {AttachmentBuilder, type ChatInputCommandInteraction, type Message} from "discord.js";
import {askCommand} from "../../../commands/ask.js";
import type {Requester} from "../../domain/Requester.js";
import {ErrorCode} from "../../errors/ErrorCode.js";
import {localize} from "../../i18n/messages.js";
import {uiTexts} from "../../i18n/uiTexts.js";
import {splitMessage} from "../shared/splitMessage.js";
import {trackReply, settingsFor, platform, requesterOf, type DiscordContext} from "./DiscordContext.js";

const messageLimit = 2000;

/**
 * Follow-up questions in a solution's thread: plain messages when the community lets Kotae read them
 * (MessageContent intent, mentions not required), else messages that @mention Kotae, and `/ask` always.
 * An @mention outside an answer's thread gets a short hint on how to ask.
 */
export function registerFollowUps(context: DiscordContext): void {
    context.client.on("messageCreate", (message) => {
        trackReply(context, message.id, onMessage(context, message));
    });
    context.client.on("interactionCreate", (interaction) => {
        if (interaction.isChatInputCommand() && interaction.commandName === askCommand.name)
            trackReply(context, interaction.id, onAsk(context, interaction));
    });
}

async function onMessage(context: DiscordContext, message: Message): Promise<void> {
    const botUser = context.client.user;
    if (message.author.bot || botUser == null)
        return;
    const mentioned = message.mentions.users.has(botUser.id);
    const thread = message.channel.isThread() ? message.channel : undefined;
    const original = thread != null ? context.runtime.useCases.followUps.answerInThread(platform, thread.id) : undefined;
    if (thread == null || original == null) {
        // A stray @mention (outside an answer's thread): how to ask, without the model.
        if (mentioned)
            await message.reply({content: uiTexts(requesterOf(message).locale).mentionHint, allowedMentions: {repliedUser: false}});
        return;
    }
    if (settingsFor(context, message.guildId).followUpsNeedMention && !mentioned)
        return;
    const question = message.content.replace(new RegExp(`<@!?${botUser.id}>`, "g"), "").trim();
    await thread.sendTyping().catch(() => {});
    const answer = await followUpMessage(context, original.id, original.profile, question, requesterOf(message));
    const [first, ...rest] = answer.parts;
    await message.reply({content: first ?? "", files: answer.files, allowedMentions: {repliedUser: false}});
    for (const part of rest)
        await thread.send(part);
}

async function onAsk(context: DiscordContext, interaction: ChatInputCommandInteraction): Promise<void> {
    const requester = requesterOf(interaction);
    const original = interaction.channel?.isThread() === true ? context.runtime.useCases.followUps.answerInThread(platform, interaction.channelId) : undefined;
    if (original == null) {
        await interaction.reply({content: localize(ErrorCode.ConversationUnknown, requester.locale), ephemeral: true});
        return;
    }
    await interaction.deferReply();
    const question = askCommand.toRequest({question: interaction.options.getString("question") ?? ""}).question;
    const answer = await followUpMessage(context, original.id, original.profile, question, requester);
    const [first, ...rest] = answer.parts;
    await interaction.editReply({content: first ?? "", files: answer.files});
    for (const part of rest)
        await interaction.followUp(part);
}

/** The engine's answer to a follow-up, as message parts and (when it has math) rendered images. */
async function followUpMessage(context: DiscordContext, interactionId: number, profile: string, question: string, requester: Requester): Promise<{parts: string[], files: AttachmentBuilder[]}> {
    const {text, images} = await context.runtime.useCases.followUps.answer({
        interactionId, profile, question, requester, theme: settingsFor(context, requester.workspaceId ?? null).theme
    });
    return {
        parts: splitMessage(text, messageLimit),
        files: images.map((image, index) => new AttachmentBuilder(Buffer.from(image.png), {name: `answer-${index + 1}.png`}))
    };
}
