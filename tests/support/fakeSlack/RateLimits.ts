/**
 * Slack's per-channel message limits: chat.postMessage allows "1 message per second per channel, short
 * bursts above that" (https://api.slack.com/methods/chat.postMessage#rate_limiting,
 * https://api.slack.com/apis/rate-limits), and the fake holds chat.update to the same, since a bot's
 * progress edits hit a channel as fast as its posts. Over the limit Slack answers HTTP 429 with a
 * Retry-After header in whole seconds.
 */

/** A token bucket: `burst` calls at once, then one more every `intervalMs`. */
export type RateLimit = {readonly intervalMs: number, readonly burst: number};

/** Slack's 1 per second per channel, with a burst of 3. */
export const slackMessageRate: RateLimit = {intervalMs: 1_000, burst: 3};

/** Methods limited per channel (by their `channel` argument), and how. */
export type RateLimitOptions = Readonly<Partial<Record<"chat.postMessage" | "chat.update", RateLimit>>>;

export const slackRateLimits: RateLimitOptions = {"chat.postMessage": slackMessageRate, "chat.update": slackMessageRate};

type Bucket = {tokens: number, at: number};

export class RateLimits {
    readonly #limits: RateLimitOptions;
    readonly #buckets = new Map<string, Bucket>();

    constructor(limits: RateLimitOptions) {
        this.#limits = limits;
    }

    /** Takes a call from the method's bucket for this channel: undefined when it may go, else the seconds to wait. */
    take(method: string, channel: unknown): number | undefined {
        const limit = this.#limits[method as keyof RateLimitOptions];
        if (limit === undefined || typeof channel !== "string")
            return undefined;
        const key = `${method} ${channel}`;
        const now = performance.now();
        const bucket = this.#buckets.get(key) ?? {tokens: limit.burst, at: now};
        bucket.tokens = Math.min(limit.burst, bucket.tokens + (now - bucket.at) / limit.intervalMs);
        bucket.at = now;
        this.#buckets.set(key, bucket);
        if (bucket.tokens >= 1) {
            bucket.tokens -= 1;
            return undefined;
        }
        return Math.max(1, Math.ceil((1 - bucket.tokens) * limit.intervalMs / 1_000));
    }
}
