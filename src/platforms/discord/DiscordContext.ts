import {PermissionFlagsBits, type Client, type Interaction, type Message} from "discord.js";
import type {KotaeRuntime} from "../../app/KotaeRuntime.js";
import type {KotaeConfig} from "../../config/KotaeConfig.js";
import type {Requester} from "../../domain/Requester.js";
import type {KotaeLogger} from "../../observability/KotaeLogger.js";
import type {EffectiveSettings} from "../../app/effectiveSettings.js";
import {communityOf, type RequestPlace} from "../../app/RequestPlace.js";
import type {Asker} from "../../app/SolveProblem.js";
import type {RepliesUnderWay} from "../shared/RepliesUnderWay.js";
import {placeOf} from "./discordPlace.js";

/** What every Discord feature shares: the runtime (engine, store, renderer), the settings and the client. */
export type DiscordContext = {
    readonly runtime: KotaeRuntime,
    readonly config: KotaeConfig,
    readonly client: Client,
    /** Handlers still answering (a solve's final reply, a follow-up), which a shutdown lets finish. */
    readonly answering: RepliesUnderWay,
    /** The runtime's logger, as the Discord component. */
    readonly log: KotaeLogger
};

export const platform = "discord";

/**
 * Runs an event's handler so that a shutdown waits for its reply. A handler that throws (Discord
 * unreachable mid-reply, a bug) is one line for the operator, its stack only in debug; the request
 * itself is already in the database.
 */
export function trackReply(context: DiscordContext, discordId: string, handler: Promise<void>): void {
    void context.answering.track(handler, (error) => context.log.error({err: error}, `interaction ${discordId} failed`));
}

/**
 * Who asked, where. The workspace is the community whose limits count (none for a DM or a user install
 * where Kotae is no member: those share the student's one bot-wide hourly count).
 */
export function requesterOf(source: Interaction | Message): Requester {
    const communityId = communityOf(placeOf(source));
    const user = "author" in source ? source.author : source.user;
    const channel = source.channel;
    const threadParent = channel?.isThread() === true ? channel.parentId ?? undefined : undefined;
    const locale = "locale" in source ? source.locale : source.guild?.preferredLocale;
    return {
        platform,
        userId: user.id,
        ...(communityId != null ? {workspaceId: communityId} : {}),
        ...(source.channelId != null ? {channelId: threadParent ?? source.channelId} : {}),
        ...(threadParent != null && source.channelId != null ? {threadId: source.channelId} : {}),
        ...(locale != null ? {locale} : {})
    };
}

export function isModerator(source: Interaction): boolean {
    return source.memberPermissions?.has(PermissionFlagsBits.ManageGuild) === true;
}

/** The person using an interaction and where they are, as the use cases take them. */
export function askerOf(source: Interaction): Asker {
    return {requester: requesterOf(source), isModerator: isModerator(source), place: placeOf(source)};
}

/**
 * The settings where a request was asked: its server's with Kotae's defaults, the bot-wide defaults in
 * DMs and user installs; without the MessageContent intent, follow-ups need a mention.
 */
export function settingsFor(context: DiscordContext, place: RequestPlace): EffectiveSettings {
    return context.runtime.useCases.communitySettings.at(platform, place, !context.config.discord.messageContent);
}
