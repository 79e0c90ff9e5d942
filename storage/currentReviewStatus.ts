/**
 * An interaction's current review status as an SQL expression: its newest review's status, `'new'` while it
 * has none. Reviews are appended, never changed, so the newest (highest id) is the current one; the index
 * `reviews_status(interaction_id, id, status)` answers it without reading the reviews' rows.
 * `interactionId` is the SQL expression of the interaction's id (a column of the calling query).
 */
export function currentReviewStatus(interactionId: string): string {
    return `coalesce((SELECT status FROM reviews WHERE interaction_id = ${interactionId} ORDER BY id DESC LIMIT 1), 'new')`;
}
