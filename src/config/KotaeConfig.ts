import {isIP} from "node:net";
import os from "node:os";
import {z} from "zod";
import {solveModes} from "../solver/SolveMode.js";
import {userProfileSchema} from "../profiles/ModelProfile.js";
import {strictNumber} from "./strictNumber.js";

/** More threads than twice the cores only make the threads wait on each other: a solve crawled for minutes. */
export const maxThreads = os.availableParallelism() * 2;
/** Tokens per sequence: above any open model's training context (capped to the model's own at load). */
const maxContextTokens = 1_048_576;
/** true/false in JSON; "true"/"1"/"yes" or "false"/"0"/"no" in the environment. */
const booleanSetting = z.union([
    z.boolean(),
    z.enum(["true", "1", "yes", "false", "0", "no"]).transform((text) => ["true", "1", "yes"].includes(text))
]);

/** Whether `text` lists http(s) origins (scheme, host and port only), separated by commas. */
function isOriginList(text: string): boolean {
    return text.split(",").every((entry) => {
        try {
            const url = new URL(entry.trim());
            return ["http:", "https:"].includes(url.protocol) && url.origin === entry.trim().replace(/\/$/, "");
        } catch {
            return false;
        }
    });
}

/** Whether `entry` is an IPv4/IPv6 address, or one with a /prefix (a CIDR range). */
function isAddressOrRange(entry: string): boolean {
    const [address = "", prefix, ...rest] = entry.split("/");
    const family = isIP(address);
    return family !== 0 && rest.length === 0
        && (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128)));
}

/**
 * Which reverse proxies may speak for the client: true (any peer: only when nothing but the proxy can
 * reach Kotae), false, or the proxies' addresses and ranges, comma-separated (Fastify's `trustProxy`).
 */
const trustedProxies = z.union([
    booleanSetting,
    z.string().transform((text) => text.split(",").map((entry) => entry.trim()))
        .refine((entries) => entries.every(isAddressOrRange), "must be true, false, or proxy addresses/CIDR ranges separated by commas, like 127.0.0.1,10.0.0.0/8")
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

/**
 * Every setting, its default and meaning. Sources, lowest priority first: defaults, the config file
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
    discordToken: {env: "KOTAE_DISCORD_TOKEN", secret: true, schema: z.string().regex(/^[\w-]{20,}\.[\w-]+\.[\w-]+$/, "does not look like a Discord bot token").optional(),
        help: "Discord bot token (Developer Portal → Bot → Reset Token). Starts the Discord adapter in `kotae serve`."},
    discordApplicationId: {env: "KOTAE_DISCORD_APPLICATION_ID", schema: z.string().regex(/^\d{15,21}$/, "must be the numeric application id").optional(),
        help: "Discord application id (Developer Portal → General Information); needed with the token."},
    discordGuildId: {env: "KOTAE_DISCORD_GUILD_ID", schema: z.string().regex(/^\d{15,21}$/, "must be a numeric server id").optional(),
        help: "deploy-commands registers the commands to this one server (instant, for development) instead of globally."},
    discordMessageContent: {env: "KOTAE_DISCORD_MESSAGE_CONTENT", schema: booleanSetting.default(false),
        help: "Use the privileged MessageContent intent, so plain messages in a solution's thread are follow-ups (else @mention or /ask)."},
    discordApiUrl: {env: "KOTAE_DISCORD_API_URL", schema: z.url().optional(),
        help: "Discord REST API base (…/api) for a proxy; default Discord's own."},
    discordGatewayUrl: {env: "KOTAE_DISCORD_GATEWAY_URL", schema: z.url().optional(),
        help: "Discord gateway WebSocket URL for a proxy; default the one the API announces."},
    slackBotToken: {env: "KOTAE_SLACK_BOT_TOKEN", secret: true, schema: z.string().regex(/^xoxb-[\w-]+$/, "must be a bot token (xoxb-…)").optional(),
        help: "Slack bot token (OAuth & Permissions → Bot User OAuth Token). Starts the Slack adapter in `kotae serve`."},
    slackSigningSecret: {env: "KOTAE_SLACK_SIGNING_SECRET", secret: true, schema: z.string().regex(/^[0-9a-f]{16,}$/, "must be the hex signing secret").optional(),
        help: "Slack signing secret (Basic Information): HTTP mode, where Slack calls Kotae's port."},
    slackAppToken: {env: "KOTAE_SLACK_APP_TOKEN", secret: true, schema: z.string().regex(/^xapp-[\w-]+$/, "must be an app-level token (xapp-…)").optional(),
        help: "Slack app-level token with connections:write: Socket Mode (no public URL needed); used instead of HTTP mode when set."},
    slackPort: {env: "KOTAE_SLACK_PORT", schema: strictNumber({min: 0, max: 65_535}).default(3000),
        help: "Port Slack's HTTP requests arrive on (HTTP mode; route /slack/events)."},
    slackApiUrl: {env: "KOTAE_SLACK_API_URL", schema: z.url().optional(),
        help: "Slack Web API base (…/api/) for a proxy; default Slack's own."},
    webHost: {env: "KOTAE_WEB_HOST", schema: z.string().min(1).default("127.0.0.1"),
        help: "Address of the local web app (playground and audit). Anything but loopback needs webAdminToken."},
    webPort: {env: "KOTAE_WEB_PORT", schema: strictNumber({min: 0, max: 65_535}).default(8787),
        help: "Port of the local web app."},
    webAdminToken: {env: "KOTAE_WEB_ADMIN_TOKEN", secret: true, schema: z.string().min(16).optional(),
        help: "Token for the web app's audit pages (and for any bind beyond loopback); without it the audit pages stay closed."},
    webPublicUrl: {env: "KOTAE_WEB_PUBLIC_URL", schema: z.string().refine(isOriginList, "must be one or more http(s) origins separated by commas, like https://kotae.example.org").optional(),
        help: "Public address(es) of the web app behind a reverse proxy (https://kotae.example.org, comma-separated): their hosts and origins are accepted besides loopback. Unset: loopback only."},
    webTrustProxy: {env: "KOTAE_WEB_TRUST_PROXY", schema: trustedProxies.default(false),
        help: "Believe X-Forwarded-For/-Proto/-Host (Fastify trustProxy) from the reverse proxy's addresses (e.g. 127.0.0.1,10.0.0.0/8), or from any peer with true (only when nothing else can reach Kotae)."},
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

export type KotaeConfig = z.infer<typeof configSchema>;

/** Settings that only make sense together; they ask only whether a setting is given, so an invalid value still counts as given. */
export function crossCheck(config: KotaeConfig): string[] {
    const problems: string[] = [];
    if (config.discordToken != null && config.discordApplicationId == null)
        problems.push("KOTAE_DISCORD_APPLICATION_ID / \"discordApplicationId\" in the config file: required with the Discord token");
    if (!["127.0.0.1", "::1", "localhost"].includes(config.webHost) && config.webAdminToken == null)
        problems.push(`KOTAE_WEB_ADMIN_TOKEN / "webAdminToken" in the config file: required to serve the web app on ${config.webHost} (beyond loopback)`);
    if (config.slackBotToken != null && config.slackSigningSecret == null && config.slackAppToken == null)
        problems.push("KOTAE_SLACK_SIGNING_SECRET (HTTP mode) or KOTAE_SLACK_APP_TOKEN (Socket Mode): one is required with the Slack bot token");
    if (config.backend === "openai" && config.backendUrls == null)
        problems.push("KOTAE_BACKEND_URLS / \"backendUrls\" in the config file: required with KOTAE_BACKEND=openai (the servers' base URLs ending in /v1)");
    return problems;
}
