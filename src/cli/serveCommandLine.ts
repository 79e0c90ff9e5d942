import {DiscordAdapter} from "../adapters/discord/DiscordAdapter.js";
import {SlackAdapter} from "../adapters/slack/SlackAdapter.js";
import {KotaeRuntime} from "../app/KotaeRuntime.js";
import type {KotaeConfig} from "../config/KotaeConfig.js";
import {ExitCode} from "./cliSupport.js";

/**
 * `kotae serve` (what `npm start` and pm2 run): checks what a server needs (database, model, Python
 * sandbox, renderer), then answers on Discord and/or Slack until stopped. With no chat platform configured it says
 * what to configure and exits 0, so pm2 does not restart it in a loop.
 */
export async function runServe(config: KotaeConfig): Promise<ExitCode> {
    const out = (line: string): boolean => process.stdout.write(line + "\n");
    const runtime = KotaeRuntime.start(config, {showDownloadProgress: process.stderr.isTTY});
    try {
        const purged = runtime.applyRetention();
        if (purged > 0) out(`Retention: deleted ${purged} interaction(s) older than ${config.retentionDays} days.`);
        const abandoned = runtime.store.abandonUnfinished();
        out(`Kotae: database ${config.db} is ready${abandoned > 0 ? ` (${abandoned} request(s) left unfinished by the last run were marked failed)` : ""}.`);

        const model = await runtime.backend.then((backend) => backend.model, (error: unknown) => error as Error);
        if (model instanceof Error)
            out(`Model: not ready: ${model.message}`);
        else
            out(`Model: ${model.name} loaded on ${model.device} (${config.sequences} parallel sequences × ${model.contextSize} tokens).`);

        const sandbox = await runtime.startSandbox().then((started) => started, (error: unknown) => error as Error);
        out(sandbox instanceof Error
            ? `Python sandbox: not available, so auto mode solves in text: ${sandbox.message}`
            : `Python sandbox: ready (${config.sequences} warm interpreter(s), ${sandbox.limits.executionSeconds} s and ${sandbox.limits.memoryMiB} MiB per block).`);

        const warm = await runtime.renderer.warmUp();
        out(warm.failure == null
            ? `Renderer: ready in ${warm.durationMs} ms (MathJax and the fonts load once).`
            : `Renderer: not working (${warm.failure}), so answers go out as text only. Run: npx kotae doctor`);

        const adapters: AsyncDisposable[] = [];
        try {
            if (config.discordToken != null) {
                const discord = await DiscordAdapter.start(runtime, config);
                adapters.push(discord);
                out(`Discord: connected as ${discord.user ?? "the bot"}. Register the commands once with: npm run deploy-commands`);
            }
            if (config.slackBotToken != null) {
                const slack = await SlackAdapter.start(runtime, config);
                adapters.push(slack);
                out(slack.port != null ? `Slack: listening for Slack's requests on port ${slack.port} (/slack/events).` : "Slack: connected in Socket Mode.");
            }
            if (adapters.length > 0) {
                const daily = setInterval(() => runtime.applyRetention(), 24 * 60 * 60 * 1000);
                daily.unref();
                await untilStopped();
                clearInterval(daily);
                out("Kotae: stopping (running requests are cancelled and logged).");
                return ExitCode.Ok;
            }
        } finally {
            for (const adapter of adapters.reverse())
                await adapter[Symbol.asyncDispose]();
        }

        out("");
        out("No chat platform is configured: set KOTAE_DISCORD_TOKEN and KOTAE_DISCORD_APPLICATION_ID (Discord) or");
        out("KOTAE_SLACK_BOT_TOKEN with KOTAE_SLACK_SIGNING_SECRET or KOTAE_SLACK_APP_TOKEN (Slack). Meanwhile, solve from the terminal:");
        out("  npx kotae solve \"1から100までの自然数の和を求めてください\"");
        out("and check the installation with: npx kotae doctor");
        // No model configured is the normal first run (explained above); a configured model that fails is an error.
        return model instanceof Error && config.model != null ? ExitCode.Failed : ExitCode.Ok;
    } finally {
        await runtime.close();
    }
}

/** Resolves on SIGTERM (pm2 stop) or SIGINT (Ctrl-C). */
function untilStopped(): Promise<void> {
    return new Promise((resolve) => {
        const stop = (): void => {
            process.off("SIGTERM", stop);
            process.off("SIGINT", stop);
            resolve();
        };
        process.once("SIGTERM", stop);
        process.once("SIGINT", stop);
    });
}
