import type {ProgressBudget} from "./ProgressBudget.js";

/**
 * Keeps a live status message current without flooding the platform: at most one update per interval
 * (Discord and Slack both ask for about one edit a second) and, with a budget, within what all solves on
 * the account may edit together (coalescing: only the newest state waits), never two updates in flight.
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
        private readonly same: (a: State, b: State) => boolean = (a, b) => a === b,
        /** Shared with the platform account's other solves: without a token the newest state waits for one (default: none). */
        private readonly budget?: ProgressBudget
    ) {}

    /** The newest state; shown now if the interval has passed, else when it does (only the newest is shown). */
    public update(state: State): void {
        if (this.stopped)
            return;
        this.latest = state;
        if (this.timer != null)
            return;
        const wait = Math.max(0, this.lastAt + this.intervalMs - performance.now());
        this.schedule(Math.max(wait, this.budget?.waitMs() ?? 0));
    }

    /** Stops further updates and waits for the one in flight, so the final message can replace it safely. */
    public async stop(): Promise<void> {
        this.stopped = true;
        clearTimeout(this.timer);
        this.timer = undefined;
        await this.inFlight;
    }

    private schedule(waitMs: number): void {
        this.timer = setTimeout(() => {
            this.timer = undefined;
            void this.flush();
        }, waitMs);
    }

    private flush(): Promise<void> {
        this.inFlight = this.inFlight.then(async () => {
            const state = this.latest;
            if (this.stopped || state === undefined || (this.shown !== undefined && this.same(this.shown, state)))
                return;
            if (this.budget != null && !this.budget.take()) { // other solves spent it: the newest state waits its turn
                if (this.timer == null) this.schedule(this.budget.waitMs());
                return;
            }
            this.lastAt = performance.now();
            this.shown = state;
            await this.show(state).catch(() => {}); // a lost progress edit is harmless: the next one or the final reply follows
        });
        return this.inFlight;
    }
}
