import {runningPlatform, type Platform} from "../Platform.js";
import {crossCheckSlack, slackSettings} from "./slackSettings.js";

/** Kotae on Slack (Bolt, HTTP or Socket Mode): runs when the `slack` section has a bot token. */
export const slackPlatform: Platform<"slack", typeof slackSettings> = {
    name: "slack",
    title: "Slack",
    settings: slackSettings,
    enableWith: "KOTAE_SLACK_BOT_TOKEN with KOTAE_SLACK_SIGNING_SECRET or KOTAE_SLACK_APP_TOKEN",
    crossCheck: crossCheckSlack,
    configured: (section) => section.botToken != null,
    start: async ({runtime, config}) => {
        const {SlackAdapter} = await import("./SlackAdapter.js");
        const slack = await SlackAdapter.start(runtime, config);
        return runningPlatform(slack.port != null ? `Slack: listening for Slack's requests on port ${slack.port} (/slack/events).` : "Slack: connected in Socket Mode.",
            () => slack.close());
    }
};
