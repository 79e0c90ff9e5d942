import {webApi, type types} from "@slack/bolt";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {FakeSlack} from "../support/fakeSlack/FakeSlack.js";
import {fakeSlackWithClient} from "../support/fakeSlack/fakeSlackWithClient.js";

// The fake reads what a bot posts as Slack reads mrkdwn (https://api.slack.com/reference/surfaces/formatting),
// so that tests can say what people saw and who was notified.

describe("the fake Slack reads posted text as Slack's mrkdwn", () => {
    let fake: FakeSlack;
    let client: webApi.WebClient;

    beforeAll(async () => ({fake, client} = await fakeSlackWithClient()));
    afterAll(() => fake.close());

    async function post(args: {text: string, blocks?: types.KnownBlock[], link_names?: boolean, parse?: "full" | "none"}) {
        const posted = await client.chat.postMessage({channel: fake.channel.id, ...args});
        return fake.shown(fake.findMessage(fake.channel.id, posted.ts!)!);
    }

    it("shows escaped &, < and > as the characters, and notifies nobody", async () => {
        expect(await post({text: "a &lt; b &amp;&amp; c &gt; d, &amp;lt; &copy;"})).toEqual({
            shown: "a < b && c > d, &lt; &copy;", pinged: {users: [], broadcasts: [], userGroups: []}, channelLinks: [], links: []
        });
    });

    it("reads <@U…>, <!here>, <!channel>, <!everyone> and <!subteam^…> as notifications, <#C…> and <url|label> as links", async () => {
        const text = `<@${fake.student.id}> <!here> <!channel|channel> <!everyone> <!subteam^S1|@teachers> <#${fake.channel.id}> <https://example.org/?a=1&amp;b=2|例> <!date^1700000000^{date}|2023年>`;
        expect(await post({text})).toEqual({
            shown: "@taro @here @channel @everyone @teachers #math-help 例 2023年",
            pinged: {users: [fake.student.id], broadcasts: ["here", "channel", "everyone"], userGroups: ["S1"]},
            channelLinks: [fake.channel.id],
            links: [{url: "https://example.org/?a=1&b=2", label: "例"}]
        });
    });

    it("reads an unescaped <…> as a link, and leaves a lone < or & and *styles* as written", async () => {
        expect(await post({text: "a < b & c, <b>太字</b> *bold*"})).toMatchObject({
            shown: "a < b & c, b太字/b *bold*", links: [{url: "b", label: "b"}, {url: "/b", label: "/b"}]
        });
    });

    it("shows blocks instead of the text: mrkdwn objects read, plain_text as written; the text still notifies", async () => {
        const shown = await post({
            text: `<@${fake.otherStudent.id}> 通知`,
            blocks: [
                {type: "header", text: {type: "plain_text", text: "<!everyone> &lt;"}},
                {type: "section", text: {type: "mrkdwn", text: "<!channel> 答え &gt; 0"}, fields: [{type: "plain_text", text: "<@U1>"}]},
                {type: "context", elements: [{type: "mrkdwn", text: "<!subteam^S9>"}]}
            ]
        });
        expect(shown).toEqual({
            shown: "<!everyone> &lt;\n@channel 答え > 0\n<@U1>\n@S9",
            pinged: {users: [fake.otherStudent.id], broadcasts: ["channel"], userGroups: ["S9"]},
            channelLinks: [],
            links: []
        });
    });

    it("notifies plain @names and @channel only with link_names or parse: full", async () => {
        const text = "@taro と @channel へ";
        expect((await post({text})).pinged).toEqual({users: [], broadcasts: [], userGroups: []});
        expect((await post({text, link_names: true})).pinged).toEqual({users: [fake.student.id], broadcasts: ["channel"], userGroups: []});
        expect((await post({text, parse: "full"})).pinged).toEqual({users: [fake.student.id], broadcasts: ["channel"], userGroups: []});
    });
});
