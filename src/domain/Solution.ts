/** One attempt of one sample at a problem: a tool-using (tir) or text (cot) solution. */
export type NewSolution = {
    readonly interactionId: number,
    readonly sampleIndex: number,
    /** 0 for the first attempt; 1 for auto mode's text fallback after a tool-using attempt. */
    readonly attempt: number,
    readonly mode: "tir" | "cot",
    readonly seed?: number,
    readonly prompt: string,
    readonly rawOutput: string,
    readonly thinking: string,
    readonly shownSolution: string,
    readonly answer: string | null,
    readonly answerCanonical: string | null,
    readonly answerMethod: string | null,
    readonly stopReason: string,
    /** Why this attempt was followed by another (e.g. `no_answer`, `code_failing`). */
    readonly fallbackReason?: string,
    readonly promptTokens: number,
    readonly completionTokens: number,
    readonly generationMs: number
};

export type SolutionRecord = Omit<NewSolution, "seed" | "fallbackReason"> & {
    readonly createdAt: string,
    readonly seed: number | null,
    readonly fallbackReason: string | null
};
