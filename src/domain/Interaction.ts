import type {Requester} from "./Requester.js";

/**
 * The `mode` of a /tex interaction (a user's own LaTeX drawn, no model involved): audit lists it, and the
 * dataset queries (storage/DatasetQueries.ts, which spell it in SQL) leave it out of exports.
 */
export const texMode = "tex";

export type InteractionStatus = "queued" | "running" | "answered" | "no_answer" | "failed" | "cancelled" | "rejected";
export type FinalStatus = Exclude<InteractionStatus, "queued" | "running">;

export type NewInteraction = {
    readonly requester: Requester,
    readonly question: string,
    readonly mode: string,
    readonly profile: string,
    /** The explanation style asked for; absent means the profile's default. */
    readonly style?: string,
    readonly parentId?: number
};

export type InteractionStart = {
    readonly modelName: string,
    readonly modelFile: string,
    readonly modelSha256: string | null,
    readonly prompt: string,
    readonly queueMs: number
};

/** What is known when an interaction ends; every field is optional because a failure can happen at any step. */
export type InteractionOutcome = {
    readonly status: FinalStatus,
    readonly rawOutput?: string,
    readonly thinking?: string,
    readonly shownSolution?: string,
    readonly answer?: string | null,
    readonly answerCanonical?: string | null,
    readonly answerMethod?: string | null,
    readonly stopReason?: string,
    readonly errorCode?: string,
    readonly errorMessage?: string,
    readonly promptTokens?: number,
    readonly completionTokens?: number,
    readonly generationMs?: number,
    readonly totalMs: number,
    /** How the representative solution was reached: cot, tir, or tir_then_cot (auto mode's fallback). */
    readonly solvePath?: string,
    readonly sampleCount?: number,
    /** Samples whose answer won the vote. */
    readonly agreementVotes?: number,
    readonly representativeSample?: number
};

export type InteractionRecord = {
    readonly id: number,
    readonly createdAt: string,
    readonly updatedAt: string,
    readonly platform: string,
    readonly workspaceId: string | null,
    readonly channelId: string | null,
    readonly threadId: string | null,
    readonly userPseudonym: string,
    readonly locale: string | null,
    readonly question: string,
    readonly mode: string,
    readonly profile: string,
    readonly style: string | null,
    readonly parentId: number | null,
    readonly modelName: string | null,
    readonly modelFile: string | null,
    readonly modelSha256: string | null,
    readonly prompt: string | null,
    readonly rawOutput: string | null,
    readonly thinking: string | null,
    readonly shownSolution: string | null,
    readonly answer: string | null,
    readonly answerCanonical: string | null,
    readonly answerMethod: string | null,
    readonly status: InteractionStatus,
    readonly stopReason: string | null,
    readonly errorCode: string | null,
    readonly errorMessage: string | null,
    readonly promptTokens: number | null,
    readonly completionTokens: number | null,
    readonly queueMs: number | null,
    readonly generationMs: number | null,
    readonly totalMs: number | null,
    readonly solvePath: string | null,
    readonly sampleCount: number | null,
    readonly agreementVotes: number | null,
    readonly representativeSample: number | null
};
