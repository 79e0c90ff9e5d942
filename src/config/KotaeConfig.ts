import os from "node:os";
import {z} from "zod";
import {solveModes} from "../solver/SolveMode.js";
import {userProfileSchema} from "../profiles/ModelProfile.js";
import type {builtinPlatforms} from "../platforms/platformRegistry.js";
import {strictNumber} from "./strictNumber.js";

/** More threads than twice the cores only make the threads wait on each other: a solve crawled for minutes. */
export const maxThreads = os.availableParallelism() * 2;
/** Tokens per sequence: above any open model's training context (capped to the model's own at load). */
const maxContextTokens = 1_048_576;
/** true/false in JSON; "true"/"1"/"yes" or "false"/"0"/"no" in the environment. */
export const booleanSetting = z.union([
    z.boolean(),
    z.enum(["true", "1", "yes", "false", "0", "no"]).transform((text) => ["true", "1", "yes"].includes(text))
]);

/** Whether `text` lists http(s) base URLs of OpenAI-compatible APIs (each ending in `/v1`), separated by commas. */
function isBackendUrlList(text: string): boolean {
    return text.split(",").every((entry) => {
        try {
            const url = new URL(entry.trim());
            return ["http:", "https:"].includes(url.protocol) && url.username === "" && url.password === ""
                && url.search === "" && url.hash === "" && /\/v1\/?$/.test(url.pathname);
        } catch {
            return false;
        }
    });
}

/** One setting: its environment variable (none: config file only), whether it is a secret never echoed, its schema and meaning. */
export type Setting = {
    readonly env: string | undefined,
    readonly secret?: boolean,
    readonly schema: z.ZodType,
    readonly help: string
};

/** A group of settings by name: Kotae's own (below) or a platform's section. */
export type SettingsSchema = Readonly<Record<string, Setting>>;

/** The values a group of settings yields, each after its schema (defaults filled in). */
export type SectionOf<Settings extends SettingsSchema> = {readonly [Name in keyof Settings]: z.output<Settings[Name]["schema"]>};

/** Where an operator sets `setting`, for messages: `KOTAE_WEB_PORT / "web.port" in the config file`. */
export function settingLocation(key: string, setting: Setting): string {
    return [setting.env, `"${key}" in the config file`].filter(Boolean).join(" / ");
}

/**
 * Every setting of Kotae itself, its default and meaning (each platform's own live in its section: see
 * src/platforms/Platform.ts). Sources, lowest priority first: defaults, the config file
 * (JSON), `KOTAE_*` environment variables, command-line flags. The README's table mirrors this one.
 */
export const settings = {
    model: {env: "KOTAE_MODEL", schema: z.string().min(1).optional(),
        help: "GGUF model: a local file path or an hf: URI (hf:user/repo:Q4_K_M). Required to solve."},
    backend: {env: "KOTAE_BACKEND", schema: z.enum(["llama-cpp", "openai"]).default("llama-cpp"),
        help: "llama-cpp runs the GGUF of KOTAE_MODEL in this process; openai sends completions to the inference servers of KOTAE_BACKEND_URLS (vLLM, llama-server, SGLang)."},
    backendUrls: {env: "KOTAE_BACKEND_URLS", schema: z.string().refine(isBackendUrlList, "must be one or more http(s) base URLs ending in /v1, separated by commas, like http://gpu1:8000/v1").optional(),
        help: "With KOTAE_BACKEND=openai: the servers' OpenAI-compatible base URLs (http://gpu1:8000/v1,http://gpu2:8000/v1)."},
    backendModel: {env: "KOTAE_BACKEND_MODEL", schema: z.string().min(1).optional(),
        help: "With KOTAE_BACKEND=openai: the served model's name (default: the first one GET /v1/models lists)."},
    backendApiKey: {env: "KOTAE_BACKEND_API_KEY", secret: true, schema: z.string().min(1).optional(),
        help: "With KOTAE_BACKEND=openai: the servers' API key (sent as Authorization: Bearer; never printed)."},
    backendParallel: {env: "KOTAE_BACKEND_PARALLEL", schema: strictNumber({min: 1, max: 256}).default(8),
        help: "With KOTAE_BACKEND=openai: completions sent to each server at once (its batch share); the queue runs servers × this many."},
    modelsDir: {env: "KOTAE_MODELS_DIR", schema: z.string().min(1).default("./models"),
        help: "Where hf: models are looked up and downloaded to."},
    profile: {env: "KOTAE_PROFILE", schema: z.string().min(1).default("llmjp-math-cot"),
        help: "Model profile (prompt format, tags, sampling): a built-in or one from the config file."},
    mode: {env: "KOTAE_MODE", schema: z.enum(solveModes).default("auto"),
        help: "Default solving mode: auto (Python tool use when the profile has it, falling back to text reasoning), tir or cot."},
    samples: {env: "KOTAE_SAMPLES", schema: strictNumber({min: 1, max: 64}).default(1),
        help: "Self-consistency: solutions sampled per problem (in parallel sequences) and voted on; raise it for evaluation."},
    gpu: {env: "KOTAE_GPU", schema: z.enum(["auto", "cuda", "vulkan", "metal", "off"]).default("auto"),
        help: "Compute backend: auto picks CUDA/Vulkan/Metal when present, else CPU; off forces CPU."},
    threads: {env: "KOTAE_THREADS", schema: strictNumber({min: 1, max: maxThreads}).default(Math.max(1, Math.min(os.availableParallelism(), 16))),
        help: "CPU threads for generation (default: the number of cores, at most 16; at most twice the cores)."},
    contextSize: {env: "KOTAE_CONTEXT_SIZE", schema: strictNumber({min: 1, max: maxContextTokens}).default(4096),
        help: "Context tokens per parallel sequence (prompt + solution); capped at the model's training context."},
    sequences: {env: "KOTAE_SEQUENCES", schema: strictNumber({min: 1, max: 64}).default(2),
        help: "Parallel generations (context sequences); KV memory grows with contextSize × sequences."},
    maxTokens: {env: "KOTAE_MAX_TOKENS", schema: strictNumber({min: 1, max: maxContextTokens}).optional(),
        help: "Token budget per solution (default: the profile's)."},
    queueCapacity: {env: "KOTAE_QUEUE_CAPACITY", schema: strictNumber({min: 0, max: 10_000}).default(32),
        help: "Requests that may wait for a free sequence; more are told the bot is busy."},
    maxPendingPerUser: {env: "KOTAE_MAX_PENDING_PER_USER", schema: strictNumber({min: 1, max: 1000}).default(2),
        help: "Requests one user may have waiting or running at once."},
    maxProblemChars: {env: "KOTAE_MAX_PROBLEM_CHARS", schema: strictNumber({min: 1, max: 100_000}).default(2000),
        help: "Longest accepted problem text, in characters."},
    tirMaxExecutions: {env: "KOTAE_TIR_MAX_EXECUTIONS", schema: strictNumber({min: 1, max: 64}).default(8),
        help: "Code executions per solution; after the last one the model is told to finish in text."},
    tirExecutionSeconds: {env: "KOTAE_TIR_EXECUTION_SECONDS", schema: strictNumber({min: 0, exclusiveMin: true, max: 600, integer: false}).default(10),
        help: "Wall-clock seconds per code execution; past it the interpreter is killed."},
    tirOutputChars: {env: "KOTAE_TIR_OUTPUT_CHARS", schema: strictNumber({min: 1, max: 100_000}).default(1000),
        help: "Characters of a code execution's output shown to the model; the rest is cut with a marker."},
    tirMaxSeconds: {env: "KOTAE_TIR_MAX_SECONDS", schema: strictNumber({min: 0, exclusiveMin: true, max: 3600, integer: false}).default(300),
        help: "Wall-clock seconds for one tool-using solution (generation and executions together)."},
    tirFailuresBeforeFallback: {env: "KOTAE_TIR_FAILURES_BEFORE_FALLBACK", schema: strictNumber({min: 1, max: 64}).default(3),
        help: "In auto mode, consecutive failed executions after which the solution switches to text reasoning."},
    python: {env: "KOTAE_PYTHON", schema: z.string().min(1).default("/usr/bin/python3"),
        help: "Python interpreter run inside the sandbox (needs sympy and numpy; a system path, not one under /root or /home)."},
    sandboxMemoryMiB: {env: "KOTAE_SANDBOX_MEMORY_MIB", schema: strictNumber({min: 128, max: 65_536}).default(1024),
        help: "Address-space limit per Python interpreter, MiB (numpy needs at least 128)."},
    sandboxProcesses: {env: "KOTAE_SANDBOX_PROCESSES", schema: strictNumber({min: 1, max: 4096}).default(32),
        help: "Processes the sandbox user may run at once (stops fork bombs)."},
    sandboxFileSizeMiB: {env: "KOTAE_SANDBOX_FILE_SIZE_MIB", schema: strictNumber({min: 1, max: 4096}).default(16),
        help: "Largest file sandboxed code may write (in its private /tmp), MiB."},
    sandboxOpenFiles: {env: "KOTAE_SANDBOX_OPEN_FILES", schema: strictNumber({min: 16, max: 65_536}).default(64),
        help: "Open file descriptors per sandboxed interpreter."},
    unsafeUnsandboxedPython: {env: "KOTAE_UNSAFE_UNSANDBOXED_PYTHON", schema: booleanSetting.default(false),
        help: "UNSAFE: run model-written Python without bubblewrap (only resource limits) where bubblewrap cannot run. Never on a shared host."},
    theme: {env: "KOTAE_THEME", schema: z.enum(["light", "dark"]).default("light"),
        help: "Default colours of answer images (a community can change it with /kotae settings)."},
    solvesPerHour: {env: "KOTAE_SOLVES_PER_HOUR", schema: strictNumber({min: 1, max: 10_000}).default(20),
        help: "Default problems one user may send per hour in a community (moderators can change it; they are not limited)."},
    retentionDays: {env: "KOTAE_RETENTION_DAYS", schema: strictNumber({min: 1, max: 36_500}).optional(),
        help: "Delete interactions (with their solutions, code runs, reports and reviews) older than this many days; unset keeps everything."},
    logFormat: {env: "KOTAE_LOG_FORMAT", schema: z.enum(["json", "pretty"]).optional(),
        help: "How `serve` logs: json (one JSON object a line, for log collectors) or pretty (readable lines). Default: json when NODE_ENV=production (pm2, Docker), pretty otherwise."},
    db: {env: "KOTAE_DB", schema: z.string().min(1).default("./data/kotae.sqlite"),
        help: "SQLite database file (created with its folder)."},
    pseudonymKey: {env: "KOTAE_PSEUDONYM_KEY", secret: true, schema: z.string().min(16).optional(),
        help: "Secret for user-id pseudonyms (HMAC). Default: a random key kept in pseudonym.key beside the database."},
    profiles: {env: undefined, schema: z.record(z.string(), userProfileSchema).default({}),
        help: "Extra model profiles (config file only); each may `extends` another and override fields."}
} as const;

export type SettingName = keyof typeof settings;

/** The configuration's shape; `loadConfig` checks each setting's schema on its own, to report every problem at once. */
export const configSchema = z.object(
    Object.fromEntries(Object.entries(settings).map(([name, setting]) => [name, setting.schema])) as {
        [Name in SettingName]: typeof settings[Name]["schema"]
    }
).strict();

/** Kotae's own settings, without the platforms' sections. */
export type CoreConfig = z.infer<typeof configSchema>;

/** Each built-in platform's section, by the platform's name: `config.discord.token`, `config.web.port`. */
export type PlatformSections = {readonly [Platform in typeof builtinPlatforms[number] as Platform["name"]]: SectionOf<Platform["settings"]>};

export type KotaeConfig = CoreConfig & PlatformSections;

/** Settings that only make sense together; they ask only whether a setting is given, so an invalid value still counts as given. */
export function crossCheck(config: CoreConfig): string[] {
    const problems: string[] = [];
    if (config.backend === "openai" && config.backendUrls == null)
        problems.push("KOTAE_BACKEND_URLS / \"backendUrls\" in the config file: required with KOTAE_BACKEND=openai (the servers' base URLs ending in /v1)");
    return problems;
}
