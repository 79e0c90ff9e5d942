import type {BlockAction, BlockElementAction, webApi} from "@slack/bolt";
import type {Requester} from "../../domain/Requester.js";
import {localize} from "../../i18n/messages.js";
import {uiTexts} from "../../i18n/uiTexts.js";
import {homeTexts} from "./homeTexts.js";
import {homeView, type HomeProblem, type HomeSettings} from "./homeView.js";
import {settingsCommand} from "../../../commands/kotae.js";
import {ErrorCode} from "../../errors/ErrorCode.js";
import {isSolvesPerHour, slackChannelIds} from "./settingsFeature.js";
import {homeActionIds, homeActionPrefix} from "./slackBlocks.js";
import {askerOf, logFailure, requesterOf, settingsFor, slackPlace, userFacts, type SlackContext} from "./SlackContext.js";
import {reportView} from "./solveFeature.js";

/** Permalinks kept (they never change), by thread; past this many the cache starts over. */
const permalinkCacheSize = 10_000;

/**
 * The App Home tab (https://api.slack.com/surfaces/app-home): on `app_home_opened` with `tab: "home"`
 * (https://api.slack.com/events/app_home_opened) Kotae publishes the person's view with views.publish
 * (https://api.slack.com/methods/views.publish): their recent problems with the report button, and for
 * workspace admins and owners (users.info `is_admin` / `is_owner`) the workspace's settings with controls.
 * Each control sends `block_actions` from the home view at once
 * (https://api.slack.com/reference/interaction-payloads/block-actions); the change goes through the
 * settings use case, which refuses and logs anyone who is not an admin (a forged payload included), and
 * the tab is published again to show the result.
 */
export function registerHome(context: SlackContext): void {
    const {app, runtime} = context;
    const permalinks = new Map<string, Promise<string | undefined>>();

    const permalinkOf = (client: webApi.WebClient, threadId: string | null): Promise<string | undefined> => {
        const [channel, ts] = threadId?.split("/") ?? [];
        if (threadId == null || channel == null || ts == null)
            return Promise.resolve(undefined);
        let link = permalinks.get(threadId);
        if (link == null) {
            // A failed lookup is not kept: the next opening asks again. The problem is listed without its link meanwhile.
            link = client.chat.getPermalink({channel, message_ts: ts}).then(({permalink}) => permalink, () => {
                permalinks.delete(threadId);
                return undefined;
            });
            if (permalinks.size >= permalinkCacheSize) permalinks.clear();
            permalinks.set(threadId, link);
        }
        return link;
    };

    const publish = async (client: webApi.WebClient, requester: Requester, notice?: string): Promise<void> => {
        const {isAdmin} = await userFacts(context, client, requester.userId);
        const problems: HomeProblem[] = await Promise.all(runtime.useCases.recentProblems(requester).map(async (problem) =>
            ({...problem, permalink: await permalinkOf(client, problem.threadId)})));
        const settings: HomeSettings | undefined = isAdmin && requester.workspaceId != null ? {
            stored: settingsFor(context, slackPlace(requester.workspaceId, undefined)).stored,
            defaults: {
                mode: context.config.mode, profile: context.config.profile, theme: context.config.theme,
                solvesPerHour: context.config.solvesPerHour, followUpsNeedMention: false
            },
            profiles: runtime.profiles.names(),
            notice
        } : undefined;
        const texts = {home: homeTexts(requester.locale), ui: uiTexts(requester.locale)};
        await client.views.publish({user_id: requester.userId, view: homeView(problems, texts, settings)});
    };

    app.event("app_home_opened", async ({event, body, client}) => {
        if (event.tab !== "home")
            return;
        try {
            await publish(client, await requesterOf(context, client, {userId: event.user, teamId: body.team_id, channelId: undefined}));
        } catch (error) {
            logFailure(context, "publishing the App Home tab", error);
        }
    });

    const onAction = async (client: webApi.WebClient, body: BlockAction, action: BlockElementAction): Promise<void> => {
        const teamId = body.team?.id;
        const asker = await askerOf(context, client, {userId: body.user.id, teamId, channelId: undefined});
        const {requester} = asker;
        if (action.action_id === homeActionIds.report && action.type === "button") {
            const interactionId = Number(action.value);
            if ("original" in runtime.useCases.answers.press("report", interactionId, requester))
                await client.views.open({trigger_id: body.trigger_id, view: reportView(interactionId, uiTexts(requester.locale))});
            return;
        }
        const name = action.action_id.slice(homeActionPrefix.length);
        const value = action.type === "static_select" ? action.selected_option?.value
            : action.type === "multi_channels_select" ? (action.selected_channels.length > 0 ? action.selected_channels.join(" ") : "all")
            : action.type === "plain_text_input" ? action.value.trim()
            : undefined;
        const texts = homeTexts(requester.locale);
        if (value == null || (asker.isModerator && name === "solves_per_hour" && !isSolvesPerHour(value))) {
            // A select emptied (Slack sends no option) changes nothing; a limit that is no number is explained.
            await publish(client, requester, value == null ? undefined : texts.solvesPerHourInvalid);
            return;
        }
        const outcome = runtime.useCases.communitySettings.change(asker, settingsCommand.toRequest({[name]: value}), slackChannelIds);
        const refused = "refusal" in outcome && outcome.refusal.code === ErrorCode.NotPermitted;
        if (refused)
            context.log.warn({action: action.action_id}, "A settings change from the App Home tab of someone who is not a workspace admin was refused");
        await publish(client, requester, !("refusal" in outcome) ? uiTexts(requester.locale).settingsSaved
            : refused ? undefined : localize(outcome.refusal.code, requester.locale, outcome.refusal.params));
    };

    app.action({type: "block_actions", action_id: new RegExp(`^${homeActionPrefix}`)}, async ({ack, body, action, client}) => {
        await ack();
        if (body.view?.type !== "home")
            return;
        try {
            await onAction(client, body, action);
        } catch (error) {
            logFailure(context, "a Home tab action", error);
        }
    });
}
