/** Clients remembered before stale ones are swept out. */
const pruneAbove = 10_000;

/** Options of {@link LoginThrottle}; the defaults are what `kotae serve` uses. */
export type LoginThrottleOptions = {
    /** Wrong tokens one client may send within `windowMs` before it is refused (default 5). */
    readonly maxFailures?: number,
    /** How long failures count (default 15 minutes). */
    readonly windowMs?: number,
    /** The n-th wrong token in the window is answered after n × this (default 200 ms). */
    readonly stepDelayMs?: number,
    readonly now?: () => number
};

/**
 * Slows and then stops guessing the admin token, per client address: each wrong guess is answered later
 * than the one before, and after `maxFailures` the client is refused (429) until its oldest failure
 * leaves the window, even with the right token.
 */
export class LoginThrottle {
    private readonly failures = new Map<string, number[]>();
    private readonly maxFailures: number;
    private readonly windowMs: number;
    private readonly stepDelayMs: number;
    private readonly now: () => number;

    public constructor(options: LoginThrottleOptions = {}) {
        this.maxFailures = options.maxFailures ?? 5;
        this.windowMs = options.windowMs ?? 15 * 60 * 1000;
        this.stepDelayMs = options.stepDelayMs ?? 200;
        this.now = options.now ?? Date.now;
    }

    /** Seconds until `client` may try again, or undefined if it may now. */
    public lockedFor(client: string): number | undefined {
        const recent = this.recent(client);
        if (recent.length < this.maxFailures) return undefined;
        return Math.max(1, Math.ceil((recent[0]! + this.windowMs - this.now()) / 1000));
    }

    /** Records a wrong guess; returns how long to wait before answering it. */
    public fail(client: string): number {
        // Guesses from ever new addresses must not grow the map without end: forget the stale ones now and then.
        if (this.failures.size >= pruneAbove)
            for (const known of [...this.failures.keys()]) this.recent(known);
        const recent = [...this.recent(client), this.now()];
        this.failures.set(client, recent);
        return recent.length * this.stepDelayMs;
    }

    private recent(client: string): number[] {
        const since = this.now() - this.windowMs;
        const recent = (this.failures.get(client) ?? []).filter((time) => time > since);
        if (recent.length === 0) this.failures.delete(client);
        return recent;
    }
}
