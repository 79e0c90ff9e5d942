import {describe, expect, it} from "vitest";
import {waitFor} from "../support/waitFor.js";
import {problem, solution, world} from "./slackWorld.js";

// Refusals are for the asker only: a student's burst of them must not fill the channel
// (https://api.slack.com/interactivity/handling#message_responses: response_type "ephemeral").

describe("Slack adapter refusals", () => {
    it("a burst of refusals (too long, blank, still solving the previous one) is answered ephemerally and leaves nothing public", async () => {
        const {fake, runtime} = await world([solution.repeat(30)], {chunkDelayMs: 40, env: {KOTAE_MAX_PROBLEM_CHARS: "50", KOTAE_MAX_PENDING_PER_USER: "1"}});
        await fake.slashCommand({command: "/solve", text: problem});
        await fake.waitForCall("chat.update", (call) => JSON.stringify(call.args.blocks ?? []).includes("kotae:cancel"), 10_000);
        const publicBefore = fake.messagesIn(fake.channel.id).length;
        const burst = ["x".repeat(51), " ", ...Array.from({length: 6}, (_, index) => `${index}+1は？`)];
        for (const text of burst)
            expect((await fake.slashCommand({command: "/solve", text})).inTime).toBe(true);
        const refusals = await waitFor(() => {
            const told = fake.ephemerals.filter((ephemeral) => ephemeral.user === fake.student.id && ephemeral.via === "response_url");
            return told.length === burst.length ? told : undefined;
        });
        expect(refusals[0]!.text).toContain("50");
        expect(fake.messagesIn(fake.channel.id)).toHaveLength(publicBefore);
        expect(fake.calls.filter((call) => call.method === "chat.postMessage" && call.args.thread_ts == null)).toHaveLength(1);
        expect(runtime.store.interactions.get(2)).toMatchObject({status: "rejected", errorCode: "problem_too_long"});
        expect(runtime.store.interactions.get(4)).toMatchObject({status: "rejected", errorCode: "too_many_pending"});
    });
});
