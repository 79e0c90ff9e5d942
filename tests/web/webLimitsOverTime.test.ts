import {describe, expect, it} from "vitest";
import {ErrorCode} from "../../src/errors/ErrorCode.js";
import {AdminSessions} from "../../src/platforms/web/AdminSessions.js";
import {ClientGate} from "../../src/platforms/web/ClientGate.js";
import {LoginThrottle} from "../../src/platforms/web/LoginThrottle.js";
import {RequestRateLimit} from "../../src/platforms/web/RequestRateLimit.js";

// The web app's limits as time passes, on a hand-moved clock (webBehindProxy.test.ts drives them over HTTP).

function clock() {
    let now = 1_700_000_000_000;
    return {now: () => now, advance: (ms: number) => now += ms};
}

const minute = 60_000;

describe("LoginThrottle", () => {
    it("lets a locked-out client in again once its oldest failure leaves the window, and says when", () => {
        const time = clock();
        const throttle = new LoginThrottle({maxFailures: 3, windowMs: 15 * minute, stepDelayMs: 200, now: time.now});
        expect([throttle.fail("a"), (time.advance(minute), throttle.fail("a")), throttle.fail("a")]).toEqual([200, 400, 600]);
        expect(throttle.lockedFor("a")).toBe(14 * 60);
        expect(throttle.lockedFor("b")).toBeUndefined();
        time.advance(14 * minute);
        expect(throttle.lockedFor("a")).toBeUndefined();
        expect(throttle.fail("a")).toBe(600);
    });
});

describe("ClientGate", () => {
    it("counts pending solves until each is released (once, however often release is called)", () => {
        const gate = new ClientGate({maxPending: 1, perHour: 100});
        const first = gate.admit("a");
        expect("release" in first).toBe(true);
        expect(gate.admit("a")).toMatchObject({refusal: {code: ErrorCode.TooManyPending}});
        expect("release" in gate.admit("b")).toBe(true);
        if ("release" in first) {
            first.release();
            first.release();
        }
        const again = gate.admit("a");
        expect("release" in again).toBe(true);
        expect(gate.admit("a")).toMatchObject({refusal: {code: ErrorCode.TooManyPending}});
    });

    it("admits perHour solves in any hour and says in how many seconds the next one fits", () => {
        const time = clock();
        const gate = new ClientGate({maxPending: 10, perHour: 2}, time.now);
        gate.admit("a");
        time.advance(10 * minute);
        gate.admit("a");
        expect(gate.admit("a")).toMatchObject({refusal: {code: ErrorCode.RateLimited, params: {seconds: 50 * 60}}});
        time.advance(50 * minute + 1);
        expect("release" in gate.admit("a")).toBe(true);
    });
});

describe("AdminSessions", () => {
    it("keeps a session open for 12 hours, and only the ids it opened", () => {
        const time = clock();
        const sessions = new AdminSessions(time.now);
        const id = sessions.open();
        expect(id).toMatch(/^[0-9a-f]{64}$/);
        expect(sessions.isOpen(id)).toBe(true);
        expect(sessions.isOpen(undefined)).toBe(false);
        expect(sessions.isOpen("0".repeat(64))).toBe(false);
        time.advance(12 * 60 * minute - 1);
        expect(sessions.isOpen(id)).toBe(true);
        time.advance(1);
        expect(sessions.isOpen(id)).toBe(false);
    });
});

describe("RequestRateLimit", () => {
    it("allows perMinute requests per client in each one-minute window", () => {
        const time = clock();
        const limit = new RequestRateLimit(2, time.now);
        expect([limit.take("a"), limit.take("a"), limit.take("b")]).toEqual([undefined, undefined, undefined]);
        time.advance(20_000);
        expect(limit.take("a")).toBe(40);
        time.advance(40_000);
        expect(limit.take("a")).toBeUndefined();
    });
});
