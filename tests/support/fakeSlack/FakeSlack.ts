/**
 * A fake Slack on 127.0.0.1 (the Web API under /api/, the upload host, response_urls and Socket Mode's
 * WebSocket) that the real @slack/bolt 4 app runs against, in HTTP mode or Socket Mode, for end-to-end
 * tests of a bot without the internet.
 *
 *     const fake = await FakeSlack.start();
 *     // Bolt calls auth.test when constructed; keep retries few and short (the default is ten over 30 minutes).
 *     const clientOptions = {slackApiUrl: fake.apiUrl, retryConfig: {retries: 0}};
 *     // HTTP mode: the default HTTPReceiver's start() resolves to its http.Server.
 *     const app = new App({token: fake.botToken, signingSecret: fake.signingSecret, clientOptions});
 *     const server = await app.start(0) as Server;
 *     fake.connectHttp(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`);
 *     // Or Socket Mode: apps.connections.open with the app token, then the WebSocket.
 *     const app = new App({token: fake.botToken, appToken: fake.appToken, socketMode: true, clientOptions});
 *     await app.start(); await fake.socketConnected();
 *
 *     const command = await fake.slashCommand({command: "/solve", text: "1+1"});  // resolves on the ack
 *     expect(command.inTime).toBe(true);
 *     await fake.waitForCall("files.completeUploadExternal");
 *     const [answer] = fake.messagesIn(fake.channel.id);
 *     await fake.blockAction({message: answer!, actionId: "report"});
 *     await fake.submitView({callbackId: "report-form", fields: {reason: "符号が逆です"}});
 *     const {event} = await fake.message({text: "もう一度", threadTs: answer!.ts, mentionsBot: true});
 *     await fake.redeliver(event, {num: 1, reason: "http_timeout"});
 *     …
 *     await app.stop(); await fake.close();  // the app first, or Socket Mode's client reconnects
 *
 * API (FakeSlack):
 *   static start({signingSecret?, botToken?, appToken?, rateLimits?, ackDeadlineMs?, eventRetryDelaysMs?}?): Promise<FakeSlack>
 *   apiUrl (ends with /api/), signingSecret, botToken (xoxb-), appToken (xapp-), team {id, name, domain},
 *   appId, botUserId, botId, channel (public, the bot in it), admin, student, otherStudent
 *   addUser({name, realName?, locale?, admin?}), addChannel({name, isPrivate?, botIsMember?}), openDm(user)
 *   connectHttp(receiverUrl), socketConnected(timeoutMs?)
 *   Deliveries, each resolving to a Delivery {transport, status (HTTP status | "acked" | "no_ack"), body
 *   (the ack's JSON, plain text as {text}), ackMs, inTime (≤ 3 s), failure, retry, envelope, eventId}; in
 *   HTTP mode each takes signature?: "valid" | "bad" | "stale" | "missing":
 *     slashCommand({command, text?, user?, channelId?}), blockAction({message, actionId, blockId?, user?}),
 *     submitView({callbackId, fields, user?}), viewSubmission({callbackId, values, privateMetadata?, user?}),
 *     appHomeOpened({user?, tab?}), homeAction({actionId, user?, view?, selected?, value?}) (a button, select or
 *     dispatching text input of the person's Home tab, or of another's `view`, as a forged payload would),
 *     message({text, channelId?, threadTs?, user?, mentionsBot?}) → {message, event, appMention},
 *     redeliver(delivery, {num, reason?})
 *   Observation: calls, waitForCall(method, predicate?, timeoutMs?), messagesIn(channelId, threadTs?),
 *   findMessage(channelId, ts), uploads, responseUrlPosts, ephemerals, viewsOpened, latestView(callbackId),
 *   homeView(user), deliveries, waitForDelivery(predicate, timeoutMs?), shown(message) (what people see of
 *   it and whom it notified); failNext({method, times?, when?} & ({status: 429, retryAfterSeconds?} |
 *   {status: 5xx} | {error})), failNextDelivery("connection_failed" | "http_timeout"); close()
 *
 * The world: one team ("数学の質問", domain kotae-study), the app's bot user, a public channel `channel`
 * the bot is in, `admin` (is_admin and is_owner), `student` and `otherStudent`; people's locale is
 * "ja-JP" (users.info with include_locale) unless `addUser` says otherwise.
 *
 * What Slack does and the fake does too: HTTP deliveries signed over the exact bytes sent (v0 HMAC-SHA256
 * of `v0:{timestamp}:{body}`), form-encoded commands, interactions in a form's `payload`, events as JSON;
 * Socket Mode envelopes with `accepts_response_payload`, and `retry_attempt: 0` on an event's first
 * delivery (so Bolt's context.retryNum is 0 there, undefined over HTTP); `message` and `app_mention` both
 * delivered for a mention, with different event_ids; one trigger_id per interaction, good for one
 * views.open within 3 s; random block_id / action_id where the app gave none; limits with Slack's errors
 * (`msg_too_long` over 4 000 characters for chat.update and 40 000 for chat.postMessage, `invalid_blocks`
 * for a 51st block or a 3 001-character section, `invalid_arguments` for a 25-character modal title …);
 * `not_in_channel`, `cant_update_message`; tokens checked (`not_authed`, `invalid_auth`,
 * `not_allowed_token_type`); files.uploadV2's three steps with the bytes kept, the file shared as a
 * message in the channel or thread; what a response_url post or a command's ack body does (ephemeral,
 * in_channel, replace or delete the original). Unknown methods: `unknown_method`, recorded.
 * Text read as mrkdwn (`shown`, see mrkdwn.ts): escaped `&amp; &lt; &gt;`, `<@U…>` / `<!channel>` /
 * `<!here>` / `<!everyone>` / `<!subteam^…>` notifications, `<#C…>` and `<url|label>` links, `link_names`
 * and `parse: "full"`. Rate limits (RateLimits.ts): chat.postMessage and chat.update per channel, 1 a
 * second with bursts of 3 unless `rateLimits` says otherwise, a 429 with Retry-After beyond (which
 * @slack/web-api waits out when it has retries left; `failNext` injects one). The 3-second ack: a
 * delivery acked later, answered with an HTTP error or never delivered fails; a late ack's reply is not
 * shown, a failed slash command's sender sees Slack's `operation_timeout` instead; a failed event is retried 3 times (at once, after 1 and 5 minutes unless `eventRetryDelaysMs`
 * says otherwise) with X-Slack-Retry-Num / retry_attempt and the reason.
 * The app's DMs (`openDm`): `im` conversations whose messages arrive with channel_type "im" (message.im)
 * and whose slash commands carry the DM's id and channel_name "directmessage".
 * The Home tab (https://api.slack.com/surfaces/app-home): `app_home_opened` with the tab's current view,
 * views.publish per person (`not_enabled` when `homeTabEnabled: false`, `view_too_large`, `hash_conflict`),
 * block_actions from it with `container.type: "view"` and the element's state, no channel or response_url.
 * Not simulated: the bot's own messages coming back as events; response_url's 5-use limit; DMs between
 * people (where an app's commands cannot post); clicks on anything but buttons in messages; styles (*bold*) in `shown`.
 */
import http from "node:http";
import {listenOnLoopback} from "../listenOnLoopback.js";
import {Observed} from "../Observed.js";
import {Files, type RecordedUpload} from "./Files.js";
import {opaque} from "./ids.js";
import {showMessage, type ShownText} from "./mrkdwn.js";
import {RateLimits, slackRateLimits, type RateLimit, type RateLimitOptions} from "./RateLimits.js";
import {
    Interactions,
    type AppHomeOpenedOptions,
    type BlockActionOptions,
    type Envelope,
    type HomeActionOptions,
    type MessageOptions,
    type RecordedEphemeral,
    type SlashCommandOptions,
    type SubmitViewOptions,
    type ViewSubmissionOptions
} from "./Interactions.js";
import {readRequestBody, type ReceivedFile} from "./requestBody.js";
import {SlackApiError} from "./SlackApiError.js";
import {postToApp, SocketModeServer, type Ack, type Retry, type Signature} from "./transports.js";
import {Views, type OpenedView, type RecordedSlackView, type ViewFields, type ViewStateValues} from "./Views.js";
import {WebApi} from "./WebApi.js";
import {Workspace, type FakeSlackChannel, type FakeSlackTeam, type FakeSlackUser, type RecordedSlackMessage, type SlackFile} from "./Workspace.js";

export type {
    AppHomeOpenedOptions, BlockActionOptions, Envelope, HomeActionOptions, FakeSlackChannel, FakeSlackTeam, FakeSlackUser, MessageOptions, OpenedView, ReceivedFile, RecordedEphemeral, RecordedSlackMessage,
    RateLimit, RateLimitOptions, RecordedSlackView, RecordedUpload, Retry, ShownText, Signature, SlackFile, SlashCommandOptions, SubmitViewOptions, ViewFields,
    ViewStateValues, ViewSubmissionOptions
};

export type FakeSlackOptions = {
    signingSecret?: string, botToken?: string, appToken?: string,
    /** Per-channel limits on chat.postMessage / chat.update (default: Slack's, 1 a second with bursts of 3); {} for none. */
    rateLimits?: RateLimitOptions,
    /** How long Slack waits for an ack (default 3 000 ms, as Slack does). */
    ackDeadlineMs?: number,
    /** When Slack retries an event whose delivery failed (default: at once, after 1 minute, after 5 minutes, as Slack does). */
    eventRetryDelaysMs?: readonly [number, number, number],
    /** Whether the app has its Home tab enabled (default true); views.publish answers `not_enabled` otherwise. */
    homeTabEnabled?: boolean
};

/** HTTP mode only: how the delivery is signed (default "valid"). Socket Mode deliveries are not signed. */
export type DeliveryOptions = {signature?: Signature};

/**
 * Why Slack counts a delivery as failed (https://api.slack.com/apis/events-api#retries): no ack within
 * 3 s, an HTTP error status, or no connection to the app at all.
 */
export type DeliveryFailure = "http_timeout" | "http_error" | "connection_failed";

/** A delivery the app acked (or did not): the ack, and what was sent, for `redeliver`. */
export type Delivery = Ack & {
    readonly transport: "http" | "socket",
    /** Acked within Slack's 3 s; later, Slack shows the person "operation_timeout" or retries the event. */
    readonly inTime: boolean,
    /** Why Slack counts it as failed; an event that failed is retried, up to 3 times. */
    readonly failure: DeliveryFailure | undefined,
    /** X-Slack-Retry-Num / retry_attempt and the reason, on a retry. */
    readonly retry: Retry | undefined,
    readonly envelope: Envelope,
    /** An event's event_id, the key to deduplicate redeliveries by. */
    readonly eventId: string | undefined
};

/** A person's message: as posted in the workspace, and the deliveries of `message` and (mentioning the bot) `app_mention`. */
export type MessageDelivery = {readonly message: RecordedSlackMessage, readonly event: Delivery, readonly appMention: Delivery | undefined};

/** One request the app made to the fake, as the fake saw and answered it. */
export type RecordedSlackCall = {
    /** The Web API method ("chat.postMessage"), or "(upload)" for the upload host, "(response_url)" for a response_url. */
    readonly method: string,
    /** The request's path: /api/chat.postMessage, /upload/v1/…, /response/…. */
    readonly path: string,
    /** Form fields or JSON, with the JSON-encoded ones (blocks, view, files …) decoded. */
    readonly args: Record<string, unknown>,
    readonly files: readonly ReceivedFile[],
    /** From `Authorization: Bearer …` or a `token` argument. */
    readonly token: string | undefined,
    readonly status: number,
    /** The JSON answered, or the text (upload host, response_url). */
    readonly response: unknown,
    /** Whether the answer was a failure injected with `failNext`. */
    readonly injected: boolean,
    /** When the request arrived (performance.now()). */
    readonly at: number
};

/**
 * The next `times` (default 1) calls of `method` (or "(upload)", "(response_url)") fail: a 429 with
 * Retry-After (default 1 s; @slack/web-api reads whole seconds) and `{ok: false, error: "ratelimited"}`,
 * a 5xx, or HTTP 200 with `{ok: false, error}`.
 */
export type FailureOptions = {method: string, times?: number, when?: (args: Record<string, unknown>) => boolean}
    & ({status: 429, retryAfterSeconds?: number} | {status: 500 | 502 | 503} | {error: string});

type Reply = {status: number, body: unknown, headers?: Record<string, string>};

type Failure = FailureOptions & {remaining: number};

const uploadMethod = "(upload)";
const responseUrlMethod = "(response_url)";
const slackAckDeadlineMs = 3_000;
const slackEventRetryDelaysMs = [0, 60_000, 300_000] as const;
const defaultTimeoutMs = 5_000;

export class FakeSlack {
    /** For `clientOptions.slackApiUrl`; ends with /api/. */
    readonly apiUrl: string;
    readonly signingSecret: string;
    readonly botToken: string;
    readonly appToken: string;
    readonly team: FakeSlackTeam;
    readonly appId: string;
    readonly botUserId: string;
    readonly botId: string;
    /** A public channel the bot is in; deliveries happen here unless a test names another. */
    readonly channel: FakeSlackChannel;
    /** is_admin and is_owner. */
    readonly admin: FakeSlackUser;
    /** Sends commands, clicks and messages unless a test names someone else. */
    readonly student: FakeSlackUser;
    readonly otherStudent: FakeSlackUser;
    readonly #server: http.Server;
    readonly #baseUrl: string;
    readonly #workspace = new Workspace();
    readonly #views = new Views(this.#workspace);
    readonly #files: Files;
    readonly #interactions: Interactions;
    readonly #webApi: WebApi;
    readonly #socketMode: SocketModeServer;
    readonly #calls = new Observed<RecordedSlackCall>((call) => `${call.method} → ${call.status} ${JSON.stringify(call.response)}${call.injected ? " (injected)" : ""}`);
    readonly #failures: Failure[] = [];
    readonly #deliveries = new Observed<Delivery>((delivery) =>
        `${delivery.envelope.type} ${delivery.eventId ?? ""} → ${delivery.status}${delivery.failure !== undefined ? ` (${delivery.failure})` : ""}${delivery.retry !== undefined ? ` retry ${delivery.retry.num}` : ""}`);
    readonly #deliveryFaults: ("connection_failed" | "http_timeout")[] = [];
    readonly #retryTimers = new Set<NodeJS.Timeout>();
    readonly #rateLimits: RateLimits;
    readonly #ackDeadlineMs: number;
    readonly #eventRetryDelaysMs: readonly number[];
    #receiverUrl: string | undefined;

    static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
        const {server, baseUrl} = await listenOnLoopback();
        return new FakeSlack(server, baseUrl, options);
    }

    private constructor(server: http.Server, baseUrl: string, options: FakeSlackOptions) {
        this.#server = server;
        this.#baseUrl = baseUrl;
        this.apiUrl = `${this.#baseUrl}/api/`;
        this.signingSecret = options.signingSecret ?? opaque();
        this.botToken = options.botToken ?? `xoxb-${opaque()}`;
        this.appToken = options.appToken ?? `xapp-1-${opaque()}`;
        this.#rateLimits = new RateLimits(options.rateLimits ?? slackRateLimits);
        this.#ackDeadlineMs = options.ackDeadlineMs ?? slackAckDeadlineMs;
        this.#eventRetryDelaysMs = options.eventRetryDelaysMs ?? slackEventRetryDelaysMs;
        this.#views.homeTabEnabled = options.homeTabEnabled ?? true;
        const workspace = this.#workspace;
        this.team = workspace.team;
        this.appId = workspace.appId;
        this.botUserId = workspace.bot.id;
        this.botId = workspace.botId;
        this.channel = workspace.addChannel({name: "math-help"});
        this.admin = workspace.addUser({name: "sensei", realName: "先生", admin: true, owner: true});
        this.student = workspace.addUser({name: "taro", realName: "太郎"});
        this.otherStudent = workspace.addUser({name: "hanako", realName: "花子"});
        this.#files = new Files(workspace, this.#baseUrl);
        this.#interactions = new Interactions({workspace, views: this.#views, baseUrl: this.#baseUrl, defaults: {user: this.student, channel: this.channel}});
        this.#socketMode = new SocketModeServer(server, {baseUrl: this.#baseUrl, appId: workspace.appId});
        this.#webApi = new WebApi({
            workspace,
            views: this.#views,
            files: this.#files,
            interactions: this.#interactions,
            tokens: {bot: this.botToken, app: this.appToken},
            socketModeUrl: () => this.#socketMode.openUrl()
        });
        server.on("request", (request, response) => {
            this.#serve(request, response).catch((error: unknown) => {
                console.error("The fake Slack failed to serve a request:", error);
                response.destroy();
            });
        });
    }

    addUser(options: {name: string, realName?: string, locale?: string, admin?: boolean}): FakeSlackUser {
        return this.#workspace.addUser(options);
    }

    /** Another channel; with `botIsMember: false` the bot's posts there fail with `not_in_channel`. */
    addChannel(options: {name: string, isPrivate?: boolean, botIsMember?: boolean}): FakeSlackChannel {
        return this.#workspace.addChannel(options);
    }

    /** The app's DM with a person (an `im`, `D…`): commands there carry its id, messages there are `message.im` events. */
    openDm(user: FakeSlackUser): FakeSlackChannel {
        return this.#workspace.openDm(user);
    }

    /** HTTP mode: where deliveries go (the app's receiver, e.g. http://127.0.0.1:PORT/slack/events) while no Socket Mode connection is open. */
    connectHttp(receiverUrl: string): void {
        this.#receiverUrl = receiverUrl;
    }

    /** Resolves once a Socket Mode app has connected and been sent `hello`; deliveries then go over the socket. */
    socketConnected(timeoutMs = defaultTimeoutMs): Promise<void> {
        return this.#socketMode.connected(timeoutMs);
    }

    /** A slash command in the channel; its ack's text / blocks become the command's reply (ephemeral unless in_channel). */
    slashCommand(options: SlashCommandOptions & DeliveryOptions): Promise<Delivery> {
        return this.#deliver(this.#interactions.slashCommand(options), options.signature);
    }

    /** A click on a button of one of the bot's messages (as the message is now), with trigger_id and response_url. */
    blockAction(options: BlockActionOptions & DeliveryOptions): Promise<Delivery> {
        return this.#deliver(this.#interactions.blockAction(options), options.signature);
    }

    /** Submits the latest modal the app opened with that callback_id, its inputs filled as `fields` says (by action_id). */
    submitView(options: SubmitViewOptions & DeliveryOptions): Promise<Delivery> {
        return this.#deliver(this.#interactions.submitView(options), options.signature);
    }

    /** A view_submission with raw state values, for a view the app need not have opened. */
    viewSubmission(options: ViewSubmissionOptions & DeliveryOptions): Promise<Delivery> {
        return this.#deliver(this.#interactions.viewSubmission(options), options.signature);
    }

    /** A person opens the app's Home (https://api.slack.com/events/app_home_opened), the `home` tab unless `tab` says otherwise. */
    appHomeOpened(options: AppHomeOpenedOptions & DeliveryOptions = {}): Promise<Delivery> {
        return this.#deliver(this.#interactions.appHomeOpened(options), options.signature);
    }

    /** A person acts on a control of their Home tab (or, with `view`, of someone else's: a forged payload). */
    homeAction(options: HomeActionOptions & DeliveryOptions): Promise<Delivery> {
        return this.#deliver(this.#interactions.homeAction(options), options.signature);
    }

    /** A person's message: posted in the workspace, then delivered as `message` and, mentioning the bot, `app_mention` (concurrently, as Slack does). */
    async message(options: MessageOptions & DeliveryOptions): Promise<MessageDelivery> {
        const {message, event, appMention} = this.#interactions.message(options);
        const [eventDelivery, mentionDelivery] = await Promise.all([
            this.#deliver(event, options.signature),
            appMention === undefined ? undefined : this.#deliver(appMention, options.signature)
        ]);
        return {message, event: eventDelivery, appMention: mentionDelivery};
    }

    /** Slack's retry of an event: the same payload and event_id, with X-Slack-Retry-Num (HTTP) or retry_attempt (Socket Mode). */
    redeliver(delivery: Delivery, retry: {num: number, reason?: string} & DeliveryOptions): Promise<Delivery> {
        if (delivery.envelope.type !== "events_api")
            throw new Error("Slack retries events only, not commands or interactions");
        return this.#deliver(delivery.envelope, retry.signature, {num: retry.num, reason: retry.reason ?? "http_timeout"});
    }

    /** Every delivery to the app, first deliveries and Slack's retries, in the order acked. */
    get deliveries(): readonly Delivery[] {
        return this.#deliveries.items;
    }

    /** The first delivery, made or still to come, that matches: e.g. Slack's retry of an event. */
    waitForDelivery(predicate: (delivery: Delivery) => boolean, timeoutMs = defaultTimeoutMs): Promise<Delivery> {
        return this.#deliveries.waitFor(predicate, timeoutMs, "a delivery");
    }

    /**
     * The next delivery fails as Slack sees it, and Slack retries it if it is an event:
     * "connection_failed" never reaches the app; "http_timeout" reaches it, but its ack does not reach Slack in time.
     */
    failNextDelivery(failure: "connection_failed" | "http_timeout"): void {
        this.#deliveryFaults.push(failure);
    }

    /** What people see of a message and whom it notified, its mrkdwn read as Slack reads it. */
    shown(message: {text?: string | undefined, blocks?: readonly unknown[] | undefined}): ShownText {
        const recorded = message as RecordedSlackMessage;
        const linkNames = recorded.channel !== undefined && recorded.ts !== undefined && this.#workspace.hasLinkNames(recorded);
        return showMessage(message, this.#workspace.directory, {linkNames});
    }

    /** Every request the app made to the fake, in the order answered. */
    get calls(): readonly RecordedSlackCall[] {
        return this.#calls.items;
    }

    /** The first call of `method`, already made or still to come, that matches. */
    waitForCall(method: string, predicate: (call: RecordedSlackCall) => boolean = () => true, timeoutMs = defaultTimeoutMs): Promise<RecordedSlackCall> {
        return this.#calls.waitFor((call) => call.method === method && predicate(call), timeoutMs, `a ${method} call`);
    }

    /** The bot's messages, oldest first, as they are now: the channel's top-level ones, or with threadTs that thread's replies. */
    messagesIn(channelId: string, threadTs?: string): RecordedSlackMessage[] {
        return this.#workspace.messagesIn(channelId, threadTs).filter((message) => message.user === this.botUserId);
    }

    /** Anyone's message by channel and ts, as it is now. */
    findMessage(channelId: string, ts: string): RecordedSlackMessage | undefined {
        return this.#workspace.message(channelId, ts);
    }

    /** Completed files.uploadV2 uploads, with their bytes. */
    get uploads(): readonly RecordedUpload[] {
        return this.#files.uploads;
    }

    /** Posts to response_urls: the URL and the JSON body. */
    get responseUrlPosts(): {url: string, body: Record<string, unknown>}[] {
        return this.#calls.items.filter((call) => call.method === responseUrlMethod).map((call) => ({url: this.#baseUrl + call.path, body: call.args}));
    }

    /** chat.postEphemeral messages, and what response_urls and command acks showed one person. */
    get ephemerals(): readonly RecordedEphemeral[] {
        return this.#interactions.ephemerals;
    }

    /** Modals the app opened (views.open), as opened. */
    get viewsOpened(): readonly OpenedView[] {
        return this.#views.opened;
    }

    /** The latest modal with this callback_id as it is now (views.update applied). */
    latestView(callbackId: string): RecordedSlackView | undefined {
        return this.#views.latest(callbackId)?.view;
    }

    /** The App Home tab last published for this person (views.publish). */
    homeView(user: FakeSlackUser): RecordedSlackView | undefined {
        return this.#views.home(user);
    }

    failNext(options: FailureOptions): void {
        this.#failures.push({...options, remaining: options.times ?? 1});
    }

    async close(): Promise<void> {
        for (const timer of this.#retryTimers)
            clearTimeout(timer);
        this.#retryTimers.clear();
        this.#calls.close();
        this.#deliveries.close();
        await this.#socketMode.close();
        this.#server.closeAllConnections();
        await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    }

    async #deliver(envelope: Envelope, signature: Signature | undefined, retry?: Retry): Promise<Delivery> {
        let ack: Ack;
        let transport: Delivery["transport"];
        const fault = this.#deliveryFaults.shift();
        if (fault === "connection_failed") {
            ack = {status: "no_ack", body: undefined, ackMs: 0};
            transport = this.#socketMode.isConnected ? "socket" : "http";
        } else if (this.#socketMode.isConnected) {
            if (signature !== undefined && signature !== "valid")
                throw new Error("Socket Mode deliveries are not signed: test signatures against an app in HTTP mode");
            ack = await this.#socketMode.send(envelope, retry);
            transport = "socket";
        } else if (this.#receiverUrl !== undefined) {
            ack = await postToApp(this.#receiverUrl, this.signingSecret, envelope, signature ?? "valid", retry);
            transport = "http";
        } else {
            throw new Error("No app is connected: call connectHttp(receiverUrl), or start a Socket Mode app and await socketConnected()");
        }
        const inTime = fault === undefined && ack.status !== "no_ack" && ack.ackMs <= this.#ackDeadlineMs;
        const failure: DeliveryFailure | undefined = fault ?? (!inTime ? "http_timeout" : ack.status === 200 || ack.status === "acked" ? undefined : "http_error");
        // A late ack's answer is lost: Slack has already shown the person an error.
        if (failure === undefined && ack.body !== undefined)
            envelope.afterAck?.(ack.body);
        if (failure !== undefined)
            envelope.afterFailure?.();
        const eventId = envelope.type === "events_api" ? String(envelope.payload.event_id) : undefined;
        const delivery: Delivery = {...ack, transport, inTime, failure, retry, envelope, eventId};
        this.#deliveries.push(delivery);
        if (failure !== undefined && envelope.type === "events_api")
            this.#retryLater(delivery, signature, failure);
        return delivery;
    }

    /** https://api.slack.com/apis/events-api#retries: a failed event is retried 3 times, with X-Slack-Retry-Num 1 to 3 and the reason. */
    #retryLater(delivery: Delivery, signature: Signature | undefined, reason: DeliveryFailure): void {
        const num = (delivery.retry?.num ?? 0) + 1;
        const delayMs = this.#eventRetryDelaysMs[num - 1];
        if (delayMs === undefined)
            return;
        const timer = setTimeout(() => {
            this.#retryTimers.delete(timer);
            this.#deliver(delivery.envelope, signature, {num, reason}).catch((error: unknown) => console.error("The fake Slack failed to retry an event:", error));
        }, delayMs);
        this.#retryTimers.add(timer);
    }

    async #serve(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
        const url = new URL(request.url ?? "/", this.#baseUrl);
        if (request.method === "GET" && url.pathname.startsWith("/files-pri/")) {
            this.#serveFile(url.pathname, request.headers.authorization, response);
            return;
        }
        const method = url.pathname.startsWith("/api/") ? url.pathname.slice("/api/".length)
            : url.pathname.startsWith("/upload/") ? uploadMethod
            : url.pathname.startsWith("/response/") ? responseUrlMethod
            : undefined;
        if (method === undefined) {
            response.writeHead(404).end();
            return;
        }
        const at = performance.now();
        let received: {args: Record<string, unknown>, files: readonly ReceivedFile[]} = {args: {}, files: []};
        let token: string | undefined;
        let failure: Reply | undefined;
        let reply: Reply;
        try {
            received = await readRequestBody(request, url.searchParams);
            token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? (typeof received.args.token === "string" ? received.args.token : undefined);
            failure = this.#takeFailure(method, received.args);
            reply = failure ?? this.#rateLimited(method, received.args) ?? this.#answer(method, url, token, received);
        } catch (error) {
            reply = errorReply(error, method);
        }
        this.#calls.push({method, path: url.pathname, args: received.args, files: received.files, token, status: reply.status, response: reply.body, injected: failure !== undefined, at});
        const json = typeof reply.body !== "string";
        response.writeHead(reply.status, {"content-type": json ? "application/json; charset=utf-8" : "text/plain; charset=utf-8", ...reply.headers});
        response.end(json ? JSON.stringify(reply.body) : reply.body);
    }

    #answer(method: string, url: URL, token: string | undefined, received: {args: Record<string, unknown>, files: readonly ReceivedFile[]}): Reply {
        if (method === uploadMethod) {
            // @slack/web-api posts the bytes as a multipart form; a raw body is its bytes.
            const bytes = received.files[0]?.bytes ?? Buffer.alloc(0);
            return this.#files.receive(url.pathname, bytes) ? {status: 200, body: `OK - ${bytes.length}`} : {status: 404, body: "not_found"};
        }
        if (method === responseUrlMethod) {
            const context = this.#interactions.responseContext(url.pathname);
            if (context === undefined)
                return {status: 404, body: "no_active_hooks"};
            this.#interactions.respond(context, received.args, "response_url");
            return {status: 200, body: "ok"};
        }
        return {status: 200, body: this.#webApi.call(method, token, received.args)};
    }

    #serveFile(pathname: string, authorization: string | undefined, response: http.ServerResponse): void {
        // /files-pri/{team}-{file}/{name}, readable with the bot token
        const upload = this.#files.download(pathname.split("/")[2]?.split("-")[1] ?? "");
        if (upload === undefined || !this.#webApi.isBotAuthorization(authorization)) {
            response.writeHead(upload === undefined ? 404 : 403).end();
            return;
        }
        response.writeHead(200, {"content-type": "application/octet-stream", "content-length": upload.bytes.length}).end(upload.bytes);
    }

    #rateLimited(method: string, args: Record<string, unknown>): Reply | undefined {
        const retryAfterSeconds = this.#rateLimits.take(method, args.channel);
        return retryAfterSeconds === undefined ? undefined : rateLimitedReply(retryAfterSeconds);
    }

    #takeFailure(method: string, args: Record<string, unknown>): Reply | undefined {
        const index = this.#failures.findIndex((failure) => failure.method === method && (failure.when?.(args) ?? true));
        const failure = this.#failures[index];
        if (failure === undefined)
            return undefined;
        failure.remaining -= 1;
        if (failure.remaining <= 0)
            this.#failures.splice(index, 1);
        if ("error" in failure)
            return {status: 200, body: {ok: false, error: failure.error}};
        if (failure.status === 429)
            return rateLimitedReply(failure.retryAfterSeconds ?? 1);
        return {status: failure.status, body: {ok: false, error: failure.status === 500 ? "fatal_error" : "service_unavailable"}};
    }
}

/** https://api.slack.com/apis/rate-limits: HTTP 429, Retry-After in seconds. */
function rateLimitedReply(retryAfterSeconds: number): Reply {
    return {status: 429, headers: {"retry-after": String(retryAfterSeconds)}, body: {ok: false, error: "ratelimited"}};
}

/**
 * A Web API error is HTTP 200 with `{ok: false, error}`; a response_url answers a bad message with 400
 * and the error as text, as Slack's webhooks do. Anything else is a bug in the fake: loud, and a 500.
 */
function errorReply(error: unknown, method: string): Reply {
    if (error instanceof SlackApiError)
        return method === responseUrlMethod ? {status: 400, body: error.error} : {status: 200, body: error.body};
    console.error("The fake Slack failed to answer a request:", error);
    return {status: 500, body: {ok: false, error: "fatal_error"}};
}
