import {ErrorCode} from "../errors/ErrorCode.js";

/**
 * Failures caused by the request itself or by load, not by Kotae: logged as `rejected`, and refused before
 * anything runs, so adapters tell the person privately.
 */
export const rejectionCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
    ErrorCode.ProblemEmpty, ErrorCode.ProblemTooLong, ErrorCode.QueueFull, ErrorCode.TooManyPending,
    ErrorCode.ProfileUnknown, ErrorCode.ModeUnsupported,
    // Refused by the solve use case's admission (SolveProblem), through Engine.refuse.
    ErrorCode.ChannelNotAllowed, ErrorCode.RateLimited
]);

/** How a request that ended with this error is logged (and counted): cancelled, rejected or failed. */
export function statusOfFailure(code: ErrorCode): "cancelled" | "rejected" | "failed" {
    if (code === ErrorCode.Cancelled || code === ErrorCode.ShuttingDown) return "cancelled";
    return rejectionCodes.has(code) ? "rejected" : "failed";
}
