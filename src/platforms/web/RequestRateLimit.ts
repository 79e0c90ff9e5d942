/**
 * Requests per client address per minute, in fixed one-minute windows: enough for a person clicking
 * through the playground and audit pages (each page fetches a few images), not for a script hammering
 * the renderer or the database.
 */
export class RequestRateLimit {
    private windowStart = 0;
    private readonly counts = new Map<string, number>();

    public constructor(private readonly perMinute: number, private readonly now: () => number = Date.now) {}

    /** Counts one request; undefined if it may go on, else the seconds until the next window. */
    public take(client: string): number | undefined {
        const now = this.now();
        if (now - this.windowStart >= windowMs) {
            // A new window forgets every client, so the map holds at most one minute's clients.
            this.windowStart = now;
            this.counts.clear();
        }
        const count = (this.counts.get(client) ?? 0) + 1;
        this.counts.set(client, count);
        return count <= this.perMinute ? undefined : Math.max(1, Math.ceil((this.windowStart + windowMs - now) / 1000));
    }
}

const windowMs = 60_000;

/** What `kotae serve` allows each client address. */
export const defaultRequestsPerMinute = 600;
