import {runningPlatform, type Platform} from "../Platform.js";
import {crossCheckDiscord, discordSettings} from "./discordSettings.js";

/** Kotae on Discord (discord.js): runs when the `discord` section has a token. */
export const discordPlatform: Platform<"discord", typeof discordSettings> = {
    name: "discord",
    title: "Discord",
    settings: discordSettings,
    enableWith: "KOTAE_DISCORD_TOKEN and KOTAE_DISCORD_APPLICATION_ID",
    crossCheck: crossCheckDiscord,
    configured: (section) => section.token != null,
    start: async ({runtime, config}) => {
        const {DiscordAdapter} = await import("./DiscordAdapter.js");
        const discord = await DiscordAdapter.start(runtime, config);
        return runningPlatform(`Discord: connected as ${discord.user ?? "the bot"}. Register the commands once with: npm run deploy-commands`, () => discord.close());
    }
};
