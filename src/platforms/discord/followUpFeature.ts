import {AttachmentBuilder, type ChatInputCommandInteraction, type Message} from "discord.js";
import {askCommand} from "../../../commands/ask.js";
import {ErrorCode} from "../../errors/ErrorCode.js";
import {localize} from "../../i18n/messages.js";
import {uiTexts} from "../../i18n/uiTexts.js";
import {splitMessage} from "../shared/splitMessage.js";
import {trackReply, settingsFor, platform, requesterOf, type DiscordContext} from "./DiscordContext.js";
import {placeOf} from "./discordPlace.js";
import {privately} from "./privately.js";

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
    // In a DM with Kotae every message is meant for it, and continues the last answer there.
    const direct = placeOf(message).kind === "direct";
    const conversation = direct ? message.channel : message.channel.isThread() ? message.channel : undefined;
    const original = conversation != null ? context.runtime.useCases.followUps.answerInThread(platform, conversation.id) : undefined;
    if (conversation == null || original == null) {
        // A stray @mention (outside an answer's thread), or a DM before any /solve: how to ask, without the model.
        if (mentioned || direct)
            await message.reply({content: uiTexts(requesterOf(message).locale).mentionHint, allowedMentions: {repliedUser: false}});
        return;
    }
    if (!direct && settingsFor(context, placeOf(message)).followUpsNeedMention && !mentioned)
        return;
    const question = message.content.replace(new RegExp(`<@!?${botUser.id}>`, "g"), "").trim();
    if (conversation.isSendable()) await conversation.sendTyping().catch(() => {});
    const answer = await followUpMessage(context, original.id, original.profile, question, message);
    const [first, ...rest] = answer.parts;
    await message.reply({content: first ?? "", files: answer.files, allowedMentions: {repliedUser: false}});
    for (const part of rest)
        if (conversation.isSendable()) await conversation.send(part);
}

async function onAsk(context: DiscordContext, interaction: ChatInputCommandInteraction): Promise<void> {
    const requester = requesterOf(interaction);
    // In a DM with Kotae, /ask continues the last answer there, as plain messages do.
    const inConversation = interaction.channel?.isThread() === true || placeOf(interaction).kind === "direct";
    const original = inConversation && interaction.channelId != null ? context.runtime.useCases.followUps.answerInThread(platform, interaction.channelId) : undefined;
    if (original == null) {
        await interaction.reply({content: localize(ErrorCode.ConversationUnknown, requester.locale), ...privately()});
        return;
    }
    await interaction.deferReply();
    const question = askCommand.toRequest({question: interaction.options.getString("question") ?? ""}).question;
    const answer = await followUpMessage(context, original.id, original.profile, question, interaction);
    const [first, ...rest] = answer.parts;
    await interaction.editReply({content: first ?? "", files: answer.files});
    for (const part of rest)
        await interaction.followUp(part);
}

/** The engine's answer to a follow-up, as message parts and (when it has math) rendered images. */
async function followUpMessage(context: DiscordContext, interactionId: number, profile: string, question: string, source: Message | ChatInputCommandInteraction): Promise<{parts: string[], files: AttachmentBuilder[]}> {
    const {text, images} = await context.runtime.useCases.followUps.answer({
        interactionId, profile, question, requester: requesterOf(source), theme: settingsFor(context, placeOf(source)).theme
    });
    return {
        parts: splitMessage(text, messageLimit),
        files: images.map((image, index) => new AttachmentBuilder(Buffer.from(image.png), {name: `answer-${index + 1}.png`}))
    };
}
