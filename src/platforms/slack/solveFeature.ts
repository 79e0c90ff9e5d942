import type {webApi} from "@slack/bolt";
import {solveCommand} from "../../../commands/solve.js";
import type {Asker, ProblemInput} from "../../app/SolveProblem.js";
import type {SolveRequest} from "../../engine/Engine.js";
import {NoticeCode} from "../../errors/NoticeCode.js";
import {localize} from "../../i18n/messages.js";
import {uiTexts, type UiTexts} from "../../i18n/uiTexts.js";
import {describePhase} from "../shared/SolveProgress.js";
import {answerSummary, watchWithProgress} from "../shared/watchSolve.js";
import {postText} from "./postText.js";
import {actionIdPrefix, actionIds, answerBlocks, callbackIds, homeActionPrefix, notificationText, progressBlocks, textSections} from "./slackBlocks.js";
import {askerOf, logFailure, progressBudget, requesterOf, settingsFor, slackPlace, threadKey, type SlackContext} from "./SlackContext.js";

/** Slack's chat.update tolerates about one call a second per message; a little slower stays clear of 429s. */
const progressIntervalMs = 1200;

/** `/solve`, the answer's buttons and the report form. */
export function registerSolve(context: SlackContext): void {
    const {app} = context;
    app.command("/solve", async ({command, ack, client, respond}) => {
        await ack();
        const asker = await askerOf(context, client, {userId: command.user_id, teamId: command.team_id, channelId: command.channel_id});
        await solveInChannel(context, client, asker, parseSolveText(command.text), {
            refuse: (message) => respond({response_type: "ephemeral", text: message}).then(() => {})
        });
    });

    // Every Kotae button but the App Home tab's, which the Home feature answers.
    app.action({type: "block_actions", action_id: new RegExp(`^${actionIdPrefix}(?!${homeActionPrefix.slice(actionIdPrefix.length)})`)}, async ({ack, body, action, client}) => {
        await ack();
        if (action.type !== "button" || body.channel == null)
            return;
        const interactionId = Number(action.value);
        const {answers} = context.runtime.useCases;
        const asker = await askerOf(context, client, {userId: body.user.id, teamId: body.team?.id, channelId: body.channel.id});
        const {requester} = asker;
        const texts = uiTexts(requester.locale);
        const pressed = answers.press(action.action_id.replace("kotae:", ""), interactionId, requester);
        const tellUser = (text: string) => client.chat.postEphemeral({channel: body.channel!.id, user: body.user.id, text});
        if ("refusal" in pressed) {
            await tellUser(pressed.refusal === "not_yours" ? texts.notYours : localize(pressed.refusal, requester.locale));
            return;
        }
        const {original} = pressed;
        const threadTs = original.threadId?.split("/")[1];
        switch (action.action_id) {
            case actionIds.cancel: // done by the press
                return;
            case actionIds.report:
                await client.views.open({trigger_id: body.trigger_id, view: reportView(interactionId, texts)});
                return;
            case actionIds.retry:
                await solveInChannel(context, client, asker, answers.retryOf(original), {refuse: (message) => tellUser(message).then(() => {})});
                return;
            case actionIds.show: {
                const rendered = await answers.showSolution(original, {theme: settingsFor(context, slackPlace(body.team?.id, body.channel.id)).theme, locale: requester.locale});
                if (rendered.images.length === 0) {
                    await postText(client, {channel: body.channel.id, threadTs}, rendered.alt, localize(NoticeCode.RenderFailed, requester.locale));
                    return;
                }
                await client.files.uploadV2({
                    channel_id: body.channel.id, ...(threadTs != null ? {thread_ts: threadTs} : {}),
                    file_uploads: rendered.images.map((image, index) => ({file: Buffer.from(image.png), filename: `solution-${index + 1}.png`}))
                });
                return;
            }
            default: // a button of an older Kotae
                await tellUser(texts.unknownAction);
        }
    });

    app.view(callbackIds.report, async ({ack, view, body, client}) => {
        await ack();
        const interactionId = Number(view.private_metadata);
        const {answers} = context.runtime.useCases;
        const original = answers.interaction(interactionId);
        const requester = await requesterOf(context, client, {userId: body.user.id, teamId: body.team?.id, channelId: original?.channelId ?? undefined});
        const texts = uiTexts(requester.locale);
        const equals = answers.report({
            interactionId, requester,
            correctedAnswer: view.state.values["answer"]?.["answer"]?.value ?? "", comment: view.state.values["comment"]?.["comment"]?.value ?? ""
        });
        if (original?.channelId != null)
            await client.chat.postEphemeral({channel: original.channelId, user: body.user.id,
                text: equals === true ? `${texts.reportThanks}\n${texts.reportMatchesModel}` : texts.reportThanks});
    });
}

/** `/solve` text: the problem, with optional `mode:tir` / `style:sansu` words anywhere in it. */
export function parseSolveText(text: string): Pick<SolveRequest, "problem" | "mode" | "profile"> {
    const values: Record<string, string> = {};
    const problem = text.replace(/(?:^|\s)(mode|style|モード|スタイル)[:：](\S+)/g, (_word, name: string, value: string) => {
        values[name === "モード" ? "mode" : name === "スタイル" ? "style" : name] = value;
        return " ";
    }).trim();
    return solveCommand.toRequest({...values, problem});
}

/**
 * Posts a message in the channel that shows the solve's progress, then becomes the answer with its
 * buttons; the answer card goes into the message's thread, where follow-ups continue.
 */
export function solveInChannel(context: SlackContext, client: webApi.WebClient, asker: Asker, problem: ProblemInput, reply: {
    /** Tells the asker privately (an ephemeral response or message) why the problem was refused. */
    refuse: (message: string) => Promise<void>
}): Promise<void> {
    return context.answering.track(answerInChannel(context, client, asker, problem, reply), (error) => logFailure(context, "a solve", error));
}

async function answerInChannel(context: SlackContext, client: webApi.WebClient, asker: Asker, problem: ProblemInput, reply: {
    refuse: (message: string) => Promise<void>
}): Promise<void> {
    const {runtime} = context;
    const {requester} = asker;
    const channel = requester.channelId;
    if (channel == null)
        return;
    const texts = uiTexts(requester.locale);
    const settings = settingsFor(context, slackPlace(requester.workspaceId, channel));
    let ts = "";
    const watched = await watchWithProgress(runtime.useCases.solve.solve(problem, asker), requester.locale, {
        intervalMs: progressIntervalMs,
        budget: progressBudget(context, requester.workspaceId),
        acknowledge: async (phase, interactionId) => {
            const status = phase != null ? describePhase(phase, texts) : texts.starting;
            const posted = await client.chat.postMessage({channel, text: status, blocks: progressBlocks(status, interactionId, texts)});
            ts = posted.ts!;
            return true;
        },
        show: async (phase, interactionId) => {
            if (context.pacer.isBusy(channel)) return; // a later phase, or the answer, shows soon enough
            const status = describePhase(phase, texts);
            await client.chat.update({channel, ts, text: status, blocks: progressBlocks(status, interactionId, texts)});
        }
    });
    const {result, failure, refusal, notices} = watched;
    if (refusal != null) {
        await reply.refuse(refusal);
        return;
    }
    if (result == null) {
        const blocks = textSections(failure ?? texts.cancelled);
        await client.chat.update({channel, ts, text: notificationText(blocks), blocks});
        return;
    }
    runtime.useCases.followUps.threadOpened(result.interactionId, threadKey(channel, ts));
    const summary = answerSummary(result, texts);
    const card = result.answer != null
        ? await runtime.renderer.render({kind: "answer", answer: result.answer, theme: settings.theme, ...(requester.locale != null ? {locale: requester.locale} : {})})
        : undefined;
    const lines = [...notices, summary, ...(card != null && card.images.length === 0 ? [localize(NoticeCode.RenderFailed, requester.locale)] : [])];
    const blocks = answerBlocks(lines, result.interactionId, texts, result.answer != null);
    await client.chat.update({channel, ts, text: notificationText(blocks), blocks});
    const image = card?.images[0];
    if (image != null)
        await client.files.uploadV2({channel_id: channel, thread_ts: ts, file: Buffer.from(image.png), filename: "answer.png", alt_text: summary});
    await client.chat.postMessage({channel, thread_ts: ts, text: texts.followUpHint(settings.followUpsNeedMention)});
}

/** The 「間違いを報告」 form, opened from an answer's button or from the App Home tab. */
export function reportView(interactionId: number, texts: UiTexts) {
    const input = (id: string, label: string, multiline: boolean) => ({
        type: "input" as const, block_id: id, optional: true, label: {type: "plain_text" as const, text: label},
        element: {type: "plain_text_input" as const, action_id: id, multiline}
    });
    return {
        type: "modal" as const,
        callback_id: callbackIds.report,
        private_metadata: String(interactionId),
        title: {type: "plain_text" as const, text: texts.reportTitle.slice(0, 24)},
        submit: {type: "plain_text" as const, text: "OK"},
        blocks: [input("answer", texts.reportAnswerLabel, false), input("comment", texts.reportCommentLabel, true)]
    };
}
