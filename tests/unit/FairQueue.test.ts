import {describe, expect, it} from "vitest";
import {KotaeError} from "../../src/errors/ErrorCode.js";
import {FairQueue, type QueueSlot} from "../../src/queue/FairQueue.js";

function queue(concurrency = 1, capacity = 10, maxPerUser = 5): FairQueue {
    return new FairQueue({concurrency, capacity, maxPerUser});
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
    try {
        await promise;
        return undefined;
    } catch (error) {
        return (error as KotaeError).code;
    }
}

describe("FairQueue", () => {
    it("starts jobs at once while slots are free", async () => {
        const fair = queue(2);
        await fair.acquire("a");
        await fair.acquire("b");
        expect(fair.runningCount).toBe(2);
    });

    it("interleaves users so one user's backlog cannot starve another", async () => {
        const fair = queue(1);
        const first = await fair.acquire("alice");
        const order: string[] = [];
        const jobs = [
            ...["alice-2", "alice-3", "alice-4"].map((name) => fair.acquire("alice").then((slot) => ({name, slot}))),
            fair.acquire("bob").then((slot) => ({name: "bob-1", slot})),
            fair.acquire("carol").then((slot) => ({name: "carol-1", slot}))
        ];
        let slot: QueueSlot = first;
        for (let index = 0; index < jobs.length; index++) {
            slot.release();
            const next = await Promise.race(jobs.filter((_, i) => !order.includes(["alice-2", "alice-3", "alice-4", "bob-1", "carol-1"][i]!)));
            order.push(next.name);
            slot = next.slot;
        }
        expect(order).toEqual(["bob-1", "carol-1", "alice-2", "alice-3", "alice-4"]);
    });

    it("reports 1-based positions and updates them as the queue moves", async () => {
        const fair = queue(1);
        const running = await fair.acquire("a");
        const positions: Record<string, number[]> = {b: [], c: []};
        const b = fair.acquire("b", {onPosition: (position) => positions["b"]!.push(position)});
        const c = fair.acquire("c", {onPosition: (position) => positions["c"]!.push(position)});
        expect(positions).toEqual({b: [1], c: [2]});
        running.release();
        (await b).release();
        await c;
        expect(positions).toEqual({b: [1], c: [2, 1]});
    });

    it("lets an admitted job's extra samples wait their turn without counting against the user's limits", async () => {
        const fair = queue(1, 1, 1);
        const first = await fair.acquire("alice");
        const samples = [fair.acquire("alice", {admitted: true}), fair.acquire("alice", {admitted: true})];
        const bob = fair.acquire("bob"); // the queue holds one counted job: bob's, despite alice's samples
        expect(await codeOf(fair.acquire("carol"))).toBe("queue_full");

        const order: string[] = [];
        void bob.then((slot) => { order.push("bob"); slot.release(); });
        void samples[0]!.then((slot) => { order.push("alice-sample-1"); slot.release(); });
        void samples[1]!.then((slot) => { order.push("alice-sample-2"); slot.release(); });
        first.release();
        await Promise.all([bob, ...samples]);
        await new Promise((resolve) => setImmediate(resolve));
        expect(order).toEqual(["bob", "alice-sample-1", "alice-sample-2"]);
    });

    it("refuses work beyond its capacity with queue_full", async () => {
        const fair = queue(1, 1);
        await fair.acquire("a");
        void fair.acquire("b");
        expect(await codeOf(fair.acquire("c"))).toBe("queue_full");
    });

    it("limits how many jobs one user may have pending", async () => {
        const fair = queue(1, 10, 2);
        await fair.acquire("a");
        void fair.acquire("a");
        expect(await codeOf(fair.acquire("a"))).toBe("too_many_pending");
        expect(await codeOf(Promise.race([fair.acquire("b"), Promise.resolve("waiting")]))).toBeUndefined();
    });

    it("cancels a waiting job through its signal and moves the others up", async () => {
        const fair = queue(1);
        await fair.acquire("a");
        const cancel = new AbortController();
        const positions: number[] = [];
        const b = fair.acquire("b", {signal: cancel.signal});
        void fair.acquire("c", {onPosition: (position) => positions.push(position)});
        cancel.abort();
        expect(await codeOf(b)).toBe("cancelled");
        expect(positions).toEqual([2, 1]);
        expect(fair.waitingCount).toBe(1);
    });

    it("rejects an already-aborted request without queueing it", async () => {
        expect(await codeOf(queue().acquire("a", {signal: AbortSignal.abort()}))).toBe("cancelled");
    });

    it("releases a slot only once, even if released twice", async () => {
        const fair = queue(1);
        const slot = await fair.acquire("a");
        slot.release();
        slot.release();
        expect(fair.runningCount).toBe(0);
        {
            using _scoped = await fair.acquire("a");
            expect(fair.runningCount).toBe(1);
        }
        expect(fair.runningCount).toBe(0);
    });

    it("on close, rejects waiting and new jobs with shutting_down", async () => {
        const fair = queue(1);
        await fair.acquire("a");
        const waiting = fair.acquire("b");
        fair.close();
        expect(await codeOf(waiting)).toBe("shutting_down");
        expect(await codeOf(fair.acquire("c"))).toBe("shutting_down");
    });
});
