import {z} from "zod";
import {strictNumber} from "../../config/strictNumber.js";
import type {SectionOf, SettingsSchema} from "../../config/KotaeConfig.js";

/** The `slack` section of the configuration. */
export const slackSettings = {
    botToken: {env: "KOTAE_SLACK_BOT_TOKEN", secret: true, schema: z.string().regex(/^xoxb-[\w-]+$/, "must be a bot token (xoxb-…)").optional(),
        help: "Slack bot token (OAuth & Permissions → Bot User OAuth Token). Starts the Slack adapter in `kotae serve`."},
    signingSecret: {env: "KOTAE_SLACK_SIGNING_SECRET", secret: true, schema: z.string().regex(/^[0-9a-f]{16,}$/, "must be the hex signing secret").optional(),
        help: "Slack signing secret (Basic Information): HTTP mode, where Slack calls Kotae's port."},
    appToken: {env: "KOTAE_SLACK_APP_TOKEN", secret: true, schema: z.string().regex(/^xapp-[\w-]+$/, "must be an app-level token (xapp-…)").optional(),
        help: "Slack app-level token with connections:write: Socket Mode (no public URL needed); used instead of HTTP mode when set."},
    port: {env: "KOTAE_SLACK_PORT", schema: strictNumber({min: 0, max: 65_535}).default(3000),
        help: "Port Slack's HTTP requests arrive on (HTTP mode; route /slack/events)."},
    apiUrl: {env: "KOTAE_SLACK_API_URL", schema: z.url().optional(),
        help: "Slack Web API base (…/api/) for a proxy; default Slack's own."}
} as const satisfies SettingsSchema;

export type SlackSettings = SectionOf<typeof slackSettings>;

/** The bot token alone receives nothing: Slack's requests need the signing secret (HTTP mode) or the app token (Socket Mode). */
export function crossCheckSlack(section: SlackSettings): string[] {
    return section.botToken != null && section.signingSecret == null && section.appToken == null
        ? ["KOTAE_SLACK_SIGNING_SECRET (HTTP mode) or KOTAE_SLACK_APP_TOKEN (Socket Mode): one is required with the Slack bot token"]
        : [];
}
