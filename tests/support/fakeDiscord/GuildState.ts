import {
    ChannelType,
    GatewayIntentBits,
    Locale,
    MessageFlags,
    MessageType,
    PermissionFlagsBits,
    PermissionsBitField,
    type APIAllowedMentions,
    type APIDMChannel,
    type APIGroupDMChannel,
    type APIAttachment,
    type APIGuildMember,
    type APIMessage,
    type APIMessageInteractionMetadata,
    type APIPrivateThreadChannel,
    type APIPublicThreadChannel,
    type APIRole,
    type APITextChannel,
    type APIThreadMetadata,
    type APIUser,
    type ApplicationFlags,
    type ChannelFlags,
    type GatewayGuildCreateDispatchData,
    type GatewayReadyDispatchData,
    type GuildMemberFlags,
    type GuildSystemChannelFlags,
    type RESTPatchAPIChannelJSONBody,
    type RESTPostAPIChannelThreadsJSONBody,
    type RoleFlags,
    type ThreadMemberFlags,
    type UserFlags
} from "discord.js";
import {discordErrors} from "./DiscordHttpError.js";
import type {RecordedFile} from "./RecordedRequest.js";
import {resolveMentions} from "./mentions.js";
import {nextSnowflake} from "./snowflake.js";
import {checkMessageBody, checkThread, maxAttachmentBytes, type MessageBody, type Path} from "./validation.js";

/** A member of the fake guild, for sending events as someone (`user` option) and for asserting on ids. */
export type FakeUser = {
    readonly id: string,
    readonly user: APIUser,
    readonly roleIds: readonly string[],
    /** The member's permissions in the guild's channels: what interactions carry as `member.permissions`. */
    readonly permissions: bigint,
    readonly joinedAt: string
};

/** A thread the bot created. */
export type FakeThread = {
    readonly id: string,
    readonly parentId: string,
    readonly name: string,
    readonly ownerId: string,
    /** The message it was started from (whose id it shares, as on Discord); undefined for a thread without one. */
    readonly startedFromMessageId: string | undefined
};

export type FakeGuild = {
    readonly id: string,
    readonly name: string,
    readonly ownerId: string,
    /** The @everyone role, whose id is the guild's. */
    readonly everyoneRoleId: string,
    /** A role with ADMINISTRATOR and MANAGE_GUILD, held by `admin`. */
    readonly adminRoleId: string
};

/** A message to create: what the bot (or a test, for a user) sent, and who sends it how. */
export type MessageDraft = {
    readonly body: MessageBody,
    readonly files: readonly RecordedFile[],
    readonly author: FakeUser,
    readonly type?: MessageType,
    /** Interaction responses come from the application's webhook, which is how Discord marks them. */
    readonly webhookId?: string,
    readonly interactionMetadata?: APIMessageInteractionMetadata,
    /** A deferred response: an empty "thinking…" message until the first edit. */
    readonly loading?: boolean,
    /** Where the body sits in the request, for the paths of form errors (["data"] in a callback). */
    readonly at?: Path
};

type StoredFile = {readonly data: Buffer, readonly contentType: string};

/** Sends a gateway event; `payloadFor` gets the session's intents, undefined: not for that session. */
export type Dispatch = (event: string, payloadFor: (intents: number) => object | undefined) => void;

/** Threads here always carry their metadata (REST and gateway payloads both include it). */
type ThreadChannel = (APIPublicThreadChannel | APIPrivateThreadChannel) & {thread_metadata: APIThreadMetadata, parent_id: string, owner_id: string};
/** A DM with the bot, or a group DM (or two other users' DM) that only a user-installed app reaches. */
type PrivateChannel = APIDMChannel | APIGroupDMChannel;
type GuildChannel = APITextChannel | ThreadChannel | PrivateChannel;

const everyonePermissions = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.SendMessagesInThreads
    | PermissionFlagsBits.CreatePublicThreads | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.AddReactions
    | PermissionFlagsBits.AttachFiles | PermissionFlagsBits.EmbedLinks | PermissionFlagsBits.UseApplicationCommands
    | PermissionFlagsBits.UseExternalEmojis | PermissionFlagsBits.ChangeNickname;
const adminRolePermissions = PermissionFlagsBits.Administrator | PermissionFlagsBits.ManageGuild;
const botRolePermissions = PermissionFlagsBits.ManageThreads | PermissionFlagsBits.ManageMessages;

/** Flags an edit may change; the rest (ephemeral, has-thread …) belong to the message. */
const editableFlags = MessageFlags.SuppressEmbeds | MessageFlags.IsComponentsV2;

/**
 * The fake guild and everything in it: members, the text channel, threads, messages and their
 * attachments. Operations check what Discord checks and dispatch the gateway events Discord sends.
 */
export class GuildState {
    readonly applicationId: string;
    readonly guild: FakeGuild;
    readonly bot: FakeUser;
    /** The guild's owner, with the Admin role. */
    readonly admin: FakeUser;
    readonly textChannel: APITextChannel;
    readonly #baseUrl: string;
    readonly #dispatch: Dispatch;
    readonly #roles: APIRole[];
    readonly #users = new Map<string, FakeUser>();
    readonly #channels = new Map<string, GuildChannel>();
    readonly #messages = new Map<string, APIMessage>();
    readonly #files = new Map<string, StoredFile>();
    readonly #starterMessageIds = new Set<string>();
    /** Channels the bot is no member of: reachable only through an interaction's token. */
    readonly #outsideChannels = new Set<string>();
    /** The bot's DM channel with each user, by user id. */
    readonly #dms = new Map<string, APIDMChannel>();
    /**
     * A server that has not added the bot, where members may still use the app they installed to their
     * own account (https://discord.com/developers/docs/resources/application#installation-context).
     */
    readonly foreignGuildId = nextSnowflake();

    constructor(options: {applicationId: string, baseUrl: string, dispatch: Dispatch}) {
        this.applicationId = options.applicationId;
        this.#baseUrl = options.baseUrl;
        this.#dispatch = options.dispatch;
        const guildId = nextSnowflake();
        const owner = apiUser(nextSnowflake(), "sensei", "先生", false);
        this.guild = {id: guildId, name: "数学の質問", ownerId: owner.id, everyoneRoleId: guildId, adminRoleId: nextSnowflake()};
        const botRoleId = nextSnowflake();
        this.#roles = [
            role(guildId, "@everyone", everyonePermissions, 0),
            role(this.guild.adminRoleId, "Admin", adminRolePermissions, 2),
            {...role(botRoleId, "Kotae", botRolePermissions, 1), managed: true, tags: {bot_id: options.applicationId}}
        ];
        // A bot's user id is its application's id.
        this.bot = this.#addMember(apiUser(options.applicationId, "kotae", "Kotae", true), [botRoleId]);
        this.admin = this.#addMember(owner, [this.guild.adminRoleId]);
        this.textChannel = {
            id: nextSnowflake(),
            type: ChannelType.GuildText,
            guild_id: guildId,
            name: "math-help",
            position: 0,
            permission_overwrites: [],
            parent_id: null,
            topic: null,
            nsfw: false,
            last_message_id: null,
            rate_limit_per_user: 0,
            default_auto_archive_duration: 1440,
            flags: 0 as ChannelFlags
        };
        this.#channels.set(this.textChannel.id, this.textChannel);
    }

    addUser(options: {username: string, globalName?: string, admin?: boolean}): FakeUser {
        return this.#addMember(apiUser(nextSnowflake(), options.username, options.globalName ?? null, false), options.admin === true ? [this.guild.adminRoleId] : []);
    }

    get threads(): FakeThread[] {
        return [...this.#channels.values()].flatMap((channel) => !isThread(channel) ? [] : [{
            id: channel.id,
            parentId: channel.parent_id,
            name: channel.name,
            ownerId: channel.owner_id,
            startedFromMessageId: this.#starterMessageIds.has(channel.id) ? channel.id : undefined
        }]);
    }

    /** The bot's DM with a user (Create DM, https://discord.com/developers/docs/resources/user#create-dm), made once. */
    openDm(user: FakeUser): APIDMChannel {
        let dm = this.#dms.get(user.id);
        if (dm === undefined) {
            dm = {id: nextSnowflake(), type: ChannelType.DM, recipients: [user.user], last_message_id: null, flags: 0 as ChannelFlags, name: null};
            this.#dms.set(user.id, dm);
            this.#channels.set(dm.id, dm);
        }
        return dm;
    }

    /** A group DM of users without the bot: the app reaches it only when a member user-installed it. */
    addGroupDm(users: readonly FakeUser[]): APIGroupDMChannel {
        const channel: APIGroupDMChannel = {
            id: nextSnowflake(), type: ChannelType.GroupDM, recipients: users.map((user) => user.user), owner_id: users[0]?.id ?? this.admin.id,
            name: "study group", icon: null, last_message_id: null, flags: 0 as ChannelFlags
        };
        this.#channels.set(channel.id, channel);
        this.#outsideChannels.add(channel.id);
        return channel;
    }

    /** A text channel of `foreignGuildId`, a server without the bot. */
    addForeignChannel(): APITextChannel {
        const channel: APITextChannel = {...this.textChannel, id: nextSnowflake(), guild_id: this.foreignGuildId, name: "general", last_message_id: null};
        this.#channels.set(channel.id, channel);
        this.#outsideChannels.add(channel.id);
        return channel;
    }

    /** Whether the bot is in the channel: not in a foreign server's channels or other people's group DMs. */
    botIsMember(channelId: string): boolean {
        return !this.#outsideChannels.has(channelId);
    }

    /** A channel the bot's own REST calls may use: Discord answers 403 Missing Access where it is no member. */
    requireBotChannel(id: string): GuildChannel {
        const channel = this.requireChannel(id);
        if (!this.botIsMember(id))
            throw discordErrors.missingAccess();
        return channel;
    }

    requireChannel(id: string): GuildChannel {
        const channel = this.#channels.get(id);
        if (channel === undefined)
            throw discordErrors.unknownChannel();
        return channel;
    }

    message(id: string): APIMessage | undefined {
        return this.#messages.get(id);
    }

    requireMessage(channelId: string, id: string): APIMessage {
        this.requireChannel(channelId);
        const message = this.#messages.get(id);
        if (message === undefined || message.channel_id !== channelId)
            throw discordErrors.unknownMessage();
        return message;
    }

    /** The channel's messages, oldest first. */
    messagesIn(channelId: string): APIMessage[] {
        return [...this.#messages.values()].filter((message) => message.channel_id === channelId);
    }

    /** Whether a member sees a message: an ephemeral one only the member whose interaction it answers. */
    canSee(userId: string, message: APIMessage): boolean {
        return !isEphemeral(message) || message.interaction_metadata?.user.id === userId;
    }

    file(attachmentId: string): StoredFile | undefined {
        return this.#files.get(attachmentId);
    }

    readyPayload(): Omit<GatewayReadyDispatchData, "session_id" | "resume_gateway_url"> {
        // The guild starts unavailable, as on Discord; GUILD_CREATE then brings its channels into the cache.
        return {v: 10, user: this.bot.user, guilds: [{id: this.guild.id, unavailable: true}], application: {id: this.applicationId, flags: 0 as ApplicationFlags, flags_new: "0"}};
    }

    guildCreatePayload(): GatewayGuildCreateDispatchData {
        const channels = [...this.#channels.values()].filter((channel) => "guild_id" in channel && channel.guild_id === this.guild.id);
        return {
            id: this.guild.id,
            name: this.guild.name,
            icon: null,
            splash: null,
            discovery_splash: null,
            owner_id: this.guild.ownerId,
            afk_channel_id: null,
            afk_timeout: 300,
            verification_level: 1,
            default_message_notifications: 1,
            explicit_content_filter: 2,
            roles: this.#roles,
            emojis: [],
            stickers: [],
            features: [],
            mfa_level: 0,
            application_id: null,
            system_channel_id: null,
            system_channel_flags: 0 as GuildSystemChannelFlags,
            rules_channel_id: null,
            vanity_url_code: null,
            description: null,
            banner: null,
            premium_tier: 0,
            preferred_locale: Locale.Japanese,
            public_updates_channel_id: null,
            nsfw_level: 0,
            premium_progress_bar_enabled: false,
            hub_type: null,
            safety_alerts_channel_id: null,
            incidents_data: null,
            joined_at: this.bot.joinedAt,
            large: false,
            unavailable: false,
            member_count: this.#users.size,
            voice_states: [],
            members: [...this.#users.values()].map(guildMember),
            channels: channels.filter((channel): channel is APITextChannel => channel.type === ChannelType.GuildText),
            threads: channels.filter(isThread),
            presences: [],
            stage_instances: [],
            guild_scheduled_events: [],
            soundboard_sounds: []
        };
    }

    /** The member object of guild members as REST and GUILD_CREATE have it. */
    member(userId: string): APIGuildMember {
        const member = this.#users.get(userId);
        if (member === undefined)
            throw discordErrors.unknownMember();
        return guildMember(member);
    }

    postMessage(channelId: string, draft: MessageDraft): APIMessage {
        const channel = this.requireChannel(channelId);
        checkMessageBody(draft.body, draft.files.length, draft.at);
        const flags = (draft.body.flags ?? 0) | (draft.loading === true ? MessageFlags.Loading : 0);
        const reference = this.#reference(channelId, draft.body);
        const message: APIMessage = {
            id: nextSnowflake(),
            channel_id: channelId,
            author: draft.author.user,
            content: draft.body.content ?? "",
            timestamp: new Date().toISOString(),
            edited_timestamp: null,
            tts: draft.body.tts ?? false,
            ...this.#mentionFields(draft.body.content ?? "", draft.body.allowed_mentions, reference),
            attachments: this.#attachments(channelId, draft.body, draft.files, []),
            embeds: draft.body.embeds ?? [],
            components: draft.body.components ?? [],
            pinned: false,
            type: draft.type ?? (reference === undefined ? MessageType.Default : MessageType.Reply),
            flags,
            ...(reference === undefined ? {} : {message_reference: {type: 0, message_id: reference.id, channel_id: channelId, ...("guild_id" in channel ? {guild_id: channel.guild_id} : {})}, referenced_message: reference}),
            ...(draft.webhookId === undefined ? {} : {webhook_id: draft.webhookId, application_id: this.applicationId}),
            ...(draft.interactionMetadata === undefined ? {} : {interaction_metadata: draft.interactionMetadata})
        };
        if (draft.loading !== true)
            assertNotEmpty(message);
        this.#messages.set(message.id, message);
        if (channel.type === ChannelType.PublicThread || channel.type === ChannelType.PrivateThread) {
            channel.message_count = (channel.message_count ?? 0) + 1;
            channel.total_message_sent = (channel.total_message_sent ?? 0) + 1;
        }
        channel.last_message_id = message.id;
        this.#dispatchMessage("MESSAGE_CREATE", message);
        return message;
    }

    editMessage(id: string, body: MessageBody, files: readonly RecordedFile[], at: Path = []): APIMessage {
        const message = this.#messages.get(id);
        if (message === undefined)
            throw discordErrors.unknownMessage();
        const flags = ((message.flags ?? 0) & ~MessageFlags.Loading & ~editableFlags) | ((body.flags ?? message.flags ?? 0) & editableFlags);
        checkMessageBody({...body, flags}, files.length, at);
        const content = body.content ?? message.content;
        const edited: APIMessage = {
            ...message,
            content,
            ...this.#mentionFields(content, body.allowed_mentions, message.referenced_message ?? undefined),
            embeds: body.embeds ?? message.embeds,
            components: body.components ?? message.components ?? [],
            attachments: this.#attachments(message.channel_id, body, files, message.attachments),
            flags,
            edited_timestamp: new Date().toISOString()
        };
        assertNotEmpty(edited);
        this.#messages.set(id, edited);
        this.#dispatchMessage("MESSAGE_UPDATE", edited);
        return edited;
    }

    deleteMessage(id: string): void {
        const message = this.#messages.get(id);
        if (message === undefined)
            throw discordErrors.unknownMessage();
        this.#messages.delete(id);
        if (!isEphemeral(message))
            this.#dispatch("MESSAGE_DELETE", (intents) => hasIntent(intents, GatewayIntentBits.GuildMessages) ? {id, channel_id: message.channel_id, guild_id: this.guild.id} : undefined);
    }

    /** The bot's own reaction, kept on the message for tests to see. */
    react(message: APIMessage, emoji: string, add: boolean): void {
        const others = (message.reactions ?? []).filter((reaction) => reaction.emoji.name !== emoji);
        const reactions = add ? [...others, {emoji: {id: null, name: emoji}, count: 1, me: true, me_burst: false, burst_colors: [], count_details: {burst: 0, normal: 1}}] : others;
        this.#messages.set(message.id, {...message, reactions});
    }

    /**
     * Starts a thread in a text channel, from a message (the thread then has the message's id, and the
     * message points at it) or on its own, and tells the client with THREAD_CREATE.
     */
    startThread(parentId: string, body: RESTPostAPIChannelThreadsJSONBody, starterMessageId?: string): ThreadChannel {
        const parent = this.requireChannel(parentId);
        if (parent.type !== ChannelType.GuildText)
            throw discordErrors.wrongChannelType();
        const starter = starterMessageId === undefined ? undefined : this.requireMessage(parentId, starterMessageId);
        if (starter?.thread !== undefined)
            throw discordErrors.threadAlreadyCreated();
        checkThread(body);
        const now = new Date().toISOString();
        const id = starter?.id ?? nextSnowflake();
        const thread: ThreadChannel = {
            id,
            type: starter === undefined && body.type === ChannelType.PrivateThread ? ChannelType.PrivateThread : ChannelType.PublicThread,
            guild_id: this.guild.id,
            name: body.name,
            parent_id: parentId,
            owner_id: this.bot.id,
            last_message_id: null,
            rate_limit_per_user: body.rate_limit_per_user ?? 0,
            message_count: 0,
            member_count: 1,
            total_message_sent: 0,
            flags: 0 as ChannelFlags,
            thread_metadata: {archived: false, auto_archive_duration: body.auto_archive_duration ?? parent.default_auto_archive_duration ?? 1440, archive_timestamp: now, locked: false, create_timestamp: now},
            member: {id, user_id: this.bot.id, join_timestamp: now, flags: 0 as ThreadMemberFlags}
        };
        this.#channels.set(id, thread);
        if (starter !== undefined) {
            this.#messages.set(starter.id, {...starter, thread, flags: (starter.flags ?? 0) | MessageFlags.HasThread});
            this.#starterMessageIds.add(starter.id);
        }
        this.#dispatch("THREAD_CREATE", (intents) => hasIntent(intents, GatewayIntentBits.Guilds) ? {...thread, newly_created: true} : undefined);
        return thread;
    }

    /** Renames, archives or locks a thread (the text channel itself stays as it is). */
    editThread(id: string, body: RESTPatchAPIChannelJSONBody): ThreadChannel {
        const thread = this.requireChannel(id);
        if (!isThread(thread))
            throw discordErrors.wrongChannelType();
        const edited: ThreadChannel = {
            ...thread,
            name: body.name ?? thread.name,
            thread_metadata: {
                ...thread.thread_metadata,
                archived: body.archived ?? thread.thread_metadata.archived,
                locked: body.locked ?? thread.thread_metadata.locked,
                auto_archive_duration: body.auto_archive_duration ?? thread.thread_metadata.auto_archive_duration,
                ...(body.archived === undefined ? {} : {archive_timestamp: new Date().toISOString()})
            }
        };
        this.#channels.set(id, edited);
        this.#dispatch("THREAD_UPDATE", (intents) => hasIntent(intents, GatewayIntentBits.Guilds) ? edited : undefined);
        return edited;
    }

    #addMember(user: APIUser, roleIds: string[]): FakeUser {
        const rolePermissions = this.#roles.filter((candidate) => roleIds.includes(candidate.id) || candidate.id === this.guild.everyoneRoleId)
            .reduce((total, candidate) => total | BigInt(candidate.permissions), 0n);
        // Discord reports every permission for administrators, whatever their roles list.
        const permissions = (rolePermissions & PermissionFlagsBits.Administrator) !== 0n ? PermissionsBitField.All : rolePermissions;
        const member: FakeUser = {id: user.id, user, roleIds, permissions, joinedAt: new Date().toISOString()};
        this.#users.set(user.id, member);
        return member;
    }

    #reference(channelId: string, body: MessageBody): APIMessage | undefined {
        const reference = body.message_reference;
        if (reference?.message_id === undefined)
            return undefined;
        const referenced = this.#messages.get(reference.message_id);
        if (referenced === undefined || referenced.channel_id !== (reference.channel_id ?? channelId)) {
            if (reference.fail_if_not_exists === false)
                return undefined;
            throw discordErrors.invalidFormBody([{path: ["message_reference"], code: "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", message: "Unknown message"}]);
        }
        return referenced;
    }

    /**
     * The attachments after a create or edit. With an `attachments` list, Discord keeps the listed
     * existing ones and takes the new files' names and descriptions from it; without, it keeps all.
     */
    #attachments(channelId: string, body: MessageBody, files: readonly RecordedFile[], existing: readonly APIAttachment[]): APIAttachment[] {
        const listed = body.attachments;
        const kept = listed === undefined ? existing : existing.filter((attachment) => listed.some((entry) => String(entry.id) === attachment.id));
        const added = files.map((file) => {
            if (file.data.length > maxAttachmentBytes)
                throw discordErrors.tooLarge();
            const entry = listed?.find((candidate) => String(candidate.id) === String(file.index));
            const filename = entry?.filename ?? file.filename;
            const id = nextSnowflake();
            this.#files.set(id, {data: file.data, contentType: file.contentType});
            const url = `${this.#baseUrl}/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
            const attachment: APIAttachment = {id, filename, size: file.data.length, url, proxy_url: url, content_type: file.contentType};
            return entry?.description == null ? attachment : {...attachment, description: entry.description};
        });
        return [...kept, ...added];
    }

    /** Whom a message pings, in the message's fields (see `resolveMentions`); only members can be pinged. */
    #mentionFields(content: string, allowed: APIAllowedMentions | undefined, repliedTo: APIMessage | undefined): Pick<APIMessage, "mention_everyone" | "mentions" | "mention_roles"> {
        const mentions = resolveMentions(content, allowed, repliedTo?.author.id);
        return {
            mention_everyone: mentions.everyone,
            mentions: mentions.users.flatMap((id) => this.#users.get(id)?.user ?? []),
            mention_roles: [...mentions.roles]
        };
    }

    /**
     * MESSAGE_CREATE/UPDATE as Discord sends them: only with GUILD_MESSAGES (DIRECT_MESSAGES in the bot's
     * DMs), never for ephemeral messages or where the bot is no member, and without content (or embeds,
     * attachments, components) unless the client has MESSAGE_CONTENT or the message is its own, mentions
     * it or is in its DMs (https://discord.com/developers/docs/events/gateway#message-content-intent).
     */
    #dispatchMessage(event: "MESSAGE_CREATE" | "MESSAGE_UPDATE", message: APIMessage): void {
        if (isEphemeral(message) || !this.botIsMember(message.channel_id))
            return;
        const inDm = this.#channels.get(message.channel_id)?.type === ChannelType.DM;
        const author = this.#users.get(message.author.id);
        const full = {
            ...message,
            mentions: message.mentions.flatMap((user) => {
                const member = this.#users.get(user.id);
                return member === undefined ? [] : [{...user, member: memberWithoutUser(member)}];
            }),
            ...(author === undefined || message.webhook_id !== undefined || inDm ? {} : {member: memberWithoutUser(author)})
        };
        const readable = inDm || message.author.id === this.bot.id || message.mentions.some((user) => user.id === this.bot.id);
        this.#dispatch(event, (intents) => {
            if (!hasIntent(intents, inDm ? GatewayIntentBits.DirectMessages : GatewayIntentBits.GuildMessages))
                return undefined;
            if (readable || hasIntent(intents, GatewayIntentBits.MessageContent))
                return full;
            return {...full, content: "", embeds: [], attachments: [], components: []};
        });
    }
}

function isThread(channel: GuildChannel): channel is ThreadChannel {
    return channel.type === ChannelType.PublicThread || channel.type === ChannelType.PrivateThread;
}

function hasIntent(intents: number, intent: GatewayIntentBits): boolean {
    return (intents & intent) !== 0;
}

function isEphemeral(message: APIMessage): boolean {
    return ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
}

function assertNotEmpty(message: APIMessage): void {
    if (message.content.trim() === "" && message.embeds.length === 0 && message.attachments.length === 0 && (message.components ?? []).length === 0 && message.poll === undefined)
        throw discordErrors.emptyMessage();
}

function apiUser(id: string, username: string, globalName: string | null, bot: boolean): APIUser {
    return {
        id,
        username,
        discriminator: "0",
        global_name: globalName,
        avatar: null,
        ...(bot ? {bot: true} : {}),
        public_flags: 0 as UserFlags,
        flags: 0 as UserFlags,
        banner: null,
        accent_color: null,
        avatar_decoration_data: null,
        collectibles: null,
        primary_guild: null
    };
}

function role(id: string, name: string, permissions: bigint, position: number): APIRole {
    return {
        id,
        name,
        color: 0,
        colors: {primary_color: 0, secondary_color: null, tertiary_color: null},
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position,
        permissions: permissions.toString(),
        managed: false,
        mentionable: false,
        flags: 0 as RoleFlags
    };
}

function memberWithoutUser(member: FakeUser): Omit<APIGuildMember, "user"> & {joined_at: string} {
    return {
        nick: null,
        avatar: null,
        banner: null,
        roles: [...member.roleIds],
        joined_at: member.joinedAt,
        premium_since: null,
        deaf: false,
        mute: false,
        flags: 0 as GuildMemberFlags,
        pending: false,
        communication_disabled_until: null,
        avatar_decoration_data: null
    };
}

function guildMember(member: FakeUser): APIGuildMember {
    return {...memberWithoutUser(member), user: member.user};
}
