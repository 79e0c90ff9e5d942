import type {Requester} from "./Requester.js";

export type FeedbackKind = "wrong_answer" | "helpful" | "other";

export type NewFeedback = {
    readonly interactionId: number,
    readonly requester: Requester,
    readonly kind: FeedbackKind,
    readonly correctedAnswer?: string,
    readonly comment?: string,
    /** Whether the correction is equivalent to the model's own answer (a hint for reviewers). */
    readonly correctionEqualsModelAnswer?: boolean
};

export type FeedbackRecord = {
    readonly id: number,
    readonly interactionId: number,
    readonly createdAt: string,
    readonly userPseudonym: string,
    readonly kind: FeedbackKind,
    readonly correctedAnswer: string | null,
    readonly comment: string | null,
    readonly correctionEqualsModelAnswer: boolean | null,
    readonly reviewerStatus: string
};
