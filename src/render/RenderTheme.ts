/** Colours of a rendered image. Both themes paint an opaque background, so either reads on any chat background. */
export type RenderTheme = {
    readonly name: ThemeName,
    readonly background: string,
    readonly text: string,
    readonly math: string,
    readonly muted: string,
    readonly accent: string,
    readonly codeBackground: string,
    readonly border: string,
    /** Shown in place of a formula MathJax could not typeset (its TeX source). */
    readonly fallback: string
};

export const themeNames = ["light", "dark"] as const;
export type ThemeName = typeof themeNames[number];

export const themes: Readonly<Record<ThemeName, RenderTheme>> = {
    light: {
        name: "light", background: "#ffffff", text: "#1f2328", math: "#111418", muted: "#59636e",
        accent: "#0a5fc2", codeBackground: "#f3f5f7", border: "#d0d7de", fallback: "#8a4b00"
    },
    // Discord's and Slack's dark message backgrounds are #313338 and #1a1d21: a slightly lighter card stands apart on both.
    dark: {
        name: "dark", background: "#26282c", text: "#e3e5e8", math: "#f2f3f5", muted: "#a3a8b0",
        accent: "#7cb8ff", codeBackground: "#1b1c1f", border: "#43464d", fallback: "#f0b46a"
    }
};

export function isThemeName(name: string): name is ThemeName {
    return (themeNames as readonly string[]).includes(name);
}
