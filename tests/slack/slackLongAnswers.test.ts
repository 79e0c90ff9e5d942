import {describe, expect, it} from "vitest";
import type {FakeSlack} from "../support/fakeSlack/FakeSlack.js";
import type {RecordedSlackMessage} from "../support/fakeSlack/Workspace.js";
import {waitFor} from "../support/waitFor.js";
import {solved, world} from "./slackWorld.js";

// Slack's limits (https://api.slack.com/reference/block-kit/blocks#section, https://api.slack.com/methods/chat.postMessage):
// 3 000 characters a section, 50 blocks a message, 4 000 characters of text for chat.update. The fake
// refuses more, as Slack does; Kotae must split, and lose nothing.

/** Numbered paragraphs of about 100 characters each, `count` of them. */
function paragraphs(count: number): string {
    return Array.from({length: count}, (_, index) => `第${index + 1}段落：${"両端から順に組にして足していきます、".repeat(5)}`).join("\n\n");
}

/** The text of the sections of these messages, in order. */
function sectionTexts(messages: readonly RecordedSlackMessage[]): string[] {
    return messages.flatMap((message) => (message.blocks ?? []).map((block) => (block as {text?: {text: string}}).text?.text ?? ""));
}

function botReplies(fake: FakeSlack, threadTs: string): RecordedSlackMessage[] {
    return fake.messagesIn(fake.channel.id, threadTs).filter((message) => message.files === undefined && !message.text.includes("続けて"));
}

describe("Slack adapter with answers longer than Slack's limits", () => {
    it("posts a follow-up reply longer than one message's 50 sections as several messages, every paragraph once, in order", async () => {
        const reply = paragraphs(1_700);
        expect(reply.length).toBeGreaterThan(50 * 3_000);
        const {fake} = await world(["\\boxed{5050}", reply], {chunkSize: 20_000});
        const answer = await solved(fake);
        await fake.message({text: "全部説明して", threadTs: answer.ts});
        await waitFor(() => sectionTexts(botReplies(fake, answer.ts)).join("\n\n").includes("第1700段落") || undefined);
        const replies = botReplies(fake, answer.ts);
        expect(replies.length).toBeGreaterThanOrEqual(2);
        expect(replies.every((message) => message.blocks!.length <= 50)).toBe(true);
        expect(sectionTexts(replies).join("\n\n")).toBe(reply);
    });

    it("shows an answer longer than chat.update's 4 000 characters whole, in sections", async () => {
        const long = Array.from({length: 900}, (_, index) => String(index + 1)).join(" + ");
        expect(long.length).toBeGreaterThan(4_000);
        const {fake} = await world([`\\boxed{${long}}`]);
        const answer = await solved(fake);
        // Sections split at spaces; read together, they are the whole answer.
        expect(fake.shown(answer).shown.replace(/\s+/g, " ")).toContain(long);
    });
});
