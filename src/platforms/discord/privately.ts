import {MessageFlags} from "discord.js";

/**
 * The reply options that show a reply to its user alone, or to everyone when `isPrivate` is false.
 * discord.js 14.17+ takes the Ephemeral message flag; its older `ephemeral: true` warns on every use.
 */
export function privately(isPrivate = true): {readonly flags?: MessageFlags.Ephemeral} {
    return isPrivate ? {flags: MessageFlags.Ephemeral} : {};
}
