import type {QueueSlot} from "../queue/FairQueue.js";

/** How a request's samples went: those that finished and those that failed, each in sample order. */
export type FannedOut<Result> = {
    readonly solved: readonly Result[],
    readonly lost: readonly {readonly sample: number, readonly error: unknown}[]
};

/**
 * Draws `samples` samples at once, each in a run slot of its own: sample 0 in the request's slot
 * (`slots.first`), the others in slots from `slots.next`, which wait their turn in the queue like the
 * user's other work. Each slot is released as soon as its sample ends, so a waiting request can start;
 * a sample that fails (or never gets a slot) is collected, not thrown, so the others still count.
 */
export async function fanOutSamples<Result>(samples: number, slots: {
    readonly first: QueueSlot,
    readonly next: () => Promise<QueueSlot>
}, solve: (sample: number) => Promise<Result>): Promise<FannedOut<Result>> {
    const settled = await Promise.allSettled(Array.from({length: samples}, async (_unused, sample) => {
        const slot = sample === 0 ? slots.first : await slots.next();
        try {
            return await solve(sample);
        } finally {
            slot.release();
        }
    }));
    return {
        solved: settled.flatMap((result) => result.status === "fulfilled" ? [result.value] : []),
        lost: settled.flatMap((result, sample) => result.status === "rejected" ? [{sample, error: result.reason as unknown}] : [])
    };
}
