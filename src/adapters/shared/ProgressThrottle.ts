/**
 * Keeps a live status message current without flooding the platform: at most one update per interval
 * (Discord and Slack both ask for about one edit a second), always ending with the newest state, never
 * two updates in flight at once.
 */
export class ProgressThrottle<State> {
    private latest: State | undefined;
    private shown: State | undefined;
    private lastAt = -Infinity;
    private timer: NodeJS.Timeout | undefined;
    private inFlight: Promise<void> = Promise.resolve();
    private stopped = false;

    public constructor(
        private readonly show: (state: State) => Promise<void>,
        private readonly intervalMs = 1000,
        private readonly same: (a: State, b: State) => boolean = (a, b) => a === b
    ) {}

    /** The newest state; shown now if the interval has passed, else when it does (only the newest is shown). */
    public update(state: State): void {
        if (this.stopped)
            return;
        this.latest = state;
        if (this.timer != null)
            return;
        const wait = Math.max(0, this.lastAt + this.intervalMs - performance.now());
        this.timer = setTimeout(() => {
            this.timer = undefined;
            void this.flush();
        }, wait);
    }

    /** Stops further updates and waits for the one in flight, so the final message can replace it safely. */
    public async stop(): Promise<void> {
        this.stopped = true;
        clearTimeout(this.timer);
        this.timer = undefined;
        await this.inFlight;
    }

    private flush(): Promise<void> {
        this.inFlight = this.inFlight.then(async () => {
            const state = this.latest;
            if (this.stopped || state === undefined || (this.shown !== undefined && this.same(this.shown, state)))
                return;
            this.lastAt = performance.now();
            this.shown = state;
            await this.show(state).catch(() => {}); // a lost progress edit is harmless: the next one or the final reply follows
        });
        return this.inFlight;
    }
}
