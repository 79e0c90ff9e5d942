/**
 * Where a chat request was asked, as far as the solve workflow cares: whose rules apply, who may see
 * the answer, and whether it may open a thread. Each platform decides the place from its own payload
 * (Discord's interaction `context` and `authorizing_integration_owners`, Slack's channel type); the
 * workflow reads only these three answers.
 *
 * - `community`: a channel of a server/workspace that installed Kotae. Its moderators' settings and
 *   limits apply, answers are public, a thread holds the follow-ups.
 * - `direct`: a DM between the student and Kotae. Nobody else reads it, so answers are ordinary
 *   messages there and never a thread (follow-ups continue in the DM itself).
 * - `elsewhere`: a place where Kotae is no member (a user-installed app in a server without the bot, a
 *   group DM): only the interaction's own replies reach it, and they are private to the student, since
 *   their problem must not go public in a room they did not choose to show it to.
 */
export type RequestPlace =
    | {readonly kind: "community", readonly communityId: string}
    /** `communityId`: the workspace around the DM, when the platform has one (Slack); its limits apply. */
    | {readonly kind: "direct", readonly communityId?: string}
    | {readonly kind: "elsewhere"};

/**
 * The community whose settings (mode, profile, theme, hourly limit) apply, undefined for Kotae's
 * bot-wide defaults. A Discord DM or a user install elsewhere belongs to no server's moderators.
 */
export function communityOf(place: RequestPlace): string | undefined {
    return place.kind === "elsewhere" ? undefined : place.communityId;
}

/** Whether moderators' channel list applies: it names a community's channels, never anyone's DM. */
export function channelListApplies(place: RequestPlace): boolean {
    return place.kind === "community";
}

/** Whether the answer and every message about it must be seen by the student alone (ephemeral). */
export function answersPrivately(place: RequestPlace): boolean {
    return place.kind === "elsewhere";
}

/** Whether the answer may open a public thread for follow-ups: only in a community's channel. */
export function opensThread(place: RequestPlace): boolean {
    return place.kind === "community";
}
