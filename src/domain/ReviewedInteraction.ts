import type {ReportFilter} from "./ReportQueue.js";
import type {ReviewStatus} from "./Review.js";

/** What an export may be narrowed to; the status is the newest review's (reported or not). */
export type ExportFilter = Omit<ReportFilter, "status"> & {readonly status?: ReviewStatus};

/** A reviewed interaction as an export reads it: its newest review and its representative sample's final attempt. */
export type ReviewedInteraction = {
    readonly id: number, readonly createdAt: string, readonly platform: string, readonly profile: string,
    readonly userPseudonym: string, readonly question: string, readonly prompt: string | null, readonly rawOutput: string | null,
    readonly answer: string | null, readonly modelName: string | null, readonly modelSha256: string | null,
    readonly reviewStatus: ReviewStatus | null, readonly canonicalAnswer: string | null, readonly correctedSolution: string | null,
    /** The representative sample's last attempt (null for interactions logged before per-attempt rows). */
    readonly finalPrompt: string | null, readonly finalOutput: string | null, readonly finalMode: "cot" | "tir" | null
};
