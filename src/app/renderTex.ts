import type {CommunitySettings} from "../domain/CommunitySettings.js";
import {texMode} from "../domain/Interaction.js";
import type {Requester} from "../domain/Requester.js";
import {failedEvent, type FailedEvent} from "../engine/EngineEvent.js";
import {ErrorCode, KotaeError} from "../errors/ErrorCode.js";
import {channelAllowed, checkPreconditions, withinRateLimit} from "../preconditions/preconditions.js";
import type {MathFallback} from "../render/InlineLayout.js";
import type {RenderedImage} from "../render/RenderRequest.js";
import type {Renderer} from "../render/Renderer.js";
import type {ThemeName} from "../render/RenderTheme.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";

export type TexServices = {
    readonly store: KotaeStore,
    readonly renderer: Renderer,
    /** The longest source accepted: the problem length limit (`maxProblemChars`, default 2000). */
    readonly maxChars: number
};

export type TexRequest = {
    readonly source: string,
    readonly requester: Requester,
    /** A theme chosen with this command: used now and remembered as the user's own. */
    readonly theme?: ThemeName,
    /** The theme when the user never chose one: the community's (or Kotae's configured default). */
    readonly communityTheme: ThemeName,
    /** The community's rules, checked as for /solve (allowed channels, hourly limit); none on the playground. */
    readonly admission?: {readonly settings: CommunitySettings, readonly channelId: string | undefined, readonly isModerator: boolean},
    /**
     * Called once the request is admitted, before the render (Discord defers its reply here, so a refusal
     * before it can still be private); none by default.
     */
    readonly beforeRender?: () => Promise<void>
};

export type TexOutcome =
    | {readonly ok: true, readonly interactionId: number, readonly images: readonly RenderedImage[], readonly theme: ThemeName}
    | {readonly ok: false, readonly failure: FailedEvent};

/**
 * /tex: draws a user's own LaTeX (text with $…$, $$…$$ or \[…\] math) as solution pages are drawn, with
 * the renderer's limits and its hostile-TeX safety, in the user's theme. Logged as an interaction of mode
 * `tex` whatever happens; a formula MathJax refuses is the user's to fix, so it is refused by name rather
 * than drawn as source.
 */
export async function renderTex(services: TexServices, request: TexRequest): Promise<TexOutcome> {
    const {store, renderer} = services;
    if (request.theme != null)
        store.preferences.saveTheme(request.requester, request.theme);
    const theme = request.theme ?? texThemeFor(store, request.requester, request.communityTheme);
    const source = request.source.trim();
    // Checked before this request is logged: the hourly limit counts the requests already logged.
    const refusal = sourceProblem(source, services.maxChars) ?? (request.admission != null
        ? checkPreconditions({requester: request.requester, ...request.admission}, channelAllowed, withinRateLimit(store))
        : undefined);
    const interactionId = store.interactions.create({requester: request.requester, question: source, mode: texMode, profile: ""});
    const refuse = (status: "rejected" | "failed", error: KotaeError, totalMs = 0): TexOutcome => {
        store.interactions.finish(interactionId, {status, errorCode: error.code, errorMessage: error.message, totalMs});
        return {ok: false, failure: failedEvent(error, interactionId)};
    };
    if (refusal != null)
        return refuse("rejected", refusal);

    let rendered;
    try {
        await request.beforeRender?.();
        rendered = await renderer.render({kind: "tex", source, theme, ...(request.requester.locale != null ? {locale: request.requester.locale} : {})});
    } catch (error) {
        // The platform could not acknowledge (Discord unreachable): the row still ends, never left queued.
        refuse("failed", new KotaeError(ErrorCode.TexRenderFailed, error instanceof Error ? error.message : String(error)));
        throw error;
    }
    const [fallback] = rendered.fallbacks;
    if (fallback != null)
        return refuse("failed", texError(fallback), rendered.durationMs);
    if (rendered.images.length === 0)
        return refuse("failed", new KotaeError(ErrorCode.TexRenderFailed, `the render ${rendered.failure === "timeout" ? "timed out" : "failed"}`), rendered.durationMs);
    store.interactions.finish(interactionId, {status: "answered", shownSolution: source, totalMs: rendered.durationMs});
    return {ok: true, interactionId, images: rendered.images, theme};
}

/** The theme of a user's /tex images when they choose none now: their own last choice, else the community's. */
export function texThemeFor(store: KotaeStore, requester: Requester, communityTheme: ThemeName): ThemeName {
    return store.preferences.theme(requester) ?? communityTheme;
}

function sourceProblem(source: string, maxChars: number): KotaeError | undefined {
    if (source === "")
        return new KotaeError(ErrorCode.TexEmpty, "nothing to draw");
    if (source.length > maxChars)
        return new KotaeError(ErrorCode.TexTooLong, `${source.length} characters (at most ${maxChars})`, {params: {limit: maxChars}});
    return undefined;
}

/** The first formula MathJax refused, as the error that names what is wrong with it. */
function texError(fallback: MathFallback): KotaeError {
    const formula = clip(fallback.tex);
    const detail = `${fallback.errorId}: ${fallback.message}`;
    switch (fallback.errorId) {
        case "MissingCloseBrace":
        case "ExtraCloseBrace":
        case "ExtraOpenBrace":
            return new KotaeError(ErrorCode.TexUnbalanced, detail, {params: {formula}});
        case "UndefinedControlSequence":
            return new KotaeError(ErrorCode.TexUnknownCommand, detail, {params: {formula, command: /\\[A-Za-z]+|\\./.exec(fallback.message)?.[0] ?? "?"}});
        case "TooLong":
        case "TooDeep":
        case "TooLarge":
        case "MaxMacroSub1":
        case "MaxMacroSub2":
        case "MaxBufferSize":
            return new KotaeError(ErrorCode.TexTooComplex, detail, {params: {formula}});
        default:
            return new KotaeError(ErrorCode.TexInvalid, detail, {params: {formula, detail: fallback.message}});
    }
}

function clip(tex: string): string {
    return tex.length > 80 ? `${tex.slice(0, 79)}…` : tex;
}
