import {answersEqual} from "../answers/answersEqual.js";
import {freshSampleVotes, startFreshSampleVote, type FreshSampleVote} from "../audit/freshSampleVote.js";
import type {ExecutionRow} from "../domain/Execution.js";
import type {FeedbackRecord} from "../domain/Feedback.js";
import type {InteractionRecord} from "../domain/Interaction.js";
import type {ReportFilter, ReportSummary} from "../domain/ReportQueue.js";
import type {NewReview, ReviewRecord} from "../domain/Review.js";
import type {ExportFilter} from "../domain/ReviewedInteraction.js";
import type {SolutionRecord} from "../domain/Solution.js";
import type {TurnRecord} from "../domain/ConversationTurn.js";
import type {Engine} from "../engine/Engine.js";
import {exportDataset, type ExportFormat} from "../export/exportDataset.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";

/** Everything a reviewer sees of one reported interaction. */
export type AuditDetail = {
    readonly interaction: InteractionRecord,
    readonly solutions: readonly SolutionRecord[],
    readonly executions: readonly ExecutionRow[],
    /** The reports, each correction checked again now, with today's equivalence rules, rather than trusting the value stored at report time. */
    readonly feedback: readonly (FeedbackRecord & {readonly correctionEqualsModelAnswer: boolean | null})[],
    readonly reviews: readonly ReviewRecord[],
    readonly freshSampleVotes: readonly FreshSampleVote[],
    readonly turns: readonly TurnRecord[]
};

/**
 * The reviewers' work, for the web's audit pages and `kotae audit`: the queue of reported answers, one
 * report's detail, a review appended to its trail, fresh samples drawn as a second opinion, and the export
 * of what was reviewed. Rechecks need the engine (`kotae audit list` and `show` open only the database).
 */
export class AuditActions {
    public constructor(private readonly store: KotaeStore, private readonly engine?: Engine) {}

    /** A page of the review queue, newest report first, and how many match in all. */
    public queue(filter: ReportFilter, page: {readonly limit: number, readonly offset: number}): {reports: ReportSummary[], total: number} {
        return {reports: this.store.feedback.reportQueue(filter, page), total: this.store.feedback.countReports(filter)};
    }

    public detail(interactionId: number): AuditDetail | undefined {
        const interaction = this.store.interactions.get(interactionId);
        if (interaction == null) return undefined;
        return {
            interaction,
            solutions: this.store.interactions.solutions(interactionId),
            executions: this.store.interactions.executions(interactionId),
            feedback: this.store.feedback.list(interactionId).map((report) => ({
                ...report,
                correctionEqualsModelAnswer: report.correctedAnswer != null && interaction.answer != null ? answersEqual(interaction.answer, report.correctedAnswer) : null
            })),
            reviews: this.store.feedback.reviews(interactionId),
            freshSampleVotes: freshSampleVotes(this.store, interactionId),
            turns: this.store.conversations.turns(interactionId)
        };
    }

    public exists(interactionId: number): boolean {
        return this.store.interactions.get(interactionId) != null;
    }

    /** Appends a review to the interaction's trail; false when there is no such interaction. */
    public review(review: NewReview): boolean {
        if (!this.exists(review.interactionId)) return false;
        this.store.feedback.addReview(review);
        return true;
    }

    /** Starts drawing fresh samples (see startFreshSampleVote); the engine must have been given. */
    public recheck(interactionId: number, options: {samples: number, reviewer: string}): ReturnType<typeof startFreshSampleVote> {
        if (this.engine == null) throw new Error("AuditActions.recheck needs the engine");
        return startFreshSampleVote({engine: this.engine, store: this.store}, interactionId, options);
    }

    /** The status and error of a recheck's own interaction, for its failure line. */
    public interaction(interactionId: number): InteractionRecord | undefined {
        return this.store.interactions.get(interactionId);
    }

    /** Writes the reviewed interactions as JSONL lines of `format`; returns how many. */
    public export(format: ExportFormat, filter: ExportFilter, write: (line: string) => void): number {
        return exportDataset(this.store, format, filter, write);
    }
}
