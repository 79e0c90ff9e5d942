import {isThemeName, themeNames, type ThemeName} from "../src/render/RenderTheme.js";
import type {CommandDefinition} from "./CommandDefinition.js";

export type TexCommandRequest = {
    /** Text with $…$, $$…$$ or \[…\] math, as typed. */
    readonly source: string,
    /** A theme chosen with the command (remembered as the user's); an unknown name counts as none. */
    readonly theme?: ThemeName
};

const themeLabels: Readonly<Record<ThemeName, {ja: string, en: string}>> = {light: {ja: "ライト", en: "light"}, dark: {ja: "ダーク", en: "dark"}};

export const texCommand: CommandDefinition<TexCommandRequest> = {
    name: "tex",
    description: {
        ja: "LaTeX の数式を画像にします（$…$、$$…$$ で数式を囲みます）",
        en: "Draw your LaTeX as an image (math between $…$ or $$…$$)"
    },
    options: [{
        name: "source",
        localizedNames: {ja: "数式", en: "source"},
        description: {ja: "画像にしたい文と数式（例: 解は $x = \\frac{1}{2}$）", en: "Text and math to draw (e.g. the root is $x = \\frac{1}{2}$)"},
        type: "string",
        required: true,
        maxLength: 2000
    }, {
        name: "theme",
        localizedNames: {ja: "テーマ", en: "theme"},
        description: {ja: "画像の色（次からも使います）", en: "Colours of the image (kept for next time)"},
        type: "string",
        required: false,
        choices: themeNames.map((theme) => ({value: theme, label: themeLabels[theme]}))
    }],
    toRequest(values) {
        const theme = values["theme"];
        return {source: values["source"] ?? "", ...(theme != null && isThemeName(theme) ? {theme} : {})};
    }
};
