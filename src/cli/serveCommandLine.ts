import {KotaeRuntime, type RuntimeOptions} from "../app/KotaeRuntime.js";
import type {KotaeConfig} from "../config/KotaeConfig.js";
import {OpenAiBackend} from "../llm/openai/OpenAiBackend.js";
import {sectionOf, type Platform, type PlatformServices, type RunningPlatform} from "../platforms/Platform.js";
import {builtinPlatforms, type PlatformRegistry} from "../platforms/platformRegistry.js";
import {ExitCode} from "./cliSupport.js";
import {untilStopped as untilSignalled, type StopSignalOptions} from "./stopSignals.js";

/**
 * Seconds `serve` may take to stop after SIGTERM/SIGINT before it exits anyway. Cancelling takes well
 * under a second (measured with 8 samples on CPU); the rest is closing the chat connections. The pm2
 * file's kill_timeout (ecosystem.config.js) is this plus a margin: keep them together.
 */
export const shutdownGraceSeconds = 8;

export type ServeOptions = Pick<RuntimeOptions, "debug" | "logger"> & {
    /** The platforms to start when configured (default: the built-in ones; a test adds its own). */
    readonly platforms?: PlatformRegistry,
    /** Resolves when serve should stop (default: on SIGTERM or SIGINT, see untilStopped; a test stops it itself). */
    readonly untilStopped?: (options: StopSignalOptions) => Promise<NodeJS.Signals>
};

/**
 * `kotae serve` (what `npm start` and pm2 run): checks what a server needs (database, model, Python
 * sandbox, renderer), then starts every configured platform (the local web app, Discord, Slack) and
 * answers until SIGTERM or SIGINT (exit 0). With no chat platform configured, the web playground is how
 * to try Kotae.
 */
export async function runServe(config: KotaeConfig, {platforms = builtinPlatforms, untilStopped = untilSignalled, ...options}: ServeOptions = {}): Promise<ExitCode> {
    const runtime = KotaeRuntime.start(config, {showDownloadProgress: process.stderr.isTTY, ...options});
    // Status lines are sentences for the operator; what needs fixing is a warning, what stops serve an error.
    const log = runtime.logger;
    const out = (line: string): void => log.info(line);
    const warn = (line: string): void => log.warn(line);
    try {
        const purged = runtime.applyRetention();
        if (purged > 0) out(`Retention: deleted ${purged} interaction(s) older than ${config.retentionDays} days.`);
        const abandoned = runtime.store.interactions.abandonUnfinished();
        out(`Kotae: database ${config.db} is ready${abandoned > 0 ? ` (${abandoned} request(s) left unfinished by the last run were marked failed)` : ""}.`);

        const backend = await runtime.backend.catch((error: unknown) => error as Error);
        if (backend instanceof Error && (config.model != null || config.backend === "openai")) { // a configured model that cannot load is a setting to fix now
            log.error(`Model: ${backend.message}`);
            return ExitCode.Failed;
        }
        if (backend instanceof Error)
            warn(`Model: none configured yet, so problems are refused until KOTAE_MODEL is set: ${backend.message}`);
        else if (backend instanceof OpenAiBackend)
            for (const line of backend.describeEndpoints()) out(`Inference server ${line}`);
        else
            out(`Model: ${backend.model.name} loaded on ${backend.model.device} (${config.sequences} parallel sequences × ${backend.model.contextSize} tokens).`);

        const sandbox = await runtime.startSandbox().then((started) => started, (error: unknown) => error as Error);
        if (sandbox instanceof Error)
            warn(`Python sandbox: not available, so auto mode solves in text: ${sandbox.message}`);
        else
            out(`Python sandbox: ready (${config.sequences} warm interpreter(s), ${sandbox.limits.executionSeconds} s and ${sandbox.limits.memoryMiB} MiB per block).`);

        const warm = await runtime.renderer.warmUp();
        if (warm.failure == null)
            out(`Renderer: ready in ${warm.durationMs} ms (MathJax and the fonts load once).`);
        else
            warn(`Renderer: not working (${warm.failure}), so answers go out as text only. Run: npx kotae doctor`);

        const running = await startPlatforms(platforms, {runtime, config}, {out, error: (line) => log.error(line)});
        try {
            if (running.length === 0)
                return ExitCode.Failed;
            const daily = setInterval(() => runtime.applyRetention(), 24 * 60 * 60 * 1000);
            daily.unref();
            const signal = await untilStopped({out: warn, graceSeconds: shutdownGraceSeconds});
            clearInterval(daily);
            out(`Kotae: stopping on ${signal} (running and queued requests are cancelled and logged).`);
            // The engine first, while the services still run: each request ends at once with shutting_down,
            // which the web stream and the chat adapters deliver before they close. Closing the web server
            // first would wait for its open solve streams, i.e. for every sample to finish.
            const stopping = performance.now();
            await runtime.engine.close();
            out(`Kotae: requests cancelled in ${Math.round(performance.now() - stopping)} ms.`);
            return ExitCode.Ok;
        } finally {
            for (const platform of running.reverse())
                await platform[Symbol.asyncDispose]();
        }
    } finally {
        await runtime.close();
    }
}

/**
 * Starts each configured platform in the registry's order and prints its status line. A platform that
 * fails to start stops serve (after the ones already started are stopped), unless it names a hint to log
 * instead; with no chat platform configured, the operator is told how to add one, and with nothing
 * started at all, that serve stops.
 */
async function startPlatforms(platforms: PlatformRegistry, services: PlatformServices, print: {out: (line: string) => void, error: (line: string) => void}): Promise<RunningPlatform[]> {
    const running: RunningPlatform[] = [];
    const configured = platforms.filter((platform) => platform.configured(sectionOf(services.config, platform)));
    try {
        for (const platform of configured) {
            try {
                const started = await platform.start(services, sectionOf(services.config, platform));
                running.push(started);
                print.out(started.statusLine);
            } catch (error) {
                if (platform.startFailureHint == null)
                    throw error;
                print.error(`${platform.title}: not started (${error instanceof Error ? error.message : String(error)}). ${platform.startFailureHint}`);
            }
        }
    } catch (error) {
        for (const platform of running.reverse())
            await platform[Symbol.asyncDispose]();
        throw error;
    }
    const chatConfigured = configured.some((platform) => platform.enableWith != null);
    if (running.length === 0)
        // Serve then stops: the web app did not start (its line above says why) and nothing else was asked for.
        print.error(`Kotae: nothing started, so serve stops. Fix the line above${chatConfigured ? "" : `, or ${enableChatPlatform(platforms)}`}.`);
    else if (!chatConfigured)
        print.out(`No chat platform is configured: ${enableChatPlatform(platforms)}. `
            + "Meanwhile, try the playground in a browser, solve from the terminal (npx kotae solve \"1から100までの自然数の和を求めてください\"), "
            + "or check the installation with: npx kotae doctor");
    return running;
}

function enableChatPlatform(platforms: PlatformRegistry): string {
    const chatPlatforms = platforms.filter((platform): platform is Platform & {enableWith: string} => platform.enableWith != null);
    return `set ${chatPlatforms.map((platform) => `${platform.enableWith} (${platform.title})`).join(" or ")}`;
}
