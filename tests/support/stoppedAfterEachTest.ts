import {afterEach} from "vitest";

/** What an adapter test starts: a platform adapter, the Kotae runtime under it, and the fake platform. */
type AdapterWorld = {
    readonly adapter: {close(): Promise<void>},
    readonly runtime: {close(): Promise<void>},
    readonly fake: {close(): Promise<void>}
};

/**
 * Registers an afterEach that stops every world handed to the returned function, in the order that lets
 * each part finish: the adapter (its last replies), the runtime (every request logged), then the fake.
 */
export function stoppedAfterEachTest<World extends AdapterWorld>(): (world: World) => World {
    const started: World[] = [];
    afterEach(async () => {
        for (const {adapter, runtime, fake} of started.splice(0)) {
            await adapter.close();
            await runtime.close();
            await fake.close();
        }
    });
    return (world) => {
        started.push(world);
        return world;
    };
}
