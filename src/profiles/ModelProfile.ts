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
    /**
     * The model family's Jinja chat template (Hugging Face's `tokenizer.chat_template`), used when the GGUF
     * file carries none. Without either, a chat profile is refused: Kotae never guesses a format.
     */
    chatTemplate: z.string().optional(),
    /** Use `chatTemplate` even when the GGUF file has a template of its own (default false: the file's wins). */
    chatTemplateOverridesFile: z.boolean().optional()
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
    /**
     * Appended after every output block instead of `executionLimitNotice`, as the model was trained
     * (NeMo-Skills' `add_remaining_code_executions`): `remaining` with `{remaining}` while executions are
     * left, `exhausted` after the last one.
     */
    executionsNotice: z.object({remaining: z.string().includes("{remaining}"), exhausted: z.string().min(1)}).strict().optional(),
    /** The prompt used in TIR mode, when it differs from the CoT prompt. */
    prompt: promptFormatSchema.optional()
}).strict();

/**
 * An explanation style offered by a profile: its own instruction text in the profile's prompt format, so
 * the model keeps its trained layout, thinking and tool tags. Absent prompts mean the profile's own.
 */
const styleSchema = z.object({
    description: z.string(),
    /** The prompt for text reasoning in this style. */
    prompt: promptFormatSchema.optional(),
    /** The prompt for tool use in this style (default: the profile's tool prompt, else this style's `prompt`). */
    toolsPrompt: promptFormatSchema.optional()
}).strict();

export const modelProfileSchema = z.object({
    description: z.string(),
    prompt: promptFormatSchema,
    thinking: thinkingSchema.optional(),
    tools: toolTagsSchema.optional(),
    /** Extra texts that end generation (beyond the model's end-of-generation tokens). */
    stop: z.array(z.string().min(1)),
    sampling: samplingSchema,
    /** The explanation styles this profile offers, by name (e.g. `standard`, `sansu`). */
    styles: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, "style names are lowercase words"), styleSchema),
    /** The style used when a request names none. */
    defaultStyle: z.string()
}).strict().superRefine((profile, context) => {
    if (!Object.hasOwn(profile.styles, profile.defaultStyle))
        context.addIssue({code: "custom", path: ["defaultStyle"], message: `must be one of the profile's styles (${Object.keys(profile.styles).join(", ")})`});
    for (const [name, style] of Object.entries(profile.styles)) {
        for (const key of ["prompt", "toolsPrompt"] as const) {
            const format = style[key]?.format;
            if (format != null && format !== profile.prompt.format)
                context.addIssue({code: "custom", path: ["styles", name, key, "format"], message: `must be "${profile.prompt.format}", the profile's prompt format`});
        }
        // Otherwise tool use would quietly fall back to the profile's own tool prompt and lose the style.
        if (style.prompt != null && style.toolsPrompt == null && profile.tools?.prompt != null)
            context.addIssue({code: "custom", path: ["styles", name, "toolsPrompt"], message: "is required: the profile has its own tool prompt"});
    }
});

export type ModelProfileDefinition = z.infer<typeof modelProfileSchema>;
export type PromptFormat = z.infer<typeof promptFormatSchema>;
export type ToolTags = z.infer<typeof toolTagsSchema>;
export type ThinkingTags = z.infer<typeof thinkingSchema>;
export type SamplingSettings = z.infer<typeof samplingSchema>;
export type ProfileStyle = z.infer<typeof styleSchema>;

export type ModelProfile = ModelProfileDefinition & {readonly name: string};

/**
 * A profile written in the config file: either complete, or `extends` a built-in (or earlier) profile
 * and overrides some fields (objects are merged one level deep, e.g. `sampling.temperature` alone).
 */
export const userProfileSchema = z.object({
    extends: z.string().optional()
}).catchall(z.unknown());

export type UserProfileDefinition = z.infer<typeof userProfileSchema>;
