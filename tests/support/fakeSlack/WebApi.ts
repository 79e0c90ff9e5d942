import {withSlackIds} from "./blocks.js";
import type {Files} from "./Files.js";
import {nextTs} from "./ids.js";
import type {Interactions} from "./Interactions.js";
import {SlackApiError} from "./SlackApiError.js";
import {checkMessageBlocks, checkMessageText, maxPostTextLength, maxUpdateTextLength} from "./validation.js";
import type {Views} from "./Views.js";
import type {RecordedSlackMessage, Workspace} from "./Workspace.js";

type Args = Record<string, unknown>;

/** Which token a method takes: the bot's (xoxb-) or, for Socket Mode's apps.connections.open, the app-level one (xapp-). */
type Method = {readonly token: "bot" | "app", readonly run: (args: Args) => Record<string, unknown>};

export type WebApiOptions = {
    workspace: Workspace,
    views: Views,
    files: Files,
    interactions: Interactions,
    tokens: {bot: string, app: string},
    socketModeUrl: () => string
};

/** Form bodies carry booleans as "true" / "1". */
function flag(value: unknown): boolean {
    return value === true || value === "true" || value === "1";
}

function optionalString(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/**
 * The Web API methods the fake implements, with Slack's argument checks and `{ok: false, error}`
 * answers. Anything else is `unknown_method`, as Slack answers it.
 */
export class WebApi {
    readonly #tokens: {bot: string, app: string};
    readonly #methods: ReadonlyMap<string, Method>;

    constructor(options: WebApiOptions) {
        this.#tokens = options.tokens;
        this.#methods = new Map(Object.entries(methods(options)));
    }

    /** A method's answer (`{ok: true, …}`), or a SlackApiError to answer with. */
    call(method: string, token: string | undefined, args: Args): Record<string, unknown> {
        const handler = this.#methods.get(method);
        if (handler === undefined)
            throw new SlackApiError("unknown_method");
        this.#authenticate(handler.token, token);
        return {ok: true, ...handler.run(args)};
    }

    /** The bot token, for the file host: true when `authorization` carries it. */
    isBotAuthorization(authorization: string | undefined): boolean {
        return authorization === `Bearer ${this.#tokens.bot}`;
    }

    #authenticate(kind: "bot" | "app", token: string | undefined): void {
        if (token === undefined || token === "")
            throw new SlackApiError("not_authed");
        if (token === this.#tokens[kind])
            return;
        const other = kind === "bot" ? this.#tokens.app : this.#tokens.bot;
        throw new SlackApiError(token === other ? "not_allowed_token_type" : "invalid_auth");
    }
}

function methods({workspace, views, files, interactions, socketModeUrl}: WebApiOptions): Record<string, Method> {
    const {team, bot} = workspace;
    const botMethod = (run: Method["run"]): Method => ({token: "bot", run});

    /** text / blocks / attachments checks shared by posting and updating; `no_text` when all are missing. */
    const content = (args: Args, maxText: number) => {
        if (args.text === undefined && args.blocks === undefined && args.attachments === undefined)
            throw new SlackApiError("no_text");
        if (args.blocks !== undefined)
            checkMessageBlocks(args.blocks);
        checkMessageText(args.text, maxText);
        return {
            text: optionalString(args.text),
            blocks: Array.isArray(args.blocks) ? withSlackIds(args.blocks) : undefined,
            attachments: Array.isArray(args.attachments) ? args.attachments : undefined,
            // https://api.slack.com/methods/chat.postMessage#formatting: plain @names notify with either.
            linkNames: args.parse === "full" || flag(args.link_names)
        };
    };

    /**
     * An image block's `slack_file` must name a file the poster can see: here, one the bot uploaded and has
     * not deleted. https://docs.slack.dev/reference/block-kit/composition-objects/slack-file-object
     */
    const checkSlackFiles = (blocks: readonly unknown[] | undefined): void => {
        for (const [index, block] of (blocks ?? []).entries()) {
            const id = (block as {type?: unknown, slack_file?: {id?: unknown}}).slack_file?.id;
            if ((block as {type?: unknown}).type === "image" && id !== undefined && (typeof id !== "string" || files.download(id) === undefined))
                throw new SlackApiError("invalid_blocks", [`[ERROR] the slack_file ${String(id)} is not a file the app can access [json-pointer:/blocks/${index}/slack_file]`]);
        }
    };

    /** The bot's own message, for chat.update / chat.delete: `cant_update_message` for anyone else's. */
    const ownMessage = (args: Args, error: string): RecordedSlackMessage => {
        const message = workspace.requireMessage(workspace.channel(args.channel).id, args.ts);
        if (message.user !== bot.id)
            throw new SlackApiError(error);
        return message;
    };

    return {
        "auth.test": botMethod(() => ({
            url: `https://${team.domain}.slack.com/`, team: team.name, user: bot.name, team_id: team.id, user_id: bot.id, bot_id: workspace.botId, is_enterprise_install: false
        })),
        "apps.connections.open": {token: "app", run: () => ({url: socketModeUrl()})},
        "chat.postMessage": botMethod((args) => {
            const channel = workspace.postableChannel(args.channel);
            const {text, blocks, attachments, linkNames} = content(args, maxPostTextLength);
            checkSlackFiles(blocks);
            const message = workspace.post({channel, user: bot, text: text ?? "", blocks, attachments, metadata: args.metadata, threadTs: optionalString(args.thread_ts)});
            workspace.setLinkNames(message, linkNames);
            return {channel: channel.id, ts: message.ts, message};
        }),
        "chat.update": botMethod((args) => {
            const message = ownMessage(args, "cant_update_message");
            const {text, blocks, attachments, linkNames} = content(args, maxUpdateTextLength);
            workspace.setLinkNames(message, linkNames);
            // What the call leaves out stays as it was; an empty blocks array removes the blocks.
            if (text !== undefined)
                message.text = text;
            if (blocks !== undefined)
                message.blocks = blocks.length === 0 ? undefined : blocks;
            if (attachments !== undefined)
                message.attachments = attachments;
            message.edited = {user: bot.id, ts: nextTs()};
            return {channel: message.channel, ts: message.ts, text: message.text, message};
        }),
        "chat.delete": botMethod((args) => {
            const message = ownMessage(args, "cant_delete_message");
            workspace.deleteMessage(message);
            return {channel: message.channel, ts: message.ts};
        }),
        "chat.postEphemeral": botMethod((args) => {
            const channel = workspace.postableChannel(args.channel);
            const user = workspace.user(args.user);
            const {text, blocks} = content(args, maxPostTextLength);
            interactions.ephemerals.push({channel: channel.id, user: user.id, text: text ?? "", blocks, threadTs: optionalString(args.thread_ts), via: "chat.postEphemeral"});
            return {message_ts: nextTs()};
        }),
        "chat.getPermalink": botMethod((args) => {
            const channel = workspace.channel(args.channel);
            return {channel: channel.id, permalink: workspace.permalink(workspace.requireMessage(channel.id, args.message_ts))};
        }),
        "views.open": botMethod((args) => ({view: views.open(args.view, String(args.trigger_id), (id) => interactions.exchangeTrigger(id))})),
        "views.update": botMethod((args) => ({view: views.update(args)})),
        "views.publish": botMethod((args) => ({view: views.publish(workspace.user(args.user_id), args.view, args.hash)})),
        "users.info": botMethod((args) => ({user: workspace.userObject(workspace.user(args.user), flag(args.include_locale))})),
        "conversations.info": botMethod((args) => ({channel: workspace.channelObject(workspace.channel(args.channel), flag(args.include_locale))})),
        "conversations.replies": botMethod((args) => {
            const channel = workspace.channel(args.channel);
            const message = workspace.message(channel.id, args.ts);
            if (message === undefined)
                throw new SlackApiError("thread_not_found");
            const root = message.thread_ts === undefined ? message : workspace.message(channel.id, message.thread_ts) ?? message;
            const thread = [root, ...workspace.messagesIn(channel.id, root.ts)];
            // Cursor pagination as @slack/web-api's paginate() drives it: `limit`, then next_cursor.
            const offset = typeof args.cursor === "string" && args.cursor !== "" ? Number(Buffer.from(args.cursor, "base64").toString("utf8")) : 0;
            const limit = Math.min(Number(args.limit ?? 1000) || 1000, 1000);
            const next = offset + limit < thread.length ? Buffer.from(String(offset + limit)).toString("base64") : "";
            return {messages: thread.slice(offset, offset + limit), has_more: next !== "", response_metadata: {next_cursor: next}};
        }),
        "reactions.add": botMethod((args) => {
            const message = workspace.requireMessage(workspace.channel(args.channel).id, args.timestamp);
            const name = String(args.name ?? "");
            const reactions = message.reactions ??= [];
            const reaction = reactions.find((candidate) => candidate.name === name);
            if (reaction?.users.includes(bot.id) === true)
                throw new SlackApiError("already_reacted");
            if (reaction === undefined)
                reactions.push({name, users: [bot.id], count: 1});
            else
                Object.assign(reaction, {users: [...reaction.users, bot.id], count: reaction.count + 1});
            return {};
        }),
        "files.getUploadURLExternal": botMethod((args) => files.reserve(args)),
        "files.delete": botMethod((args) => {
            files.delete(args.file);
            return {};
        }),
        "files.completeUploadExternal": botMethod((args) =>
            files.complete(args, args.channel_id === undefined ? undefined : workspace.postableChannel(args.channel_id)))
    };
}
