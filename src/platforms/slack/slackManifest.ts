import {solveCommand} from "../../../commands/solve.js";
import {kotaeCommand} from "../../../commands/kotae.js";
import {texCommand} from "../../../commands/tex.js";

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
            // The Messages tab: students DM the app their problems; the Home tab: a student's recent problems, and
            // the settings for workspace admins (https://api.slack.com/reference/manifests#features).
            app_home: {home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: false},
            slash_commands: [
                command(solveCommand.name, solveCommand.description.ja, "1から100までの自然数の和を求めてください mode:tir style:sansu"),
                command(kotaeCommand.name, kotaeCommand.description.ja, "settings | help | forget-me"),
                command(texCommand.name, texCommand.description.ja, "解は $x = \\frac{1}{2}$ です theme:dark")
            ]
        },
        oauth_config: {
            scopes: {
                bot: [
                    "commands",          // /solve, /kotae, /tex
                    "chat:write",        // the answer message and its updates
                    "files:write",       // answer cards, solution pages and /tex images (and deleting those)
                    "users:read",        // locale (ja/en) and whether a user is an admin (the Home tab's settings too)
                    "channels:history",  // replies in an answer's thread (follow-ups)
                    "app_mentions:read", // @Kotae in a thread
                    "im:history"         // problems and follow-ups in the app's DM (message.im)
                ]
            }
        },
        settings: {
            event_subscriptions: {request_url: requestUrl, bot_events: ["message.channels", "message.im", "app_mention", "app_home_opened"]},
            interactivity: {is_enabled: true, request_url: requestUrl},
            org_deploy_enabled: false,
            socket_mode_enabled: false,
            token_rotation_enabled: false
        }
    };
}
