import {discordPlatform} from "./discord/discordPlatform.js";
import type {Platform} from "./Platform.js";
import {slackPlatform} from "./slack/slackPlatform.js";
import {webPlatform} from "./web/webPlatform.js";

/**
 * The platforms Kotae ships, one line each, in the order `serve` starts them (and stops them in reverse):
 * the web app first, so the playground's line comes before the chat platforms'.
 */
export const builtinPlatforms = [
    webPlatform,
    discordPlatform,
    slackPlatform
] as const;

/** The platforms a configuration is loaded with and `serve` runs: the built-in ones, or a test's list. */
export type PlatformRegistry = readonly Platform[];

/** A built-in platform's name: the `platform` of the requests it makes. */
export type PlatformName = typeof builtinPlatforms[number]["name"];

export const platformNames: readonly PlatformName[] = builtinPlatforms.map((platform) => platform.name);
