import {randomBytes} from "node:crypto";
import {
    ApplicationCommandType,
    ApplicationIntegrationType,
    ChannelType,
    ComponentType,
    InteractionContextType,
    InteractionResponseType,
    InteractionType,
    MessageFlags,
    MessageType,
    PermissionFlagsBits,
    type APIApplicationCommand,
    type APIApplicationCommandInteractionDataOption,
    type APIDMInteraction,
    type APIApplicationCommandInteractionMetadata,
    type APIChatInputApplicationCommandDMInteraction,
    type APIChatInputApplicationCommandGuildInteraction,
    type APIGuildInteraction,
    type APIInteractionDataResolved,
    type APIInteractionResponse,
    type APIMessage,
    type APIMessageComponentButtonInteraction,
    type APIMessageComponentInteractionMetadata,
    type APIMessageInteractionMetadata,
    type APIModalInteractionResponseCallbackData,
    type APIModalSubmissionComponent,
    type APIModalSubmitDMInteraction,
    type APIModalSubmitGuildInteraction,
    type Locale,
    type ModalSubmitComponent,
    type RESTPostAPIInteractionCallbackWithResponseResult
} from "discord.js";
import {discordErrors, raise} from "./DiscordHttpError.js";
import type {CommandRegistry} from "./CommandRegistry.js";
import type {Dispatch, FakeUser, GuildState} from "./GuildState.js";
import type {RecordedFile} from "./RecordedRequest.js";
import {nextSnowflake} from "./snowflake.js";
import {checkModal, componentCustomIds, maxAttachmentBytes, type MessageBody} from "./validation.js";

/** Who sends an interaction, and in which language their client and the guild are set. */
export type InteractionSender = {
    /** Default: `student`. */
    user?: FakeUser,
    /** Default "ja". */
    locale?: `${Locale}`,
    /** Default "ja". */
    guildLocale?: `${Locale}`
};

export type SlashCommandOptions = InteractionSender & {
    name: string,
    /** In the API's shape, subcommands included: `[{type: 1, name: "ask", options: [{type: 3, name: "problem", value: "…"}]}]`. */
    options?: APIApplicationCommandInteractionDataOption[],
    /** Users, roles, channels or attachments that the options refer to by id. */
    resolved?: APIInteractionDataResolved,
    /** Default: the text channel. */
    channelId?: string
};

export type ButtonOptions = InteractionSender & {
    customId: string,
    /** The message whose button is clicked: one the bot sent (e.g. `interaction.original()`). */
    message: APIMessage
};

export type ModalSubmitOptions = Omit<InteractionSender, "user"> & {
    /** The custom_id of a modal the bot showed; the submission mirrors its layout (labels or action rows). */
    customId: string,
    /** By the inputs' custom_ids: text for text inputs, a list for select menus. Inputs left out are submitted empty. */
    fields: Readonly<Record<string, string | readonly string[]>>,
    /** Default: the user the modal was shown to. */
    user?: FakeUser
};

/** The interactions the fake sends: in a guild or a DM, always with their channel. */
type SentInteraction = (APIGuildInteraction | APIDMInteraction) & {channel: NonNullable<APIGuildInteraction["channel"]>};

/**
 * What the app may do in a DM or group DM (`app_permissions` there): attach files, embed links,
 * mention everyone, use external emojis (https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object).
 */
const privateChannelPermissions = PermissionFlagsBits.AttachFiles | PermissionFlagsBits.EmbedLinks | PermissionFlagsBits.MentionEveryone | PermissionFlagsBits.UseExternalEmojis;

type InteractionRecord = {
    readonly payload: SentInteraction,
    readonly sender: FakeUser,
    /** For a modal submit: the interaction that showed the modal. */
    readonly triggeredBy: InteractionRecord | undefined,
    /** performance.now() when it was dispatched: its callback is due within the deadline. */
    readonly sentAt: number,
    acknowledged: boolean,
    expired: boolean,
    originalMessageId: string | undefined,
    readonly followUpIds: Set<string>
};

type ShownModal = {readonly data: APIModalInteractionResponseCallbackData, readonly shownBy: InteractionRecord};

const messageCallbacks = [InteractionResponseType.ChannelMessageWithSource, InteractionResponseType.DeferredChannelMessageWithSource];
const updateCallbacks = [InteractionResponseType.DeferredMessageUpdate, InteractionResponseType.UpdateMessage];

/**
 * Interactions sent to the bot, and the REST side of answering them: the callback (once, of a type
 * the interaction allows), then the application's webhook with the interaction's token for the
 * original response and follow-ups, until the token expires.
 */
export class Interactions {
    readonly #state: GuildState;
    readonly #commands: CommandRegistry;
    readonly #dispatch: Dispatch;
    readonly #defaultSender: FakeUser;
    readonly #deadlineMs: number;
    readonly #records = new Map<string, InteractionRecord>();
    readonly #shownModals: ShownModal[] = [];

    constructor(options: {state: GuildState, commands: CommandRegistry, dispatch: Dispatch, defaultSender: FakeUser, deadlineMs: number}) {
        this.#deadlineMs = options.deadlineMs;
        this.#state = options.state;
        this.#commands = options.commands;
        this.#dispatch = options.dispatch;
        this.#defaultSender = options.defaultSender;
    }

    slashCommand(options: SlashCommandOptions): APIChatInputApplicationCommandGuildInteraction | APIChatInputApplicationCommandDMInteraction {
        const sender = options.user ?? this.#defaultSender;
        const base = this.#base(options, sender, options.channelId ?? this.#state.textChannel.id);
        // A server's own commands exist only there; in DMs and other servers only global ones do.
        const command = this.#commands.find(options.name, "guild_id" in base && base.guild_id === this.#state.guild.id ? base.guild_id : undefined);
        if (command !== undefined)
            checkOffered(command, base.context, Object.keys(base.authorizing_integration_owners).map(Number));
        return this.#send(sender, undefined, {
            ...base,
            type: InteractionType.ApplicationCommand,
            data: {
                id: command?.id ?? nextSnowflake(),
                name: options.name,
                type: ApplicationCommandType.ChatInput,
                ...(options.options === undefined ? {} : {options: options.options}),
                ...(options.resolved === undefined ? {} : {resolved: options.resolved}),
                ...(command?.guild_id === undefined ? {} : {guild_id: command.guild_id})
            }
        });
    }

    button(options: ButtonOptions): APIMessageComponentButtonInteraction & (APIGuildInteraction | APIDMInteraction) {
        // The message as it is now, not as the test last saw it: a click happens on the current version.
        const message = this.#state.message(options.message.id) ?? options.message;
        if (!componentCustomIds(message.components ?? []).includes(options.customId))
            throw new Error(`Message ${message.id} has no component with custom_id ${options.customId}`);
        const sender = options.user ?? this.#defaultSender;
        return this.#send(sender, undefined, {
            ...this.#base(options, sender, message.channel_id),
            type: InteractionType.MessageComponent,
            data: {custom_id: options.customId, component_type: ComponentType.Button},
            message
        });
    }

    modalSubmit(options: ModalSubmitOptions): APIModalSubmitGuildInteraction | APIModalSubmitDMInteraction {
        const shown = this.#shownModals.findLast((modal) => modal.data.custom_id === options.customId);
        if (shown === undefined)
            throw new Error(`The bot has shown no modal with custom_id ${options.customId}`);
        const sender = options.user ?? shown.shownBy.sender;
        const components = submittedComponents(shown.data, options.fields);
        const message = shown.shownBy.payload.message;
        return this.#send(sender, shown.shownBy, {
            ...this.#base(options, sender, shown.shownBy.payload.channel.id),
            type: InteractionType.ModalSubmit,
            data: {custom_id: options.customId, components},
            ...(message === undefined ? {} : {message: this.#state.message(message.id) ?? message})
        });
    }

    /** An interaction's callback; the answer `with_response=true` asks for. */
    respond(interactionId: string, token: string, response: APIInteractionResponse, files: readonly RecordedFile[]): RESTPostAPIInteractionCallbackWithResponseResult {
        const record = this.#records.get(token);
        if (record === undefined || record.payload.id !== interactionId || record.expired)
            throw discordErrors.unknownInteraction();
        if (record.acknowledged)
            throw discordErrors.alreadyAcknowledged();
        // A callback later than 3 s finds the interaction gone:
        // https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction
        if (performance.now() - record.sentAt > this.#deadlineMs)
            throw discordErrors.unknownInteraction();
        const {payload} = record;
        const allowed = payload.type === InteractionType.ApplicationCommand ? [...messageCallbacks, InteractionResponseType.Modal]
            : payload.type === InteractionType.MessageComponent ? [...messageCallbacks, ...updateCallbacks, InteractionResponseType.Modal]
            : [...messageCallbacks, ...(payload.message === undefined ? [] : updateCallbacks)];
        if (!allowed.includes(response.type))
            throw discordErrors.invalidFormBody([{path: ["type"], code: "INTERACTION_RESPONSE_TYPE_INVALID", message: `Interaction response type ${response.type} is not valid for interaction type ${payload.type}`}]);
        let message: APIMessage | undefined;
        switch (response.type) {
            case InteractionResponseType.ChannelMessageWithSource:
                message = this.#post(record, response.data, files, false);
                break;
            case InteractionResponseType.DeferredChannelMessageWithSource:
                message = this.#post(record, {flags: (response.data?.flags ?? 0) & MessageFlags.Ephemeral}, [], true);
                break;
            // Update callbacks are allowed above only where the interaction came with a message.
            case InteractionResponseType.DeferredMessageUpdate:
                message = this.#state.message(payload.message!.id);
                break;
            case InteractionResponseType.UpdateMessage:
                message = this.#state.editMessage(payload.message!.id, response.data ?? {}, files, ["data"]);
                break;
            case InteractionResponseType.Modal:
                checkModal(response.data);
                this.#shownModals.push({data: response.data, shownBy: record});
                break;
        }
        record.acknowledged = true;
        record.originalMessageId = message?.id;
        return {
            interaction: {
                id: payload.id,
                type: payload.type,
                ...(message === undefined ? {} : {
                    response_message_id: message.id,
                    response_message_loading: ((message.flags ?? 0) & MessageFlags.Loading) !== 0,
                    response_message_ephemeral: ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0
                })
            },
            resource: {type: response.type, ...(message === undefined ? {} : {message})}
        } as RESTPostAPIInteractionCallbackWithResponseResult; // `resource.type` is a narrower union than response.type.
    }

    /** The current original response, once the interaction has one. */
    original(token: string): APIMessage | undefined {
        const id = this.#records.get(token)?.originalMessageId;
        return id === undefined ? undefined : this.#state.message(id);
    }

    webhookMessage(webhookId: string, token: string, messageId: string): APIMessage {
        const id = this.#webhookMessageId(this.#webhookRecord(webhookId, token), messageId);
        return this.#state.message(id) ?? raise(discordErrors.unknownMessage());
    }

    editWebhookMessage(webhookId: string, token: string, messageId: string, body: MessageBody, files: readonly RecordedFile[]): APIMessage {
        return this.#state.editMessage(this.#webhookMessageId(this.#webhookRecord(webhookId, token), messageId), body, files);
    }

    deleteWebhookMessage(webhookId: string, token: string, messageId: string): void {
        this.#state.deleteMessage(this.#webhookMessageId(this.#webhookRecord(webhookId, token), messageId));
    }

    followUp(webhookId: string, token: string, body: MessageBody, files: readonly RecordedFile[]): APIMessage {
        const record = this.#webhookRecord(webhookId, token);
        if (!record.acknowledged)
            throw discordErrors.unknownWebhook();
        const message = this.#state.postMessage(record.payload.channel.id, {
            body,
            files,
            author: this.#state.bot,
            type: responseType(record.payload),
            webhookId,
            interactionMetadata: {...this.#metadata(record), ...(record.originalMessageId === undefined ? {} : {original_response_message_id: record.originalMessageId})}
        });
        record.followUpIds.add(message.id);
        return message;
    }

    /** What Discord does 15 minutes after the interaction: its token stops working. */
    expire(token: string): void {
        const record = this.#records.get(token);
        if (record === undefined)
            throw new Error(`No interaction has the token ${token}`);
        record.expired = true;
    }

    /**
     * What every interaction carries, by where it was used
     * (https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object):
     * in the guild, its member, the guild and context GUILD with the guild's installation; in the bot's
     * DM, the `user` alone and context BOT_DM; in a group DM, context PRIVATE_CHANNEL; in a server without
     * the bot, the member and the guild's id but only the user's installation. Only the sender's own
     * installation authorizes the interaction where the bot is no member.
     */
    #base(sender: InteractionSender, user: FakeUser, channelId: string) {
        const guildLocale = (sender.guildLocale ?? "ja") as Locale;
        const channel = this.#state.requireChannel(channelId);
        const permissions = user.permissions.toString();
        const common = {
            id: nextSnowflake(),
            application_id: this.#state.applicationId,
            token: randomBytes(48).toString("base64url"),
            version: 1 as const,
            channel_id: channelId,
            locale: (sender.locale ?? "ja") as Locale,
            entitlements: [],
            attachment_size_limit: maxAttachmentBytes
        };
        if (channel.type === ChannelType.DM || channel.type === ChannelType.GroupDM) {
            const botDm = channel.type === ChannelType.DM;
            return {
                ...common,
                channel: {...channel, permissions: privateChannelPermissions.toString()},
                user: user.user,
                app_permissions: privateChannelPermissions.toString(),
                // In the bot's DM a guild installation reads "0"; elsewhere only the user's own installation.
                authorizing_integration_owners: botDm ? {[ApplicationIntegrationType.GuildInstall]: "0"} : {[ApplicationIntegrationType.UserInstall]: user.id},
                context: botDm ? InteractionContextType.BotDM : InteractionContextType.PrivateChannel
            };
        }
        const guildId = channel.guild_id ?? this.#state.guild.id;
        const installedHere = this.#state.botIsMember(channelId);
        return {
            ...common,
            guild: {id: guildId, locale: guildLocale, features: []},
            guild_id: guildId,
            channel: {...channel, permissions},
            member: installedHere ? {...this.#state.member(user.id), permissions} : {...this.#state.member(user.id), roles: [], permissions},
            app_permissions: installedHere ? this.#state.bot.permissions.toString() : permissions,
            guild_locale: guildLocale,
            // discord.js reads this unconditionally; Discord sends it for every interaction.
            authorizing_integration_owners: installedHere ? {[ApplicationIntegrationType.GuildInstall]: guildId} : {[ApplicationIntegrationType.UserInstall]: user.id},
            context: InteractionContextType.Guild
        };
    }

    #send<T extends SentInteraction>(sender: FakeUser, triggeredBy: InteractionRecord | undefined, payload: T): T {
        this.#records.set(payload.token, {payload, sender, triggeredBy, sentAt: performance.now(), acknowledged: false, expired: false, originalMessageId: undefined, followUpIds: new Set()});
        this.#dispatch("INTERACTION_CREATE", () => payload);
        return payload;
    }

    #post(record: InteractionRecord, body: MessageBody, files: readonly RecordedFile[], loading: boolean): APIMessage {
        return this.#state.postMessage(record.payload.channel.id, {
            body,
            files,
            author: this.#state.bot,
            type: responseType(record.payload),
            webhookId: this.#state.applicationId,
            interactionMetadata: this.#metadata(record),
            loading,
            at: ["data"]
        });
    }

    #metadata(record: InteractionRecord): APIMessageInteractionMetadata {
        const {payload} = record;
        const base = {id: payload.id, user: record.sender.user, authorizing_integration_owners: payload.authorizing_integration_owners};
        if (record.triggeredBy !== undefined) {
            // Modals open from commands and components only, so the trigger's metadata is of those kinds.
            return {...base, type: InteractionType.ModalSubmit, triggering_interaction_metadata: this.#metadata(record.triggeredBy) as APIApplicationCommandInteractionMetadata | APIMessageComponentInteractionMetadata};
        }
        if (payload.type === InteractionType.MessageComponent)
            return {...base, type: InteractionType.MessageComponent, interacted_message_id: payload.message.id};
        return {...base, type: InteractionType.ApplicationCommand};
    }

    #webhookRecord(webhookId: string, token: string): InteractionRecord {
        if (webhookId !== this.#state.applicationId)
            throw discordErrors.unknownWebhook();
        const record = this.#records.get(token);
        if (record === undefined || record.expired)
            throw discordErrors.invalidWebhookToken();
        return record;
    }

    #webhookMessageId(record: InteractionRecord, messageId: string): string {
        const id = messageId === "@original" ? record.originalMessageId : messageId;
        if (id === undefined || (id !== record.originalMessageId && !record.followUpIds.has(id)))
            throw discordErrors.unknownMessage();
        return id;
    }
}

/**
 * Discord offers a command only in the contexts it lists and through the installations it lists
 * (https://discord.com/developers/docs/interactions/application-commands#contexts; absent lists mean
 * all); a test sending one Discord would not offer is a broken test.
 */
function checkOffered(command: APIApplicationCommand, context: InteractionContextType, installations: readonly ApplicationIntegrationType[]): void {
    if (command.contexts != null && !command.contexts.includes(context))
        throw new Error(`Discord offers /${command.name} in no context ${context}: its contexts are ${JSON.stringify(command.contexts)}`);
    const types = command.integration_types;
    if (types != null && !installations.some((installation) => types.includes(installation)))
        throw new Error(`Discord offers /${command.name} through no installation ${JSON.stringify(installations)}: its integration_types are ${JSON.stringify(types)}`);
}

/** Responses to slash commands are marked as such; those to components and modals are plain messages. */
function responseType(payload: SentInteraction): MessageType {
    return payload.type === InteractionType.ApplicationCommand ? MessageType.ChatInputCommand : MessageType.Default;
}

/**
 * A modal's submission in the layout it was shown in: discord.js 14.28 reads both the newer label
 * components (type 18, one input each) and the legacy action rows of text inputs.
 */
function submittedComponents(modal: APIModalInteractionResponseCallbackData, fields: Readonly<Record<string, string | readonly string[]>>): APIModalSubmissionComponent[] {
    const known = new Set<string>();
    const submit = (input: {type: ComponentType, custom_id?: string, id?: number}): ModalSubmitComponent => {
        const customId = input.custom_id ?? raise(new Error(`The modal ${modal.custom_id} has an input without custom_id`));
        known.add(customId);
        const value = fields[customId];
        const answer = Array.isArray(value) ? {values: [...value]} : input.type === ComponentType.TextInput ? {value: value ?? ""} : {values: value === undefined ? [] : [value]};
        return {type: input.type, custom_id: customId, ...(input.id === undefined ? {} : {id: input.id}), ...answer} as ModalSubmitComponent;
    };
    const components = modal.components.flatMap((component): APIModalSubmissionComponent[] => {
        switch (component.type) {
            case ComponentType.ActionRow:
                return [{type: ComponentType.ActionRow, components: component.components.map((input) => submit(input) as Extract<ModalSubmitComponent, {type: ComponentType.TextInput}>)}];
            case ComponentType.Label:
                return [{type: ComponentType.Label, component: submit(component.component)}];
            case ComponentType.TextDisplay:
                return [{type: ComponentType.TextDisplay, ...(component.id === undefined ? {} : {id: component.id})}];
            default:
                return [];
        }
    });
    const unknown = Object.keys(fields).filter((customId) => !known.has(customId));
    if (unknown.length > 0)
        throw new Error(`The modal ${modal.custom_id} has no inputs ${unknown.join(", ")}`);
    return components;
}
