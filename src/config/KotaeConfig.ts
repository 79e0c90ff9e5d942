import os from "node:os";
import {z} from "zod";
import {solveModes} from "../engine/EngineEvent.js";
import {userProfileSchema} from "../profiles/ModelProfile.js";

const positiveInteger = z.coerce.number().int().positive();

/**
 * Every setting, its default and meaning. Sources, lowest priority first: defaults, the config file
 * (JSON), `KOTAE_*` environment variables, command-line flags. The README's table mirrors this one.
 */
export const settings = {
    model: {env: "KOTAE_MODEL", schema: z.string().min(1).optional(),
        help: "GGUF model: a local file path or an hf: URI (hf:user/repo:Q4_K_M). Required to solve."},
    modelsDir: {env: "KOTAE_MODELS_DIR", schema: z.string().min(1).default("./models"),
        help: "Where hf: models are looked up and downloaded to."},
    profile: {env: "KOTAE_PROFILE", schema: z.string().min(1).default("llmjp-math-cot"),
        help: "Model profile (prompt format, tags, sampling): a built-in or one from the config file."},
    mode: {env: "KOTAE_MODE", schema: z.enum(solveModes).default("cot"),
        help: "Default solving mode."},
    gpu: {env: "KOTAE_GPU", schema: z.enum(["auto", "cuda", "vulkan", "metal", "off"]).default("auto"),
        help: "Compute backend: auto picks CUDA/Vulkan/Metal when present, else CPU; off forces CPU."},
    threads: {env: "KOTAE_THREADS", schema: positiveInteger.default(Math.max(1, Math.min(os.availableParallelism(), 16))),
        help: "CPU threads for generation (default: the number of cores, at most 16)."},
    contextSize: {env: "KOTAE_CONTEXT_SIZE", schema: positiveInteger.default(4096),
        help: "Context tokens per parallel sequence (prompt + solution); capped at the model's training context."},
    sequences: {env: "KOTAE_SEQUENCES", schema: positiveInteger.default(2),
        help: "Parallel generations (context sequences); KV memory grows with contextSize × sequences."},
    maxTokens: {env: "KOTAE_MAX_TOKENS", schema: positiveInteger.optional(),
        help: "Token budget per solution (default: the profile's)."},
    queueCapacity: {env: "KOTAE_QUEUE_CAPACITY", schema: z.coerce.number().int().min(0).default(32),
        help: "Requests that may wait for a free sequence; more are told the bot is busy."},
    maxPendingPerUser: {env: "KOTAE_MAX_PENDING_PER_USER", schema: positiveInteger.default(2),
        help: "Requests one user may have waiting or running at once."},
    maxProblemChars: {env: "KOTAE_MAX_PROBLEM_CHARS", schema: positiveInteger.default(2000),
        help: "Longest accepted problem text, in characters."},
    db: {env: "KOTAE_DB", schema: z.string().min(1).default("./data/kotae.sqlite"),
        help: "SQLite database file (created with its folder)."},
    pseudonymKey: {env: "KOTAE_PSEUDONYM_KEY", schema: z.string().min(16).optional(),
        help: "Secret for user-id pseudonyms (HMAC). Default: a random key kept in pseudonym.key beside the database."},
    profiles: {env: undefined, schema: z.record(z.string(), userProfileSchema).default({}),
        help: "Extra model profiles (config file only); each may `extends` another and override fields."}
} as const;

export type SettingName = keyof typeof settings;

export const configSchema = z.object(
    Object.fromEntries(Object.entries(settings).map(([name, setting]) => [name, setting.schema])) as {
        [Name in SettingName]: typeof settings[Name]["schema"]
    }
).strict();

export type KotaeConfig = z.infer<typeof configSchema>;
