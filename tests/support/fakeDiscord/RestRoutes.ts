import {
    ChannelType,
    MessageFlags,
    type APIApplication,
    type APIInteractionResponse,
    type APIMessage,
    type ApplicationFlags,
    type RESTGetAPIGatewayBotResult,
    type RESTPatchAPIChannelJSONBody,
    type RESTPostAPIApplicationCommandsJSONBody,
    type RESTPostAPIChannelThreadsJSONBody
} from "discord.js";
import type {CommandRegistry} from "./CommandRegistry.js";
import {discordErrors, raise} from "./DiscordHttpError.js";
import type {GuildState} from "./GuildState.js";
import type {Interactions} from "./Interactions.js";
import type {RecordedFile} from "./RecordedRequest.js";
import type {MessageBody} from "./validation.js";

/** Routes other modules refer to by name, as `RecordedRequest.route` spells them. */
export const interactionCallbackRoute = "POST /interactions/:interaction/:token/callback";
export const webhookMessageEditRoute = "PATCH /webhooks/:webhook/:token/messages/:message";
export const webhookExecuteRoute = "POST /webhooks/:webhook/:token";

export type Reply = {status: number, body?: unknown, headers?: Record<string, string>};

type RouteRequest = {
    params: Readonly<Record<string, string>>,
    /** A parameter the route's pattern has (so it is always there). */
    param: (name: string) => string,
    query: URLSearchParams,
    body: unknown,
    files: readonly RecordedFile[]
};

type Handler = (request: RouteRequest) => Reply;

type Route = {readonly name: string, readonly method: string, readonly segments: readonly string[], readonly auth: boolean, readonly handle: Handler};

export type RouteMatch = {readonly route: Route, readonly params: Readonly<Record<string, string>>};

const noContent: Reply = {status: 204};

function json(body: unknown, status = 200): Reply {
    return {status, body};
}

/**
 * The REST API under /api/v10 that discord.js uses for a text bot: identity, command registration,
 * channel messages, threads, and interaction callbacks and webhooks. Everything needs a bot token
 * except interaction callbacks and webhooks (their token is in the path) and GET /gateway, as on Discord.
 */
export class RestRoutes {
    readonly #routes: Route[];
    readonly #state: GuildState;

    constructor(options: {state: GuildState, commands: CommandRegistry, interactions: Interactions, gatewayUrl: () => string, shards: number, maxConcurrency: number}) {
        const {state, commands, interactions} = options;
        this.#state = state;
        const scope = ({param, params}: RouteRequest): string | undefined => {
            if (param("application") !== state.applicationId)
                throw discordErrors.unknownApplication();
            if (params["guild"] !== undefined && params["guild"] !== state.guild.id)
                throw discordErrors.unknownGuild();
            return params["guild"];
        };
        const commandRoutes = (prefix: string): [string, Handler][] => [
            [`GET ${prefix}`, (request) => json(commands.list(scope(request)))],
            [`PUT ${prefix}`, (request) => json(commands.overwrite(scope(request), request.body as RESTPostAPIApplicationCommandsJSONBody[]))],
            [`POST ${prefix}`, (request) => {
                const {command, created} = commands.upsert(scope(request), request.body as RESTPostAPIApplicationCommandsJSONBody);
                return json(command, created ? 201 : 200);
            }],
            [`DELETE ${prefix}/:command`, (request) => {
                commands.delete(scope(request), request.param("command"));
                return noContent;
            }]
        ];
        const definitions: [string, Handler][] = [
            ["GET /gateway", () => json({url: options.gatewayUrl()})],
            ["GET /gateway/bot", () => json({
                url: options.gatewayUrl(),
                shards: options.shards,
                session_start_limit: {total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: options.maxConcurrency}
            } satisfies RESTGetAPIGatewayBotResult)],
            ["GET /users/@me", () => json(state.bot.user)],
            ["GET /applications/@me", () => json(this.#application())],
            ...commandRoutes("/applications/:application/commands"),
            ...commandRoutes("/applications/:application/guilds/:guild/commands"),
            ["GET /guilds/:guild/members/:user", ({param}) => {
                if (param("guild") !== state.guild.id)
                    throw discordErrors.unknownGuild();
                return json(state.member(param("user")));
            }],
            ["GET /channels/:channel", ({param}) => json(state.requireChannel(param("channel")))],
            ["PATCH /channels/:channel", ({param, body}) => json(state.editThread(param("channel"), body as RESTPatchAPIChannelJSONBody))],
            ["GET /channels/:channel/messages", ({param, query}) => json(this.#history(param("channel"), query))],
            ["POST /channels/:channel/messages", ({param, body, files}) => json(state.postMessage(param("channel"), {body: body as MessageBody, files, author: state.bot}))],
            ["GET /channels/:channel/messages/:message", ({param}) => json(state.requireMessage(param("channel"), param("message")))],
            ["PATCH /channels/:channel/messages/:message", ({param, body, files}) => {
                const message = state.requireMessage(param("channel"), param("message"));
                if (message.author.id !== state.bot.id)
                    throw discordErrors.notAuthor();
                return json(state.editMessage(message.id, body as MessageBody, files));
            }],
            ["DELETE /channels/:channel/messages/:message", ({param}) => {
                state.deleteMessage(state.requireMessage(param("channel"), param("message")).id);
                return noContent;
            }],
            ["PUT /channels/:channel/messages/:message/reactions/:emoji/@me", (request) => this.#react(request, true)],
            ["DELETE /channels/:channel/messages/:message/reactions/:emoji/@me", (request) => this.#react(request, false)],
            ["POST /channels/:channel/typing", ({param}) => {
                state.requireChannel(param("channel"));
                return noContent;
            }],
            ["POST /channels/:channel/messages/:message/threads", ({param, body}) => json(state.startThread(param("channel"), body as RESTPostAPIChannelThreadsJSONBody, param("message")), 201)],
            ["POST /channels/:channel/threads", ({param, body}) => json(state.startThread(param("channel"), body as RESTPostAPIChannelThreadsJSONBody), 201)],
            ["PUT /channels/:channel/thread-members/@me", ({param}) => {
                if (state.requireChannel(param("channel")).type === ChannelType.GuildText)
                    throw discordErrors.wrongChannelType();
                return noContent;
            }],
            [interactionCallbackRoute, ({param, query, body, files}) => {
                const result = interactions.respond(param("interaction"), param("token"), body as APIInteractionResponse, files);
                return query.get("with_response") === "true" ? json(result) : noContent;
            }],
            [webhookExecuteRoute, ({param, query, body, files}) => {
                const message = interactions.followUp(param("webhook"), param("token"), body as MessageBody, files);
                return query.get("wait") === "true" ? json(message) : noContent;
            }],
            ["GET /webhooks/:webhook/:token/messages/:message", ({param}) => json(interactions.webhookMessage(param("webhook"), param("token"), param("message")))],
            [webhookMessageEditRoute, ({param, body, files}) => json(interactions.editWebhookMessage(param("webhook"), param("token"), param("message"), body as MessageBody, files))],
            ["DELETE /webhooks/:webhook/:token/messages/:message", ({param}) => {
                interactions.deleteWebhookMessage(param("webhook"), param("token"), param("message"));
                return noContent;
            }]
        ];
        this.#routes = definitions.map(([name, handle]) => {
            const [method, pattern] = name.split(" ") as [string, string];
            const auth = !pattern.startsWith("/interactions/") && !pattern.startsWith("/webhooks/") && pattern !== "/gateway";
            return {name, method, segments: pattern.split("/"), auth, handle};
        });
    }

    /** The route for a method and a percent-decoded path, with the path's parameters. */
    match(method: string, path: string): RouteMatch | undefined {
        const segments = path.split("/");
        for (const route of this.#routes) {
            if (route.method !== method || route.segments.length !== segments.length)
                continue;
            const params: Record<string, string> = {};
            const matches = route.segments.every((segment, index) => {
                if (segment.startsWith(":"))
                    params[segment.slice(1)] = segments[index]!;
                return segment.startsWith(":") || segment === segments[index];
            });
            if (matches)
                return {route, params};
        }
        return undefined;
    }

    handle(match: RouteMatch | undefined, authorization: string | undefined, request: Omit<RouteRequest, "params" | "param">): Reply {
        if (match === undefined)
            throw discordErrors.unknownRoute();
        if (match.route.auth && !(authorization?.startsWith("Bot ") ?? false))
            throw discordErrors.unauthorized();
        const {params} = match;
        if (params["channel"] !== undefined)
            this.#state.requireBotChannel(params["channel"]);
        const param = (name: string): string => params[name] ?? raise(new Error(`The route ${match.route.name} has no parameter ${name}`));
        return match.route.handle({...request, params, param});
    }

    #application(): APIApplication {
        return {
            id: this.#state.applicationId,
            name: "Kotae",
            icon: null,
            description: "",
            bot_public: false,
            bot_require_code_grant: false,
            bot: this.#state.bot.user,
            summary: "",
            verify_key: "0".repeat(64),
            team: null,
            flags: 0 as ApplicationFlags,
            flags_new: "0",
            approximate_guild_count: 1
        };
    }

    /** A page of the channel's history, newest first, as GET …/messages answers (ephemeral ones are not history). */
    #history(channelId: string, query: URLSearchParams): APIMessage[] {
        this.#state.requireChannel(channelId);
        const before = query.get("before");
        const after = query.get("after");
        return this.#state.messagesIn(channelId)
            .filter((message) => ((message.flags ?? 0) & MessageFlags.Ephemeral) === 0)
            .filter((message) => (before === null || BigInt(message.id) < BigInt(before)) && (after === null || BigInt(message.id) > BigInt(after)))
            .reverse()
            .slice(0, Number(query.get("limit") ?? 50));
    }

    #react({param}: RouteRequest, add: boolean): Reply {
        this.#state.react(this.#state.requireMessage(param("channel"), param("message")), param("emoji"), add);
        return noContent;
    }
}
