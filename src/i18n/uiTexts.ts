import {resolveLocale, type Locale} from "./messages.js";

/** The words of Kotae's chat UI (buttons, progress, summaries, the report form), shared by every adapter. */
export type UiTexts = {
    readonly showSolution: string,
    readonly report: string,
    readonly retry: string,
    readonly cancel: string,
    readonly queued: (position: number) => string,
    readonly starting: string,
    readonly thinking: string,
    readonly runningCode: (n: number, max: number) => string,
    readonly drawing: string,
    readonly answer: (answer: string) => string,
    readonly agreement: (votes: number, samples: number) => string,
    readonly noAnswer: string,
    readonly reportTitle: string,
    readonly reportAnswerLabel: string,
    readonly reportCommentLabel: string,
    readonly reportThanks: string,
    readonly reportMatchesModel: string,
    readonly cancelled: string,
    readonly notYours: string,
    /** For a command, button or form Kotae no longer has (left registered after a rename, an old message). */
    readonly unknownAction: string,
    /** For an @mention outside an answer's thread: how to ask instead. */
    readonly mentionHint: string,
    readonly threadName: (problem: string) => string,
    readonly followUpHint: (needsMention: boolean) => string,
    readonly settingsSaved: string,
    readonly settingsShown: (lines: readonly string[]) => string,
    readonly help: string,
    readonly forgotten: (interactions: number) => string,
    /** The button under a /tex image. */
    readonly texDelete: string,
    /** For anyone but its author pressing it. */
    readonly texNotYours: string
};

const texts: Readonly<Record<Locale, UiTexts>> = {
    ja: {
        showSolution: "解き方を見る",
        report: "間違いを報告",
        retry: "もう一度解く",
        cancel: "キャンセル",
        queued: (position) => `順番待ち（${position}番目）…`,
        starting: "解き始めています…",
        thinking: "考えています…",
        runningCode: (n, max) => `Python で計算しています（${n}/${max}）…`,
        drawing: "答えを書いています…",
        answer: (answer) => `**答え**：${answer}`,
        agreement: (votes, samples) => `（${samples}回中${votes}回この答え）`,
        noAnswer: "最後の答えまでたどり着けませんでした。「解き方を見る」で途中までの考えを確認できます。",
        reportTitle: "間違いを報告",
        reportAnswerLabel: "正しい答え（わかれば）",
        reportCommentLabel: "どこが違いますか？（任意）",
        reportThanks: "報告ありがとうございます。答えの見直しに使わせていただきます。",
        reportMatchesModel: "（入力された答えは、Kotae の答えと同じ値のようです。）",
        cancelled: "キャンセルしました。",
        notYours: "このボタンは質問した人だけが使えます。",
        unknownAction: "このボタンやコマンドは今は使えません。問題は /solve で送ってください。",
        mentionHint: "数学の問題は /solve で送ってください（例: /solve 1から100までの和は？）。答えのスレッドでは続けて質問できます。",
        threadName: (problem) => `質問: ${problem}`,
        followUpHint: (needsMention) => needsMention
            ? "続けて質問するときは、このスレッドで Kotae にメンションするか /ask を使ってください。"
            : "続けて質問するときは、このスレッドに書き込んでください。",
        settingsSaved: "設定を保存しました。",
        settingsShown: (lines) => `このサーバーの設定:\n${lines.join("\n")}`,
        help: "**Kotae の使い方**\n`/solve 問題:…` で数学の問題を送ると、答えと解き方を画像で返します。"
            + "答えのスレッドで続けて質問できます。答えが違うときは「間違いを報告」を押してください。",
        forgotten: (interactions) => `あなたの記録を削除しました（質問 ${interactions} 件と、報告・スレッドでの発言）。今後のデータ書き出しにも含まれません。`,
        texDelete: "削除",
        texNotYours: "この画像を削除できるのは、書いた人だけです。"
    },
    en: {
        showSolution: "Show solution",
        report: "Report a mistake",
        retry: "Solve again",
        cancel: "Cancel",
        queued: (position) => `Waiting in line (#${position})…`,
        starting: "Starting…",
        thinking: "Thinking…",
        runningCode: (n, max) => `Running Python (${n}/${max})…`,
        drawing: "Writing the answer…",
        answer: (answer) => `**Answer**: ${answer}`,
        agreement: (votes, samples) => ` (${votes} of ${samples} attempts agree)`,
        noAnswer: "Kotae did not reach a final answer. Use “Show solution” to see how far it got.",
        reportTitle: "Report a mistake",
        reportAnswerLabel: "The correct answer (if you know it)",
        reportCommentLabel: "What is wrong? (optional)",
        reportThanks: "Thank you for the report. It helps improve the answers.",
        reportMatchesModel: "(The answer you entered seems to equal Kotae's answer.)",
        cancelled: "Cancelled.",
        notYours: "Only the person who asked can use this button.",
        unknownAction: "That button or command is no longer available. Send a problem with /solve.",
        mentionHint: "Send a math problem with /solve (for example: /solve What is 1+2+…+100?). In an answer's thread you can ask follow-ups.",
        threadName: (problem) => `Q: ${problem}`,
        followUpHint: (needsMention) => needsMention
            ? "To ask a follow-up, mention Kotae in this thread or use /ask."
            : "To ask a follow-up, write in this thread.",
        settingsSaved: "Settings saved.",
        settingsShown: (lines) => `This server's settings:\n${lines.join("\n")}`,
        help: "**Using Kotae**\nSend a math problem with `/solve problem:…` and get the answer and the solution as images. "
            + "Ask follow-ups in the answer's thread. If an answer is wrong, press “Report a mistake”.",
        forgotten: (interactions) => `Your records are deleted (${interactions} question(s), your reports and thread messages), and you are left out of future data exports.`,
        texDelete: "Delete",
        texNotYours: "Only the person who wrote this can delete it."
    }
};

export function uiTexts(locale: string | undefined): UiTexts {
    return texts[resolveLocale(locale)];
}
