import {answersEqual} from "../answers/answersEqual.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import type {Requester} from "../domain/Requester.js";

/**
 * Stores a 「間違いを報告」 form: the correction and comment as typed, and whether the correction equals the
 * model's own answer (a hint for reviewers; the reporter is told). Returns that comparison.
 */
export function recordReport(store: KotaeStore, report: {interactionId: number, requester: Requester, correctedAnswer: string, comment: string}): boolean | undefined {
    const original = store.interactions.get(report.interactionId);
    const corrected = report.correctedAnswer.trim();
    const comment = report.comment.trim();
    const equals = corrected !== "" && original?.answer != null ? answersEqual(original.answer, corrected) : undefined;
    store.feedback.add({
        interactionId: report.interactionId, requester: report.requester, kind: "wrong_answer",
        ...(corrected !== "" ? {correctedAnswer: corrected} : {}),
        ...(comment !== "" ? {comment} : {}),
        ...(equals != null ? {correctionEqualsModelAnswer: equals} : {})
    });
    return equals;
}
