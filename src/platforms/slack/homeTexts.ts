import {resolveLocale, type Locale} from "../../i18n/messages.js";
import type {InteractionStatus} from "../../domain/Interaction.js";

/** The words of Kotae's App Home tab on Slack (the only platform with one). */
export type HomeTexts = {
    readonly recentTitle: string,
    /** The empty state: no problem yet, and how to send one. */
    readonly noProblems: string,
    readonly status: (status: InteractionStatus, answer: string | null) => string,
    readonly openThread: string,
    readonly askedAt: (date: string) => string,
    readonly settingsTitle: string,
    readonly settingsHint: string,
    readonly channelsPlaceholder: string,
    readonly solvesPerHourLabel: string,
    readonly solvesPerHourInvalid: string
};

const texts: Readonly<Record<Locale, HomeTexts>> = {
    ja: {
        recentTitle: "最近の質問",
        noProblems: "まだ質問がありません。チャンネルで `/solve 問題` と送ると、Kotae が途中の式と答えを返します"
            + "（例: `/solve 1から100までの自然数の和を求めてください`）。ここには最近の10問が表示されます。",
        status: (status, answer) => status === "answered" && answer != null ? `答え：${answer}`
            : status === "no_answer" ? "答えまでたどり着けませんでした"
            : status === "cancelled" ? "キャンセルされました"
            : status === "failed" ? "うまく解けませんでした"
            : "解いています…",
        openThread: "スレッドを開く",
        askedAt: (date) => `${date} の質問`,
        settingsTitle: "ワークスペースの設定（管理者のみ）",
        settingsHint: "選ぶとすぐに保存されます。チャンネルを選ばなければ、すべてのチャンネルで使えます。",
        channelsPlaceholder: "すべてのチャンネル",
        solvesPerHourLabel: "1人が1時間に送れる問題の数（Enter で保存）",
        solvesPerHourInvalid: "1時間あたりの問題数は 0〜9999 の整数で入力してください。"
    },
    en: {
        recentTitle: "Your recent problems",
        noProblems: "No problems yet. Send `/solve your problem` in a channel and Kotae answers step by step"
            + " (for example: `/solve What is 1+2+…+100?`). Your 10 latest problems are listed here.",
        status: (status, answer) => status === "answered" && answer != null ? `Answer: ${answer}`
            : status === "no_answer" ? "No final answer was reached"
            : status === "cancelled" ? "Cancelled"
            : status === "failed" ? "Kotae could not solve it"
            : "Solving…",
        openThread: "Open the thread",
        askedAt: (date) => `Asked ${date}`,
        settingsTitle: "Workspace settings (admins only)",
        settingsHint: "Each choice is saved at once. With no channel chosen, Kotae answers in every channel.",
        channelsPlaceholder: "All channels",
        solvesPerHourLabel: "Problems one member may send per hour (Enter saves)",
        solvesPerHourInvalid: "Problems per hour must be a whole number from 0 to 9999."
    }
};

export function homeTexts(locale: string | undefined): HomeTexts {
    return texts[resolveLocale(locale)];
}
