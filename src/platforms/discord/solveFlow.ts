import {
    ActionRowBuilder, AttachmentBuilder, ButtonBuilder, ButtonStyle,
    type ButtonInteraction, type ChatInputCommandInteraction, type InteractionEditReplyOptions, type Message
} from "discord.js";
import {answersPrivately, opensThread, type RequestPlace} from "../../app/RequestPlace.js";
import type {ProblemInput} from "../../app/SolveProblem.js";
import type {SolveResult} from "../../engine/EngineEvent.js";
import {NoticeCode} from "../../errors/NoticeCode.js";
import {localize} from "../../i18n/messages.js";
import {uiTexts, type UiTexts} from "../../i18n/uiTexts.js";
import {describePhase} from "../shared/SolveProgress.js";
import {answerSummary, watchWithProgress} from "../shared/watchSolve.js";
import {splitMessage} from "../shared/splitMessage.js";
import {askerOf, settingsFor, requesterOf, type DiscordContext} from "./DiscordContext.js";
import {placeOf} from "./discordPlace.js";
import {privately} from "./privately.js";

export type SolveInteraction = ChatInputCommandInteraction | ButtonInteraction;

/** Discord's interaction tokens live 15 minutes; past about 14, answers go out as plain messages. */
const tokenLifetimeMs = 14 * 60 * 1000;
const messageLimit = 2000;

/** How Kotae's buttons and report forms name themselves, so interactions Kotae never made can be told apart. */
export const customIdPrefixes = {button: "kotae:", reportForm: "kotae:report-form:"} as const;

export const customIds = {
    show: (id: number) => `kotae:show:${id}`,
    report: (id: number) => `kotae:report:${id}`,
    retry: (id: number) => `kotae:retry:${id}`,
    cancel: (id: number) => `kotae:cancel:${id}`,
    reportForm: (id: number) => `${customIdPrefixes.reportForm}${id}`
};

/**
 * Runs a solve for a /solve command or a 「もう一度解く」 button: checks the community's rules, acknowledges
 * at once, keeps the reply's status line current (about once a second), then replaces it with the
 * answer, its card image and buttons, and opens a thread for follow-ups in a server's channel (in a DM
 * the DM holds them; where Kotae is no member, every reply is the student's alone).
 */
export async function solveFlow(context: DiscordContext, interaction: SolveInteraction, problem: ProblemInput): Promise<void> {
    const asker = askerOf(interaction);
    const {requester} = asker;
    const texts = uiTexts(requester.locale);
    const place = placeOf(interaction);
    const settings = settingsFor(context, place);
    const watched = await watchWithProgress(context.runtime.useCases.solve.solve(problem, asker), requester.locale, {
        intervalMs: 1000,
        acknowledge: async () => {
            await interaction.deferReply(privately(answersPrivately(place))); // Discord's own "thinking…" until the first edit
            return false;
        },
        show: async (phase, interactionId) => {
            await interaction.editReply({content: describePhase(phase, texts), components: interactionId != null ? [cancelRow(interactionId, texts)] : []});
        }
    });
    const {result, failure, refusal, notices} = watched;
    if (refusal != null) {
        await interaction.reply({content: refusal, ...privately()}).catch(() => {});
        return;
    }

    const reply = result != null
        ? await answerReply(context, result, texts, settings.theme, requester.locale, notices)
        : {content: failure ?? texts.cancelled, components: [], files: []};
    const message = await deliver(context, interaction, reply, watched.interactionId, place);
    if (result == null || message == null)
        return;
    if (opensThread(place))
        await openThread(context, message, result.interactionId, problem.problem, texts, settings.followUpsNeedMention);
    else if (place.kind === "direct") // the DM itself holds the follow-ups: the latest answer there is the one they continue
        context.runtime.useCases.followUps.threadOpened(result.interactionId, message.channelId);
}

async function answerReply(context: DiscordContext, result: SolveResult, texts: UiTexts, theme: "light" | "dark", locale: string | undefined, notices: readonly string[]): Promise<InteractionEditReplyOptions> {
    const summary = answerSummary(result, texts);
    const files: AttachmentBuilder[] = [];
    const lines = [...notices, summary];
    if (result.answer != null) {
        const card = await context.runtime.renderer.render({kind: "answer", answer: result.answer, theme, ...(locale != null ? {locale} : {})});
        if (card.images[0] != null)
            files.push(new AttachmentBuilder(Buffer.from(card.images[0].png), {name: "answer.png", description: `${texts.answer(result.answer)}`}));
        else
            lines.push(localize(NoticeCode.RenderFailed, locale), `\`${result.answer}\``);
    }
    return {
        content: splitMessage(lines.join("\n"), messageLimit)[0] ?? "",
        files,
        components: [answerRow(result.interactionId, texts, result.answer != null)]
    };
}

/**
 * The final reply: an edit of the deferred response while its token is alive, else (or when the edit fails
 * for good) a plain message in the channel, so the student always gets the answer. Returns the message.
 * Where Kotae is no member (a user install elsewhere) the token is the only way in, and a channel message
 * would make a private problem public: nothing is sent past it.
 */
async function deliver(context: DiscordContext, interaction: SolveInteraction, reply: InteractionEditReplyOptions, interactionId: number | undefined, place: RequestPlace): Promise<Message | undefined> {
    const requester = requesterOf(interaction);
    if (Date.now() - interaction.createdTimestamp < tokenLifetimeMs) {
        try {
            return await interaction.editReply(reply);
        } catch (error) {
            context.runtime.useCases.activity.record({
                ...(interactionId != null ? {interactionId} : {}), requester, kind: "delivery_failed",
                detail: {via: "edit", error: error instanceof Error ? error.message : String(error)}
            });
        }
    }
    const channel = interaction.channel;
    if (answersPrivately(place) || channel == null || !channel.isSendable())
        return undefined;
    try {
        return await channel.send({
            ...reply, content: `<@${interaction.user.id}> ${reply.content ?? ""}`.slice(0, messageLimit),
            allowedMentions: {users: [interaction.user.id]} // the asker, who cannot see the expired reply, and nobody else
        } as never);
    } catch (error) {
        context.runtime.useCases.activity.record({
            ...(interactionId != null ? {interactionId} : {}), requester, kind: "delivery_failed",
            detail: {via: "channel", error: error instanceof Error ? error.message : String(error)}
        });
        return undefined;
    }
}

async function openThread(context: DiscordContext, message: Message, interactionId: number, problem: string, texts: UiTexts, needsMention: boolean): Promise<void> {
    if (message.channel.isThread())
        return; // a retry inside an answer's thread: it stays there
    try {
        const name = texts.threadName(problem.replace(/\s+/g, " ")).slice(0, 90);
        const thread = await message.startThread({name, autoArchiveDuration: 1440});
        context.runtime.useCases.followUps.threadOpened(interactionId, thread.id);
        await thread.send(texts.followUpHint(needsMention));
    } catch (error) {
        context.runtime.useCases.activity.record({
            interactionId, requester: requesterOf(message), kind: "thread_failed",
            detail: {error: error instanceof Error ? error.message : String(error)}
        });
    }
}

function cancelRow(interactionId: number, texts: UiTexts): ActionRowBuilder<ButtonBuilder> {
    return new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId(customIds.cancel(interactionId)).setLabel(texts.cancel).setStyle(ButtonStyle.Secondary));
}

function answerRow(interactionId: number, texts: UiTexts, answered: boolean): ActionRowBuilder<ButtonBuilder> {
    return new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId(customIds.show(interactionId)).setLabel(texts.showSolution).setStyle(ButtonStyle.Primary),
        new ButtonBuilder().setCustomId(customIds.report(interactionId)).setLabel(texts.report).setStyle(ButtonStyle.Danger).setDisabled(!answered),
        new ButtonBuilder().setCustomId(customIds.retry(interactionId)).setLabel(texts.retry).setStyle(ButtonStyle.Secondary));
}
