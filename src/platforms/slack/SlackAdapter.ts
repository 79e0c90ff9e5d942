import {App, LogLevel, type AppOptions} from "@slack/bolt";
import type {AddressInfo} from "node:net";
import type {Server} from "node:http";
import type {KotaeRuntime} from "../../app/KotaeRuntime.js";
import type {KotaeConfig} from "../../config/KotaeConfig.js";
import {ErrorCode, KotaeError} from "../../errors/ErrorCode.js";
import {RepliesUnderWay} from "../shared/RepliesUnderWay.js";
import {BoltLogger} from "./BoltLogger.js";
import {ChannelPacer} from "./ChannelPacer.js";
import {registerDirectMessages} from "./directMessageFeature.js";
import {registerFollowUps} from "./followUpFeature.js";
import {registerHome} from "./homeFeature.js";
import {registerSettings} from "./settingsFeature.js";
import type {SlackContext} from "./SlackContext.js";
import {registerSolve} from "./solveFeature.js";
import {registerTex} from "./texFeature.js";
import {registerUnknown} from "./unknownFeature.js";

/**
 * Kotae on Slack: one Bolt app, over HTTP (Slack calls `/slack/events`, signatures verified) or Socket Mode
 * (an app-level token, no public URL), with the same engine, storage and renderer as every adapter.
 */
export class SlackAdapter implements AsyncDisposable {
    private closed: Promise<void> | undefined;

    private constructor(
        private readonly context: SlackContext,
        /** The HTTP port Slack's requests arrive on (undefined in Socket Mode). */
        public readonly port: number | undefined
    ) {}

    public static async start(runtime: KotaeRuntime, config: KotaeConfig): Promise<SlackAdapter> {
        if (config.slack.botToken == null || (config.slack.signingSecret == null && config.slack.appToken == null))
            throw new KotaeError(ErrorCode.ConfigInvalid, "Set KOTAE_SLACK_BOT_TOKEN and KOTAE_SLACK_SIGNING_SECRET (HTTP mode) or KOTAE_SLACK_APP_TOKEN (Socket Mode).", {
                params: {detail: "KOTAE_SLACK_BOT_TOKEN"}
            });
        const socketMode = config.slack.appToken != null;
        const pacer = new ChannelPacer();
        const log = runtime.logger.child({component: "slack"});
        const app = new App({
            token: config.slack.botToken,
            ...(socketMode ? {socketMode: true, appToken: config.slack.appToken} : {signingSecret: config.slack.signingSecret}),
            logger: new BoltLogger(log),
            logLevel: LogLevel.ERROR,
            clientOptions: {
                ...(config.slack.apiUrl != null ? {slackApiUrl: config.slack.apiUrl} : {}),
                // A few quick retries; a rate-limited call (429) still waits as long as Retry-After says.
                retryConfig: {retries: 2, factor: 1.5, minTimeout: 200, maxTimeout: 2000},
                // Slack's per-channel posting limit, kept by Kotae instead of discovered through 429s.
                requestInterceptor: pacer.interceptor
            }
        } as AppOptions);
        const context: SlackContext = {runtime, config, app, answering: new RepliesUnderWay(), progressBudgets: new Map(), pacer, users: new Map(), log};

        let botUserId: string;
        try {
            const identity = await app.client.auth.test();
            botUserId = String(identity.user_id);
        } catch (error) {
            throw new KotaeError(ErrorCode.ConfigInvalid, `Slack refused the bot token: ${error instanceof Error ? error.message : String(error)}. Check KOTAE_SLACK_BOT_TOKEN.`, {
                cause: error, params: {detail: "KOTAE_SLACK_BOT_TOKEN"}
            });
        }
        registerSolve(context);
        registerFollowUps(context, botUserId);
        registerDirectMessages(context, botUserId);
        registerSettings(context);
        registerTex(context);
        registerHome(context);
        registerUnknown(context);

        if (socketMode) {
            await app.start();
            return new SlackAdapter(context, undefined);
        }
        const server = await app.start(config.slack.port) as unknown as Server;
        return new SlackAdapter(context, (server.address() as AddressInfo).port);
    }

    /**
     * Shuts the engine down, so running solves end as shutting_down (their askers are told Kotae is
     * restarting, never that they cancelled), lets those notices go out (for at most a few seconds), drops
     * the message writes still waiting for their channel's turn after that (one warning line says how
     * many), then stops receiving. Closing again waits for the first close (Bolt refuses to stop twice).
     */
    public close(): Promise<void> {
        this.closed ??= (async () => {
            await this.context.runtime.engine.close();
            await this.context.answering.settle();
            const dropped = this.context.pacer.close();
            if (dropped > 0)
                this.context.log.warn(`${dropped} Slack message writes still waiting for their channel's turn (Slack takes about one a second per channel) were dropped at shutdown`);
            await this.context.app.stop();
        })();
        return this.closed;
    }

    public async [Symbol.asyncDispose](): Promise<void> {
        await this.close();
    }
}
