import {ErrorCode, KotaeError} from "../errors/ErrorCode.js";

export type FairQueueOptions = {
    /** How many jobs may run at once (the model's parallel sequences). */
    readonly concurrency: number,
    /** How many jobs may wait; beyond that, new jobs are refused with `queue_full`. */
    readonly capacity: number,
    /** How many jobs one user may have waiting or running; beyond that, `too_many_pending`. */
    readonly maxPerUser: number
};

export type QueueTicketOptions = {
    readonly signal?: AbortSignal,
    /** Called with the 1-based position whenever it changes while waiting. */
    readonly onPosition?: (position: number) => void,
    /**
     * Extra work of a job the queue already admitted (another self-consistency sample): it waits its turn
     * like any job of the user, but is not refused for capacity and does not count against the user's limit.
     */
    readonly admitted?: boolean
};

/** A granted run slot; release it (or `using` it) when the job ends. */
export type QueueSlot = Disposable & {release(): void};

type Waiter = {
    readonly user: string,
    readonly counted: boolean,
    /** The scheduling round: a user's k-th job in a busy period waits for everyone's earlier rounds. */
    readonly round: number,
    readonly sequence: number,
    readonly grant: (slot: QueueSlot) => void,
    readonly reject: (error: KotaeError) => void,
    readonly onPosition?: (position: number) => void,
    lastPosition: number,
    detach(): void
};

/**
 * A bounded queue that is fair between users (round-robin by virtual rounds): a job's round is one past
 * its user's previous job, but never behind the round now being served. Jobs start in round order, then
 * by arrival, so a user with ten questions gets one turn per round while someone who asks once goes
 * next. Knows nothing about models or platforms.
 */
export class FairQueue {
    private readonly waiting: Waiter[] = [];
    private readonly runningByUser = new Map<string, number>();
    /** Waiting jobs that count against the limits (not admitted jobs' extra samples), in all and per user. */
    private readonly waitingByUser = new Map<string, number>();
    private countedWaiting = 0;
    private readonly lastRoundByUser = new Map<string, number>();
    private currentRound = 0;
    private running = 0;
    private arrivals = 0;
    private closedError: KotaeError | undefined;

    public constructor(private readonly options: FairQueueOptions) {
        if (options.concurrency < 1 || options.capacity < 0 || options.maxPerUser < 1)
            throw new RangeError("FairQueue needs concurrency ≥ 1, capacity ≥ 0 and maxPerUser ≥ 1");
    }

    public get waitingCount(): number {
        return this.waiting.length;
    }

    public get runningCount(): number {
        return this.running;
    }

    /** Waits for a run slot. Rejects with queue_full, too_many_pending, cancelled or shutting_down. */
    public acquire(user: string, {signal, onPosition, admitted = false}: QueueTicketOptions = {}): Promise<QueueSlot> {
        if (this.closedError != null)
            return Promise.reject(this.closedError);
        if (signal?.aborted)
            return Promise.reject(cancelledError());
        const counted = !admitted;
        if (counted && this.pendingFor(user) >= this.options.maxPerUser)
            return Promise.reject(new KotaeError(ErrorCode.TooManyPending,
                `User already has ${this.options.maxPerUser} problem(s) waiting or running`, {params: {limit: this.options.maxPerUser}}));

        if (this.running < this.options.concurrency && this.waiting.length === 0)
            return Promise.resolve(this.startSlot(user, counted, this.assignRound(user)));

        if (counted && this.countedWaiting >= this.options.capacity)
            return Promise.reject(new KotaeError(ErrorCode.QueueFull,
                `The queue is full (${this.options.capacity} waiting)`, {params: {capacity: this.options.capacity}}));

        return new Promise<QueueSlot>((resolve, reject) => {
            const onAbort = (): void => {
                this.remove(waiter);
                reject(cancelledError());
                this.publishPositions();
            };
            const waiter: Waiter = {
                user,
                counted,
                round: this.assignRound(user),
                sequence: this.arrivals++,
                grant: resolve,
                reject,
                ...(onPosition != null ? {onPosition} : {}),
                lastPosition: 0,
                detach: () => signal?.removeEventListener("abort", onAbort)
            };
            signal?.addEventListener("abort", onAbort, {once: true});
            this.insertInOrder(waiter);
            this.publishPositions();
        });
    }

    /** Refuses new jobs and rejects every waiting one (running jobs finish or are aborted by their owners). */
    public close(error = new KotaeError(ErrorCode.ShuttingDown, "Kotae is shutting down")): void {
        this.closedError = error;
        for (const waiter of [...this.waiting]) {
            this.remove(waiter);
            waiter.reject(error);
        }
    }

    private pendingFor(user: string): number {
        return (this.runningByUser.get(user) ?? 0) + (this.waitingByUser.get(user) ?? 0);
    }

    private assignRound(user: string): number {
        const round = Math.max(this.currentRound, (this.lastRoundByUser.get(user) ?? -1) + 1);
        this.lastRoundByUser.set(user, round);
        return round;
    }

    private startSlot(user: string, counted: boolean, round: number): QueueSlot {
        this.currentRound = Math.max(this.currentRound, round);
        for (const [known, last] of this.lastRoundByUser) {
            if (last < this.currentRound) // such a user's next job gets the current round anyway
                this.lastRoundByUser.delete(known);
        }
        this.running++;
        if (counted)
            this.runningByUser.set(user, (this.runningByUser.get(user) ?? 0) + 1);

        let released = false;
        const release = (): void => {
            if (released)
                return;
            released = true;
            this.running--;
            if (counted) {
                const remaining = (this.runningByUser.get(user) ?? 1) - 1;
                if (remaining === 0) this.runningByUser.delete(user);
                else this.runningByUser.set(user, remaining);
            }
            this.dispatch();
        };
        return {release, [Symbol.dispose]: release};
    }

    private dispatch(): void {
        while (this.running < this.options.concurrency && this.waiting.length > 0) {
            const next = this.waiting[0];
            if (next == null)
                break;
            this.remove(next);
            next.grant(this.startSlot(next.user, next.counted, next.round));
        }
        this.publishPositions();
    }

    /**
     * Keeps `waiting` in start order (by round, then arrival). Rounds are fixed at enqueue and arrivals
     * only grow, so a new job goes after every job of its round or an earlier one.
     */
    private insertInOrder(waiter: Waiter): void {
        let low = 0;
        let high = this.waiting.length;
        while (low < high) {
            const middle = (low + high) >>> 1;
            if ((this.waiting[middle]?.round ?? 0) <= waiter.round) low = middle + 1;
            else high = middle;
        }
        this.waiting.splice(low, 0, waiter);
        if (waiter.counted) {
            this.countedWaiting++;
            this.waitingByUser.set(waiter.user, (this.waitingByUser.get(waiter.user) ?? 0) + 1);
        }
    }

    private publishPositions(): void {
        this.waiting.forEach((waiter, index) => {
            const position = index + 1;
            if (waiter.lastPosition !== position) {
                waiter.lastPosition = position;
                waiter.onPosition?.(position);
            }
        });
    }

    private remove(waiter: Waiter): void {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) {
            this.waiting.splice(index, 1);
            if (waiter.counted) {
                this.countedWaiting--;
                const remaining = (this.waitingByUser.get(waiter.user) ?? 1) - 1;
                if (remaining === 0) this.waitingByUser.delete(waiter.user);
                else this.waitingByUser.set(waiter.user, remaining);
            }
        }
        waiter.detach();
    }
}

function cancelledError(): KotaeError {
    return new KotaeError(ErrorCode.Cancelled, "Cancelled while waiting in the queue");
}
