import {afterEach, beforeEach, describe, expect, it, vi} from "vitest";
import {ProgressBudget} from "../../src/platforms/shared/ProgressBudget.js";
import {ProgressThrottle} from "../../src/platforms/shared/ProgressThrottle.js";

/** The most edits in any 60-s window of these times (ms). */
function mostInAMinute(times: readonly number[]): number {
    return Math.max(0, ...times.map((start) => times.filter((time) => time >= start && time < start + 60_000).length));
}

describe("ProgressBudget", () => {
    beforeEach(() => {
        vi.useFakeTimers({toFake: ["setTimeout", "clearTimeout", "performance"]});
    });
    afterEach(() => {
        vi.useRealTimers();
    });

    it("allows its burst at once, then tokens at a steady rate, never more than perMinute in any minute", () => {
        const budget = new ProgressBudget(50, 10);
        const taken: number[] = [];
        for (let second = 0; second < 300; second++) {
            while (budget.take()) taken.push(performance.now());
            vi.advanceTimersByTime(1_000);
        }
        expect(taken.filter((time) => time === 0)).toHaveLength(10);
        expect(mostInAMinute(taken)).toBeLessThanOrEqual(50);
        expect(taken.length).toBeGreaterThanOrEqual(10 + 40 * 4); // it does give what it promises
        expect(budget.take()).toBe(false);
        expect(budget.waitMs()).toBeGreaterThan(0);
        vi.advanceTimersByTime(budget.waitMs());
        expect(budget.take()).toBe(true);
    });

    it("refuses settings that allow nothing", () => {
        expect(() => new ProgressBudget(5, 5)).toThrow(RangeError);
        expect(() => new ProgressBudget(5, 0)).toThrow(RangeError);
    });

    it("keeps 20 solves' throttled status lines within the shared budget, coalescing: each shows its newest state in the end", async () => {
        const budget = new ProgressBudget(50, 10);
        const shown: {solve: number, state: number, at: number}[] = [];
        const throttles = Array.from({length: 20}, (_, solve) =>
            new ProgressThrottle<number>(async (state) => { shown.push({solve, state, at: performance.now()}); }, 1_000, undefined, budget));
        // Every solve's state changes every 200 ms for two minutes: 12 000 changes, 2 400 edits unthrottled by the budget.
        for (let tick = 1; tick <= 600; tick++) {
            for (const throttle of throttles) throttle.update(tick);
            await vi.advanceTimersByTimeAsync(200);
        }
        // Then quiet: each solve's newest state gets its turn.
        await vi.advanceTimersByTimeAsync(60_000);
        expect(mostInAMinute(shown.map((edit) => edit.at))).toBeLessThanOrEqual(50);
        for (let solve = 0; solve < 20; solve++)
            expect(shown.filter((edit) => edit.solve === solve).at(-1)?.state).toBe(600);
        await Promise.all(throttles.map((throttle) => throttle.stop()));
    });
});
