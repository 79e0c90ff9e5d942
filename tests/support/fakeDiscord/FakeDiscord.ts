/**
 * A fake Discord on 127.0.0.1 (REST under /api/v10 and the gateway WebSocket) that the real discord.js
 * 14 client logs in to, for end-to-end tests of a bot without the internet.
 *
 *     const fake = await FakeDiscord.start();
 *     const client = new Client({intents: [Guilds, GuildMessages, MessageContent], rest: {api: fake.apiUrl}});
 *     await client.login("any-token");  // then: await fake.identified()
 *     const interaction = fake.slashCommand({name: "ask", options: [{type: 3, name: "problem", value: "1+1"}]});
 *     expect((await interaction.callback()).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
 *     const edit = await interaction.waitForEdit((request) => request.files.length > 0);
 *     fake.button({customId: "retry", message: interaction.original()!});
 *     …
 *     await client.destroy(); await fake.close();  // the client first, or it reconnects to a closed port
 *
 * The world: one guild ("数学の質問", locale ja) with a text channel `textChannel`, the bot (user id =
 * application id), `admin` (the owner, Admin role: ADMINISTRATOR | MANAGE_GUILD, so interactions carry
 * every permission), `student` and `otherStudent` (@everyone's permissions: send, threads, attach …).
 *
 * What Discord does and the fake does too: READY with the guild unavailable, then GUILD_CREATE (with the
 * Guilds intent); MESSAGE_CREATE/UPDATE only with GuildMessages, content only with MessageContent or a
 * mention of the bot; the bot's own messages and interaction responses come back as MESSAGE_CREATE too;
 * a thread started from a message shares its id and is announced with THREAD_CREATE; one callback per
 * interaction, of a type that fits it; limits checked with Discord's 400 errors (2000 characters,
 * 10 embeds, 5 rows, 45-character modal titles, command names …) and 413 for files over 10 MiB;
 * mentions computed from the content and `allowed_mentions` (`mention_everyone`, `mentions`,
 * `mention_roles`: who would be pinged); ephemeral messages seen only by the member who interacted
 * (`messagesSeenBy`); per-route rate limits on sending and editing messages (`rateLimit`), answered with
 * headers and 429s; the 3-second deadline for an interaction's callback (`interactionDeadlineMs`).
 * DMs and user installs: the bot's DM with a member (`openDm`), a group DM without the bot (`addGroupDm`)
 * and a channel of a server without the bot (`addForeignChannel`); interactions there carry the context,
 * the installation and (in DMs) `user` instead of `member` as Discord's do; a registered command whose
 * `contexts` or `integration_types` exclude the place is not offered there (the test throws).
 * Not simulated: the 15-minute token lifetime (`expireToken` ends a token when a test says so) and the
 * global rate limit (inject one with `failNext`).
 */
import type http from "node:http";
import {STATUS_CODES} from "node:http";
import {
    GatewayIntentBits,
    type APIApplicationCommand,
    type APIDMChannel,
    type APIGroupDMChannel,
    type APIChatInputApplicationCommandDMInteraction,
    type APIChatInputApplicationCommandGuildInteraction,
    type APIDMInteraction,
    type APIGuildInteraction,
    type APIMessage,
    type APIMessageComponentButtonInteraction,
    type APIModalSubmitDMInteraction,
    type APIModalSubmitGuildInteraction,
    type APITextChannel,
    type APIUser
} from "discord.js";
import {CommandRegistry} from "./CommandRegistry.js";
import {DiscordHttpError} from "./DiscordHttpError.js";
import {FakeGateway, shardOwnsGuild, type Identified} from "./FakeGateway.js";
import {FakeInteraction} from "./FakeInteraction.js";
import {GuildState, type Dispatch, type FakeGuild, type FakeThread, type FakeUser} from "./GuildState.js";
import {Interactions, type ButtonOptions, type ModalSubmitOptions, type SlashCommandOptions} from "./Interactions.js";
import {listenOnLoopback} from "../listenOnLoopback.js";
import {Observed} from "../Observed.js";
import {summarizeRequest, type RecordedFile, type RecordedRequest} from "./RecordedRequest.js";
import {readRequestBody} from "./requestBody.js";
import {RateLimits, type RateLimit} from "./RateLimits.js";
import {RestRoutes, webhookExecuteRoute, webhookMessageEditRoute, type Reply, type RouteMatch} from "./RestRoutes.js";
import {nextSnowflake} from "./snowflake.js";

export type {Edit, FollowUp} from "./FakeInteraction.js";
export type {RateLimit} from "./RateLimits.js";
export type {ButtonOptions, FakeGuild, FakeThread, FakeUser, Identified, ModalSubmitOptions, RecordedFile, RecordedRequest, SlashCommandOptions};
export {FakeInteraction};

/** A message as Discord stores and returns it. */
export type RecordedMessage = APIMessage;

export type FakeDiscordOptions = {
    /** Default: a fresh snowflake. The bot user's id is the same. */
    applicationId?: string,
    /** Sent in HELLO. Default 41 250 ms, Discord's; shorter makes the client heartbeat within a test. */
    heartbeatIntervalMs?: number,
    /**
     * What GET /gateway/bot announces instead of the fake's own gateway: a client behind a gateway proxy
     * must connect where it is told to (`gatewayUrl`), not here.
     */
    announcedGatewayUrl?: string,
    /**
     * The limit on sending, editing and deleting messages, per channel or interaction token.
     * Default 5 per 5 s, what Discord applies to message edits; false: none.
     */
    rateLimit?: RateLimit | false,
    /** How long after an interaction its callback is accepted. Default 3 000 ms, Discord's. */
    interactionDeadlineMs?: number,
    /**
     * The shard count GET /gateway/bot recommends (`shards`). Default 1. A client sharding on its own
     * identifies once per shard; READY, GUILD_CREATE and the guild's events go to the shard that owns the
     * guild, "(guild_id >> 22) % num_shards" (https://discord.com/developers/docs/events/gateway#sharding).
     */
    shards?: number,
    /**
     * `session_start_limit.max_concurrency`: shards that may identify in the same 5 seconds (shard ids
     * sharing `shard_id % max_concurrency` wait 5 s for each other). Default 1, most bots' value.
     */
    maxConcurrency?: number
};

export type MessageOptions = {
    content: string,
    /** Puts the bot's mention (`<@id>`) before the content, as a client does when the member @mentions it. */
    mentionsBot?: boolean,
    /** Default: the text channel. A thread's id sends it in the thread. */
    channelId?: string,
    /** Default: `student`. */
    author?: FakeUser,
    /** Makes it a reply (type 19), which also mentions the replied-to author, as Discord's clients do by default. */
    replyTo?: APIMessage
};

export type FailureOptions = {
    /** Default: any method. */
    method?: string,
    /** Tested against the path after /api/v10, percent-decoded: /webhooks\/\d+\/[^/]+\/messages\/@original/. */
    path: RegExp,
    /** Only requests whose JSON body (a multipart body's payload_json) matches. Default: any body. */
    body?: (body: unknown) => boolean,
    status: number,
    /** How many matching requests fail. Default 1. */
    times?: number,
    /** For 429: Retry-After, in seconds (discord.js adds 50 ms). Default 0.1. */
    retryAfterSeconds?: number,
    /** For 429: a global rate limit (X-RateLimit-Global) instead of the route's bucket. */
    global?: boolean,
    /** For other statuses: the JSON error's code (default 0, or 50013 Missing Permissions for 403). */
    code?: number,
    message?: string
};

type Failure = Required<Pick<FailureOptions, "path" | "status">> & FailureOptions & {remaining: number};

const apiPrefix = "/api/v10";
const defaultTimeoutMs = 5_000;
const discordMessageRateLimit: RateLimit = {limit: 5, windowMs: 5_000};
const discordInteractionDeadlineMs = 3_000;
/** The routes whose bucket the rate limit counts. */
const messageRoutes = [
    "POST /channels/:channel/messages", "PATCH /channels/:channel/messages/:message", "DELETE /channels/:channel/messages/:message",
    webhookExecuteRoute, webhookMessageEditRoute, "DELETE /webhooks/:webhook/:token/messages/:message"
];

export class FakeDiscord {
    /** For discord.js' `rest.api` option (it appends /v10 itself). */
    readonly apiUrl: string;
    readonly applicationId: string;
    readonly botUser: APIUser;
    readonly guild: FakeGuild;
    readonly textChannel: APITextChannel;
    /** The guild's owner, with the Admin role. */
    readonly admin: FakeUser;
    /** Sends interactions and messages unless a test names someone else. */
    readonly student: FakeUser;
    readonly otherStudent: FakeUser;
    readonly #server: http.Server;
    readonly #baseUrl: string;
    readonly #gateway: FakeGateway;
    readonly #state: GuildState;
    readonly #commands: CommandRegistry;
    readonly #interactions: Interactions;
    readonly #routes: RestRoutes;
    readonly #requests = new Observed<RecordedRequest>(summarizeRequest);
    readonly #failures: Failure[] = [];
    readonly #rateLimits: RateLimits;

    static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
        const {server, baseUrl} = await listenOnLoopback();
        return new FakeDiscord(server, baseUrl, options);
    }

    private constructor(server: http.Server, baseUrl: string, options: FakeDiscordOptions) {
        this.#server = server;
        this.#baseUrl = baseUrl;
        this.apiUrl = `${this.#baseUrl}/api`;
        this.applicationId = options.applicationId ?? nextSnowflake();
        this.#gateway = new FakeGateway(server, {
            heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
            // A shard that does not own the guild is told of no guild at all.
            answerIdentify: ({intents, shard}) => shardOwnsGuild(shard, this.guild.id) ? {
                ready: this.#state.readyPayload(),
                then: (intents & GatewayIntentBits.Guilds) === 0 ? [] : [{event: "GUILD_CREATE", data: this.#state.guildCreatePayload()}]
            } : {ready: {...this.#state.readyPayload(), guilds: []}, then: []},
            guildId: () => this.guild.id
        });
        const dispatch: Dispatch = (event, payloadFor) => this.#gateway.dispatch(event, payloadFor);
        this.#state = new GuildState({applicationId: this.applicationId, baseUrl: this.#baseUrl, dispatch});
        this.botUser = this.#state.bot.user;
        this.guild = this.#state.guild;
        this.textChannel = this.#state.textChannel;
        this.admin = this.#state.admin;
        this.student = this.#state.addUser({username: "taro", globalName: "太郎"});
        this.otherStudent = this.#state.addUser({username: "hanako", globalName: "花子"});
        this.#commands = new CommandRegistry(this.applicationId);
        this.#interactions = new Interactions({
            state: this.#state, commands: this.#commands, dispatch, defaultSender: this.student,
            deadlineMs: options.interactionDeadlineMs ?? discordInteractionDeadlineMs
        });
        this.#rateLimits = new RateLimits(options.rateLimit === false ? undefined : options.rateLimit ?? discordMessageRateLimit, messageRoutes);
        this.#routes = new RestRoutes({state: this.#state, commands: this.#commands, interactions: this.#interactions, gatewayUrl: () => options.announcedGatewayUrl ?? this.#gateway.url,
            shards: options.shards ?? 1, maxConcurrency: options.maxConcurrency ?? 1});
        server.on("request", (request, response) => {
            this.#serve(request, response).catch((error: unknown) => {
                console.error("The fake Discord failed to serve a request:", error);
                response.destroy();
            });
        });
    }

    /** Another member; one added after the client identified is in interactions and messages, not in its member cache. */
    addUser(options: {username: string, globalName?: string, admin?: boolean}): FakeUser {
        return this.#state.addUser(options);
    }

    /**
     * The bot's DM with a member (made once): slash commands there come with context BOT_DM and no guild,
     * messages there reach a client with DIRECT_MESSAGES, content included.
     */
    openDm(user: FakeUser): APIDMChannel {
        return this.#state.openDm(user);
    }

    /** A group DM of members without the bot: only a user-installed app reaches it (context PRIVATE_CHANNEL, token only). */
    addGroupDm(users: readonly FakeUser[]): APIGroupDMChannel {
        return this.#state.addGroupDm(users);
    }

    /**
     * A text channel of `foreignGuildId`, a server without the bot: commands there are the members' own
     * installation (authorizing_integration_owners has only the user's), the bot's REST calls on the
     * channel get 403 Missing Access, and it receives none of the channel's messages.
     */
    addForeignChannel(): APITextChannel {
        return this.#state.addForeignChannel();
    }

    get foreignGuildId(): string {
        return this.#state.foreignGuildId;
    }

    /** Resolves once a client has identified and been sent READY (and GUILD_CREATE, with the Guilds intent). */
    identified(): Promise<Identified> {
        return this.#gateway.identified();
    }

    /** Every IDENTIFY so far, with its shard: one per shard a client runs. */
    get identifies(): readonly Identified[] {
        return this.#gateway.identifies;
    }

    slashCommand(options: SlashCommandOptions): FakeInteraction<APIChatInputApplicationCommandGuildInteraction | APIChatInputApplicationCommandDMInteraction> {
        this.#requireSession();
        return this.#observe(this.#interactions.slashCommand(options));
    }

    /** A click on one of the message's buttons (it must have a component with that custom_id). */
    button(options: ButtonOptions): FakeInteraction<APIMessageComponentButtonInteraction & (APIGuildInteraction | APIDMInteraction)> {
        this.#requireSession();
        return this.#observe(this.#interactions.button(options));
    }

    /** Submits the latest modal the bot showed with that custom_id, in the channel it was shown in. */
    modalSubmit(options: ModalSubmitOptions): FakeInteraction<APIModalSubmitGuildInteraction | APIModalSubmitDMInteraction> {
        this.#requireSession();
        return this.#observe(this.#interactions.modalSubmit(options));
    }

    /** A member's message (MESSAGE_CREATE); mentions are read from the content, `<@id>`, as Discord does. */
    message(options: MessageOptions): RecordedMessage {
        this.#requireSession();
        const content = options.mentionsBot === true ? `<@${this.botUser.id}> ${options.content}` : options.content;
        return this.#state.postMessage(options.channelId ?? this.textChannel.id, {
            body: {content, ...(options.replyTo === undefined ? {} : {message_reference: {message_id: options.replyTo.id}})},
            files: [],
            author: options.author ?? this.student
        });
    }

    /** The fake's gateway WebSocket, whatever GET /gateway/bot announces. */
    get gatewayUrl(): string {
        return this.#gateway.url;
    }

    /** Every REST call so far, in the order answered. */
    get requests(): readonly RecordedRequest[] {
        return this.#requests.items;
    }

    /** Calls to routes the fake does not have (answered 404): for asserting that there were none. */
    get unknownRequests(): readonly RecordedRequest[] {
        return this.#requests.items.filter((request) => request.route === undefined);
    }

    /** The first request, already made or still to come, that matches. */
    waitForRequest(predicate: (request: RecordedRequest) => boolean, timeoutMs = defaultTimeoutMs): Promise<RecordedRequest> {
        return this.#requests.waitFor(predicate, timeoutMs, "a matching request");
    }

    /** The bot's messages in a channel or thread, oldest first, as they are now (interaction responses included). */
    messagesIn(channelId: string): RecordedMessage[] {
        return this.#state.messagesIn(channelId).filter((message) => message.author.id === this.botUser.id);
    }

    /**
     * The messages a member sees in a channel, oldest first: everyone's, minus the ephemeral ones that
     * answered someone else's interaction (Discord shows those only to the member who interacted).
     */
    messagesSeenBy(user: FakeUser, channelId: string): RecordedMessage[] {
        return this.#state.messagesIn(channelId).filter((message) => this.#state.canSee(user.id, message));
    }

    findMessage(id: string): RecordedMessage | undefined {
        return this.#state.message(id);
    }

    /** Threads the bot created. */
    get threads(): FakeThread[] {
        return this.#state.threads;
    }

    /** The commands the bot registered: global ones, or a guild's. */
    registeredCommands(guildId?: string): APIApplicationCommand[] {
        return this.#commands.list(guildId);
    }

    /** Answers the next matching requests with a failure; a 429 carries the headers discord.js waits and retries by. */
    failNext(options: FailureOptions): void {
        this.#failures.push({...options, remaining: options.times ?? 1});
    }

    /** Ends an interaction's token, as 15 minutes do: its webhook calls get 401 (50027), its callback 404 (10062). */
    expireToken(token: string): void {
        this.#interactions.expire(token);
    }

    async close(): Promise<void> {
        this.#requests.close();
        await this.#gateway.close();
        this.#server.closeAllConnections();
        await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    }

    #requireSession(): void {
        if (!this.#gateway.hasSession)
            throw new Error("No client is connected to the fake gateway: log it in and await fake.identified() first");
    }

    #observe<T extends APIGuildInteraction | APIDMInteraction>(payload: T): FakeInteraction<T> {
        return new FakeInteraction(payload, this.#requests, () => this.#interactions.original(payload.token));
    }

    async #serve(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
        const url = new URL(request.url ?? "/", this.#baseUrl);
        const method = request.method ?? "GET";
        if (method === "GET" && url.pathname.startsWith("/attachments/")) {
            this.#serveAttachment(url.pathname, response);
            return;
        }
        const isApi = url.pathname.startsWith(`${apiPrefix}/`);
        const path = isApi ? url.pathname.slice(apiPrefix.length).split("/").map(decodeURIComponent).join("/") : url.pathname;
        const match = isApi ? this.#routes.match(method, path) : undefined;
        const authorization = request.headers.authorization;
        const receivedAt = performance.now();
        let received: {body: unknown, files: RecordedFile[]} = {body: undefined, files: []};
        let failure: Reply | undefined;
        let reply: Reply;
        try {
            received = await readRequestBody(request);
            failure = this.#takeFailure(method, path, received.body);
            reply = failure ?? this.#rateLimited(match, () => this.#routes.handle(match, authorization, {query: url.searchParams, ...received}));
        } catch (error) {
            reply = errorReply(error);
        }
        this.#requests.push({
            receivedAt,
            method,
            path,
            route: match?.route.name,
            params: match?.params ?? {},
            query: url.searchParams,
            authorization,
            ...received,
            status: reply.status,
            injected: failure !== undefined
        });
        const body = reply.body === undefined ? undefined : JSON.stringify(reply.body);
        response.writeHead(reply.status, {...(body === undefined ? {} : {"content-type": "application/json"}), ...reply.headers});
        response.end(body);
    }

    #serveAttachment(pathname: string, response: http.ServerResponse): void {
        // /attachments/:channel/:attachment/:filename
        const file = this.#state.file(pathname.split("/")[3] ?? "");
        if (file === undefined) {
            response.writeHead(404).end();
            return;
        }
        response.writeHead(200, {"content-type": file.contentType, "content-length": file.data.length}).end(file.data);
    }

    /** Serves a request within its bucket's rate limit, with the bucket's headers; a 429 past it. */
    #rateLimited(match: RouteMatch | undefined, serve: () => Reply): Reply {
        const limit = match === undefined ? undefined : this.#rateLimits.take(match.route.name, match.params);
        if (limit === undefined)
            return serve();
        if (limit.exceeded !== undefined)
            return limit.exceeded;
        try {
            const reply = serve();
            return {...reply, headers: {...reply.headers, ...limit.headers}};
        } catch (error) {
            const reply = errorReply(error);
            return {...reply, headers: {...reply.headers, ...limit.headers}};
        }
    }

    #takeFailure(method: string, path: string, body: unknown): Reply | undefined {
        const index = this.#failures.findIndex((failure) => (failure.method === undefined || failure.method.toUpperCase() === method)
            && path.search(failure.path) !== -1 && (failure.body === undefined || failure.body(body)));
        const failure = this.#failures[index];
        if (failure === undefined)
            return undefined;
        failure.remaining -= 1;
        if (failure.remaining <= 0)
            this.#failures.splice(index, 1);
        return failureReply(failure);
    }
}

function failureReply(failure: Failure): Reply {
    if (failure.status !== 429) {
        const code = failure.code ?? (failure.status === 403 ? 50013 : 0);
        const message = failure.message ?? (failure.status === 403 ? "Missing Permissions" : `${failure.status}: ${STATUS_CODES[failure.status] ?? "Error"}`);
        return {status: failure.status, body: {message, code}};
    }
    const retryAfter = failure.retryAfterSeconds ?? 0.1;
    const global = failure.global ?? false;
    // A route's 429 says when its bucket resets; a global one only that it is global. No bucket hash: a
    // shared one would make discord.js queue unrelated routes behind each other.
    const headers: Record<string, string> = global
        ? {"retry-after": String(retryAfter), "x-ratelimit-global": "true", "x-ratelimit-scope": "global"}
        : {"retry-after": String(retryAfter), "x-ratelimit-limit": "5", "x-ratelimit-remaining": "0", "x-ratelimit-reset-after": String(retryAfter), "x-ratelimit-scope": "user"};
    return {status: 429, headers, body: {message: "You are being rate limited.", retry_after: retryAfter, global}};
}

function errorReply(error: unknown): Reply {
    if (error instanceof DiscordHttpError)
        return {status: error.status, body: error.body};
    // A bug in the fake, not an answer Discord would give: loud in the test output, 500 to the client.
    console.error("The fake Discord failed to answer a request:", error);
    return {status: 500, body: {message: "500: Internal Server Error", code: 0}};
}
