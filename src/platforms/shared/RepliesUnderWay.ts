/** How long a shutdown waits for replies under way: well within pm2's kill_timeout (ecosystem.config.js). */
const shutdownGraceMs = 5_000;

/**
 * Replies an adapter is still sending (a solve's final answer or its restart notice, a follow-up), so a
 * shutdown can let them go out before disconnecting, for a bounded time.
 */
export class RepliesUnderWay {
    private readonly pending = new Set<Promise<void>>();

    /**
     * Tracks a handler's work until it settles. A failure goes to `onFailure` and is not rethrown: the
     * request itself is already logged, and a platform handler has nobody left to tell.
     */
    public track(work: Promise<void>, onFailure: (error: unknown) => void): Promise<void> {
        const tracked = work.catch(onFailure);
        this.pending.add(tracked);
        void tracked.finally(() => this.pending.delete(tracked));
        return tracked;
    }

    /** Resolves once every reply under way has settled, or after `graceMs` (default 5 s), whichever is first. */
    public async settle(graceMs = shutdownGraceMs): Promise<void> {
        let timer: NodeJS.Timeout | undefined;
        const graceOver = new Promise<void>((resolve) => { timer = setTimeout(resolve, graceMs); });
        await Promise.race([Promise.allSettled(this.pending), graceOver]);
        clearTimeout(timer);
    }
}
