import type {FeedbackRecord, NewFeedback} from "../src/domain/Feedback.js";
import type {ReportFilter, ReportSummary} from "../src/domain/ReportQueue.js";
import type {NewReview, ReviewRecord} from "../src/domain/Review.js";
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

/** Every reported interaction with its report count, first correction and newest review status. */
const reportQuery = `
    SELECT i.id AS interaction_id, i.created_at, i.platform, i.profile, i.question, i.answer,
        f.reports, f.last_report_at,
        (SELECT corrected_answer FROM feedback WHERE id = f.first_correction) AS corrected_answer,
        coalesce((SELECT status FROM reviews WHERE interaction_id = i.id ORDER BY id DESC LIMIT 1), 'new') AS status
    FROM (
        SELECT interaction_id, count(*) AS reports, max(created_at) AS last_report_at,
            min(CASE WHEN corrected_answer IS NOT NULL THEN id END) AS first_correction
        FROM feedback GROUP BY interaction_id
    ) f JOIN interactions i ON i.id = f.interaction_id`;

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
        const {where, parameters} = reportConditions(filter);
        return this.database.prepare(`SELECT * FROM (${reportQuery}) ${where} ORDER BY last_report_at DESC, interaction_id DESC LIMIT ? OFFSET ?`)
            .all(...parameters, page.limit, page.offset)
            .map((row) => camelize(row as Row) as ReportSummary);
    }

    public countReports(filter: ReportFilter = {}): number {
        const {where, parameters} = reportConditions(filter);
        return (this.database.prepare(`SELECT count(*) AS n FROM (${reportQuery}) ${where}`).get(...parameters) as {n: number}).n;
    }
}

/** The filter's conditions, applied around the report query: the status is computed per interaction, so it filters the grouped rows. */
function reportConditions(filter: ReportFilter): {where: string, parameters: unknown[]} {
    const {conditions, parameters} = filterConditions(filter, (name) => name);
    return {where: conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "", parameters};
}
