import {ApplicationIntegrationType, InteractionContextType, type Interaction, type Message} from "discord.js";
import type {RequestPlace} from "../../app/RequestPlace.js";

/**
 * Where on Discord a request was asked
 * (https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object-interaction-context-types,
 * https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object-authorizing-integration-owners-object):
 * - context BOT_DM (1): a DM with Kotae's bot user → `direct`.
 * - context PRIVATE_CHANNEL (2): a group DM or a DM between other users, reached only through the
 *   user-installed app; the bot is no member and the others there must not read the student's problem
 *   → `elsewhere`.
 * - context GUILD (0): a community only when the app is installed to that very server (the GUILD_INSTALL
 *   owner is the server's id). Used through a user install alone, the bot is not in the server, can
 *   neither post nor start threads there, and only the interaction token reaches the channel → `elsewhere`.
 * Messages (follow-ups) reach the bot only where it is: a server's channel or its own DMs.
 */
export function placeOf(source: Interaction | Message): RequestPlace {
    if (!("authorizingIntegrationOwners" in source))
        return source.guildId != null ? {kind: "community", communityId: source.guildId} : {kind: "direct"};
    if (source.context === InteractionContextType.BotDM)
        return {kind: "direct"};
    const {guildId} = source;
    const installedHere = guildId != null && source.authorizingIntegrationOwners.guildId === guildId;
    return installedHere ? {kind: "community", communityId: guildId} : {kind: "elsewhere"};
}

/** Both ways to install Kotae: to a server (its members' commands, threads, settings) and to a student's account. */
export const integrationTypes = [ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall];

/** Servers, DMs with the bot, and (user-installed) group DMs and other people's DMs. */
export const interactionContexts = [InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel];
