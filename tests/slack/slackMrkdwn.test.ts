import {describe, expect, it} from "vitest";
import type {FakeSlack} from "../support/fakeSlack/FakeSlack.js";
import {waitFor} from "../support/waitFor.js";
import {solved, world} from "./slackWorld.js";

// Slack's mrkdwn both ways (https://api.slack.com/reference/surfaces/formatting#escaping). Model output is
// untrusted text: `<!channel>` notifies a whole channel and `<@U…>` a person, so Kotae must escape it to
// show it as written. People's messages arrive with `&`, `<` and `>` escaped: the model must get them as typed.

const hostile = "<!channel> <!here> <!everyone> <@U123> <!subteam^S1> <#C0123456> <https://evil.example|ここを押す> *bold* a < b & c, &lt;";

/** Every message of the bot's, top-level and in threads, as read: nobody notified, nothing linked. */
function expectNothingPingedOrLinked(fake: FakeSlack): void {
    const messages = fake.messagesIn(fake.channel.id).flatMap((message) => [message, ...fake.messagesIn(fake.channel.id, message.ts)]);
    expect(messages.length).toBeGreaterThan(2);
    for (const message of messages)
        expect(fake.shown(message), message.text).toMatchObject({pinged: {users: [], broadcasts: [], userGroups: []}, channelLinks: [], links: []});
}

describe("Slack adapter with hostile model text", () => {
    it("shows an answer with mentions, broadcasts and < & > as written, notifying nobody", async () => {
        const {fake} = await world([`<think>${hostile}</think>\n${hostile}\n\n\\boxed{a < b & c <!channel>}`]);
        const answer = await solved(fake);
        expect(fake.shown(answer).shown).toContain("a < b & c <!channel>");
        expectNothingPingedOrLinked(fake);
    });

    it("shows a follow-up reply with mentions, broadcasts and < & > as written, notifying nobody", async () => {
        const {fake} = await world(["\\boxed{5050}", hostile]);
        const answer = await solved(fake);
        await fake.message({text: "どういうこと？", threadTs: answer.ts});
        const reply = await waitFor(() => fake.messagesIn(fake.channel.id, answer.ts).find((message) => message.text.includes("bold")));
        expect(fake.shown(reply).shown).toBe(hostile);
        expectNothingPingedOrLinked(fake);
    });
});

describe("Slack adapter with people's < & > in a thread", () => {
    it("gives the model a follow-up question as the person typed it, not as Slack escaped it", async () => {
        const {fake, backend} = await world(["\\boxed{5050}", "はい。"]);
        const answer = await solved(fake);
        const {message} = await fake.message({text: "a < b & c > d のときは？", threadTs: answer.ts});
        expect(message.text).toBe("a &lt; b &amp; c &gt; d のときは？");
        await waitFor(() => fake.messagesIn(fake.channel.id, answer.ts).find((reply) => reply.text === "はい。"));
        expect(backend.requests[1]!.prompt.toText()).toContain("a < b & c > d のときは？");
    });
});
