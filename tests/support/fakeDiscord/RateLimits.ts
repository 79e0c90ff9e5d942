import {createHash} from "node:crypto";
import type {Reply} from "./RestRoutes.js";

/** A bucket's allowance: `limit` requests per `windowMs`, counted from the first request of a window. */
export type RateLimit = {readonly limit: number, readonly windowMs: number};

type Bucket = {remaining: number, resetAt: number};

/** The path parameters that make a bucket of their own (Discord's "major parameters"). */
const majorParameters = ["channel", "guild", "webhook", "token"];

/**
 * Discord's per-route rate limits for the routes a bot floods (posting and editing messages, on a channel
 * or on an interaction's webhook): each route and major parameter has a bucket; every answer carries the
 * bucket's `X-RateLimit-*` headers, and a request over the limit gets a 429 with `Retry-After` and the
 * JSON body `{message, retry_after, global}` instead of being served.
 * https://discord.com/developers/docs/topics/rate-limits
 * Discord does not publish the numbers; 5 per 5 s is what message edits see in practice.
 */
export class RateLimits {
    readonly #rule: RateLimit | undefined;
    readonly #limitedRoutes: ReadonlySet<string>;
    readonly #buckets = new Map<string, Bucket>();

    /** `rule` undefined: no limits at all. */
    constructor(rule: RateLimit | undefined, limitedRoutes: readonly string[]) {
        this.#rule = rule;
        this.#limitedRoutes = new Set(limitedRoutes);
    }

    /**
     * Counts a request against its bucket: the headers to answer with, and `exceeded` (a 429 to answer
     * instead) when the bucket is empty. Undefined for routes without a limit.
     */
    take(route: string, params: Readonly<Record<string, string>>, now = Date.now()): {headers: Record<string, string>, exceeded?: Reply} | undefined {
        const rule = this.#rule;
        if (rule === undefined || !this.#limitedRoutes.has(route))
            return undefined;
        const key = [route, ...majorParameters.map((name) => params[name] ?? "")].join(" ");
        let bucket = this.#buckets.get(key);
        if (bucket === undefined || bucket.resetAt <= now) {
            bucket = {remaining: rule.limit, resetAt: now + rule.windowMs};
            this.#buckets.set(key, bucket);
        }
        const resetAfter = (bucket.resetAt - now) / 1000;
        const exceeded = bucket.remaining === 0;
        if (!exceeded)
            bucket.remaining -= 1;
        const headers = {
            "x-ratelimit-limit": String(rule.limit),
            "x-ratelimit-remaining": String(bucket.remaining),
            "x-ratelimit-reset": String(bucket.resetAt / 1000),
            "x-ratelimit-reset-after": String(resetAfter),
            // One hash per route: routes that shared one would be queued behind each other by discord.js.
            "x-ratelimit-bucket": createHash("sha1").update(route).digest("hex").slice(0, 16)
        };
        if (!exceeded)
            return {headers};
        return {
            headers,
            exceeded: {
                status: 429,
                headers: {...headers, "retry-after": String(Math.ceil(resetAfter)), "x-ratelimit-scope": "user"},
                body: {message: "You are being rate limited.", retry_after: resetAfter, global: false}
            }
        };
    }
}
