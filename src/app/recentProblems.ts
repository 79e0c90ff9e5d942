import type {InteractionStatus} from "../domain/Interaction.js";
import type {Requester} from "../domain/Requester.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";

/** How many problems a student's own page lists. */
export const recentProblemCount = 10;

/** One of a student's recent problems, as their own page shows it. */
export type RecentProblem = {
    readonly interactionId: number,
    readonly question: string,
    readonly status: InteractionStatus,
    /** The final answer, when the solve reached one. */
    readonly answer: string | null,
    readonly askedAt: string,
    /** Where the answer was posted (channel id), and the platform's thread key there, when it has one. */
    readonly channelId: string | null,
    readonly threadId: string | null
};

/**
 * The requester's own newest problems in their community (at most `recentProblemCount`, newest first),
 * never anyone else's: the store matches the pseudonym of this requester, platform and workspace.
 */
export function recentProblems(store: KotaeStore, requester: Requester): RecentProblem[] {
    return store.interactions.recentOf(requester, recentProblemCount).map((row) => ({
        interactionId: row.id, question: row.question, status: row.status, answer: row.answer, askedAt: row.createdAt,
        channelId: row.channelId, threadId: row.threadId
    }));
}
