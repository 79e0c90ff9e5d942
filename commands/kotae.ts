import {solveModes} from "../src/solver/SolveMode.js";
import type {CommandDefinition} from "./CommandDefinition.js";

/** What a moderator changed; undefined = leave as it is. `channels` is "all" or channel mentions/ids. */
export type SettingsCommandRequest = {
    readonly channels?: string,
    readonly mode?: string,
    readonly profile?: string,
    readonly theme?: string,
    readonly solvesPerHour?: number,
    readonly followUpsNeedMention?: boolean
};

export const settingsCommand: CommandDefinition<SettingsCommandRequest> = {
    name: "settings",
    description: {ja: "このサーバーでの Kotae の設定（管理者のみ）", en: "Kotae's settings for this server (moderators only)"},
    options: [
        {name: "channels", localizedNames: {ja: "チャンネル", en: "channels"}, type: "string", required: false, maxLength: 1000,
            description: {ja: "使えるチャンネル（#チャンネルを並べる、または all）", en: "Channels Kotae answers in (#channels, or all)"}},
        {name: "mode", localizedNames: {ja: "モード", en: "mode"}, type: "string", required: false,
            description: {ja: "標準の解き方", en: "Default solving mode"},
            choices: solveModes.map((mode) => ({value: mode, label: {ja: mode, en: mode}}))},
        {name: "profile", localizedNames: {ja: "プロファイル", en: "profile"}, type: "string", required: false, maxLength: 100,
            description: {ja: "使うモデルのプロファイル", en: "Model profile"}},
        {name: "theme", localizedNames: {ja: "テーマ", en: "theme"}, type: "string", required: false,
            description: {ja: "答えの画像の色", en: "Colours of answer images"},
            choices: [{value: "light", label: {ja: "ライト", en: "light"}}, {value: "dark", label: {ja: "ダーク", en: "dark"}}]},
        {name: "solves_per_hour", localizedNames: {ja: "1時間あたりの質問数", en: "solves_per_hour"}, type: "integer", required: false,
            minValue: 1, maxValue: 1000, description: {ja: "1人が1時間に送れる問題の数", en: "Problems one member may send per hour"}},
        {name: "followups_need_mention", localizedNames: {ja: "続きの質問にメンション", en: "followups_need_mention"}, type: "boolean", required: false,
            description: {ja: "スレッドでの続きの質問にメンションを必要とする", en: "Follow-ups in threads need an @mention"}}
    ],
    toRequest: (values) => ({
        ...(values["channels"] != null ? {channels: values["channels"]} : {}),
        ...(values["mode"] != null ? {mode: values["mode"]} : {}),
        ...(values["profile"] != null ? {profile: values["profile"]} : {}),
        ...(values["theme"] != null ? {theme: values["theme"]} : {}),
        ...(values["solves_per_hour"] != null ? {solvesPerHour: Number(values["solves_per_hour"])} : {}),
        ...(values["followups_need_mention"] != null ? {followUpsNeedMention: values["followups_need_mention"] === "true"} : {})
    })
};

export const helpCommand: CommandDefinition<Record<string, never>> = {
    name: "help",
    description: {ja: "Kotae の使い方", en: "How to use Kotae"},
    options: [],
    toRequest: () => ({})
};

export const forgetMeCommand: CommandDefinition<Record<string, never>> = {
    name: "forget-me",
    description: {ja: "あなたの質問と記録をすべて削除します", en: "Delete all your questions and records"},
    options: [],
    toRequest: () => ({})
};

/** `/kotae settings`, `/kotae help` and `/kotae forget-me`. */
export const kotaeCommand: CommandDefinition<Record<string, never>> = {
    name: "kotae",
    description: {ja: "Kotae の設定と使い方", en: "Kotae's settings and help"},
    options: [],
    subcommands: [settingsCommand, helpCommand, forgetMeCommand],
    toRequest: () => ({})
};
