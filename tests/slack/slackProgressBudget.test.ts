import {describe, expect, it} from "vitest";
import {waitFor} from "../support/waitFor.js";
import {solution, world} from "./slackWorld.js";

// Slack's chat.update is Tier 3: about 50 calls a minute per workspace (https://api.slack.com/methods/chat.update).
// Twenty students at once, each with a live status line, must share that, and every answer must still land.

const isAnswer = (args: Record<string, unknown>): boolean => JSON.stringify(args.blocks ?? []).includes("kotae:show");

describe("Slack adapter progress budget", () => {
    it("a 20-student burst keeps status edits within the workspace's budget (≤ 40 a minute, 8 at once) and delivers every answer", async () => {
        // No per-channel limits in the fake: what is measured is Kotae's own restraint. Five channels of four
        // students each, since Kotae also paces its writes in each channel (slackChannelPacing.test.ts).
        const {fake, runtime} = await world([solution], {chunkDelayMs: 15, fake: {rateLimits: {}}});
        const channels = [fake.channel, ...Array.from({length: 4}, (_, index) => fake.addChannel({name: `study-${index + 2}`}))];
        const students = Array.from({length: 20}, (_, index) => fake.addUser({name: `student${index}`}));
        const started = performance.now();
        await Promise.all(students.map((user, index) => fake.slashCommand({command: "/solve", text: `${index}+1は？`, user, channelId: channels[index % 5]!.id})));
        const answers = () => channels.flatMap((channel) => fake.messagesIn(channel.id)).filter((message) => isAnswer(message as unknown as Record<string, unknown>));
        await waitFor(() => answers().length === 20 || undefined, 120_000);
        const elapsedMs = performance.now() - started;
        const progress = fake.calls.filter((call) => call.method === "chat.update" && !isAnswer(call.args));
        expect(progress.length).toBeLessThanOrEqual(8 + Math.ceil(32 * elapsedMs / 60_000));
        for (let id = 1; id <= 20; id++)
            expect(runtime.store.interactions.get(id)?.status).toBe("answered");
    }, 90_000); // paced as Slack requires: a minute of messages on a loaded machine
});
