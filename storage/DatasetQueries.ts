import type {Requester} from "../src/domain/Requester.js";
import type {ReviewStatus} from "../src/domain/Review.js";
import type {ExportFilter, ReviewedInteraction} from "../src/domain/ReviewedInteraction.js";
import {currentReviewStatus} from "./currentReviewStatus.js";
import {filterConditions} from "./filterConditions.js";
import type {KotaeDatabase} from "./KotaeDatabase.js";
import type {Pseudonymizer} from "./Pseudonymizer.js";
import {now} from "./rows.js";

const sql = {
    totals: "SELECT (SELECT count(*) FROM interactions) AS interactions, (SELECT count(*) FROM feedback) AS feedback",
    reviewedProblems: `
        SELECT i.question, r.canonical_answer AS answer
        FROM interactions i
        JOIN reviews r ON r.id = (SELECT max(id) FROM reviews WHERE interaction_id = i.id AND canonical_answer IS NOT NULL)
        WHERE i.mode != 'tex' AND (@status IS NULL OR ${currentReviewStatus("i.id")} = @status)
        ORDER BY i.id`,
    purgeBefore: "DELETE FROM interactions WHERE created_at < ?",
    forgetInteractions: "DELETE FROM interactions WHERE user_pseudonym = ?",
    forgetFeedback: "DELETE FROM feedback WHERE user_pseudonym = ?",
    forgetTurns: "UPDATE conversation_turns SET content = '', user_pseudonym = NULL WHERE user_pseudonym = ?",
    forgetEvents: "DELETE FROM interaction_events WHERE user_pseudonym = ?",
    forgetPreferences: "DELETE FROM user_preferences WHERE user_pseudonym = ?",
    rememberForgotten: "INSERT OR REPLACE INTO forgotten_users (user_pseudonym, forgotten_at, deleted_interactions) VALUES (?, ?, ?)"
};

/**
 * Each reviewed interaction with its newest review and its representative sample's final attempt; forgotten
 * users left out, and so are /tex renders (mode `tex`): a user's own LaTeX is no model output to learn from.
 */
const reviewedQuery = `
    SELECT i.id, i.created_at AS createdAt, i.platform, i.profile, i.user_pseudonym AS userPseudonym, i.question, i.prompt,
        i.raw_output AS rawOutput, i.answer, i.model_name AS modelName, i.model_sha256 AS modelSha256,
        r.status AS reviewStatus, r.canonical_answer AS canonicalAnswer, r.corrected_solution AS correctedSolution,
        s.prompt AS finalPrompt, s.raw_output AS finalOutput, s.mode AS finalMode
    FROM interactions i
    JOIN reviews r ON r.id = (SELECT max(id) FROM reviews WHERE interaction_id = i.id)
    LEFT JOIN solutions s ON s.interaction_id = i.id AND s.sample_index = coalesce(i.representative_sample, 0)
        AND s.attempt = (SELECT max(attempt) FROM solutions WHERE interaction_id = i.id AND sample_index = coalesce(i.representative_sample, 0))
    WHERE i.user_pseudonym NOT IN (SELECT user_pseudonym FROM forgotten_users) AND i.mode != 'tex'`;

/**
 * What spans the aggregates: the reads behind exports, `kotae doctor` and the audit dataset of `kotae
 * eval`, and the deletions of retention and of forget-me, which reach every table a user's rows are in.
 */
export class DatasetQueries {
    private readonly statements;

    public constructor(private readonly database: KotaeDatabase, private readonly pseudonymizer: Pseudonymizer) {
        this.statements = database.prepareAll(sql);
    }

    /** Reviewed interactions in id order, streamed without loading them all (100 000 fit in little memory). */
    public reviewedInteractions(filter: ExportFilter): IterableIterator<ReviewedInteraction> {
        const {conditions, parameters} = filterConditions(filter, (name) => name === "status" ? "r.status" : `i.${name}`);
        const where = conditions.map((condition) => `AND ${condition}`).join(" ");
        return this.database.prepare(`${reviewedQuery} ${where} ORDER BY i.id`).iterate(...parameters) as IterableIterator<ReviewedInteraction>;
    }

    /** How many interactions and reports the database holds. */
    public totals(): {interactions: number, feedback: number} {
        return this.statements.totals.get() as {interactions: number, feedback: number};
    }

    /** Every reported problem whose newest review with a canonical answer gave one, oldest first; `status` narrows to the newest review's. */
    public reviewedProblems(status?: ReviewStatus): Array<{question: string, answer: string}> {
        return this.statements.reviewedProblems.all({status: status ?? null}) as Array<{question: string, answer: string}>;
    }

    /** Deletes interactions older than the retention period (with everything attached). */
    public purgeBefore(cutoff: Date): number {
        return this.statements.purgeBefore.run(cutoff.toISOString()).changes;
    }

    /**
     * Forgets a user: deletes their interactions (with everything attached), their reports and events,
     * blanks what they wrote in others' threads, drops their preferences, and remembers the pseudonym so exports leave it out.
     */
    public forgetUser(requester: Pick<Requester, "platform" | "userId">): {deletedInteractions: number} {
        const pseudonym = this.pseudonymizer.pseudonymOf(requester);
        return this.database.immediately(() => {
            const deletedInteractions = this.statements.forgetInteractions.run(pseudonym).changes;
            this.statements.forgetFeedback.run(pseudonym);
            this.statements.forgetTurns.run(pseudonym);
            this.statements.forgetEvents.run(pseudonym);
            this.statements.forgetPreferences.run(pseudonym);
            this.statements.rememberForgotten.run(pseudonym, now(), deletedInteractions);
            return {deletedInteractions};
        });
    }
}
