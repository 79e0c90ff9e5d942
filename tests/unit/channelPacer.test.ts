import {describe, expect, it} from "vitest";
import {ChannelPacer, ChannelPacerClosedError} from "../../src/platforms/slack/ChannelPacer.js";

/** A clock the test moves by hand. */
function manualClock(): {now: () => number, advance: (ms: number) => void} {
    let time = 0;
    return {now: () => time, advance: (ms) => { time += ms; }};
}

describe("ChannelPacer (Slack's one message a second per channel)", () => {
    it("lets a burst through at once, then gives each later write the next free turn, in order", () => {
        const clock = manualClock();
        const pacer = new ChannelPacer({intervalMs: 1_000, burst: 2}, clock.now);
        expect([pacer.reserve("C1"), pacer.reserve("C1"), pacer.reserve("C1"), pacer.reserve("C1")]).toEqual([0, 0, 1_000, 2_000]);
        clock.advance(2_000); // the last reserved turn has come: the next write waits a full interval
        expect(pacer.reserve("C1")).toBe(1_000);
    });

    it("paces each channel on its own", () => {
        const clock = manualClock();
        const pacer = new ChannelPacer({intervalMs: 1_000, burst: 1}, clock.now);
        expect([pacer.reserve("C1"), pacer.reserve("C2"), pacer.reserve("C1")]).toEqual([0, 0, 1_000]);
    });

    it("refills after a quiet spell, never above the burst", () => {
        const clock = manualClock();
        const pacer = new ChannelPacer({intervalMs: 1_000, burst: 2}, clock.now);
        pacer.reserve("C1");
        pacer.reserve("C1");
        expect(pacer.isBusy("C1")).toBe(true);
        clock.advance(60_000);
        expect(pacer.isBusy("C1")).toBe(false);
        expect([pacer.reserve("C1"), pacer.reserve("C1"), pacer.reserve("C1")]).toEqual([0, 0, 1_000]);
    });

    it("holds only message writes, recognising the method from the client's URL and the channel from its form body", async () => {
        const clock = manualClock();
        const pacer = new ChannelPacer({intervalMs: 60_000, burst: 1}, clock.now);
        const call = async (method: string, data: string) => pacer.interceptor({url: `http://127.0.0.1:1/api/${method}`, data} as never);
        await call("chat.postMessage", "channel=C1&text=a");
        // A second write in C1 must wait a minute; other methods and other channels pass at once.
        await call("users.info", "user=U1");
        await call("chat.update", "channel=C2&ts=1&text=b");
        let held = true;
        void call("chat.update", "channel=C1&ts=1&text=c").then(() => { held = false; });
        await call("chat.postMessage", "channel=C3&text=d");
        expect(held).toBe(true);
        expect(pacer.isBusy("C1")).toBe(true);
    });

    it("at close, fails the writes still waiting for their turn and every later write, and lets other methods through", async () => {
        const pacer = new ChannelPacer({intervalMs: 60_000, burst: 1});
        const call = async (method: string, data: string) => pacer.interceptor({url: `http://127.0.0.1:1/api/${method}`, data} as never);
        await call("chat.postMessage", "channel=C1&text=a");
        const held = call("chat.update", "channel=C1&ts=1&text=b");
        const alsoHeld = call("chat.postMessage", "channel=C1&text=c");
        expect(pacer.close()).toBe(2);
        await expect(held).rejects.toBeInstanceOf(ChannelPacerClosedError);
        await expect(alsoHeld).rejects.toBeInstanceOf(ChannelPacerClosedError);
        await expect(call("chat.postMessage", "channel=C2&text=d")).rejects.toBeInstanceOf(ChannelPacerClosedError);
        await expect(call("users.info", "user=U1")).resolves.toBeDefined();
        expect(pacer.close()).toBe(0);
    });
});
