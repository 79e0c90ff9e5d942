import type {types} from "@slack/bolt";

type KnownBlock = types.KnownBlock;
import type {UiTexts} from "../../i18n/uiTexts.js";
import {splitMessage} from "../shared/splitMessage.js";

/** Slack's section text limit; longer text becomes several sections. */
const sectionLimit = 3000;

export const actionIds = {show: "kotae:show", report: "kotae:report", retry: "kotae:retry", cancel: "kotae:cancel"} as const;
export const callbackIds = {report: "kotae:report", settings: "kotae:settings"} as const;

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

/** Text as mrkdwn sections, split cleanly (never inside a formula), at most 45 of them (Slack allows 50 blocks). */
export function textSections(text: string): KnownBlock[] {
    return splitMessage(toMrkdwn(text), sectionLimit).slice(0, 45).map((part) => ({type: "section", text: {type: "mrkdwn", text: part}}));
}

/** Markdown bold (**x**) is *x* in Slack's mrkdwn. */
export function toMrkdwn(text: string): string {
    return text.replace(/\*\*([^*\n]+)\*\*/g, "*$1*");
}
