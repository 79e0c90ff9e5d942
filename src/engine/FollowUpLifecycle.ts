import {ErrorCode, KotaeError} from "../errors/ErrorCode.js";
import type {ConversationTurn} from "../profiles/renderPrompt.js";
import type {TurnRecord} from "../domain/ConversationTurn.js";
import type {InteractionRecord} from "../domain/Interaction.js";
import type {Requester} from "../domain/Requester.js";
import {statusOfFailure} from "./failureStatus.js";
import {RequestLifecycle, type LifecycleServices} from "./RequestLifecycle.js";

/** The solved problem a follow-up asks about, with the thread's earlier answered turns. */
export type FollowUpContext = {
    readonly original: InteractionRecord & {readonly shownSolution: string},
    readonly earlier: readonly ConversationTurn[]
};

/**
 * A follow-up question's lifecycle: logged as two turns of its interaction's conversation, the question
 * when it is accepted and the answer (or how it failed) once, when it ends.
 */
export class FollowUpLifecycle extends RequestLifecycle {
    public readonly interactionId: number;
    private readonly original: InteractionRecord | undefined;

    public constructor(services: LifecycleServices, private readonly asked: {
        readonly interactionId: number, readonly question: string, readonly requester: Requester
    }, signal: AbortSignal) {
        super(services, services.store.pseudonymOf(asked.requester), signal);
        this.interactionId = asked.interactionId;
        this.original = services.store.interactions.get(asked.interactionId);
    }

    /** The problem and the thread so far, once the question is logged; conversation_unknown when nothing was solved. */
    public open(): FollowUpContext {
        const {original} = this;
        if (original == null || original.shownSolution == null)
            throw new KotaeError(ErrorCode.ConversationUnknown, `Interaction ${this.interactionId} has no solution to follow up on`);
        const {store} = this.services;
        const earlier = answeredTurns(store.conversations.turns(this.interactionId));
        store.conversations.add({interactionId: this.interactionId, role: "user", requester: this.asked.requester, content: this.asked.question});
        return {original: {...original, shownSolution: original.shownSolution}, earlier};
    }

    /** Logs the answer as the thread's next turn; returns its index and the time it took in all. */
    public finish(reply: {readonly text: string, readonly promptTokens: number, readonly completionTokens: number}): {turnIndex: number, totalMs: number} {
        const totalMs = this.elapsed();
        const turnIndex = this.end(() => this.services.store.conversations.add({
            interactionId: this.interactionId, role: "assistant", content: reply.text, status: "answered",
            promptTokens: reply.promptTokens, completionTokens: reply.completionTokens, totalMs
        }));
        return {turnIndex, totalMs};
    }

    protected recordFailure(failure: KotaeError): void {
        if (this.original != null)
            this.services.store.conversations.add({
                interactionId: this.interactionId, role: "assistant", content: "", status: statusOfFailure(failure.code), errorCode: failure.code, totalMs: this.elapsed()
            });
    }
}

/** Earlier question-and-answer pairs of a thread whose answer arrived (a failed turn is left out of the context). */
function answeredTurns(turns: readonly TurnRecord[]): ConversationTurn[] {
    const pairs: ConversationTurn[] = [];
    turns.forEach((turn, index) => {
        const question = turns[index - 1];
        if (turn.role === "assistant" && turn.status === "answered" && question?.role === "user")
            pairs.push({role: "user", content: question.content.trim()}, {role: "assistant", content: turn.content});
    });
    return pairs;
}
