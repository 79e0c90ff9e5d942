/** One small, named change to Kotae's source that a test must catch (see scripts/mutate.mjs). */
export type Mutation = {
    /** kebab-case, unique. */
    readonly name: string,
    /** The behaviour the mutation breaks, in a few words (the report's second column). */
    readonly breaks: string,
    /** The file to mutate, relative to the repository root. */
    readonly file: string,
    /** Text that occurs exactly once in the file… */
    readonly search: string,
    /** …and what it becomes. */
    readonly replace: string,
    /** The vitest project whose tests promise the behaviour. */
    readonly project: "standalone" | "model" | "render" | "discord" | "slack" | "web" | "sandbox",
    /** The test files to run, relative to the repository root. */
    readonly tests: readonly string[],
    /** Rebuild dist/ with the mutation first: the tests run the compiled code (the CLI, `kotae serve`, the render worker). */
    readonly build?: boolean
};

export declare const mutations: readonly Mutation[];
