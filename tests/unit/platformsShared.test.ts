import fs from "node:fs";
import {afterEach, beforeEach, describe, expect, it, vi} from "vitest";
import {ProgressThrottle} from "../../src/platforms/shared/ProgressThrottle.js";
import type {EngineEvent} from "../../src/engine/EngineEvent.js";
import type {SolvePhase} from "../../src/platforms/shared/SolveProgress.js";
import {splitMessage} from "../../src/platforms/shared/splitMessage.js";
import {watchWithProgress} from "../../src/platforms/shared/watchSolve.js";

describe("splitMessage", () => {
    it("keeps short messages whole and splits long ones at paragraphs first", () => {
        expect(splitMessage("短い答え", 2000)).toEqual(["短い答え"]);
        const paragraph = "あ".repeat(900);
        expect(splitMessage(`${paragraph}\n\n${paragraph}\n\n${paragraph}`, 2000)).toEqual([`${paragraph}\n\n${paragraph}`, paragraph]);
    });

    it("never cuts inside a formula or a code block", () => {
        const formula = `$$${"x + ".repeat(20)}1$$`;
        const text = `${"い".repeat(80)} ${formula} ${"う".repeat(30)}`;
        const parts = splitMessage(text, 120);
        expect(parts.every((part) => [...part].length <= 120)).toBe(true);
        expect(parts.some((part) => part.includes(formula))).toBe(true);
        const inline = `${"え".repeat(50)}。$\\frac{1}{2} + \\frac{1}{3} = \\frac{5}{6}$ です。`;
        expect(splitMessage(inline.repeat(3), 100).every((part) => (part.match(/\$/g) ?? []).length % 2 === 0)).toBe(true);
        const fenced = `説明\n\`\`\`\n${"5050\n".repeat(10)}\`\`\`\n終わり`;
        expect(splitMessage(fenced, 60).filter((part) => part.includes("```")).every((part) => (part.match(/```/g) ?? []).length === 2)).toBe(true);
    });

    it("breaks Japanese at sentence ends when there is no line break, and counts characters not code units", () => {
        const sentence = "これは長い説明の一文です。";
        const parts = splitMessage(sentence.repeat(20), 50);
        expect(parts.every((part) => part.endsWith("。"))).toBe(true);
        expect(splitMessage("𠮷".repeat(30), 16).map((part) => [...part].length)).toEqual([16, 14]);
    });

    it("cuts an enormous formula only when it alone is longer than a part", () => {
        const parts = splitMessage(`$${"y".repeat(300)}$`, 100);
        expect(parts.join("")).toBe(`$${"y".repeat(300)}$`);
    });
});

describe("ProgressThrottle", () => {
    // Fake clocks: each check is about the throttle's own timing, never about how fast this machine is.
    beforeEach(() => {
        vi.useFakeTimers({toFake: ["setTimeout", "clearTimeout", "performance"]});
    });
    afterEach(() => {
        vi.useRealTimers();
    });

    it("shows at most one update per interval, ends with the newest, and skips repeats", async () => {
        const shown: string[] = [];
        const throttle = new ProgressThrottle<string>(async (state) => { shown.push(state); }, 1000);
        throttle.update("queued 2");
        await vi.advanceTimersByTimeAsync(0);
        expect(shown).toEqual(["queued 2"]); // the first update is shown at once

        throttle.update("queued 1");
        throttle.update("thinking");
        await vi.advanceTimersByTimeAsync(999);
        expect(shown).toEqual(["queued 2"]); // not again within the interval
        await vi.advanceTimersByTimeAsync(1);
        expect(shown).toEqual(["queued 2", "thinking"]); // then only the newest

        throttle.update("thinking");
        await vi.advanceTimersByTimeAsync(5000);
        expect(shown).toEqual(["queued 2", "thinking"]); // a repeat is not shown

        throttle.update("code 1/8");
        await throttle.stop();
        throttle.update("after stop");
        await vi.advanceTimersByTimeAsync(5000);
        expect(shown).toEqual(["queued 2", "thinking"]); // nothing after stop, not even what was pending
    });

    it("never runs two updates at once, and survives a failing one", async () => {
        let active = 0;
        let most = 0;
        const shown: number[] = [];
        const throttle = new ProgressThrottle<number>(async (state) => {
            active++;
            most = Math.max(most, active);
            await new Promise((resolve) => setTimeout(resolve, 30)); // a slow platform: each edit takes longer than the interval
            active--;
            if (state === 1) throw new Error("HTTP 500");
            shown.push(state);
        }, 10);
        for (let state = 1; state <= 4; state++) {
            throttle.update(state);
            await vi.advanceTimersByTimeAsync(15);
        }
        await vi.advanceTimersByTimeAsync(1000);
        await throttle.stop();
        expect(most).toBe(1);
        expect(shown.at(-1)).toBe(4);
    });
});

describe("the Slack app manifest in the repository", () => {
    it("is what `kotae slack-manifest` generates from the command definitions", async () => {
        const {slackManifest} = await import("../../src/platforms/slack/slackManifest.js");
        const committed = JSON.parse(fs.readFileSync(new URL("../../slack-app-manifest.json", import.meta.url), "utf8")) as unknown;
        expect(committed).toEqual(slackManifest());
        expect(JSON.stringify(committed)).toContain("\"/solve\"");
    });
});

describe("watchWithProgress", () => {
    /** An accepted solve that starts at once, writes for a while and ends without an answer. */
    async function* writingSolve(): AsyncGenerator<EngineEvent> {
        yield {type: "queued", interactionId: 7, position: 0};
        yield {type: "started", interactionId: 7, profile: "p", mode: "cot", samples: 1};
        for (let chunk = 0; chunk < 12; chunk++) {
            await new Promise((resolve) => setTimeout(resolve, 10));
            yield {type: "text", sample: 0, text: "考えます。"};
        }
        yield {type: "answer", answer: null, canonical: null, agreement: {votes: 0, samples: 1}};
    }

    async function watch(acknowledgementShows: boolean) {
        const acknowledged: {phase: SolvePhase | undefined, interactionId: number | undefined}[] = [];
        const shown: {phase: SolvePhase, interactionId: number | undefined}[] = [];
        await watchWithProgress(writingSolve(), "ja", {
            intervalMs: 50,
            acknowledge: async (phase, interactionId) => { acknowledged.push({phase, interactionId}); return acknowledgementShows; },
            show: async (phase, interactionId) => { shown.push({phase, interactionId}); }
        });
        return {acknowledged, shown};
    }

    it("makes the status message with the phase and interaction id known by then, and spends no edit repeating them", async () => {
        const {acknowledged, shown} = await watch(true);
        expect(acknowledged).toEqual([{phase: {phase: "starting"}, interactionId: 7}]);
        expect(shown.length).toBeGreaterThan(0);
        expect(shown.every((update) => update.phase.phase !== "starting")).toBe(true);
        expect(shown[0]).toEqual({phase: {phase: "thinking"}, interactionId: 7});
    });

    it("shows the first phase by an edit when the acknowledgement shows nothing yet (Discord's deferred reply)", async () => {
        const {acknowledged, shown} = await watch(false);
        expect(acknowledged).toHaveLength(1);
        expect(shown[0]).toEqual({phase: {phase: "starting"}, interactionId: 7});
    });
});
