import type {Requester} from "./Requester.js";

/** A follow-up question in an answer's thread, or Kotae's reply to it. */
export type NewTurn = {
    readonly interactionId: number,
    readonly role: "user" | "assistant",
    readonly requester?: Requester,
    readonly content: string,
    readonly status?: string,
    readonly errorCode?: string,
    readonly promptTokens?: number,
    readonly completionTokens?: number,
    readonly totalMs?: number
};

export type TurnRecord = {
    readonly id: number,
    readonly interactionId: number,
    readonly turnIndex: number,
    readonly createdAt: string,
    readonly role: "user" | "assistant",
    readonly userPseudonym: string | null,
    readonly content: string,
    readonly status: string | null,
    readonly errorCode: string | null
};
