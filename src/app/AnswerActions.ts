import {answersEqual} from "../answers/answersEqual.js";
import type {InteractionRecord} from "../domain/Interaction.js";
import type {Requester} from "../domain/Requester.js";
import {solveAgain, type Engine} from "../engine/Engine.js";
import {ErrorCode} from "../errors/ErrorCode.js";
import type {ProfileRegistry} from "../profiles/ProfileRegistry.js";
import type {Renderer, RenderResult} from "../render/Renderer.js";
import type {ThemeName} from "../render/RenderTheme.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import type {ProblemInput} from "./SolveProblem.js";
import {solutionSource} from "./solutionSource.js";

/** The buttons under an answer. */
export type AnswerAction = "show" | "report" | "retry" | "cancel";

/**
 * Who may press which button, in one place for every platform. Anyone who sees an answer may see its
 * solution (shown to them alone), report it wrong or solve it again (on their own hourly limit); only the
 * asker may stop a solve under way, which the engine decides by request id and requester.
 */
export const askerOnlyActions: ReadonlySet<AnswerAction> = new Set<AnswerAction>(["cancel"]);

/** A button press: the interaction it belongs to, or the code to tell the presser (privately). */
export type Pressed = {readonly original: InteractionRecord} | {readonly refusal: ErrorCode.ConversationUnknown | "not_yours"};

/**
 * The answer's buttons (show the solution, report a wrong answer, solve again, cancel) for every platform:
 * each press is logged (`button:<action>`), then checked, then done.
 */
export class AnswerActions {
    public constructor(private readonly engine: Engine, private readonly store: KotaeStore, private readonly profiles: ProfileRegistry, private readonly renderer: Renderer) {}

    /**
     * Logs a press (`action` as the platform named it, so a button of an older Kotae is logged too) and
     * finds its interaction. `cancel` is done here: by the engine, for the asker only.
     */
    public press(action: string, interactionId: number, requester: Requester): Pressed {
        const original = this.store.interactions.get(interactionId);
        this.store.interactions.recordEvent({...(original != null ? {interactionId} : {}), requester, kind: `button:${action}`});
        if (original == null)
            return {refusal: ErrorCode.ConversationUnknown};
        if (askerOnlyActions.has(action as AnswerAction) && this.engine.cancel(interactionId, requester) === "not_yours")
            return {refusal: "not_yours"};
        return {original};
    }

    /** The problem again, as a fresh sample rather than the same one (for `retry`, through the solve use case). */
    public retryOf(original: InteractionRecord): ProblemInput {
        return {...solveAgain(original), seed: Math.floor(Math.random() * 2 ** 31)};
    }

    /** The solution as the asker saw it, drawn as pages (with its profile's code tags, so code stays out of the images). */
    public showSolution(original: InteractionRecord, view: {readonly theme: ThemeName, readonly locale: string | undefined}): Promise<RenderResult> {
        return this.renderSolution(original.profile, original.shownSolution ?? "", view);
    }

    /** Any of an interaction's texts (its solution, a follow-up reply) drawn as solution pages. */
    public renderSolution(profile: string, text: string, view: {readonly theme: ThemeName, readonly locale: string | undefined}): Promise<RenderResult> {
        return this.renderer.render({
            kind: "solution", theme: view.theme, ...(view.locale != null ? {locale: view.locale} : {}),
            solution: solutionSource(this.profiles, profile, text)
        });
    }

    /**
     * Stores a 「間違いを報告」 form: the correction and comment as typed, and whether the correction equals
     * the model's own answer (a hint for reviewers; the reporter is told). Returns that comparison.
     */
    public report(report: {interactionId: number, requester: Requester, correctedAnswer: string, comment: string}): boolean | undefined {
        const original = this.store.interactions.get(report.interactionId);
        const corrected = report.correctedAnswer.trim();
        const comment = report.comment.trim();
        const equals = corrected !== "" && original?.answer != null ? answersEqual(original.answer, corrected) : undefined;
        this.store.feedback.add({
            interactionId: report.interactionId, requester: report.requester, kind: "wrong_answer",
            ...(corrected !== "" ? {correctedAnswer: corrected} : {}),
            ...(comment !== "" ? {comment} : {}),
            ...(equals != null ? {correctionEqualsModelAnswer: equals} : {})
        });
        return equals;
    }

    /** The interaction if this requester asked it (the web keeps each browser's problems to itself). */
    public ownInteraction(interactionId: number, requester: Pick<Requester, "platform" | "userId">): InteractionRecord | undefined {
        const interaction = this.store.interactions.get(interactionId);
        return interaction != null && interaction.platform === requester.platform && interaction.userPseudonym === this.store.pseudonymOf(requester) ? interaction : undefined;
    }

    /** Any interaction by id (for the web's admin, or a report form finding where to answer). */
    public interaction(interactionId: number): InteractionRecord | undefined {
        return this.store.interactions.get(interactionId);
    }
}
