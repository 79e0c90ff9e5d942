import type {ReviewStatus} from "./Review.js";

/** Which reported interactions to list or export. */
export type ReportFilter = {
    /** "new" = reported and never reviewed. */
    readonly status?: "new" | ReviewStatus,
    readonly since?: Date,
    readonly until?: Date,
    readonly platform?: string,
    readonly profile?: string
};

/** One reported interaction in the reviewers' queue. */
export type ReportSummary = {
    readonly interactionId: number,
    readonly createdAt: string,
    readonly platform: string,
    readonly profile: string,
    readonly question: string,
    readonly answer: string | null,
    readonly reports: number,
    readonly lastReportAt: string,
    readonly correctedAnswer: string | null,
    readonly status: "new" | ReviewStatus
};
