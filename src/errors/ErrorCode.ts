/**
 * Every failure a user or operator can see. The value doubles as the i18n key of its message
 * (see `src/i18n/messages.ts`), so adapters never invent their own wording.
 */
export enum ErrorCode {
    ProblemEmpty = "problem_empty",
    ProblemTooLong = "problem_too_long",
    QueueFull = "queue_full",
    TooManyPending = "too_many_pending",
    Cancelled = "cancelled",
    ModelUnavailable = "model_unavailable",
    GenerationFailed = "generation_failed",
    ProfileUnknown = "profile_unknown",
    ModeUnsupported = "mode_unsupported",
    ConfigInvalid = "config_invalid",
    ShuttingDown = "shutting_down",
    /** The Python sandbox is missing (bubblewrap, python3, sympy or numpy) or failed its probe. */
    TirUnavailable = "tir_unavailable",
    /** The user asked more often than the community allows; `seconds` says when to retry. */
    RateLimited = "rate_limited",
    /** The moderators have not allowed Kotae in this channel. */
    ChannelNotAllowed = "channel_not_allowed",
    /** Only moderators (Manage Server) may do this. */
    NotPermitted = "not_permitted",
    /** A follow-up in a thread Kotae does not know (or whose problem was never solved). */
    ConversationUnknown = "conversation_unknown",
    /** The profile asks for a chat template but neither the model file nor the profile has one. */
    ChatTemplateMissing = "chat_template_missing",
    /** The chat template does not parse, fails to render, or rewrites message contents. */
    ChatTemplateInvalid = "chat_template_invalid",
    /** The profile does not offer the explanation style asked for; `styles` lists those it does. */
    StyleUnsupported = "style_unsupported",
    /** The database refused a write (its disk is full, it became read-only): the request could not be recorded. */
    StorageFailed = "storage_failed",
    /** /tex with nothing to draw. */
    TexEmpty = "tex_empty",
    /** /tex source past `limit` characters (the problem length limit, maxProblemChars). */
    TexTooLong = "tex_too_long",
    /** A formula's braces do not pair up; `formula` is its source (clipped). */
    TexUnbalanced = "tex_unbalanced",
    /** A command MathJax does not offer (or Kotae leaves out, like \href); `command` names it. */
    TexUnknownCommand = "tex_unknown_command",
    /** A formula past the renderer's bounds: too long, too deep, too large, or too many macro expansions. */
    TexTooComplex = "tex_too_complex",
    /** Any other TeX error; `detail` is MathJax's own (English) message. */
    TexInvalid = "tex_invalid",
    /** The renderer timed out or failed on the whole source. */
    TexRenderFailed = "tex_render_failed"
}

export class KotaeError extends Error {
    public readonly code: ErrorCode;
    /** Values interpolated into the localised message, e.g. `{limit: 2000}`. */
    public readonly params: Readonly<Record<string, string | number>>;

    public constructor(code: ErrorCode, message: string, options: {
        params?: Record<string, string | number>,
        cause?: unknown
    } = {}) {
        super(message, options.cause !== undefined ? {cause: options.cause} : undefined);
        this.name = "KotaeError";
        this.code = code;
        this.params = options.params ?? {};
    }
}

export function isKotaeError(error: unknown): error is KotaeError {
    return error instanceof KotaeError;
}

/** Wraps anything thrown into a KotaeError, keeping known codes and the original as the cause. */
export function toKotaeError(error: unknown, fallback: ErrorCode): KotaeError {
    if (isKotaeError(error))
        return error;

    const message = error instanceof Error ? error.message : String(error);
    return new KotaeError(fallback, message, {cause: error});
}
