import {describe, expect, it} from "vitest";
import {waitFor} from "../support/waitFor.js";
import {solution, world} from "./slackWorld.js";

// Slack allows about one message a second per channel, with short bursts
// (https://docs.slack.dev/reference/methods/chat.postMessage#rate-limiting); the fake answers 429 past that.

const isAnswer = (blocks: unknown): boolean => JSON.stringify(blocks ?? []).includes("kotae:show");

describe("Slack adapter channel pacing", () => {
    it("six students asking at once in one channel get every answer and hint, and Slack never has to answer 429", async () => {
        const {fake, runtime} = await world([solution], {chunkDelayMs: 5});
        const students = Array.from({length: 6}, (_, index) => fake.addUser({name: `student${index}`}));
        await Promise.all(students.map((user, index) => fake.slashCommand({command: "/solve", text: `${index}+1は？`, user})));
        await waitFor(() => fake.messagesIn(fake.channel.id).filter((message) => isAnswer(message.blocks)).length === 6 || undefined, 60_000);
        for (const answer of fake.messagesIn(fake.channel.id).filter((message) => isAnswer(message.blocks)))
            await fake.waitForCall("chat.postMessage", (call) => call.args.thread_ts === answer.ts && call.status === 200, 30_000);
        expect(fake.calls.filter((call) => call.status === 429).map((call) => call.method)).toEqual([]);
        for (let id = 1; id <= 6; id++)
            expect(runtime.store.interactions.get(id)?.status).toBe("answered");
    }, 90_000); // paced as Slack requires: a minute of messages on a loaded machine
});
