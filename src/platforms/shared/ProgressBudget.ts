/**
 * A token bucket that progress edits on one platform account share (Slack: one workspace), so that many
 * solves at once stay within the platform's rate limit: each edit takes a token; tokens come back at a
 * steady rate. Over any minute at most `perMinute` edits are taken: the burst, plus what comes back.
 * Final answers never ask it: they always go out.
 */
export class ProgressBudget {
    private tokens: number;
    private countedAt: number;
    private readonly refillPerMs: number;

    /**
     * @param perMinute edits allowed in any minute (Slack's chat.update, Tier 3: about 50 per workspace)
     * @param burst edits allowed at once after a quiet spell (default a fifth of `perMinute`)
     * @param now the clock, in milliseconds
     */
    public constructor(perMinute: number, private readonly burst = Math.max(1, Math.floor(perMinute / 5)), private readonly now: () => number = () => performance.now()) {
        if (!(perMinute > burst && burst >= 1))
            throw new RangeError(`A progress budget needs perMinute (${perMinute}) > burst (${burst}) >= 1`);
        this.refillPerMs = (perMinute - burst) / 60_000;
        this.tokens = burst;
        this.countedAt = now();
    }

    /** Takes a token if one is left (true), else leaves the budget as it is (false). */
    public take(): boolean {
        this.refill();
        if (this.tokens < 1)
            return false;
        this.tokens -= 1;
        return true;
    }

    /** Milliseconds until a token is next available (0 when one is now). */
    public waitMs(): number {
        this.refill();
        return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.refillPerMs);
    }

    private refill(): void {
        const now = this.now();
        this.tokens = Math.min(this.burst, this.tokens + (now - this.countedAt) * this.refillPerMs);
        this.countedAt = now;
    }
}
