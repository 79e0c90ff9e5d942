import {describe, expect, it} from "vitest";
import type {FakeSlack, FakeSlackChannel, RecordedSlackMessage} from "../support/fakeSlack/FakeSlack.js";
import {waitFor} from "../support/waitFor.js";
import {problem, solution, world} from "./slackWorld.js";

// The app's DM (its Messages tab): `/solve` there and plain messages there (message.im,
// https://api.slack.com/events/message.im) are answered in the DM, follow-ups in the answer's thread,
// under the workspace's hourly limit; refusals reach the student alone.

/** The bot's answer in the DM once the follow-up hint is in its thread: the last thing a solve posts. */
async function answeredIn(fake: FakeSlack, dm: FakeSlackChannel): Promise<RecordedSlackMessage> {
    const answer = await waitFor(() => fake.messagesIn(dm.id).find((message) => JSON.stringify(message.blocks ?? []).includes("kotae:show")));
    await fake.waitForCall("chat.postMessage", (call) => call.args.channel === dm.id && call.args.thread_ts === answer.ts && call.status === 200, 10_000);
    return answer;
}

describe("Slack DMs with the app", () => {
    it("/solve in the DM is answered there, with its card and follow-up hint in the answer's thread, under the workspace's settings", async () => {
        const {fake, runtime} = await world([solution]);
        const dm = fake.openDm(fake.student);
        // The workspace keeps Kotae to one channel: the list names channels, never a DM, so the DM is answered.
        runtime.store.community.save("slack", fake.team.id, {
            allowedChannels: [fake.channel.id], defaultMode: null, profile: null, theme: null, solvesPerHour: null, followUpsNeedMention: null
        }, {platform: "slack", userId: fake.admin.id});
        expect((await fake.slashCommand({command: "/solve", text: problem, channelId: dm.id})).inTime).toBe(true);
        const answer = await answeredIn(fake, dm);
        expect(fake.shown(answer).shown).toContain("*答え*：5050");
        expect(fake.messagesIn(fake.channel.id)).toEqual([]);
        await waitFor(() => fake.uploads.find((file) => file.threadTs === answer.ts));
        expect(runtime.store.interactions.get(1)).toMatchObject({status: "answered", channelId: dm.id, workspaceId: fake.team.id, threadId: `${dm.id}/${answer.ts}`});
    });

    it("a plain message in the DM is a problem, answered in the DM once even if redelivered; a reply in its thread is a follow-up", async () => {
        const {fake, runtime, backend} = await world([solution, "100個を2個ずつ組にするので50組です。"]);
        const dm = fake.openDm(fake.student);
        const {event} = await fake.message({text: `${problem} mode:cot`, channelId: dm.id});
        await fake.redeliver(event, {num: 1, reason: "http_timeout"});
        const answer = await answeredIn(fake, dm);
        expect(fake.shown(answer).shown).toContain("*答え*：5050");
        expect(runtime.store.interactions.get(1)).toMatchObject({status: "answered", question: problem, mode: "cot", channelId: dm.id});

        await fake.message({text: "なぜ50組？", channelId: dm.id, threadTs: answer.ts});
        const reply = await waitFor(() => fake.messagesIn(dm.id, answer.ts).find((message) => message.text.includes("2個ずつ")));
        expect(reply.thread_ts).toBe(answer.ts);
        expect(runtime.store.conversations.turns(1).map((turn) => turn.content)).toEqual(["なぜ50組？", "100個を2個ずつ組にするので50組です。"]);
        // One solve and one follow-up: the redelivered problem was not solved twice.
        expect(backend.requests).toHaveLength(2);
        expect(runtime.store.interactions.get(2)).toBeUndefined();
    });

    it("the workspace's hourly limit counts DM problems too, and the refusal is an ephemeral message to the student in the DM", async () => {
        const {fake, runtime} = await world([solution], {env: {KOTAE_SOLVES_PER_HOUR: "1"}});
        const dm = fake.openDm(fake.student);
        await fake.slashCommand({command: "/solve", text: problem});
        await waitFor(() => runtime.store.interactions.get(1)?.status === "answered" ? true : undefined, 10_000);
        await fake.message({text: "2+3は？", channelId: dm.id});
        const refusal = await waitFor(() => fake.ephemerals.find((ephemeral) => ephemeral.channel === dm.id));
        expect(refusal).toMatchObject({user: fake.student.id, text: expect.stringContaining("また質問できます") as string});
        expect(fake.messagesIn(dm.id)).toEqual([]); // the bot posted nothing there
        expect(runtime.store.interactions.get(2)).toMatchObject({status: "rejected", errorCode: "rate_limited"});
    });
});
