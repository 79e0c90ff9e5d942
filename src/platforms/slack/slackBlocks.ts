import type {types} from "@slack/bolt";

type KnownBlock = types.KnownBlock;
import type {UiTexts} from "../../i18n/uiTexts.js";
import {splitMessage} from "../shared/splitMessage.js";

/** Slack's section text limit; longer text becomes several sections. */
const sectionLimit = 3000;
/** Slack refuses a message with more than 50 blocks; longer text becomes several messages. */
const blocksPerMessage = 50;

/** What every action id of Kotae's buttons starts with, so clicks on buttons Kotae never made can be told apart. */
export const actionIdPrefix = "kotae:";
export const actionIds = {show: "kotae:show", report: "kotae:report", retry: "kotae:retry", cancel: "kotae:cancel"} as const;
export const callbackIds = {report: "kotae:report", settings: "kotae:settings"} as const;
/** What the App Home tab's controls start with; the answer buttons' handler leaves these to the Home feature. */
export const homeActionPrefix = "kotae:home:";
/** The Home tab's controls; each setting's id ends with the settings command's option name. */
export const homeActionIds = {
    report: "kotae:home:report",
    mode: "kotae:home:mode", profile: "kotae:home:profile", theme: "kotae:home:theme", followUpsNeedMention: "kotae:home:followups_need_mention",
    channels: "kotae:home:channels", solvesPerHour: "kotae:home:solves_per_hour"
} as const;

/** A status line with a cancel button (while a solve runs). */
export function progressBlocks(status: string, interactionId: number | undefined, texts: UiTexts): KnownBlock[] {
    return [
        {type: "section", text: {type: "mrkdwn", text: status}},
        ...(interactionId != null ? [{
            type: "actions" as const,
            elements: [{type: "button" as const, action_id: actionIds.cancel, value: String(interactionId), text: {type: "plain_text" as const, text: texts.cancel}}]
        }] : [])
    ];
}

/** The finished answer: the summary (and notices), then the buttons. */
export function answerBlocks(lines: readonly string[], interactionId: number, texts: UiTexts, answered: boolean): KnownBlock[] {
    const button = (actionId: string, text: string, style?: "primary" | "danger") => ({
        type: "button" as const, action_id: actionId, value: String(interactionId), text: {type: "plain_text" as const, text},
        ...(style != null ? {style} : {})
    });
    return [
        ...textSections(lines.join("\n")),
        {
            type: "actions",
            elements: [
                button(actionIds.show, texts.showSolution, "primary"),
                ...(answered ? [button(actionIds.report, texts.report, "danger")] : []),
                button(actionIds.retry, texts.retry)
            ]
        }
    ];
}

/** Text as mrkdwn sections, split cleanly (never inside a formula). */
export function textSections(text: string): KnownBlock[] {
    return splitMessage(toMrkdwn(text), sectionLimit).map((part) => ({type: "section", text: {type: "mrkdwn", text: part}}));
}

/** Text as one or more messages of at most 50 sections each, in order, each with its first section as the notification text. */
export function textMessages(text: string): {text: string, blocks: KnownBlock[]}[] {
    const sections = textSections(text);
    const messages: {text: string, blocks: KnownBlock[]}[] = [];
    for (let start = 0; start < sections.length; start += blocksPerMessage) {
        const blocks = sections.slice(start, start + blocksPerMessage);
        messages.push({text: notificationText(blocks), blocks});
    }
    return messages;
}

/** A message's `text` beside its blocks (notifications, screen readers): the first section, within chat.update's 4 000 characters. */
export function notificationText(blocks: readonly KnownBlock[]): string {
    const first = blocks[0];
    return first?.type === "section" && first.text != null ? first.text.text : "";
}

/** A person's message text as typed: Slack sends `&`, `<` and `>` escaped (mentions stay `<@U…>` tokens). */
export function fromMrkdwn(text: string): string {
    return text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
}

/**
 * Model output and people's words as Slack mrkdwn: `&`, `<` and `>` escaped, so that nothing in them
 * becomes a mention, a broadcast (`<!channel>`) or a link (https://api.slack.com/reference/surfaces/formatting#escaping);
 * Markdown bold (**x**) is *x*.
 */
export function toMrkdwn(text: string): string {
    return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replace(/\*\*([^*\n]+)\*\*/g, "*$1*");
}
