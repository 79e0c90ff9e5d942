export const evalRunStatuses = ["running", "interrupted", "failed", "finished"] as const;
/** `running` also describes a run whose process was killed: it can be resumed like an interrupted one. */
export type EvalRunStatus = typeof evalRunStatuses[number];

/** An accuracy evaluation (`kotae eval`) and the settings it was measured with. */
export type NewEvalRun = {
    /** `mgsm-ja`, `audit`, or the dataset file's absolute path. */
    readonly dataset: string,
    /** SHA-256 of the items (questions and answers) measured, so a resume or a comparison sees the same problems. */
    readonly datasetSha256: string,
    readonly itemCount: number,
    readonly modes: readonly string[],
    readonly samples: number,
    readonly profile: string,
    readonly modelFile: string | null,
    readonly modelSha256: string | null,
    readonly itemLimit: number | null,
    readonly seed: number
};

export type EvalRunRecord = NewEvalRun & {
    readonly id: number,
    readonly createdAt: string,
    readonly updatedAt: string,
    readonly status: EvalRunStatus,
    /** Wall-clock time spent measuring, summed over resumed sessions. */
    readonly wallMs: number
};

/** One problem solved in one mode: graded when its interaction finished. */
export type NewEvalItem = {
    readonly runId: number,
    readonly itemIndex: number,
    readonly mode: string,
    readonly interactionId: number | null,
    readonly question: string,
    readonly expected: string,
    /** The interaction's final status (answered, no_answer, failed, rejected). */
    readonly status: string,
    /** The voted answer. */
    readonly answer: string | null,
    /** Whether the voted answer equals the expected one (maj@k). */
    readonly correct: boolean,
    /** Each sample's final answer, by sample index (null: none extracted or the sample failed). */
    readonly sampleAnswers: readonly (string | null)[],
    readonly correctSamples: number,
    readonly samples: number,
    readonly agreementVotes: number,
    readonly promptTokens: number,
    readonly completionTokens: number,
    readonly generationMs: number,
    readonly executionsOk: number,
    readonly executionsError: number,
    readonly executionsTimeout: number
};

export type EvalItemRecord = NewEvalItem & {readonly createdAt: string};

/** The event linking an evaluation's interaction to its run as soon as it is queued (detail: runId, itemIndex, mode). */
export const evalItemEvent = "eval_item";
