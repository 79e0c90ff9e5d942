import fs from "node:fs";
import path from "node:path";
import {getLlama, LlamaLogLevel, readGgufFileInfo, resolveModelFile} from "node-llama-cpp";
import type {KotaeConfig} from "../config/KotaeConfig.js";
import {isKotaeError} from "../errors/ErrorCode.js";
import {sectionOf} from "../platforms/Platform.js";
import {builtinPlatforms, type PlatformRegistry} from "../platforms/platformRegistry.js";
import {isModelUri} from "../llm/LlamaCppBackend.js";
import {OpenAiBackend} from "../llm/openai/OpenAiBackend.js";
import {openAiBackendOptions} from "../app/backendSettings.js";
import {JinjaChatTemplate} from "../llm/JinjaChatTemplate.js";
import {ProfileRegistry} from "../profiles/ProfileRegistry.js";
import {chatTemplateProblem, renderPrompt} from "../profiles/renderPrompt.js";
import {findFontFile, textFontFamily} from "../render/FontMetrics.js";
import {Renderer, type RenderResult} from "../render/Renderer.js";
import {openStore, pseudonymKeyFile} from "../app/openStore.js";
import {DatabaseProblem} from "../app/DatabaseProblem.js";
import {startOneOffSandbox} from "../sandbox/startOneOffSandbox.js";
import {deniedSyscallNumbers, hostSeccompArchitecture} from "../sandbox/seccompProgram.js";

export type CheckStatus = "ok" | "warn" | "fail";
export type CheckResult = {
    readonly name: string,
    readonly status: CheckStatus,
    readonly detail: string,
    /** What to do about a warning or failure. */
    readonly fix?: string
};

/** Everything `kotae doctor` looks at; each check is independent, so one failure never hides another. */
export async function runDoctorChecks(config: KotaeConfig): Promise<CheckResult[]> {
    const checks: Array<() => Promise<CheckResult | CheckResult[]>> = [
        checkNode, ...(config.backend === "openai" ? [() => checkInferenceServers(config)] : [() => checkCompute(config), () => checkModel(config)]),
        () => checkProfile(config),
        checkJapaneseFont, () => checkSandbox(config), () => checkDatabase(config), async () => checkDatabaseFileModes(config),
        async () => checkPlatforms(config)
    ];
    const results: CheckResult[] = [];
    for (const check of checks)
        results.push(...[await check().catch((error: unknown) => ({
            name: check.name || "check", status: "fail" as const, detail: String(error)
        }))].flat());
    return results;
}

/** Which platforms `serve` would start, each by its config section, and what switches on the others. */
function checkPlatforms(config: KotaeConfig): CheckResult {
    const platforms: PlatformRegistry = builtinPlatforms;
    const states = platforms.map((platform) => platform.configured(sectionOf(config, platform))
        ? `${platform.name}: configured`
        : `${platform.name}: not configured${platform.enableWith != null ? ` (set ${platform.enableWith})` : ""}`);
    return {name: "Platforms", status: "ok", detail: states.join("; ")};
}

/** 20.12 brought process.loadEnvFile, which reads .env at start. */
async function checkNode(): Promise<CheckResult> {
    const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
    return major > 20 || (major === 20 && minor >= 12)
        ? {name: "Node.js", status: "ok", detail: process.version}
        : {name: "Node.js", status: "fail", detail: process.version, fix: "Install Node.js 20.12 or newer."};
}

async function checkCompute(config: KotaeConfig): Promise<CheckResult> {
    const llama = await getLlama({gpu: config.gpu === "off" ? false : config.gpu, build: "never", logLevel: LlamaLogLevel.error});
    try {
        if (llama.gpu === false)
            return {
                name: "Compute", status: config.gpu === "off" ? "ok" : "warn",
                detail: `CPU, ${config.threads} threads (KOTAE_THREADS)`,
                ...(config.gpu === "off" ? {} : {fix: "No CUDA/Vulkan GPU found: an 8B model on CPU takes minutes per answer. Install the NVIDIA driver (CUDA) or Vulkan drivers."})
            };
        const devices = await llama.getGpuDeviceNames();
        const {total} = await llama.getVramState();
        return {name: "Compute", status: "ok", detail: `${llama.gpu}: ${devices.join(", ")} (${(total / 2 ** 30).toFixed(1)} GiB VRAM)`};
    } finally {
        await llama.dispose();
    }
}

/** The configured model's local file, or undefined where none is configured or it is not available offline. */
async function localModelFile(config: KotaeConfig): Promise<string | undefined> {
    if (config.model == null)
        return undefined;
    const isUri = isModelUri(config.model);
    try {
        const file = await resolveModelFile(isUri ? config.model : path.resolve(config.model), {
            directory: path.resolve(config.modelsDir), download: false, cli: false
        });
        return fs.existsSync(file) ? file : undefined;
    } catch {
        return undefined;
    }
}

/** The local model file and its own chat template, if it has one. */
async function localModelTemplate(config: KotaeConfig): Promise<{path: string, chatTemplate?: string} | undefined> {
    const file = await localModelFile(config);
    if (file == null)
        return undefined;
    const info = await readGgufFileInfo(file, {readTensorInfo: false});
    const fileTemplate = info.metadata.tokenizer?.chat_template;
    return {path: file, ...(typeof fileTemplate === "string" && fileTemplate.trim() !== "" ? {chatTemplate: fileTemplate} : {})};
}

async function checkModel(config: KotaeConfig): Promise<CheckResult> {
    const fix = "Set KOTAE_MODEL to a local .gguf file or an hf: URI (see the README: Getting a model).";
    if (config.model == null)
        return {name: "Model", status: "fail", detail: "no model configured", fix};

    const file = await localModelFile(config);
    if (file == null)
        return {name: "Model", status: "fail", detail: `${config.model} is not available locally`, fix: isModelUri(config.model)
            ? "Run `kotae solve` once online to download it, or download the GGUF elsewhere and set KOTAE_MODEL to its path."
            : fix};

    const info = await readGgufFileInfo(file, {readTensorInfo: false});
    const size = fs.statSync(file).size;
    const hasTemplate = typeof info.metadata.tokenizer?.chat_template === "string";
    const name = info.metadata.general?.name ?? path.basename(file);
    return {
        name: "Model",
        status: "ok",
        detail: `${name} (${info.metadata.general?.architecture}, ${(size / 2 ** 20).toFixed(1)} MiB, chat template: ${hasTemplate ? "yes" : "no"}) at ${file}`
    };
}

/**
 * Each server of KOTAE_BACKEND_URLS on one line with its model and state, and every sampling parameter a server
 * refuses (found with one single-token completion each), reported here once rather than on every solve.
 */
async function checkInferenceServers(config: KotaeConfig): Promise<CheckResult[]> {
    const name = "Inference server";
    let backend: OpenAiBackend;
    try {
        backend = await OpenAiBackend.create(openAiBackendOptions(config));
    } catch (error) {
        return [{name, status: "fail", detail: error instanceof Error ? error.message : String(error),
            fix: "Start the server(s), or correct KOTAE_BACKEND_URLS (base URLs ending in /v1), KOTAE_BACKEND_MODEL or KOTAE_BACKEND_API_KEY."}];
    }
    try {
        const refused = await backend.probeSampling();
        const lines = backend.describeEndpoints();
        return [
            ...backend.endpoints().map((endpoint, index): CheckResult => endpoint.state !== "ready"
                ? {name, status: "warn", detail: lines[index] ?? endpoint.url, fix: "Start or fix this server; Kotae uses the others meanwhile and checks it every few seconds."}
                : backend.textPromptEndpoints().includes(endpoint.url)
                    ? {name, status: "warn", detail: lines[index] ?? endpoint.url, fix: "Prefer vLLM or llama-server, whose /tokenize lets Kotae keep a student's text apart from special tokens."}
                    : {name, status: "ok", detail: lines[index] ?? endpoint.url}),
            ...refused.map(({url, parameter, message}): CheckResult => ({name: "Sampling", status: "warn",
                detail: `${url} refuses "${parameter}" (${message}), so it is left out there`,
                fix: "Use a server version that accepts it (vLLM, SGLang and llama-server do), or accept the difference in sampling."}))
        ];
    } finally {
        await backend.dispose();
    }
}

/** The profile, and whether its chat prompts have a template that renders (the model file's or the profile's). */
async function checkProfile(config: KotaeConfig): Promise<CheckResult> {
    const registry = new ProfileRegistry(config.profiles);
    const profile = registry.get(config.profile);
    const detail = `${profile.name}: ${profile.description}; styles ${Object.keys(profile.styles).join(", ")} (profiles: ${registry.names().join(", ")})`;
    const model = config.backend === "openai"
        ? {path: config.backendModel ?? "the served model"} // a server's model: the profile's template renders
        : await localModelTemplate(config);
    if (model == null)
        return {name: "Profile", status: "ok", detail};

    try {
        const problem = chatTemplateProblem(profile, model);
        if (problem != null)
            throw problem;
        renderPrompt(profile, {withTools: profile.tools != null}, "1+1", {model, formatChat: (messages, template) => new JinjaChatTemplate(template).render(messages)});
    } catch (error) {
        if (!isKotaeError(error))
            throw error;
        return {name: "Profile", status: "fail", detail: `${detail}. ${error.message}`,
            fix: `Set profiles.${profile.name}.prompt.chatTemplate in the config file to the model's Jinja chat template.`};
    }
    return {name: "Profile", status: "ok", detail};
}

/**
 * Whether images can show Japanese: fontconfig must resolve the family the renderer names (sharp draws with
 * whatever it resolves, boxes when nothing covers Japanese), and a Japanese answer card must really render.
 */
async function checkJapaneseFont(): Promise<CheckResult> {
    const name = "Japanese font";
    const problems: string[] = [];
    const renderer = new Renderer({log: (message) => problems.push(message)});
    let result: RenderResult;
    try {
        result = await renderer.render({kind: "answer", answer: "12\\text{個}", locale: "ja"});
    } finally {
        await renderer.close();
    }
    if (result.failure != null || result.fallbacks.length > 0)
        return {name, status: "fail", detail: `a Japanese answer card did not render: ${problems.join("; ")}`,
            fix: "Run `npm run setup` (it builds the render worker), then `kotae render --kind answer 1 -o card.png` to see the error."};
    const rendered = `a Japanese answer card rendered in ${result.durationMs} ms (worker start included)`;
    const font = findFontFile(textFontFamily);
    return font != null
        ? {name, status: "ok", detail: `${textFontFamily} (${font.file}); ${rendered}`}
        : {name, status: "warn", detail: `fontconfig does not resolve ${textFontFamily}: Japanese in images shows as boxes; ${rendered}`,
            fix: "apt-get install fonts-noto-cjk fontconfig"};
}

/** Isolation as code sees it: its uid, effective capabilities, seccomp state and network interfaces (only lo when sandboxed). */
const isolationProbe = `import json, os, socket, sympy, numpy
status = dict((key, value.strip()) for key, value in (line.split(":", 1) for line in open("/proc/self/status")))
print(json.dumps({"uid": os.getuid(), "capEff": int(status["CapEff"], 16), "seccompFilters": int(status.get("Seccomp_filters", "-1")),
                  "interfaces": [name for _, name in socket.if_nameindex()],
                  "check": str(sympy.factor(sympy.Symbol("x")**2 - 1)) + " " + str(numpy.arange(4).sum())}))`;

/** `seccompFilters`: how many seccomp filters the code runs under (-1 on kernels before 5.9, which do not say). */
type ProbeReport = {readonly uid: number, readonly capEff: number, readonly seccompFilters: number, readonly interfaces: readonly string[], readonly check: string};

function parseProbe(output: string): ProbeReport | undefined {
    try {
        return JSON.parse(output) as ProbeReport;
    } catch {
        return undefined;
    }
}

/** Seccomp filters on Kotae's own process: a container engine's profile, say, which the sandbox inherits. */
function ownSeccompFilters(): number {
    const line = /^Seccomp_filters:\s*(\d+)$/m.exec(fs.readFileSync("/proc/self/status", "utf8"));
    return line != null ? Number(line[1]) : -1;
}

/**
 * Whether Kotae's seccomp filter really applies to sandboxed code: the code must run under one filter
 * more than Kotae itself (bubblewrap adds exactly ours; a container's own profile is already on Kotae).
 */
function checkHardening(seen: ProbeReport): CheckResult {
    const name = "Sandbox hardening";
    const arch = hostSeccompArchitecture();
    const own = ownSeccompFilters();
    if (arch == null || seen.seccompFilters < 0 || own < 0)
        return {name, status: "warn", detail: `cannot tell whether the seccomp filter applies (${process.arch}, a kernel before 5.9 shows no filter count)`,
            fix: "Run Kotae on an x86_64 or aarch64 host with Linux 5.9 or newer to have this checked."};
    const filters = `seccomp filters: Kotae ${own}, sandboxed code ${seen.seccompFilters}`;
    return seen.seccompFilters > own
        ? {name, status: "ok", detail: `seccomp filter applied (${arch}: ${deniedSyscallNumbers(arch).length} syscalls denied, ` +
            `plus namespace clones, personality changes and other ABIs; ${filters})`}
        : {name, status: "fail", detail: `the seccomp filter is not applied to sandboxed code (${filters})`,
            fix: "Report this: bubblewrap did not load Kotae's seccomp filter on this host."};
}

/** Starts the real sandbox and runs a block in it, as the tool-using solver would; then how it is hardened. */
async function checkSandbox(config: KotaeConfig): Promise<CheckResult | CheckResult[]> {
    const name = "Python sandbox";
    const sandbox = await startOneOffSandbox(config);
    if (isKotaeError(sandbox)) {
        // Without it, auto mode falls back to text reasoning; only tir mode cannot work at all.
        return {
            name, status: config.mode === "tir" ? "fail" : "warn", detail: String(sandbox.params["detail"] ?? sandbox.message),
            ...(sandbox.params["fix"] != null ? {fix: String(sandbox.params["fix"])} : {})
        };
    }
    try {
        await using session = await sandbox.openSession();
        const result = await session.execute(isolationProbe);
        const seen = result.status === "ok" ? parseProbe(result.output) : undefined;
        const {versions, limits} = sandbox;
        const about = `Python ${versions.python}, sympy ${versions.sympy}, numpy ${versions.numpy}; ` +
            `${limits.executionSeconds} s, ${limits.memoryMiB} MiB, ${limits.processes} processes per interpreter`;
        if (seen == null || seen.check !== "(x - 1)*(x + 1) 6")
            return {name, status: "fail", detail: `the probe block failed: ${result.output}`, fix: "Run `kotae sandbox exec -` with a small block to see the error."};
        if (!sandbox.isolated)
            return {name, status: "warn", detail: `UNSAFE: code runs unsandboxed as uid ${seen.uid} (unsafeUnsandboxedPython); ${about}`,
                fix: "Install bubblewrap (apt-get install bubblewrap) and turn unsafeUnsandboxedPython off."};
        const leaks = [
            ...(seen.uid === 0 ? ["runs as root"] : []),
            ...(seen.capEff !== 0 ? ["has capabilities"] : []),
            ...(seen.interfaces.some((interfaceName) => interfaceName !== "lo") ? [`sees network interfaces ${seen.interfaces.join(", ")}`] : [])
        ];
        return [leaks.length > 0
            ? {name, status: "fail", detail: `sandboxed code ${leaks.join(", ")}`, fix: "Report this: the bubblewrap isolation is not working on this host."}
            : {name, status: "ok", detail: `bubblewrap: uid ${seen.uid}, no capabilities, no network; ${about}`}, checkHardening(seen)];
    } finally {
        await sandbox.close();
    }
}

async function checkDatabase(config: KotaeConfig): Promise<CheckResult> {
    try {
        using store = openStore(config);
        const counts = store.dataset.totals();
        return {
            name: "Database",
            status: "ok",
            detail: `${path.resolve(config.db)}: ${counts.interactions} interactions, ${counts.feedback} reports`
        };
    } catch (error) {
        if (error instanceof DatabaseProblem) // the same line as every command prints, split into what and how to fix
            return {name: "Database", status: "fail", detail: error.problem, fix: `${error.fix}.`};
        throw error;
    }
}

/**
 * The database, its -wal/-shm files, its folder and the pseudonym key must be the service user's alone:
 * one warning for each that group or others can open, with the chmod that fixes it.
 */
function checkDatabaseFileModes(config: KotaeConfig): CheckResult[] {
    if (config.db === ":memory:")
        return [];
    const file = path.resolve(config.db);
    const candidates: Array<{path: string, folder: boolean}> = [
        {path: path.dirname(file), folder: true},
        ...[file, `${file}-wal`, `${file}-shm`].map((candidate) => ({path: candidate, folder: false})),
        ...(config.pseudonymKey == null ? [{path: pseudonymKeyFile(config), folder: false}] : [])
    ];
    return candidates.flatMap(({path: candidate, folder}) => {
        const mode = fs.statSync(candidate, {throwIfNoEntry: false})?.mode;
        if (mode == null || (mode & 0o077) === 0)
            return [];
        const octal = (mode & 0o777).toString(8).padStart(3, "0");
        return [{
            name: "File permissions", status: "warn" as const,
            detail: `${candidate} is open to other users of this host (mode ${octal})`,
            fix: `chmod ${folder ? "700" : "600"} ${candidate}`
        }];
    });
}
