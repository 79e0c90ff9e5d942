import type {types} from "@slack/bolt";
import type {RecentProblem} from "../../app/recentProblems.js";
import {describeSettings} from "../shared/describeSettings.js";
import type {CommunitySettings} from "../../domain/CommunitySettings.js";
import type {UiTexts} from "../../i18n/uiTexts.js";
import {solveModes} from "../../solver/SolveMode.js";
import type {HomeTexts} from "./homeTexts.js";
import {homeActionIds} from "./slackBlocks.js";

type KnownBlock = types.KnownBlock;

/** A problem on the Home tab, with the link to its thread when Slack gave one. */
export type HomeProblem = RecentProblem & {readonly permalink: string | undefined};

/** What a workspace admin's Home tab shows of the settings: as stored, the defaults where none was chosen, and the profiles to pick from. */
export type HomeSettings = {
    readonly stored: CommunitySettings,
    readonly defaults: {mode: string, profile: string, theme: string, solvesPerHour: number, followUpsNeedMention: boolean},
    readonly profiles: readonly string[],
    /** A line above the controls: saved, or why a change was not. */
    readonly notice?: string | undefined
};

/** Slack's plain_text objects hold 3 000 characters; a problem is shortened well before, to keep the list readable. */
const questionChars = 150;
const answerChars = 200;

/**
 * The App Home tab: the student's recent problems (question, answer or status, a link to the thread, the
 * report button), or how to ask when there are none; for workspace admins, the settings with controls.
 * People's and the model's words are plain_text objects: Slack shows them as written, so `<!channel>`,
 * `<@U…>` or `*bold*` in them notify nobody and format nothing.
 */
export function homeView(problems: readonly HomeProblem[], texts: {home: HomeTexts, ui: UiTexts}, settings: HomeSettings | undefined): types.HomeView {
    return {
        type: "home",
        blocks: [
            {type: "header", text: {type: "plain_text", text: texts.home.recentTitle}},
            ...problems.length === 0
                ? [{type: "section" as const, text: {type: "mrkdwn" as const, text: texts.home.noProblems}}]
                : problems.flatMap((problem) => problemBlocks(problem, texts)),
            ...settings != null ? settingsBlocks(settings, texts.home) : []
        ]
    };
}

function problemBlocks(problem: HomeProblem, texts: {home: HomeTexts, ui: UiTexts}): KnownBlock[] {
    const status = texts.home.status(problem.status, problem.answer == null ? null : shortened(problem.answer, answerChars));
    const when = texts.home.askedAt(problem.askedAt.slice(0, 16).replace("T", " "));
    return [
        {type: "divider"},
        {
            type: "section",
            text: {type: "plain_text", text: `${shortened(problem.question, questionChars)}\n${status}`, emoji: false},
            ...problem.status === "answered" ? {
                accessory: {type: "button" as const, action_id: homeActionIds.report, value: String(problem.interactionId), style: "danger" as const,
                    text: {type: "plain_text" as const, text: texts.ui.report}}
            } : {}
        },
        {
            type: "context",
            elements: [
                {type: "plain_text", text: when, emoji: false},
                // Slack's own permalink, in Kotae's own mrkdwn: nothing a person or the model wrote is in it.
                ...problem.permalink != null ? [{type: "mrkdwn" as const, text: `<${problem.permalink}|${texts.home.openThread}>`}] : []
            ]
        }
    ];
}

function settingsBlocks(settings: HomeSettings, texts: HomeTexts): KnownBlock[] {
    const {stored, defaults} = settings;
    const option = (value: string) => ({text: {type: "plain_text" as const, text: value}, value});
    const select = (actionId: string, options: readonly string[], current: string) => ({
        type: "static_select" as const, action_id: actionId, options: options.map(option),
        ...options.includes(current) ? {initial_option: option(current)} : {}
    });
    return [
        {type: "divider"},
        {type: "header", text: {type: "plain_text", text: texts.settingsTitle}},
        {type: "section", text: {type: "mrkdwn", text: [
            ...settings.notice != null ? [`*${settings.notice}*`] : [],
            ...describeSettings(stored, defaults, (id) => `<#${id}>`),
            texts.settingsHint
        ].join("\n")}},
        {type: "actions", block_id: "kotae:home:choices", elements: [
            select(homeActionIds.mode, solveModes, stored.defaultMode ?? defaults.mode),
            select(homeActionIds.profile, settings.profiles.slice(0, 100), stored.profile ?? defaults.profile),
            select(homeActionIds.theme, ["light", "dark"], stored.theme ?? defaults.theme),
            select(homeActionIds.followUpsNeedMention, ["true", "false"], String(stored.followUpsNeedMention ?? defaults.followUpsNeedMention))
        ]},
        {type: "actions", block_id: "kotae:home:channels", elements: [{
            type: "multi_channels_select", action_id: homeActionIds.channels,
            placeholder: {type: "plain_text", text: texts.channelsPlaceholder},
            ...stored.allowedChannels != null && stored.allowedChannels.length > 0 ? {initial_channels: [...stored.allowedChannels]} : {}
        }]},
        {
            type: "input", block_id: "kotae:home:solves_per_hour", dispatch_action: true,
            label: {type: "plain_text", text: texts.solvesPerHourLabel},
            element: {
                type: "plain_text_input", action_id: homeActionIds.solvesPerHour, initial_value: String(stored.solvesPerHour ?? defaults.solvesPerHour),
                dispatch_action_config: {trigger_actions_on: ["on_enter_pressed"]}
            }
        }
    ];
}

function shortened(text: string, max: number): string {
    const characters = [...text.replace(/\s+/g, " ").trim()];
    return characters.length <= max ? characters.join("") : `${characters.slice(0, max - 1).join("")}…`;
}
