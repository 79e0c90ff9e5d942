import type {CommunitySettings} from "../domain/CommunitySettings.js";
import type {Requester} from "../domain/Requester.js";
import {ErrorCode, KotaeError} from "../errors/ErrorCode.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";

/** Everything a check may look at, as every chat adapter can provide it. */
export type PreconditionContext = {
    readonly requester: Requester,
    /** The channel the command was used in (for a thread: its parent channel). */
    readonly channelId: string | undefined,
    readonly settings: CommunitySettings | undefined,
    /** Whether the user may manage the community (Discord: Manage Server; Slack: workspace admin). */
    readonly isModerator: boolean
};

/** A reusable check before a command runs: undefined to go on, or the error to answer with. */
export type Precondition = (context: PreconditionContext) => KotaeError | undefined;

const hour = 60 * 60 * 1000;

/** Moderators may keep Kotae to some channels. Moderators themselves may use it anywhere (to test). */
export const channelAllowed: Precondition = ({settings, channelId, isModerator}) => {
    const allowed = settings?.allowedChannels;
    if (allowed == null || isModerator || (channelId != null && allowed.includes(channelId)))
        return undefined;
    return new KotaeError(ErrorCode.ChannelNotAllowed, `Channel ${channelId ?? "(none)"} is not among the allowed channels`);
};

export const moderatorOnly: Precondition = ({isModerator}) =>
    isModerator ? undefined : new KotaeError(ErrorCode.NotPermitted, "Only moderators may do this");

/**
 * At most `solvesPerHour` accepted problems per user and community in any hour, counted from the
 * database, so the limit holds across restarts and between adapters. Moderators are not limited.
 */
export function withinRateLimit(store: KotaeStore, now: () => Date = () => new Date()): Precondition {
    return ({settings, requester, isModerator}) => {
        const limit = settings?.solvesPerHour;
        if (limit == null || isModerator)
            return undefined;
        const current = now();
        const {count, oldest} = store.interactions.recentSolves(requester, new Date(current.getTime() - hour));
        if (count < limit)
            return undefined;
        const seconds = Math.max(1, Math.ceil(((oldest?.getTime() ?? current.getTime()) + hour - current.getTime()) / 1000));
        return new KotaeError(ErrorCode.RateLimited, `${count} problems in the last hour (limit ${limit})`, {params: {seconds}});
    };
}

/** Runs checks in order; the first refusal wins. */
export function checkPreconditions(context: PreconditionContext, ...checks: readonly Precondition[]): KotaeError | undefined {
    for (const check of checks) {
        const refusal = check(context);
        if (refusal != null)
            return refusal;
    }
    return undefined;
}
