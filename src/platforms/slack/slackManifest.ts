import {solveCommand} from "../../../commands/solve.js";
import {kotaeCommand} from "../../../commands/kotae.js";

/**
 * The Slack app manifest (paste into api.slack.com → Create New App → From a manifest), built from the
 * same command definitions the adapter registers, with the smallest set of scopes Kotae uses.
 * HTTP mode: replace the host in the URLs; Socket Mode: set socket_mode_enabled and create an app token.
 */
export function slackManifest(requestUrl = "https://kotae.example.org/slack/events"): Record<string, unknown> {
    const command = (name: string, description: string, usageHint: string) => ({command: `/${name}`, url: requestUrl, description, usage_hint: usageHint, should_escape: false});
    return {
        display_information: {name: "Kotae", description: "数学の質問に、途中の式と答えの画像で答えます / Step-by-step math answers", background_color: "#0a5fc2"},
        features: {
            bot_user: {display_name: "Kotae", always_online: true},
            // The Home tab: a student's recent problems, and the settings for workspace admins.
            app_home: {home_tab_enabled: true},
            slash_commands: [
                command(solveCommand.name, solveCommand.description.ja, "1から100までの自然数の和を求めてください mode:tir style:sansu"),
                command(kotaeCommand.name, kotaeCommand.description.ja, "settings | help | forget-me")
            ]
        },
        oauth_config: {
            scopes: {
                bot: [
                    "commands",          // /solve, /kotae
                    "chat:write",        // the answer message and its updates
                    "files:write",       // answer cards and solution pages
                    "users:read",        // locale (ja/en) and whether a user is an admin (the Home tab's settings too)
                    "channels:history",  // replies in an answer's thread (follow-ups)
                    "app_mentions:read"  // @Kotae in a thread
                ]
            }
        },
        settings: {
            event_subscriptions: {request_url: requestUrl, bot_events: ["message.channels", "app_mention", "app_home_opened"]},
            interactivity: {is_enabled: true, request_url: requestUrl},
            org_deploy_enabled: false,
            socket_mode_enabled: false,
            token_rotation_enabled: false
        }
    };
}
