import {describe, expect, it} from "vitest";
import type {FakeSlack} from "../support/fakeSlack/FakeSlack.js";
import {waitFor} from "../support/waitFor.js";
import {finishedAnswer, problem, solution, solved, world, type World} from "./slackWorld.js";

// How Slack delivers (https://api.slack.com/apis/events-api#retries, https://api.slack.com/interactivity/handling#acknowledgment_response):
// an ack within 3 s or the delivery failed; a failed event comes again with X-Slack-Retry-Num (HTTP) or
// retry_attempt (Socket Mode) and the same event_id; a mention comes as `message` and as `app_mention`.

const why = "100個を2個ずつ組にするので50組です。";
const sure = "はい、5050です。";

/**
 * Waits for the first answer, then asks a second question in the thread and waits for its answer: the
 * model answers one question at a time, in order, so once this one is answered every earlier delivery
 * has been dealt with (a duplicate would have been a request of its own before it).
 */
async function askLater(fake: FakeSlack, threadTs: string): Promise<void> {
    await waitFor(() => fake.messagesIn(fake.channel.id, threadTs).find((message) => message.text === why));
    await fake.message({text: "本当に？", threadTs});
    await waitFor(() => fake.messagesIn(fake.channel.id, threadTs).find((message) => message.text.includes("はい、5050")));
}

/** The thread's questions and answers as stored, and the bot's replies as shown: each exactly once. */
function expectAnsweredOnce({fake, runtime, backend}: World, threadTs: string, question: string): void {
    expect(runtime.store.conversations.turns(1).map((turn) => turn.content)).toEqual([question, why, "本当に？", sure]);
    expect(backend.requests).toHaveLength(3);
    const replies = fake.messagesIn(fake.channel.id, threadTs).filter((message) => message.files === undefined && !message.text.includes("続けて"));
    expect(replies.map((message) => message.text)).toEqual([why, sure]);
}

describe.each([["HTTP mode", false], ["Socket Mode", true]] as const)("Slack adapter and Slack's deliveries (%s)", (_mode, socketMode) => {
    it.each([
        {failure: "connection_failed", what: "whose first delivery never reached Kotae, once,", reachedKotae: undefined},
        {failure: "http_timeout", what: "whose ack Slack missed once, and not again", reachedKotae: {inTime: true}}
    ] as const)("answers a thread reply $what when Slack retries it ($failure)", async ({failure, reachedKotae}) => {
        const kotae = await world([solution, why, sure], {socketMode});
        const {fake} = kotae;
        const answer = await solved(fake);
        fake.failNextDelivery(failure);
        const {event} = await fake.message({text: "なぜ50組？", threadTs: answer.ts});
        expect(event.failure).toBe(failure);
        const retried = await fake.waitForDelivery((delivery) => delivery.eventId === event.eventId && delivery.retry !== undefined);
        expect(retried).toMatchObject({retry: {num: 1, reason: failure}, failure: undefined, ...reachedKotae});
        await askLater(fake, answer.ts);
        expectAnsweredOnce(kotae, answer.ts, "なぜ50組？");
    });

    it("answers a thread @mention once, though Slack delivers it as both message and app_mention", async () => {
        const kotae = await world([solution, why, sure], {socketMode});
        const {fake} = kotae;
        const answer = await solved(fake);
        const {event, appMention} = await fake.message({text: "なぜ50組？", threadTs: answer.ts, mentionsBot: true});
        expect([event.inTime, appMention?.inTime]).toEqual([true, true]);
        await askLater(fake, answer.ts);
        expectAnsweredOnce(kotae, answer.ts, "なぜ50組？");
    });

    it("acks commands, clicks, form submissions and events within Slack's 3 seconds", async () => {
        const {fake, runtime} = await world([solution, why], {socketMode});
        await fake.slashCommand({command: "/solve", text: problem});
        const answer = await finishedAnswer(fake);
        await fake.slashCommand({command: "/kotae", text: "help"});
        await fake.blockAction({message: answer, actionId: "kotae:report"});
        await fake.waitForCall("views.open");
        await fake.submitView({callbackId: "kotae:report", fields: {answer: "5050", comment: ""}});
        await fake.message({text: "なぜ50組？", threadTs: answer.ts});
        await waitFor(() => runtime.store.feedback.list(1)[0]);
        await waitFor(() => fake.messagesIn(fake.channel.id, answer.ts).find((message) => message.text === why));
        const kinds = fake.deliveries.map((delivery) => delivery.envelope.type);
        expect(kinds).toEqual(["slash_commands", "slash_commands", "interactive", "interactive", "events_api"]);
        expect(fake.deliveries.filter((delivery) => !delivery.inTime || delivery.failure !== undefined)).toEqual([]);
    });
});
