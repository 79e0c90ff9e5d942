export const reviewStatuses = ["model_wrong", "model_right", "unclear", "resolved"] as const;
export type ReviewStatus = typeof reviewStatuses[number];

/** An operator's judgement of a reported interaction. */
export type NewReview = {
    readonly interactionId: number,
    /** Who reviewed (an operator's name or handle); kept in the trail as given. */
    readonly reviewer: string,
    readonly status: ReviewStatus,
    readonly canonicalAnswer?: string,
    /** A corrected solution, when the reviewer wrote one (it becomes the chosen side of a preference pair). */
    readonly correctedSolution?: string,
    readonly note?: string
};

export type ReviewRecord = Required<Omit<NewReview, "canonicalAnswer" | "correctedSolution" | "note">> & {
    readonly id: number, readonly createdAt: string,
    readonly canonicalAnswer: string | null, readonly correctedSolution: string | null, readonly note: string | null
};
