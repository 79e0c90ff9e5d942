import {describe, expect, it} from "vitest";
import {slackMessageRate} from "../support/fakeSlack/RateLimits.js";
import {solved, world} from "./slackWorld.js";

// Slack limits a channel's messages to about one a second, with short bursts, and answers more with
// HTTP 429 and Retry-After (https://api.slack.com/methods/chat.postMessage#rate_limiting,
// https://api.slack.com/apis/rate-limits).

/** A solution the scripted model takes a few seconds to write, so that the status line changes while it does. */
const slowSolution = `<think>\n${"組にして数えます。".repeat(12)}\n</think>\n両端を組にすると $101 \\times 50 = 5050$ です。\n\n\\boxed{5050}`;

const isAnswer = (args: Record<string, unknown>): boolean => JSON.stringify(args.blocks ?? []).includes("kotae:show");

describe("Slack adapter within Slack's rate limits", () => {
    it("edits the status line at most once a second while a solve runs, and is never rate-limited", async () => {
        const {fake} = await world([slowSolution], {chunkDelayMs: 25, fake: {rateLimits: {"chat.postMessage": slackMessageRate, "chat.update": {intervalMs: 1_000, burst: 2}}}});
        await solved(fake);
        const updates = fake.calls.filter((call) => call.method === "chat.update");
        expect(updates.filter((call) => call.status !== 200)).toEqual([]);
        // The status line is posted showing the first phase, then edited as the phase changes.
        const progress = fake.calls.filter((call) => (call.method === "chat.postMessage" && call.args.thread_ts == null)
            || (call.method === "chat.update" && !isAnswer(call.args)));
        expect(progress.map((call) => call.method)).toEqual(["chat.postMessage", "chat.update", ...progress.slice(2).map(() => "chat.update")]);
        const gaps = progress.slice(1).map((call, index) => call.at - progress[index]!.at);
        expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_000);
    });

    it("has Bolt's WebClient retry a rate-limited answer after Retry-After, and the answer lands", async () => {
        const {fake} = await world([slowSolution]);
        fake.failNext({method: "chat.update", status: 429, retryAfterSeconds: 2, when: isAnswer});
        const answer = solved(fake);
        // Kotae does not retry by itself: the @slack/web-api client Bolt gives it does, as configured in SlackAdapter.
        const retried = await fake.waitForCall("chat.update", (call) => isAnswer(call.args) && call.status === 200, 10_000);
        const limited = fake.calls.find((call) => call.method === "chat.update" && isAnswer(call.args))!;
        expect(limited).toMatchObject({status: 429, injected: true});
        expect(retried.at - limited.at).toBeGreaterThanOrEqual(2_000);
        expect(fake.shown(await answer).shown).toContain("5050");
    });
});
