import {ErrorCode} from "../errors/ErrorCode.js";
import {NoticeCode} from "../errors/NoticeCode.js";

export const locales = ["ja", "en"] as const;
export type Locale = typeof locales[number];

export type MessageKey = ErrorCode | NoticeCode;

type Catalog = Readonly<Record<MessageKey, string>>;

const catalogs: Readonly<Record<Locale, Catalog>> = {
    ja: {
        [ErrorCode.ProblemEmpty]: "問題文が空のようです。解いてほしい問題を書いて、もう一度送ってください。",
        [ErrorCode.ProblemTooLong]: "問題文が長すぎます（{limit}文字まで）。問題の部分だけにして、もう一度送ってください。",
        [ErrorCode.QueueFull]: "ただいま混み合っています。少し時間をおいて、もう一度お試しください。",
        [ErrorCode.TooManyPending]: "前の問題をまだ解いています。終わってから次の問題を送ってください。",
        [ErrorCode.Cancelled]: "キャンセルしました。",
        [ErrorCode.ModelUnavailable]: "いまは問題を解く準備ができていません。管理者にお知らせください。",
        [ErrorCode.GenerationFailed]: "解いている途中でエラーが起きました。もう一度お試しください。",
        [ErrorCode.StorageFailed]: "いまは記録ができないため、問題を解けません。管理者にお知らせください。",
        [ErrorCode.ProfileUnknown]: "「{profile}」という設定は見つかりませんでした。",
        [ErrorCode.ModeUnsupported]: "このモデルでは「{mode}」モードを使えません。",
        [ErrorCode.ConfigInvalid]: "設定に誤りがあります：{detail}",
        [ErrorCode.ShuttingDown]: "ただいま再起動中です。少し待ってから、もう一度お試しください。",
        [ErrorCode.TirUnavailable]: "いまは Python を使って解くことができません。管理者にお知らせください。",
        [NoticeCode.TirUnavailableFallback]: "いまは Python を使えないため、計算を文章で進めて解きます。",
        [NoticeCode.TirFallback]: "Python を使った解き方がうまくいかなかったので、文章で考え直します。",
        [NoticeCode.RenderFailed]: "画像を作れなかったので、文字でお送りします。",
        [ErrorCode.RateLimited]: "少し時間をおいてください。あと{seconds}秒ほどで、また質問できます。",
        [ErrorCode.ChannelNotAllowed]: "このチャンネルでは使えません。管理者が許可したチャンネルで試してください。",
        [ErrorCode.NotPermitted]: "この操作はサーバーの管理者だけができます。",
        [ErrorCode.ConversationUnknown]: "このスレッドの問題が見つかりませんでした。/solve で新しく質問してください。",
        [ErrorCode.ChatTemplateMissing]: "いまはこのモデルで問題を解く準備ができていません。管理者にお知らせください。",
        [ErrorCode.ChatTemplateInvalid]: "いまはこのモデルで問題を解く準備ができていません。管理者にお知らせください。",
        [ErrorCode.StyleUnsupported]: "この設定では「{style}」の説明のしかたを選べません。選べるのは {styles} です。",
        [ErrorCode.TexEmpty]: "描く内容が空のようです。数式（例: $x^2$）を書いて、もう一度送ってください。",
        [ErrorCode.TexTooLong]: "長すぎます（{limit}文字まで）。短くして、もう一度送ってください。",
        [ErrorCode.TexUnbalanced]: "括弧 { } の数が合っていません：{formula}",
        [ErrorCode.TexUnknownCommand]: "{command} は使えない命令です：{formula}",
        [ErrorCode.TexTooComplex]: "この式は大きすぎるか複雑すぎて描けません：{formula}",
        [ErrorCode.TexInvalid]: "この式を描けませんでした（{detail}）：{formula}",
        [ErrorCode.TexRenderFailed]: "画像を作れませんでした。式を短くするか、少し時間をおいてもう一度お試しください。"
    },
    en: {
        [ErrorCode.ProblemEmpty]: "The problem looks empty. Please write the problem you want solved and send it again.",
        [ErrorCode.ProblemTooLong]: "The problem is too long (at most {limit} characters). Please send just the problem itself.",
        [ErrorCode.QueueFull]: "Kotae is busy right now. Please try again in a moment.",
        [ErrorCode.TooManyPending]: "Your previous problem is still being solved. Please wait for it to finish first.",
        [ErrorCode.Cancelled]: "Cancelled.",
        [ErrorCode.ModelUnavailable]: "Kotae is not ready to solve problems right now. Please let an administrator know.",
        [ErrorCode.GenerationFailed]: "Something went wrong while solving. Please try again.",
        [ErrorCode.StorageFailed]: "Kotae cannot record requests right now, so it cannot solve this. Please let an administrator know.",
        [ErrorCode.ProfileUnknown]: "There is no profile named \"{profile}\".",
        [ErrorCode.ModeUnsupported]: "The \"{mode}\" mode is not available for this model.",
        [ErrorCode.ConfigInvalid]: "The configuration is invalid: {detail}",
        [ErrorCode.ShuttingDown]: "Kotae is restarting. Please try again shortly.",
        [ErrorCode.TirUnavailable]: "Solving with Python is not available right now. Please let an administrator know.",
        [NoticeCode.TirUnavailableFallback]: "Python is not available right now, so Kotae is solving this in text.",
        [NoticeCode.TirFallback]: "Solving with Python did not work out, so Kotae is reasoning it through in text instead.",
        [NoticeCode.RenderFailed]: "The image could not be drawn, so here is the answer as text.",
        [ErrorCode.RateLimited]: "Please slow down a little: you can ask again in about {seconds} seconds.",
        [ErrorCode.ChannelNotAllowed]: "Kotae is not enabled in this channel. Please use a channel the moderators allowed.",
        [ErrorCode.NotPermitted]: "Only server moderators (Manage Server) can do this.",
        [ErrorCode.ConversationUnknown]: "Kotae could not find the problem for this thread. Please ask with /solve.",
        [ErrorCode.ChatTemplateMissing]: "Kotae is not set up to use this model yet. Please let an administrator know.",
        [ErrorCode.ChatTemplateInvalid]: "Kotae is not set up to use this model yet. Please let an administrator know.",
        [ErrorCode.StyleUnsupported]: "The \"{style}\" explanation style is not available here. Available: {styles}.",
        [ErrorCode.TexEmpty]: "There is nothing to draw. Please write some math (for example $x^2$) and send it again.",
        [ErrorCode.TexTooLong]: "That is too long (at most {limit} characters). Please shorten it and send it again.",
        [ErrorCode.TexUnbalanced]: "The braces { } do not pair up in: {formula}",
        [ErrorCode.TexUnknownCommand]: "{command} is not a command Kotae can draw, in: {formula}",
        [ErrorCode.TexTooComplex]: "This formula is too large or too complex to draw: {formula}",
        [ErrorCode.TexInvalid]: "This formula could not be drawn ({detail}): {formula}",
        [ErrorCode.TexRenderFailed]: "The image could not be drawn. Please shorten the math or try again in a moment."
    }
};

/** Picks ja or en from a platform locale such as `ja`, `ja-JP`, `en-US` (Japanese unless clearly English). */
export function resolveLocale(locale: string | undefined): Locale {
    return locale?.toLowerCase().startsWith("en") ? "en" : "ja";
}

/** The user-facing message for an error or notice, in the requester's language, with `{name}` filled in. */
export function localize(key: MessageKey, locale: string | undefined, params: Readonly<Record<string, string | number>> = {}): string {
    const template = catalogs[resolveLocale(locale)][key];
    return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => String(params[name] ?? placeholder));
}
