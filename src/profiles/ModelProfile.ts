import {z} from "zod";

const samplingSchema = z.object({
    temperature: z.number().min(0).max(2),
    topP: z.number().gt(0).max(1),
    topK: z.number().int().min(0),
    minP: z.number().min(0).max(1),
    repeatPenalty: z.number().min(1).max(2),
    /** Generation budget per solution, in tokens. */
    maxTokens: z.number().int().positive()
}).strict();

const rawPromptSchema = z.object({
    format: z.literal("raw"),
    /** The whole prompt; `{problem}` is replaced by the question. */
    template: z.string().refine((template) => template.includes("{problem}"), "a raw template must contain {problem}"),
    /**
     * How a follow-up question continues the conversation after the model's answer, with `{problem}` for
     * the question (e.g. "\n### 指示:\n{problem}\n### 応答:\n"); default: the whole template again.
     */
    followUpTemplate: z.string().refine((template) => template.includes("{problem}"), "a follow-up template must contain {problem}").optional()
}).strict();

const chatPromptSchema = z.object({
    format: z.literal("chat"),
    system: z.string(),
    /** A Jinja chat template to use instead of the one in the GGUF file (for files that lack one). */
    chatTemplate: z.string().optional()
}).strict();

const promptFormatSchema = z.discriminatedUnion("format", [rawPromptSchema, chatPromptSchema]);

const thinkingSchema = z.object({
    open: z.string().min(1),
    close: z.string().min(1),
    /** The prompt already opens the thinking block, so the output starts inside it. */
    startsInside: z.boolean()
}).strict();

const toolTagsSchema = z.object({
    /** Text that opens a Python block, e.g. `<llm-code>`. */
    codeOpen: z.string().min(1),
    /** Text that closes it; generation stops here so the code can run. */
    codeClose: z.string().min(1),
    /** Text inserted right after the closing code tag, before the execution's output. */
    outputOpen: z.string().min(1),
    outputClose: z.string().min(1),
    /** Told to the model (inside the last output block) once no executions remain; a Japanese default otherwise. */
    executionLimitNotice: z.string().min(1).optional(),
    /** The prompt used in TIR mode, when it differs from the CoT prompt. */
    prompt: promptFormatSchema.optional()
}).strict();

export const profileStyles = ["standard", "sansu"] as const;

export const modelProfileSchema = z.object({
    description: z.string(),
    prompt: promptFormatSchema,
    thinking: thinkingSchema.optional(),
    tools: toolTagsSchema.optional(),
    /** Extra texts that end generation (beyond the model's end-of-generation tokens). */
    stop: z.array(z.string().min(1)),
    sampling: samplingSchema,
    style: z.enum(profileStyles)
}).strict();

export type ModelProfileDefinition = z.infer<typeof modelProfileSchema>;
export type PromptFormat = z.infer<typeof promptFormatSchema>;
export type ToolTags = z.infer<typeof toolTagsSchema>;
export type ThinkingTags = z.infer<typeof thinkingSchema>;
export type SamplingSettings = z.infer<typeof samplingSchema>;

export type ModelProfile = ModelProfileDefinition & {readonly name: string};

/**
 * A profile written in the config file: either complete, or `extends` a built-in (or earlier) profile
 * and overrides some fields (objects are merged one level deep, e.g. `sampling.temperature` alone).
 */
export const userProfileSchema = z.object({
    extends: z.string().optional()
}).catchall(z.unknown());

export type UserProfileDefinition = z.infer<typeof userProfileSchema>;
