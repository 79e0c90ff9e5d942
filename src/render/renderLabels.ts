import {resolveLocale, type Locale} from "../i18n/messages.js";

type Labels = {
    readonly answer: string,
    readonly page: (page: number, pages: number) => string,
    readonly truncated: string
};

const labels: Readonly<Record<Locale, Labels>> = {
    ja: {
        answer: "答え",
        page: (page, pages) => `${page} / ${pages}`,
        truncated: "（長いため、ここまでを画像にしました。続きは本文のテキストをご覧ください）"
    },
    en: {
        answer: "Answer",
        page: (page, pages) => `${page} / ${pages}`,
        truncated: "(The solution is long: the image stops here. The text has all of it.)"
    }
};

/** The words drawn into images, in the requester's language. */
export function renderLabels(locale: string | undefined): Labels {
    return labels[resolveLocale(locale)];
}
