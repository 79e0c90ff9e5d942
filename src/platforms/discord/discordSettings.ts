import {z} from "zod";
import {booleanSetting, settingLocation, type SectionOf, type SettingsSchema} from "../../config/KotaeConfig.js";

/** The `discord` section of the configuration. */
export const discordSettings = {
    token: {env: "KOTAE_DISCORD_TOKEN", secret: true, schema: z.string().regex(/^[\w-]{20,}\.[\w-]+\.[\w-]+$/, "does not look like a Discord bot token").optional(),
        help: "Discord bot token (Developer Portal → Bot → Reset Token). Starts the Discord adapter in `kotae serve`."},
    applicationId: {env: "KOTAE_DISCORD_APPLICATION_ID", schema: z.string().regex(/^\d{15,21}$/, "must be the numeric application id").optional(),
        help: "Discord application id (Developer Portal → General Information); needed with the token."},
    guildId: {env: "KOTAE_DISCORD_GUILD_ID", schema: z.string().regex(/^\d{15,21}$/, "must be a numeric server id").optional(),
        help: "deploy-commands registers the commands to this one server (instant, for development) instead of globally."},
    messageContent: {env: "KOTAE_DISCORD_MESSAGE_CONTENT", schema: booleanSetting.default(false),
        help: "Use the privileged MessageContent intent, so plain messages in a solution's thread are follow-ups (else @mention or /ask)."},
    apiUrl: {env: "KOTAE_DISCORD_API_URL", schema: z.url().optional(),
        help: "Discord REST API base (…/api) for a proxy; default Discord's own."},
    gatewayUrl: {env: "KOTAE_DISCORD_GATEWAY_URL", schema: z.url().optional(),
        help: "Discord gateway WebSocket URL for a proxy; default the one the API announces."}
} as const satisfies SettingsSchema;

export type DiscordSettings = SectionOf<typeof discordSettings>;

/** The token alone cannot register commands or be told apart from another bot's: it needs the application id. */
export function crossCheckDiscord(section: DiscordSettings): string[] {
    return section.token != null && section.applicationId == null
        ? [`${settingLocation("discord.applicationId", discordSettings.applicationId)}: required with the Discord token`]
        : [];
}
