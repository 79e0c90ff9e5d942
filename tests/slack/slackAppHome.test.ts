import {describe, expect, it} from "vitest";
import type {FakeSlack, FakeSlackUser, RecordedSlackView} from "../support/fakeSlack/FakeSlack.js";
import {readRows} from "../support/readRows.js";
import {waitFor} from "../support/waitFor.js";
import {finishedAnswer, problem, solution, solved, world} from "./slackWorld.js";

// The App Home tab (https://api.slack.com/surfaces/app-home) of the real Slack adapter against the fake
// Slack: a student's recent problems with the report button, and the workspace's settings for admins.

/** The Home tab published for `user` after the `count`-th views.publish for them (1: the first). */
async function publishedHome(fake: FakeSlack, user: FakeSlackUser, count = 1): Promise<RecordedSlackView> {
    await waitFor(() => fake.calls.filter((call) => call.method === "views.publish" && call.args.user_id === user.id && call.status === 200)[count - 1]);
    return fake.homeView(user)!;
}

async function openHome(fake: FakeSlack, user: FakeSlackUser): Promise<RecordedSlackView> {
    const before = fake.calls.filter((call) => call.method === "views.publish" && call.args.user_id === user.id).length;
    await fake.appHomeOpened({user});
    return publishedHome(fake, user, before + 1);
}

function shownHome(fake: FakeSlack, view: RecordedSlackView) {
    return fake.shown({blocks: view.blocks});
}

describe("Slack App Home", () => {
    it("shows a student their own recent problems with the answer, a link to the thread and the report button, and nobody else's", async () => {
        const {fake} = await world([solution, "\\boxed{5}"]);
        const answer = await solved(fake);
        await fake.slashCommand({command: "/solve", text: "2+3は？", user: fake.otherStudent});
        await waitFor(() => fake.messagesIn(fake.channel.id).filter((message) => JSON.stringify(message.blocks ?? []).includes("kotae:show"))[1]);

        const home = shownHome(fake, await openHome(fake, fake.student));
        expect(home.shown).toContain(problem);
        expect(home.shown).toContain("答え：5050");
        expect(home.shown).not.toContain("2+3");
        expect(home.links).toEqual([{url: `https://kotae-study.slack.com/archives/${fake.channel.id}/p${answer.ts.replace(".", "")}`, label: "スレッドを開く"}]);
        const view = fake.homeView(fake.student)!;
        expect(JSON.stringify(view.blocks)).toContain("kotae:home:report");
        expect(JSON.stringify(view.blocks)).not.toContain("kotae:home:mode"); // no settings for students

        const other = shownHome(fake, await openHome(fake, fake.otherStudent));
        expect(other.shown).toContain("2+3は？");
        expect(other.shown).toContain("答え：5");
        expect(other.shown).not.toContain(problem);
    });

    it("lists a problem without its link while chat.getPermalink fails, and with it when Slack answers again", async () => {
        const {fake} = await world([solution]);
        await solved(fake);
        fake.failNext({method: "chat.getPermalink", error: "message_not_found"});
        const first = shownHome(fake, await openHome(fake, fake.student));
        expect(first.shown).toContain("答え：5050");
        expect(first.links).toEqual([]);
        const second = shownHome(fake, await openHome(fake, fake.student));
        expect(second.links.map((link) => link.label)).toEqual(["スレッドを開く"]);
    });

    it("logs one line when Slack refuses the Home tab, and publishes it at the next opening", async () => {
        const logLines: string[] = [];
        const {fake} = await world([], {logLines});
        fake.failNext({method: "views.publish", error: "invalid_arguments"});
        await fake.appHomeOpened({user: fake.student});
        const failure = await waitFor(() => logLines.map((line) => JSON.parse(line) as {level: string, msg: string, err?: {stack?: string}}).find((entry) => entry.level === "error"));
        expect(failure.msg).toBe("publishing the App Home tab failed");
        expect(failure.err?.stack).toBeUndefined();
        expect(shownHome(fake, await openHome(fake, fake.student)).shown).toContain("/solve");
    });

    it("explains /solve to someone who has asked nothing yet", async () => {
        const {fake} = await world([]);
        const home = shownHome(fake, await openHome(fake, fake.student));
        expect(home.shown).toContain("/solve");
        expect(home.shown).toContain("まだ質問がありません");
        await fake.appHomeOpened({user: fake.student, tab: "messages"});
        await fake.appHomeOpened({user: fake.student});
        await publishedHome(fake, fake.student, 2);
        // The messages tab published nothing: the second publish is the second opening of the home tab.
        expect(fake.calls.filter((call) => call.method === "views.publish")).toHaveLength(2);
    });

    it("reports a wrong answer from Home with the same form and record as in the thread", async () => {
        const {fake, runtime} = await world([solution]);
        await solved(fake);
        await openHome(fake, fake.student);
        await fake.homeAction({user: fake.student, actionId: "kotae:home:report"});
        const opened = await fake.waitForCall("views.open");
        expect(opened.status).toBe(200);
        await fake.submitView({callbackId: "kotae:report", fields: {answer: "5051", comment: "1つずれています"}, user: fake.student});
        await waitFor(() => runtime.store.feedback.list(1)[0]);
        expect(runtime.store.feedback.list(1)).toMatchObject([{correctedAnswer: "5051", comment: "1つずれています", correctionEqualsModelAnswer: false}]);
        expect(runtime.store.interactions.events(1).map((event) => event.kind)).toEqual(["button:report"]);
        await waitFor(() => fake.ephemerals.find((ephemeral) => ephemeral.user === fake.student.id && ephemeral.text.includes("報告ありがとうございます")));
    });

    it("shows an admin the settings, stores a change through the settings use case, republishes, and the next /solve follows it", async () => {
        const {fake, runtime} = await world([solution]);
        const home = await openHome(fake, fake.admin);
        expect(shownHome(fake, home).shown).toContain("mode: auto");
        const publishes = fake.calls.filter((call) => call.method === "views.publish" && call.args.user_id === fake.admin.id).length;

        await fake.homeAction({user: fake.admin, actionId: "kotae:home:mode", selected: "cot"});
        const after = await publishedHome(fake, fake.admin, publishes + 1);
        expect(shownHome(fake, after).shown).toContain("mode: cot");
        expect(shownHome(fake, after).shown).toContain("設定を保存しました");
        expect(runtime.store.community.get("slack", fake.team.id)).toMatchObject({defaultMode: "cot"});

        await fake.homeAction({user: fake.admin, actionId: "kotae:home:solves_per_hour", value: "many"});
        const refused = await publishedHome(fake, fake.admin, publishes + 2);
        expect(shownHome(fake, refused).shown).toContain("0〜9999");
        await fake.homeAction({user: fake.admin, actionId: "kotae:home:solves_per_hour", value: "3"});
        await publishedHome(fake, fake.admin, publishes + 3);
        expect(runtime.store.community.get("slack", fake.team.id)).toMatchObject({defaultMode: "cot", solvesPerHour: 3});
        expect(readRows<{kind: string, detail: string}>(runtime.store, "SELECT kind, detail FROM interaction_events ORDER BY id")).toEqual([
            {kind: "settings_changed", detail: JSON.stringify({mode: "cot"})},
            {kind: "settings_changed", detail: JSON.stringify({solvesPerHour: 3})}
        ]);

        await solved(fake);
        expect(runtime.store.interactions.get(1)).toMatchObject({mode: "cot"});
    });

    it("keeps Kotae to the channels an admin picks on Home, and to all again when none is picked", async () => {
        const {fake, runtime} = await world([solution]);
        const quiet = fake.addChannel({name: "quiet"});
        await openHome(fake, fake.admin);
        await fake.homeAction({user: fake.admin, actionId: "kotae:home:channels", selected: [quiet.id]});
        await publishedHome(fake, fake.admin, 2);
        expect(runtime.store.community.get("slack", fake.team.id)?.allowedChannels).toEqual([quiet.id]);
        await fake.slashCommand({command: "/solve", text: problem});
        await waitFor(() => fake.ephemerals.find((ephemeral) => ephemeral.user === fake.student.id && ephemeral.text.includes("このチャンネルでは使えません")));

        await fake.homeAction({user: fake.admin, actionId: "kotae:home:channels", selected: []});
        await publishedHome(fake, fake.admin, 3);
        expect(runtime.store.community.get("slack", fake.team.id)?.allowedChannels).toBeNull();
        await fake.slashCommand({command: "/solve", text: problem});
        await finishedAnswer(fake);
    });

    it("refuses and logs a student's forged settings action, changing nothing and showing them no settings", async () => {
        const logLines: string[] = [];
        const {fake, runtime} = await world([], {logLines});
        const adminHome = await openHome(fake, fake.admin);
        await openHome(fake, fake.student);
        await fake.homeAction({user: fake.student, view: adminHome, actionId: "kotae:home:theme", selected: "dark"});
        const republished = await publishedHome(fake, fake.student, 2);
        expect(JSON.stringify(republished.blocks)).not.toContain("kotae:home:theme");
        expect(runtime.store.community.get("slack", fake.team.id)).toBeUndefined();
        expect(readRows<{kind: string, user_pseudonym: string}>(runtime.store, "SELECT kind, user_pseudonym FROM interaction_events")).toEqual([
            {kind: "settings_refused", user_pseudonym: runtime.store.pseudonymOf({platform: "slack", userId: fake.student.id})}
        ]);
        const warnings = logLines.map((line) => JSON.parse(line) as {level: string, msg: string, action?: string}).filter((entry) => entry.level === "warn");
        expect(warnings).toMatchObject([{component: "slack", action: "kotae:home:theme", msg: expect.stringContaining("not a workspace admin was refused")}]);
    });

    it("shows people's and the model's words as written: <!channel> and <@U…> notify nobody", async () => {
        const hostile = "<!channel> <@U0123456> *太字*";
        const {fake} = await world([`<think>x</think>\\boxed{${hostile}}`]);
        await solved(fake, `${hostile} 1+1は？`);
        const home = shownHome(fake, await openHome(fake, fake.student));
        expect(home.shown).toContain(`${hostile} 1+1は？`);
        expect(home.shown).toContain(`答え：${hostile}`);
        expect(home.pinged).toEqual({users: [], broadcasts: [], userGroups: []});
        expect(home.links.map((link) => link.label)).toEqual(["スレッドを開く"]);
    });
});
