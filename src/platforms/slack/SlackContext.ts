import {type ChannelPacer, ChannelPacerClosedError} from "./ChannelPacer.js";
import type {App} from "@slack/bolt";
import type {webApi} from "@slack/bolt";
import type {KotaeRuntime} from "../../app/KotaeRuntime.js";
import type {KotaeConfig} from "../../config/KotaeConfig.js";
import type {Requester} from "../../domain/Requester.js";
import type {KotaeLogger} from "../../observability/KotaeLogger.js";
import type {EffectiveSettings} from "../../app/effectiveSettings.js";
import type {RequestPlace} from "../../app/RequestPlace.js";
import type {Asker} from "../../app/SolveProblem.js";
import {ProgressBudget} from "../shared/ProgressBudget.js";
import type {RepliesUnderWay} from "../shared/RepliesUnderWay.js";

export const platform = "slack";

type UserFacts = {readonly locale: string | undefined, readonly isAdmin: boolean};

/** What every Slack feature shares. */
export type SlackContext = {
    readonly runtime: KotaeRuntime,
    readonly config: KotaeConfig,
    readonly app: App,
    /** Solves still answering (their final update, a restart notice), which a shutdown lets finish. */
    readonly answering: RepliesUnderWay,
    /** Progress edits (chat.update) each workspace's solves share: Slack's Tier 3 allows about 50 a minute. */
    readonly progressBudgets: Map<string, ProgressBudget>,
    /** Every message write's turn in its channel (Slack: about one a second per channel). */
    readonly pacer: ChannelPacer,
    /** users.info answers (locale, admin), cached: every command needs them and the API is rate-limited. */
    readonly users: Map<string, Promise<UserFacts>>,
    /** The runtime's logger, as the Slack component (Bolt's own errors go there too). */
    readonly log: KotaeLogger
};

/** A handler that threw (Slack unreachable mid-reply, a bug): one line for the operator, its stack only in debug; the request itself is already logged. */
export function logFailure(context: SlackContext, what: string, error: unknown): void {
    if (error instanceof ChannelPacerClosedError) return; // counted in the one line close() logs
    context.log.error({err: error}, `${what} failed`);
}

/** A user's Slack locale and whether they administer the workspace (cached). */
export function userFacts(context: SlackContext, client: webApi.WebClient, userId: string): Promise<UserFacts> {
    let facts = context.users.get(userId);
    if (facts == null) {
        facts = client.users.info({user: userId, include_locale: true}).then(
            ({user}) => ({locale: user?.locale, isAdmin: user?.is_admin === true || user?.is_owner === true}),
            () => ({locale: undefined, isAdmin: false}));
        context.users.set(userId, facts);
    }
    return facts;
}

/** chat.update calls for progress per workspace and minute, leaving room under Tier 3's ~50 for final answers. */
const progressUpdatesPerMinute = 40;

/** The progress budget a workspace's solves share (one for a solve without a workspace id). */
export function progressBudget(context: SlackContext, teamId: string | undefined): ProgressBudget {
    const key = teamId ?? "";
    let budget = context.progressBudgets.get(key);
    if (budget == null) {
        budget = new ProgressBudget(progressUpdatesPerMinute);
        context.progressBudgets.set(key, budget);
    }
    return budget;
}

/** A thread is named by its channel and root message, since Slack's timestamps are unique per channel only. */
export function threadKey(channelId: string, threadTs: string): string {
    return `${channelId}/${threadTs}`;
}

export async function requesterOf(context: SlackContext, client: webApi.WebClient, where: {
    userId: string, teamId: string | undefined, channelId: string | undefined, threadTs?: string | undefined
}): Promise<Requester> {
    const {locale} = await userFacts(context, client, where.userId);
    return {
        platform,
        userId: where.userId,
        ...(where.teamId != null ? {workspaceId: where.teamId} : {}),
        ...(where.channelId != null ? {channelId: where.channelId} : {}),
        ...(where.threadTs != null && where.channelId != null ? {threadId: threadKey(where.channelId, where.threadTs)} : {}),
        ...(locale != null ? {locale} : {})
    };
}

/** The person and where they asked, as the use cases take them: a workspace admin or owner counts as a moderator. */
export async function askerOf(context: SlackContext, client: webApi.WebClient, where: Parameters<typeof requesterOf>[2]): Promise<Asker> {
    const requester = await requesterOf(context, client, where);
    return {requester, isModerator: (await userFacts(context, client, where.userId)).isAdmin, place: slackPlace(where.teamId, where.channelId)};
}

/**
 * Where on Slack a request was asked: the app's DM with the student (an `im`, whose id starts with D:
 * https://api.slack.com/types/im) is `direct`, inside the workspace whose limits still count; any other
 * conversation is the workspace's.
 */
export function slackPlace(teamId: string | undefined, channelId: string | undefined): RequestPlace {
    const communityId = teamId ?? "";
    return channelId?.startsWith("D") === true ? {kind: "direct", communityId} : {kind: "community", communityId};
}

/**
 * The workspace's settings with Kotae's defaults (in the app's DM without the channel list, which names
 * channels, never a DM); thread replies reach the bot anyway, so no mention by default.
 */
export function settingsFor(context: SlackContext, place: RequestPlace): EffectiveSettings {
    return context.runtime.useCases.communitySettings.at(platform, place);
}
