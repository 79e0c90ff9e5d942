import type {types} from "@slack/bolt";
import {nextTs, slackId} from "./ids.js";
import type {Directory} from "./mrkdwn.js";
import {SlackApiError} from "./SlackApiError.js";

export type FakeSlackUser = {
    readonly id: string,
    /** The username (`name`): "taro". */
    readonly name: string,
    readonly realName: string,
    /** What users.info answers as `locale` when asked with include_locale. */
    readonly locale: string,
    readonly isAdmin: boolean,
    readonly isOwner: boolean,
    readonly isBot: boolean
};

export type FakeSlackChannel = {
    readonly id: string, readonly name: string, readonly isPrivate: boolean, readonly botIsMember: boolean,
    /** For the app's DM with a person (an `im`): that person's id. */
    readonly imUser?: string
};

export type FakeSlackTeam = {readonly id: string, readonly name: string, readonly domain: string};

/** A file object as Slack returns it in messages and from files.completeUploadExternal. */
export type SlackFile = {
    id: string,
    created: number,
    name: string,
    title: string,
    mimetype: string,
    filetype: string,
    user: string,
    size: number,
    is_public: boolean,
    url_private: string,
    url_private_download: string,
    permalink: string,
    alt_txt?: string
};

export type SlackReaction = {name: string, users: string[], count: number};

/**
 * A message as Slack stores and returns it (conversations.replies, chat.postMessage's `message`), plus
 * its `channel`. Live: chat.update, reactions and thread replies change it in place.
 */
export type RecordedSlackMessage = {
    type: "message",
    channel: string,
    ts: string,
    user: string,
    team: string,
    text: string,
    /** Set on a reply, and on a thread's parent once it has replies (its own ts). */
    thread_ts?: string,
    parent_user_id?: string,
    blocks?: types.KnownBlock[],
    attachments?: unknown[],
    files?: SlackFile[],
    /** A message that shares uploaded files. */
    upload?: boolean,
    bot_id?: string,
    app_id?: string,
    metadata?: unknown,
    edited?: {user: string, ts: string},
    reply_count?: number,
    reply_users?: string[],
    reply_users_count?: number,
    latest_reply?: string,
    reactions?: SlackReaction[]
};

export type NewMessage = {
    channel: FakeSlackChannel,
    user: FakeSlackUser,
    text: string,
    blocks?: types.KnownBlock[] | undefined,
    attachments?: unknown[] | undefined,
    files?: SlackFile[] | undefined,
    metadata?: unknown,
    /** A message in the channel that starts or is in a thread; an unknown ts posts in the channel, as Slack does. */
    threadTs?: string | undefined
};

/**
 * The workspace the fake is: one team, the app's bot user, people and channels, and every message
 * posted in them (by the bot or by tests on behalf of people), in order.
 */
export class Workspace {
    readonly team: FakeSlackTeam;
    readonly appId = slackId("A");
    readonly botId = slackId("B");
    readonly bot: FakeSlackUser;
    readonly #users = new Map<string, FakeSlackUser>();
    readonly #channels = new Map<string, FakeSlackChannel>();
    readonly #messages = new Map<string, RecordedSlackMessage[]>();
    /** Messages posted or last updated with `parse: "full"` or `link_names`, whose plain @names notify. */
    readonly #linkNames = new WeakSet<RecordedSlackMessage>();

    constructor() {
        this.team = {id: slackId("T"), name: "数学の質問", domain: "kotae-study"};
        this.bot = this.#add({id: slackId("U"), name: "kotae", realName: "Kotae", locale: "en-US", isAdmin: false, isOwner: false, isBot: true});
    }

    addUser(options: {name: string, realName?: string, locale?: string, admin?: boolean, owner?: boolean}): FakeSlackUser {
        return this.#add({
            id: slackId("U"),
            name: options.name,
            realName: options.realName ?? options.name,
            locale: options.locale ?? "ja-JP",
            isAdmin: options.admin ?? false,
            isOwner: options.owner ?? false,
            isBot: false
        });
    }

    addChannel(options: {name: string, isPrivate?: boolean, botIsMember?: boolean}): FakeSlackChannel {
        const channel = {id: slackId("C"), name: options.name, isPrivate: options.isPrivate ?? false, botIsMember: options.botIsMember ?? true};
        this.#channels.set(channel.id, channel);
        this.#messages.set(channel.id, []);
        return channel;
    }

    /**
     * The app's DM with a person (its Messages tab), made once: a `D…` conversation of type `im`
     * (https://api.slack.com/types/im) the bot is in, whose messages arrive as `message.im` events.
     */
    openDm(user: FakeSlackUser): FakeSlackChannel {
        const existing = [...this.#channels.values()].find((channel) => channel.imUser === user.id);
        if (existing !== undefined)
            return existing;
        const channel = {id: slackId("D"), name: "directmessage", isPrivate: true, botIsMember: true, imUser: user.id};
        this.#channels.set(channel.id, channel);
        this.#messages.set(channel.id, []);
        return channel;
    }

    /** `user_not_found` for an id the workspace does not have. */
    user(id: unknown): FakeSlackUser {
        const user = typeof id === "string" ? this.#users.get(id) : undefined;
        if (user === undefined)
            throw new SlackApiError("user_not_found");
        return user;
    }

    /** By id, or by name ("#general" or "general") as chat.postMessage also accepts; `channel_not_found` otherwise. */
    channel(idOrName: unknown): FakeSlackChannel {
        if (typeof idOrName === "string") {
            const name = idOrName.replace(/^#/, "");
            const channel = this.#channels.get(idOrName) ?? [...this.#channels.values()].find((candidate) => candidate.name === name);
            if (channel !== undefined)
                return channel;
        }
        throw new SlackApiError("channel_not_found");
    }

    /** A channel the bot can post in: `not_in_channel` where it is not a member. */
    postableChannel(idOrName: unknown): FakeSlackChannel {
        const channel = this.channel(idOrName);
        if (!channel.botIsMember)
            throw new SlackApiError("not_in_channel");
        return channel;
    }

    /** users.info's `user`. */
    userObject(user: FakeSlackUser, includeLocale: boolean): Record<string, unknown> {
        return {
            id: user.id,
            team_id: this.team.id,
            name: user.name,
            deleted: false,
            real_name: user.realName,
            tz: "Asia/Tokyo",
            tz_label: "Japan Standard Time",
            tz_offset: 32_400,
            profile: {real_name: user.realName, display_name: user.name, real_name_normalized: user.realName, display_name_normalized: user.name, team: this.team.id, ...(user.isBot ? {bot_id: this.botId} : {})},
            is_admin: user.isAdmin,
            is_owner: user.isOwner,
            is_primary_owner: user.isOwner,
            is_restricted: false,
            is_ultra_restricted: false,
            is_bot: user.isBot,
            is_app_user: false,
            updated: Math.floor(Date.now() / 1000),
            ...(includeLocale ? {locale: user.locale} : {})
        };
    }

    /** conversations.info's `channel`. */
    channelObject(channel: FakeSlackChannel, includeLocale: boolean): Record<string, unknown> {
        if (channel.imUser !== undefined)
            return {id: channel.id, is_im: true, user: channel.imUser, is_org_shared: false, created: Math.floor(Date.now() / 1000), is_user_deleted: false, priority: 0};
        return {
            id: channel.id,
            name: channel.name,
            name_normalized: channel.name,
            is_channel: !channel.isPrivate,
            is_group: channel.isPrivate,
            is_im: false,
            is_mpim: false,
            is_private: channel.isPrivate,
            is_archived: false,
            is_general: false,
            is_shared: false,
            is_org_shared: false,
            is_ext_shared: false,
            is_member: channel.botIsMember,
            created: Math.floor(Date.now() / 1000),
            creator: this.bot.id,
            topic: {value: "", creator: "", last_set: 0},
            purpose: {value: "", creator: "", last_set: 0},
            ...(includeLocale ? {locale: "ja-JP"} : {})
        };
    }

    post(message: NewMessage): RecordedSlackMessage {
        const messages = this.#channelMessages(message.channel.id);
        const posted: RecordedSlackMessage = {
            type: "message",
            channel: message.channel.id,
            ts: nextTs(),
            user: message.user.id,
            team: this.team.id,
            text: message.text,
            ...(message.blocks === undefined ? {} : {blocks: message.blocks}),
            ...(message.attachments === undefined ? {} : {attachments: message.attachments}),
            ...(message.files === undefined ? {} : {files: message.files, upload: true}),
            ...(message.metadata === undefined ? {} : {metadata: message.metadata}),
            ...(message.user.isBot ? {bot_id: this.botId, app_id: this.appId} : {})
        };
        const parent = message.threadTs === undefined ? undefined : this.message(message.channel.id, message.threadTs);
        if (parent !== undefined) {
            // A reply to a reply joins the thread it is in.
            const root = parent.thread_ts === undefined || parent.thread_ts === parent.ts ? parent : this.message(message.channel.id, parent.thread_ts) ?? parent;
            posted.thread_ts = root.ts;
            posted.parent_user_id = root.user;
            root.thread_ts = root.ts;
            root.reply_count = (root.reply_count ?? 0) + 1;
            root.reply_users = [...new Set([...root.reply_users ?? [], posted.user])];
            root.reply_users_count = root.reply_users.length;
            root.latest_reply = posted.ts;
        }
        messages.push(posted);
        return posted;
    }

    /** Names for what mrkdwn tokens show. */
    get directory(): Directory {
        return {
            userName: (id) => this.#users.get(id)?.name,
            userIdByName: (name) => [...this.#users.values()].find((user) => user.name === name)?.id,
            channelName: (id) => this.#channels.get(id)?.name
        };
    }

    setLinkNames(message: RecordedSlackMessage, linkNames: boolean): void {
        if (linkNames)
            this.#linkNames.add(message);
        else
            this.#linkNames.delete(message);
    }

    hasLinkNames(message: RecordedSlackMessage): boolean {
        return this.#linkNames.has(message);
    }

    message(channelId: string, ts: unknown): RecordedSlackMessage | undefined {
        return this.#messages.get(channelId)?.find((message) => message.ts === ts);
    }

    /** `message_not_found` when the channel has no message with that ts. */
    requireMessage(channelId: string, ts: unknown): RecordedSlackMessage {
        const message = this.message(channelId, ts);
        if (message === undefined)
            throw new SlackApiError("message_not_found");
        return message;
    }

    deleteMessage(message: RecordedSlackMessage): void {
        const messages = this.#channelMessages(message.channel);
        messages.splice(messages.indexOf(message), 1);
    }

    /** Without threadTs, the channel's top-level messages; with it, that thread's replies (not its parent). */
    messagesIn(channelId: string, threadTs?: string): RecordedSlackMessage[] {
        return this.#channelMessages(channelId).filter((message) => threadTs === undefined
            ? message.thread_ts === undefined || message.thread_ts === message.ts
            : message.thread_ts === threadTs && message.ts !== threadTs);
    }

    permalink(message: RecordedSlackMessage): string {
        const base = `https://${this.team.domain}.slack.com/archives/${message.channel}/p${message.ts.replace(".", "")}`;
        const isReply = message.thread_ts !== undefined && message.thread_ts !== message.ts;
        return isReply ? `${base}?thread_ts=${message.thread_ts}&cid=${message.channel}` : base;
    }

    #channelMessages(channelId: string): RecordedSlackMessage[] {
        const messages = this.#messages.get(channelId);
        if (messages === undefined)
            throw new SlackApiError("channel_not_found");
        return messages;
    }

    #add(user: FakeSlackUser): FakeSlackUser {
        this.#users.set(user.id, user);
        return user;
    }
}
