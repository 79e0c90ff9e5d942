import type {MathFallback} from "./InlineLayout.js";
import type {ThemeName} from "./RenderTheme.js";
import type {SolutionSource} from "./SolutionDocument.js";

/** What an adapter asks the renderer for. */
export type RenderRequest =
    | {readonly kind: "answer", readonly answer: string, readonly theme?: ThemeName, readonly locale?: string}
    | {readonly kind: "solution", readonly solution: SolutionSource, readonly theme?: ThemeName, readonly locale?: string}
    /**
     * A user's own LaTeX (/tex): text with inline $…$ and display $$…$$ or \[…\] math, drawn as a solution
     * page is, under the same limits. A formula MathJax refuses comes back in `fallbacks` for the caller to refuse.
     */
    | {readonly kind: "tex", readonly source: string, readonly theme?: ThemeName, readonly locale?: string};

export type RenderedImage = {readonly png: Uint8Array, readonly width: number, readonly height: number};

/** The worker's answer for one request. */
export type WorkerResult = {
    readonly images: readonly RenderedImage[],
    readonly fallbacks: readonly MathFallback[],
    /** The solution was longer than the pages (or characters) allowed; the text alternative has it all. */
    readonly truncated: boolean
};

export type WorkerMessage =
    | {readonly id: number, readonly ok: true, readonly result: WorkerResult}
    | {readonly id: number, readonly ok: false, readonly error: string};
