import type {FeedbackRecord, NewFeedback} from "../src/domain/Feedback.js";
import type {ReportFilter, ReportSummary} from "../src/domain/ReportQueue.js";
import type {NewReview, ReviewRecord} from "../src/domain/Review.js";
import {currentReviewStatus} from "./currentReviewStatus.js";
import {filterConditions} from "./filterConditions.js";
import type {KotaeDatabase} from "./KotaeDatabase.js";
import type {Pseudonymizer} from "./Pseudonymizer.js";
import {camelize, flagOf, now, type Row} from "./rows.js";

const sql = {
    insert: `
        INSERT INTO feedback (interaction_id, created_at, user_pseudonym, kind, corrected_answer, comment,
            correction_equals_model_answer)
        VALUES (@interactionId, @now, @userPseudonym, @kind, @correctedAnswer, @comment, @equals)`,
    list: "SELECT * FROM feedback WHERE interaction_id = ? ORDER BY id",
    insertReview: `
        INSERT INTO reviews (interaction_id, created_at, reviewer, status, canonical_answer, corrected_solution, note)
        VALUES (@interactionId, @now, @reviewer, @status, @canonicalAnswer, @correctedSolution, @note)`,
    markReviewed: "UPDATE feedback SET reviewer_status = ? WHERE interaction_id = ?",
    listReviews: "SELECT * FROM reviews WHERE interaction_id = ? ORDER BY id"
};

/**
 * The report queue in two steps, so a page of 50 among 10 000 reports costs 50 rows' worth of reading:
 * first the reported interactions (grouped from the `feedback_reported` index alone, joined to their
 * interactions only when the filter names an interaction's column) are sorted and cut to the page; then
 * only the page's rows get their problem, answer, first correction and newest review status. Reading
 * those for every reported interaction before sorting (as one query did) took 130 ms at 10 000 reports.
 */
const reportedInteractions = `SELECT interaction_id, count(*) AS reports, max(created_at) AS last_report_at FROM feedback GROUP BY interaction_id`;
const pageDetails = `
    SELECT page.interaction_id, i.created_at, i.platform, i.profile, i.question, i.answer, page.reports, page.last_report_at,
        (SELECT corrected_answer FROM feedback WHERE interaction_id = page.interaction_id AND corrected_answer IS NOT NULL ORDER BY id LIMIT 1) AS corrected_answer,
        ${currentReviewStatus("page.interaction_id")} AS status
    FROM page JOIN interactions i ON i.id = page.interaction_id
    ORDER BY page.last_report_at DESC, page.interaction_id DESC`;

/** What users reported about answers (wrong answer, helpful, other) and how reviewers judged them, append-only. */
export class FeedbackRepository {
    private readonly statements;

    public constructor(private readonly database: KotaeDatabase, private readonly pseudonymizer: Pseudonymizer) {
        this.statements = database.prepareAll(sql);
    }

    public add(feedback: NewFeedback): number {
        const result = this.statements.insert.run({
            interactionId: feedback.interactionId,
            now: now(),
            userPseudonym: this.pseudonymizer.pseudonymOf(feedback.requester),
            kind: feedback.kind,
            correctedAnswer: feedback.correctedAnswer ?? null,
            comment: feedback.comment ?? null,
            equals: feedback.correctionEqualsModelAnswer == null ? null : Number(feedback.correctionEqualsModelAnswer)
        });
        return Number(result.lastInsertRowid);
    }

    /** An interaction's reports, oldest first. */
    public list(interactionId: number): FeedbackRecord[] {
        return (this.statements.list.all(interactionId) as Row[]).map((row) => {
            const record = camelize(row);
            return {...record, correctionEqualsModelAnswer: flagOf(record["correctionEqualsModelAnswer"])} as FeedbackRecord;
        });
    }

    /** Appends a review (never overwrites one); the reports' current status follows the newest review. */
    public addReview(review: NewReview): number {
        return this.database.immediately(() => {
            const id = Number(this.statements.insertReview.run({
                interactionId: review.interactionId, now: now(), reviewer: review.reviewer, status: review.status,
                canonicalAnswer: review.canonicalAnswer ?? null, correctedSolution: review.correctedSolution ?? null, note: review.note ?? null
            }).lastInsertRowid);
            this.statements.markReviewed.run(review.status, review.interactionId);
            return id;
        });
    }

    public reviews(interactionId: number): ReviewRecord[] {
        return (this.statements.listReviews.all(interactionId) as Row[]).map((row) => camelize(row) as ReviewRecord);
    }

    /** Reported interactions, newest report first, with their current review status. */
    public reportQueue(filter: ReportFilter = {}, page: {limit: number, offset: number} = {limit: 50, offset: 0}): ReportSummary[] {
        const {from, where, parameters} = reportSelection(filter);
        return this.database.prepare(`
            WITH page AS (SELECT r.* FROM ${from} ${where} ORDER BY r.last_report_at DESC, r.interaction_id DESC LIMIT ? OFFSET ?)
            ${pageDetails}`)
            .all(...parameters, page.limit, page.offset)
            .map((row) => camelize(row as Row) as ReportSummary);
    }

    public countReports(filter: ReportFilter = {}): number {
        const {from, where, parameters} = reportSelection(filter);
        return (this.database.prepare(`SELECT count(*) AS n FROM ${from} ${where}`).get(...parameters) as {n: number}).n;
    }
}

/**
 * The reported interactions (as `r`) a filter selects: joined to `interactions` (as `i`) only when it
 * names an interaction's column; the review status is looked up only when it filters on it.
 */
function reportSelection(filter: ReportFilter): {from: string, where: string, parameters: unknown[]} {
    let joined = false;
    const {conditions, parameters} = filterConditions(filter, (name) => {
        if (name === "status") return currentReviewStatus("r.interaction_id");
        joined = true;
        return `i.${name}`;
    });
    return {
        from: `(${reportedInteractions}) r${joined ? " JOIN interactions i ON i.id = r.interaction_id" : ""}`,
        where: conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "",
        parameters
    };
}
