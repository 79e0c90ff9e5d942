import {ErrorCode, KotaeError, toKotaeError} from "../errors/ErrorCode.js";
import type {FairQueue, QueueSlot} from "../queue/FairQueue.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import {failedEvent, type EngineEvent, type FailedEvent} from "./EngineEvent.js";
import type {RunningSolves} from "./RunningSolves.js";

/** What the engine lends each request's lifecycle. */
export type LifecycleServices = {
    readonly store: KotaeStore,
    readonly queue: FairQueue,
    /** The solves under way, which a solve joins for its lifetime so it can be cancelled by id. */
    readonly running: RunningSolves,
    /** Aborted by Engine.close(): a request it stops ended in a shutdown, not in its asker's cancellation. */
    readonly shutdown: AbortSignal
};

type QueuedEvent = Extract<EngineEvent, {type: "queued"}>;

/**
 * One request from its receipt to its last log write: its clock, the queue slots it holds, and how it
 * failed (its asker cancelled, Kotae shut down, or an error). Subclasses say how the request is logged.
 * Its end is logged once (`end`, `fail`), and disposing releases every slot it took.
 */
export abstract class RequestLifecycle implements Disposable {
    /** The interaction the request is logged with (its own, or the one a follow-up belongs to). */
    public abstract readonly interactionId: number;
    private readonly receivedAt = performance.now();
    private readonly slots: QueueSlot[] = [];
    private ended = false;

    /**
     * @param user the requester's pseudonym, whom the queue is fair between.
     * @param signal aborted when the request is cancelled or Kotae shuts down.
     */
    protected constructor(protected readonly services: LifecycleServices, private readonly user: string, public readonly signal: AbortSignal) {}

    /** Milliseconds since the request was received. */
    public elapsed(): number {
        return Math.round(performance.now() - this.receivedAt);
    }

    /** Waits for the request's run slot, reporting queue positions (0 = starting now). */
    public async waitForSlot(report: (event: QueuedEvent) => void): Promise<QueueSlot> {
        // The queue reports a position synchronously when the request has to wait; otherwise it starts now.
        let waiting = false;
        const acquiring = this.services.queue.acquire(this.user, {
            signal: this.signal,
            onPosition: (position) => {
                waiting = true;
                report({type: "queued", interactionId: this.interactionId, position});
            }
        });
        if (!waiting)
            report({type: "queued", interactionId: this.interactionId, position: 0});
        return this.hold(await acquiring);
    }

    /** Waits, in turn with the user's other work, for a slot for more work of this admitted request (another sample). */
    public async extraSlot(): Promise<QueueSlot> {
        return this.hold(await this.services.queue.acquire(this.user, {signal: this.signal, admitted: true}));
    }

    /** Throws the cancellation (or shutdown) once the request was stopped. */
    public throwIfCancelled(when: string): void {
        if (this.signal.aborted)
            throw this.cancellation(when);
    }

    /** Logs how the request failed (unless its end is already logged) and returns the event that tells its asker. */
    public fail(error: unknown): FailedEvent {
        const failure = this.signal.aborted ? this.cancellation("during generation") : toKotaeError(error, ErrorCode.GenerationFailed);
        if (!this.ended) // a failure reported after the end was logged (the answer) must not rewrite it
            this.end(() => this.recordFailure(failure));
        return failedEvent(failure, this.interactionId);
    }

    public [Symbol.dispose](): void {
        for (const slot of this.slots)
            slot.release();
    }

    /** Logs the failure as the request's end. */
    protected abstract recordFailure(failure: KotaeError): void;

    /** Writes how the request ended, which happens once; a write that throws (a full disk) has ended nothing. */
    protected end<Written>(write: () => Written): Written {
        if (this.ended)
            throw new Error(`The end of request #${this.interactionId} is already logged`);
        const written = write();
        this.ended = true;
        return written;
    }

    private hold(slot: QueueSlot): QueueSlot {
        this.slots.push(slot);
        return slot;
    }

    private cancellation(when: string): KotaeError {
        return this.services.shutdown.aborted
            ? new KotaeError(ErrorCode.ShuttingDown, `Kotae shut down ${when}`)
            : new KotaeError(ErrorCode.Cancelled, `Cancelled ${when}`);
    }
}
