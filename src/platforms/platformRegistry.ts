import {discordPlatform} from "./discord/discordPlatform.js";
import type {PlatformName} from "../domain/RequestOrigin.js";
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

/** Every built-in platform's name is one the domain knows (src/domain/RequestOrigin.ts); this line does not compile otherwise. */
export const registeredPlatformNames: readonly PlatformName[] = builtinPlatforms.map((platform) => platform.name);
