/**
 * Things a user is told while a solve goes on that are not failures. Like ErrorCode, the value is the
 * i18n key of the message (see `src/i18n/messages.ts`).
 */
export enum NoticeCode {
    /** Auto mode wanted Python but the sandbox is not available on this host: solving in text instead. */
    TirUnavailableFallback = "tir_unavailable_fallback",
    /** The tool-using attempt kept failing or ended without an answer: trying again in text. */
    TirFallback = "tir_fallback",
    /** The answer image could not be drawn: the answer goes out as text. */
    RenderFailed = "render_failed"
}
