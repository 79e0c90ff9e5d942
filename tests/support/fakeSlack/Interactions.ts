import {randomUUID} from "node:crypto";
import {interactiveElements, withSlackIds} from "./blocks.js";
import {eventId, nextTs, opaque, slackId, triggerId} from "./ids.js";
import {SlackApiError} from "./SlackApiError.js";
import {submittedValues, type RecordedSlackView, type ViewFields, type Views, type ViewStateValues} from "./Views.js";
import {checkMessageBlocks, checkMessageText, maxPostTextLength} from "./validation.js";
import type {FakeSlackChannel, FakeSlackUser, RecordedSlackMessage, Workspace} from "./Workspace.js";

/** What Slack sends the app: the Socket Mode envelope type, and the payload it wraps (or posts over HTTP). */
export type Envelope = {
    readonly type: "slash_commands" | "interactive" | "events_api",
    readonly payload: Record<string, unknown>,
    /** What the ack's body does in Slack (a slash command's reply, shown like a response_url message). */
    readonly afterAck?: (body: Record<string, unknown>) => void,
    /** What Slack shows when the delivery failed (no ack within 3 s): a slash command's error, to its sender. */
    readonly afterFailure?: () => void
};

export type SlashCommandOptions = {command: string, text?: string, user?: FakeSlackUser, channelId?: string};

/** A click on a button of one of the bot's messages; the fake finds the button by action_id (and block_id). */
export type BlockActionOptions = {message: RecordedSlackMessage, actionId: string, blockId?: string, user?: FakeSlackUser};

/** Submits the latest modal the app opened with this callback_id, filled in as a person would. */
export type SubmitViewOptions = {callbackId: string, fields: ViewFields, user?: FakeSlackUser};

/** A view_submission with values as given, for a view the app need not have opened (a stale or forged one). */
export type ViewSubmissionOptions = {callbackId: string, values: ViewStateValues, privateMetadata?: string, user?: FakeSlackUser};

export type MessageOptions = {
    /**
     * What the person typed. The event's `text` has its `&`, `<` and `>` escaped, as Slack sends it
     * (https://api.slack.com/reference/surfaces/formatting#escaping); the rich_text block has it as typed.
     */
    text: string,
    /** Default: the fake's channel. */
    channelId?: string,
    /** Posts in that message's thread. */
    threadTs?: string,
    /** Default: `student`. */
    user?: FakeSlackUser,
    /** Starts the text with the bot's mention (`<@U…>`); Slack then sends app_mention as well as message. */
    mentionsBot?: boolean
};

/** Something a response_url, a slash command's ack or Slack itself (a command that failed) put in front of one person only. */
export type RecordedEphemeral = {
    readonly channel: string,
    readonly user: string,
    readonly text: string,
    readonly blocks: unknown[] | undefined,
    readonly threadTs: string | undefined,
    readonly via: "chat.postEphemeral" | "response_url" | "ack" | "slack"
};

/** Opening the app's Home (the `home` tab unless `tab` says "messages"); default user: `student`. */
export type AppHomeOpenedOptions = {user?: FakeSlackUser, tab?: "home" | "messages"};

/**
 * What a person does with a control of a Home tab: a button's click, an option picked in a static_select,
 * the channels now chosen in a multi_channels_select, or text entered in a dispatching plain_text_input.
 * `view` is the Home tab the action claims to come from: by default the person's own, as published;
 * another person's view sends what a forged payload would (someone else's controls in one's own name).
 */
export type HomeActionOptions = {actionId: string, user?: FakeSlackUser, view?: RecordedSlackView, selected?: string | readonly string[], value?: string};

type ResponseContext = {readonly channel: FakeSlackChannel, readonly user: FakeSlackUser, readonly message: RecordedSlackMessage | undefined};

/** Slack's trigger ids are good for one views.open, within 3 seconds. */
const triggerLifetimeMs = 3_000;

/**
 * Builds what people's actions send the app (slash commands, clicks, submissions, messages) with
 * Slack's fields, and keeps what those payloads hand out: trigger ids and response_urls.
 */
export class Interactions {
    readonly ephemerals: RecordedEphemeral[] = [];
    readonly #workspace: Workspace;
    readonly #views: Views;
    readonly #baseUrl: string;
    readonly #defaults: {user: FakeSlackUser, channel: FakeSlackChannel};
    readonly #verificationToken = opaque();
    readonly #triggers = new Map<string, {readonly user: FakeSlackUser, readonly issuedAt: number, exchanged: boolean}>();
    readonly #responseUrls = new Map<string, ResponseContext>();
    readonly #appChannels = new Map<string, string>();

    constructor(options: {workspace: Workspace, views: Views, baseUrl: string, defaults: {user: FakeSlackUser, channel: FakeSlackChannel}}) {
        this.#workspace = options.workspace;
        this.#views = options.views;
        this.#baseUrl = options.baseUrl;
        this.#defaults = options.defaults;
    }

    /** Form fields, as Slack posts them (all strings). The ack's text or blocks become the command's reply. */
    slashCommand(options: SlashCommandOptions): Envelope {
        const user = options.user ?? this.#defaults.user;
        const channel = options.channelId === undefined ? this.#defaults.channel : this.#workspace.channel(options.channelId);
        const context: ResponseContext = {channel, user, message: undefined};
        return {
            type: "slash_commands",
            payload: {
                token: this.#verificationToken,
                team_id: this.#workspace.team.id,
                team_domain: this.#workspace.team.domain,
                channel_id: channel.id,
                channel_name: channel.name,
                user_id: user.id,
                user_name: user.name,
                command: options.command,
                text: options.text ?? "",
                api_app_id: this.#workspace.appId,
                is_enterprise_install: "false",
                response_url: this.#responseUrl(context),
                trigger_id: this.#trigger(user)
            },
            afterAck: (body) => {
                if (body.text !== undefined || body.blocks !== undefined)
                    this.respond(context, body, "ack");
            },
            afterFailure: () => this.ephemerals.push({
                channel: channel.id, user: user.id, text: `${options.command} failed with the error "operation_timeout"`, blocks: undefined, threadTs: undefined, via: "slack"
            })
        };
    }

    blockAction(options: BlockActionOptions): Envelope {
        const user = options.user ?? this.#defaults.user;
        const message = this.#workspace.message(options.message.channel, options.message.ts);
        if (message === undefined)
            throw new Error(`The message ${options.message.ts} is no longer in ${options.message.channel}: nobody can click on it`);
        const placed = [...interactiveElements(message.blocks ?? [])].find(({block, element}) =>
            element.action_id === options.actionId && (options.blockId === undefined || block.block_id === options.blockId));
        if (placed === undefined)
            throw new Error(`The message ${message.ts} has no element with action_id "${options.actionId}"`);
        if (placed.element.type !== "button")
            throw new Error(`The fake clicks buttons only; "${options.actionId}" is a ${String(placed.element.type)}`);
        const channel = this.#workspace.channel(message.channel);
        const {element} = placed;
        const inThread = message.thread_ts !== undefined && message.thread_ts !== message.ts;
        return {
            type: "interactive",
            payload: {
                ...this.#blockActionsEnvelope(user, {type: "message", message_ts: message.ts, channel_id: channel.id, is_ephemeral: false, ...(inThread ? {thread_ts: message.thread_ts} : {})}),
                channel: {id: channel.id, name: channel.name},
                message: structuredClone(message),
                state: {values: {}},
                response_url: this.#responseUrl({channel, user, message}),
                actions: [{
                    action_id: element.action_id,
                    block_id: placed.block.block_id,
                    text: element.text,
                    ...(element.value === undefined ? {} : {value: element.value}),
                    ...(element.style === undefined ? {} : {style: element.style}),
                    type: "button",
                    action_ts: nextTs()
                }]
            }
        };
    }

    submitView(options: SubmitViewOptions): Envelope {
        const latest = this.#views.latest(options.callbackId);
        if (latest === undefined)
            throw new Error(`The app has opened no modal with callback_id "${options.callbackId}"`);
        const view = {...latest.view, state: {values: submittedValues(latest.view, options.fields)}};
        return this.#viewSubmission(view, options.user ?? latest.user);
    }

    viewSubmission(options: ViewSubmissionOptions): Envelope {
        const {team, appId, botId} = this.#workspace;
        const id = slackId("V");
        const view: RecordedSlackView = {
            id, team_id: team.id, app_installed_team_id: team.id, app_id: appId, bot_id: botId, type: "modal",
            title: {type: "plain_text", text: "Modal"}, close: null, submit: null, blocks: [],
            callback_id: options.callbackId, private_metadata: options.privateMetadata ?? "", external_id: "",
            state: {values: options.values}, hash: opaque(), root_view_id: id, previous_view_id: null, clear_on_close: false, notify_on_close: false
        };
        return this.#viewSubmission(view, options.user ?? this.#defaults.user);
    }

    /**
     * Posts the person's message in the workspace and returns the event_callback envelopes Slack sends
     * for it: `message`, and `app_mention` too when it mentions the bot.
     */
    message(options: MessageOptions): {message: RecordedSlackMessage, event: Envelope, appMention: Envelope | undefined} {
        const user = options.user ?? this.#defaults.user;
        const channel = options.channelId === undefined ? this.#defaults.channel : this.#workspace.channel(options.channelId);
        const escaped = options.text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
        const mentioned = options.mentionsBot === true ? this.#workspace.bot.id : undefined;
        const text = mentioned !== undefined ? `<@${mentioned}> ${escaped}` : escaped;
        const message = this.#workspace.post({channel, user, text, blocks: withSlackIds([richText(options.text, mentioned)]), threadTs: options.threadTs});
        const event = {
            user: user.id,
            type: "message",
            ts: message.ts,
            client_msg_id: randomUUID(),
            text,
            team: this.#workspace.team.id,
            blocks: message.blocks,
            channel: channel.id,
            event_ts: message.ts,
            // message.im in the app's DM (https://api.slack.com/events/message.im), message.groups / message.channels elsewhere.
            channel_type: channel.imUser !== undefined ? "im" : channel.isPrivate ? "group" : "channel",
            ...(message.thread_ts === undefined ? {} : {thread_ts: message.thread_ts, parent_user_id: message.parent_user_id})
        };
        // app_mention has the message's fields but channel_type.
        const {channel_type: _channelType, ...mention} = event;
        return {message, event: this.#eventCallback(event), appMention: options.mentionsBot === true ? this.#eventCallback({...mention, type: "app_mention"}) : undefined};
    }

    /**
     * https://api.slack.com/events/app_home_opened: `user`, the app's DM `channel` with them, `tab`, and
     * the Home tab's current `view` once one was published for them.
     */
    appHomeOpened(options: AppHomeOpenedOptions): Envelope {
        const user = options.user ?? this.#defaults.user;
        const view = this.#views.home(user);
        return this.#eventCallback({
            type: "app_home_opened", user: user.id, channel: this.#appChannel(user), tab: options.tab ?? "home", event_ts: nextTs(),
            ...(view === undefined ? {} : {view: structuredClone(view)})
        });
    }

    /**
     * block_actions from a Home tab (https://api.slack.com/reference/interaction-payloads/block-actions):
     * `container` of type "view", the `view` with the element's new `state`, a trigger_id, and neither
     * channel, message nor response_url. Throws where no person could act: no such element in the view, a
     * select without that option, a text input that does not dispatch actions.
     */
    homeAction(options: HomeActionOptions): Envelope {
        const user = options.user ?? this.#defaults.user;
        const view = options.view ?? this.#views.home(user);
        if (view === undefined)
            throw new Error(`No Home tab was published for ${user.name}: there is nothing to click`);
        const placed = [...interactiveElements(view.blocks)].find(({element}) => element.action_id === options.actionId);
        if (placed === undefined)
            throw new Error(`The Home tab has no element with action_id "${options.actionId}"`);
        const {block, element} = placed;
        const type = String(element.type);
        const offered = (element.options ?? []) as {text: unknown, value: string}[];
        const option = (value: string) => {
            const found = offered.find((candidate) => candidate.value === value);
            if (found === undefined)
                throw new Error(`"${options.actionId}" offers no option "${value}"`);
            return found;
        };
        let acted: Record<string, unknown>;
        let state: Record<string, unknown>;
        switch (type) {
            case "button":
                acted = {text: element.text, ...(element.value === undefined ? {} : {value: element.value})};
                state = {};
                break;
            case "static_select": {
                const selected = option(String(options.selected));
                acted = {selected_option: selected};
                state = {selected_option: selected};
                break;
            }
            case "multi_channels_select": {
                const channels = typeof options.selected === "string" ? [options.selected] : [...options.selected ?? []];
                channels.forEach((id) => this.#workspace.channel(id));
                acted = {selected_channels: channels};
                state = {selected_channels: channels};
                break;
            }
            case "plain_text_input":
                // Only an input block with dispatch_action sends block_actions for its text (on Enter, as configured).
                if (block.type === "input" && block.dispatch_action !== true)
                    throw new Error(`"${options.actionId}" does not dispatch actions: Slack sends its text only on submission`);
                acted = {value: options.value ?? ""};
                state = {value: options.value ?? ""};
                break;
            default:
                throw new Error(`The fake does not act on "${type}" elements in a Home tab`);
        }
        const blockId = String(block.block_id);
        const actionId = String(element.action_id);
        return {
            type: "interactive",
            payload: {
                ...this.#blockActionsEnvelope(user, {type: "view", view_id: view.id}),
                view: {...structuredClone(view), state: {values: type === "button" ? {} : {[blockId]: {[actionId]: {type, ...state}}}}},
                actions: [{type, action_id: actionId, block_id: blockId, ...acted, action_ts: nextTs()}]
            }
        };
    }

    /** What every block_actions payload carries, wherever the element was (a message or a Home view). */
    #blockActionsEnvelope(user: FakeSlackUser, container: Record<string, unknown>) {
        return {
            type: "block_actions",
            user: {id: user.id, username: user.name, name: user.name, team_id: this.#workspace.team.id},
            api_app_id: this.#workspace.appId,
            token: this.#verificationToken,
            container,
            trigger_id: this.#trigger(user),
            team: {id: this.#workspace.team.id, domain: this.#workspace.team.domain},
            enterprise: null,
            is_enterprise_install: false
        } as const;
    }

    /** views.open's trigger check: `invalid_trigger_id`, `expired_trigger_id` (after 3 s) or `exchanged_trigger_id` (used). */
    exchangeTrigger(id: unknown): FakeSlackUser {
        const trigger = typeof id === "string" ? this.#triggers.get(id) : undefined;
        if (trigger === undefined)
            throw new SlackApiError("invalid_trigger_id");
        if (Date.now() - trigger.issuedAt > triggerLifetimeMs)
            throw new SlackApiError("expired_trigger_id");
        if (trigger.exchanged)
            throw new SlackApiError("exchanged_trigger_id");
        trigger.exchanged = true;
        return trigger.user;
    }

    /** The context of a response_url path, or undefined for one the fake did not hand out. */
    responseContext(path: string): ResponseContext | undefined {
        return this.#responseUrls.get(path);
    }

    /**
     * What a response_url post (or a slash command's ack) does, by its flags as given: delete or replace
     * the message a click came from, post in the channel (`response_type: "in_channel"`), or show the
     * person an ephemeral. Ephemerals are not kept as messages: replacing one is another ephemeral here.
     */
    respond(context: ResponseContext, body: Record<string, unknown>, via: "response_url" | "ack"): void {
        if (body.blocks !== undefined)
            checkMessageBlocks(body.blocks);
        checkMessageText(body.text, maxPostTextLength);
        const blocks = Array.isArray(body.blocks) ? withSlackIds(body.blocks) : undefined;
        const text = typeof body.text === "string" ? body.text : "";
        const threadTs = typeof body.thread_ts === "string" ? body.thread_ts : undefined;
        const original = context.message;
        if (body.delete_original === true) {
            if (original !== undefined)
                this.#workspace.deleteMessage(original);
        } else if (body.replace_original === true && original !== undefined) {
            Object.assign(original, {text, blocks, edited: {user: this.#workspace.bot.id, ts: nextTs()}});
        } else if (body.response_type === "in_channel") {
            this.#workspace.post({channel: context.channel, user: this.#workspace.bot, text, blocks, threadTs});
        } else {
            this.ephemerals.push({channel: context.channel.id, user: context.user.id, text, blocks, threadTs, via});
        }
    }

    #viewSubmission(view: RecordedSlackView, user: FakeSlackUser): Envelope {
        return {
            type: "interactive",
            payload: {
                type: "view_submission",
                team: {id: this.#workspace.team.id, domain: this.#workspace.team.domain},
                user: {id: user.id, username: user.name, name: user.name, team_id: this.#workspace.team.id},
                api_app_id: this.#workspace.appId,
                token: this.#verificationToken,
                trigger_id: this.#trigger(user),
                view,
                response_urls: [],
                is_enterprise_install: false,
                enterprise: null
            }
        };
    }

    #eventCallback(event: Record<string, unknown>): Envelope {
        const {team, appId, bot} = this.#workspace;
        return {
            type: "events_api",
            payload: {
                token: this.#verificationToken,
                team_id: team.id,
                context_team_id: team.id,
                context_enterprise_id: null,
                api_app_id: appId,
                event,
                type: "event_callback",
                event_id: eventId(),
                event_time: Math.floor(Date.now() / 1000),
                authorizations: [{enterprise_id: null, team_id: team.id, user_id: bot.id, is_bot: true, is_enterprise_install: false}],
                is_ext_shared_channel: false,
                event_context: `4-${opaque()}`
            }
        };
    }

    /** The app's direct-message channel with a person (its App Home), one per person. */
    #appChannel(user: FakeSlackUser): string {
        let channel = this.#appChannels.get(user.id);
        if (channel === undefined) {
            channel = slackId("D");
            this.#appChannels.set(user.id, channel);
        }
        return channel;
    }

    #trigger(user: FakeSlackUser): string {
        const id = triggerId();
        this.#triggers.set(id, {user, issuedAt: Date.now(), exchanged: false});
        return id;
    }

    #responseUrl(context: ResponseContext): string {
        const path = `/response/${this.#workspace.team.id}/${opaque()}`;
        this.#responseUrls.set(path, context);
        return this.#baseUrl + path;
    }
}

/** The rich_text block Slack's client attaches to a typed message: the mention (if any) as a user element, then the text as typed. */
function richText(typed: string, mentionedUserId: string | undefined): Record<string, unknown> {
    const elements = mentionedUserId !== undefined ? [{type: "user", user_id: mentionedUserId}, {type: "text", text: ` ${typed}`}] : [{type: "text", text: typed}];
    return {type: "rich_text", elements: [{type: "rich_text_section", elements}]};
}
