import {Client, Events, GatewayIntentBits, Partials, REST, Routes, type ClientOptions} from "discord.js";
import type {KotaeRuntime} from "../../app/KotaeRuntime.js";
import type {KotaeConfig} from "../../config/KotaeConfig.js";
import {ErrorCode, KotaeError} from "../../errors/ErrorCode.js";
import {RepliesUnderWay} from "../shared/RepliesUnderWay.js";
import type {DiscordContext} from "./DiscordContext.js";
import {discordCommands} from "./discordCommands.js";
import {registerFollowUps} from "./followUpFeature.js";
import {registerSettings} from "./settingsFeature.js";
import {registerSolve} from "./solveFeature.js";
import {registerTex} from "./texFeature.js";
import {registerUnknown} from "./unknownFeature.js";

/**
 * Kotae on Discord: one discord.js client whose events are translated into engine calls by the features
 * below, and engine events into replies. Everything about math, queues and storage lives in the runtime.
 */
export class DiscordAdapter implements AsyncDisposable {
    private constructor(private readonly context: DiscordContext) {}

    /** Connects with the configured token and answers until `close()`. */
    public static async start(runtime: KotaeRuntime, config: KotaeConfig): Promise<DiscordAdapter> {
        const {discordToken: token} = requireDiscord(config);
        const client = new Client(clientOptions(config));
        const context: DiscordContext = {runtime, config, client, answering: new RepliesUnderWay(), log: runtime.logger.child({component: "discord"})};
        registerSolve(context);
        registerFollowUps(context);
        registerSettings(context);
        registerTex(context);
        registerUnknown(context);

        const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
        try {
            await client.login(token);
            await ready;
        } catch (error) {
            await client.destroy();
            throw new KotaeError(ErrorCode.ConfigInvalid, `Could not connect to Discord: ${error instanceof Error ? error.message : String(error)}. Check KOTAE_DISCORD_TOKEN.`, {
                cause: error, params: {detail: "KOTAE_DISCORD_TOKEN"}
            });
        }
        return new DiscordAdapter(context);
    }

    public get user(): string | undefined {
        return this.context.client.user?.tag;
    }

    /**
     * Shuts the engine down, so running solves end as shutting_down (their askers are told Kotae is
     * restarting, never that they cancelled; the runtime's own close later finds nothing left), lets
     * those notices and replies already under way go out (for at most a few seconds), then disconnects.
     */
    public async close(): Promise<void> {
        await this.context.runtime.engine.close();
        await this.context.answering.settle();
        await this.context.client.destroy();
    }

    public async [Symbol.asyncDispose](): Promise<void> {
        await this.close();
    }
}

/**
 * Registers Kotae's commands: to one server when `discord.guildId` is set (instant, for development),
 * else globally (Discord takes up to an hour to show them everywhere). Returns where they went.
 */
export async function deployCommands(config: KotaeConfig): Promise<{scope: string, names: string[]}> {
    const {discordToken: token, discordApplicationId: applicationId} = requireDiscord(config);
    const rest = new REST({...(config.discord.apiUrl != null ? {api: config.discord.apiUrl} : {})}).setToken(token);
    const commands = discordCommands();
    const route = config.discord.guildId != null
        ? Routes.applicationGuildCommands(applicationId, config.discord.guildId)
        : Routes.applicationCommands(applicationId);
    await rest.put(route, {body: commands});
    return {scope: config.discord.guildId != null ? `server ${config.discord.guildId}` : "all servers", names: commands.map((command) => command.name)};
}

function requireDiscord(config: KotaeConfig): {discordToken: string, discordApplicationId: string} {
    if (config.discord.token == null || config.discord.applicationId == null)
        throw new KotaeError(ErrorCode.ConfigInvalid, "Set KOTAE_DISCORD_TOKEN and KOTAE_DISCORD_APPLICATION_ID (or discord.token / discord.applicationId in kotae.config.json).", {
            params: {detail: "KOTAE_DISCORD_TOKEN, KOTAE_DISCORD_APPLICATION_ID"}
        });
    return {discordToken: config.discord.token, discordApplicationId: config.discord.applicationId};
}

function clientOptions(config: KotaeConfig): ClientOptions {
    // DirectMessages: follow-ups in a DM with Kotae (their content comes without the MessageContent intent).
    const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages, ...(config.discord.messageContent ? [GatewayIntentBits.MessageContent] : [])];
    const gatewayUrl = config.discord.gatewayUrl;
    return {
        intents,
        // Internal sharding: discord.js asks GET /gateway/bot how many shards Discord recommends and runs
        // them all in this process, so one Kotae serves any number of servers (Discord requires sharding
        // from 2 500 servers on) without a ShardingManager or a second copy of the model.
        shards: "auto",
        partials: [Partials.Channel],
        // Model text is untrusted: an "@everyone" or "<@&role>" in an answer must be shown, never ping.
        // A message that should ping someone names them in its own allowedMentions.
        allowedMentions: {parse: [], repliedUser: false},
        rest: {
            ...(config.discord.apiUrl != null ? {api: config.discord.apiUrl} : {}),
            // A gateway proxy: discord.js connects wherever GET /gateway/bot points, so that answer is rewritten.
            ...(gatewayUrl != null ? {makeRequest: async (url: string, init: RequestInit) => {
                const response = await fetch(url, init);
                if (!new URL(url).pathname.endsWith("/gateway/bot") || !response.ok)
                    return response;
                const body = await response.json() as Record<string, unknown>;
                return new Response(JSON.stringify({...body, url: gatewayUrl}), {status: response.status, headers: response.headers});
            }} : {})
        }
    } as ClientOptions;
}
