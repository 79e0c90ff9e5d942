/** One code block a tool-using solution ran in the sandbox, and what it printed. */
export type NewExecution = {
    readonly interactionId: number,
    readonly sampleIndex: number,
    readonly executionIndex: number,
    readonly code: string,
    readonly output: string,
    readonly status: "ok" | "error" | "timeout",
    readonly truncated: boolean,
    readonly restarted: boolean,
    readonly durationMs: number
};

export type ExecutionRow = NewExecution & {readonly id: number, readonly createdAt: string};
