import {AllowedMentionsTypes, type APIAllowedMentions} from "discord.js";
import {discordErrors, type FormProblem} from "./DiscordHttpError.js";

/** Who a message pings, as Discord records it on the message (`mention_everyone`, `mentions`, `mention_roles`). */
export type Mentions = {
    /** `@everyone` or `@here` in the content, and allowed to ping. */
    readonly everyone: boolean,
    /** User ids, replied-to author included. */
    readonly users: readonly string[],
    readonly roles: readonly string[]
};

const maxListedIds = 100;

/**
 * The pings of a message, as Discord derives them: `@everyone`, `@here`, `<@id>`, `<@!id>` and `<@&id>`
 * written in the content (plus the replied-to author), each kept only where `allowed_mentions` allows
 * it. Without `allowed_mentions`, everything written pings; with it, only what its `parse` types,
 * `users` and `roles` lists and `replied_user` name.
 * https://discord.com/developers/docs/resources/message#allowed-mentions-object
 */
export function resolveMentions(content: string, allowed: APIAllowedMentions | undefined, repliedToUserId: string | undefined): Mentions {
    const writtenUsers = [...content.matchAll(/<@!?(\d+)>/g)].map((match) => match[1]!);
    const writtenRoles = [...content.matchAll(/<@&(\d+)>/g)].map((match) => match[1]!);
    const writtenEveryone = /@(everyone|here)/.test(content);
    if (allowed === undefined) {
        return {
            everyone: writtenEveryone,
            users: unique([...writtenUsers, ...(repliedToUserId === undefined ? [] : [repliedToUserId])]),
            roles: unique(writtenRoles)
        };
    }
    checkAllowedMentions(allowed);
    const parses = (type: AllowedMentionsTypes): boolean => allowed.parse?.includes(type) === true;
    const users = writtenUsers.filter((id) => parses(AllowedMentionsTypes.User) || allowed.users?.includes(id) === true);
    // `replied_user` defaults to false once `allowed_mentions` is sent.
    if (repliedToUserId !== undefined && allowed.replied_user === true)
        users.push(repliedToUserId);
    return {
        everyone: writtenEveryone && parses(AllowedMentionsTypes.Everyone),
        users: unique(users),
        roles: unique(writtenRoles.filter((id) => parses(AllowedMentionsTypes.Role) || allowed.roles?.includes(id) === true))
    };
}

/** Discord's 400s for `allowed_mentions`: a type both parsed and listed, or a list over 100 ids. */
function checkAllowedMentions(allowed: APIAllowedMentions): void {
    const problems: FormProblem[] = [];
    for (const [type, list] of [[AllowedMentionsTypes.User, allowed.users], [AllowedMentionsTypes.Role, allowed.roles]] as const) {
        if (list !== undefined && allowed.parse?.includes(type) === true)
            problems.push({path: ["allowed_mentions", "parse"], code: "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", message: `parse:["${type}"] and ${type}: [ids] are mutually exclusive.`});
        if (list !== undefined && list.length > maxListedIds)
            problems.push({path: ["allowed_mentions", type], code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${maxListedIds} or fewer in length.`});
    }
    if (problems.length > 0)
        throw discordErrors.invalidFormBody(problems);
}

function unique(ids: readonly string[]): string[] {
    return [...new Set(ids)];
}
