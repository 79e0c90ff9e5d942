import type {Server} from "node:http";
import type {AddressInfo} from "node:net";
import {App, LogLevel, webApi, type BlockAction, type types} from "@slack/bolt";
import {describe, expect, it, onTestFinished} from "vitest";
import {FakeSlack} from "../support/fakeSlack/FakeSlack.js";
import {fakeSlackWithClient} from "../support/fakeSlack/fakeSlackWithClient.js";
import {waitFor} from "../support/waitFor.js";

// The fake Slack's Home tab (https://api.slack.com/surfaces/app-home) against the real @slack/bolt 4 app
// and @slack/web-api client: app_home_opened, views.publish and block_actions from a home view.

const homeBlocks: types.KnownBlock[] = [
    {type: "section", text: {type: "plain_text", text: "ようこそ"}, accessory: {type: "button", action_id: "hello", value: "42", text: {type: "plain_text", text: "押す"}}},
    {type: "actions", block_id: "choices", elements: [{type: "static_select", action_id: "theme", options: ["light", "dark"].map((value) => ({text: {type: "plain_text", text: value}, value}))}]},
    {type: "actions", block_id: "where", elements: [{type: "multi_channels_select", action_id: "channels", placeholder: {type: "plain_text", text: "all"}}]},
    {type: "input", block_id: "limit", dispatch_action: true, label: {type: "plain_text", text: "limit"},
        element: {type: "plain_text_input", action_id: "per_hour", dispatch_action_config: {trigger_actions_on: ["on_enter_pressed"]}}},
    {type: "input", block_id: "quiet", label: {type: "plain_text", text: "quiet"}, element: {type: "plain_text_input", action_id: "no_dispatch"}}
];

async function homeApp(): Promise<{fake: FakeSlack, opened: Record<string, unknown>[], actions: BlockAction[]}> {
    const fake = await FakeSlack.start();
    const app = new App({token: fake.botToken, signingSecret: fake.signingSecret, clientOptions: {slackApiUrl: fake.apiUrl, retryConfig: {retries: 0}}, logLevel: LogLevel.ERROR});
    const opened: Record<string, unknown>[] = [];
    const actions: BlockAction[] = [];
    app.event("app_home_opened", async ({event, client}) => {
        opened.push(event as unknown as Record<string, unknown>);
        await client.views.publish({user_id: event.user, view: {type: "home", blocks: homeBlocks}});
    });
    app.action({type: "block_actions"}, async ({ack, body}) => {
        await ack();
        actions.push(body as BlockAction);
    });
    const server = await app.start(0) as unknown as Server;
    fake.connectHttp(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`);
    onTestFinished(async () => {
        await app.stop();
        await fake.close();
    });
    return {fake, opened, actions};
}

describe("the fake Slack's Home tab", () => {
    it("sends app_home_opened with the tab, the app's DM channel and, once published, the current view", async () => {
        const {fake, opened} = await homeApp();
        expect((await fake.appHomeOpened()).inTime).toBe(true);
        await waitFor(() => fake.homeView(fake.student));
        await fake.appHomeOpened({tab: "messages"});
        await waitFor(() => fake.calls.filter((call) => call.method === "views.publish")[1]);
        expect(opened[0]).toMatchObject({type: "app_home_opened", user: fake.student.id, tab: "home", channel: expect.stringMatching(/^D/)});
        expect(opened[0]!.view).toBeUndefined();
        expect(opened[1]).toMatchObject({tab: "messages", channel: opened[0]!.channel, view: {type: "home", id: fake.homeView(fake.student)!.id}});
        expect(fake.homeView(fake.admin)).toBeUndefined();
    });

    it("sends block_actions from a home view: container, view and state, no channel or response_url", async () => {
        const {fake, actions} = await homeApp();
        await fake.appHomeOpened();
        const home = await waitFor(() => fake.homeView(fake.student));
        await fake.homeAction({actionId: "hello"});
        await fake.homeAction({actionId: "theme", selected: "dark"});
        await fake.homeAction({actionId: "channels", selected: [fake.channel.id]});
        await fake.homeAction({actionId: "per_hour", value: "7"});
        await waitFor(() => actions[3]);
        expect(actions[0]).toMatchObject({type: "block_actions", container: {type: "view", view_id: home.id}, view: {type: "home", id: home.id},
            user: {id: fake.student.id}, actions: [{type: "button", action_id: "hello", value: "42"}]});
        expect(actions[0]!.channel).toBeUndefined();
        expect(actions[0]!.response_url).toBeUndefined();
        expect(actions[1]!.actions[0]).toMatchObject({type: "static_select", selected_option: {value: "dark"}});
        expect(actions[1]!.view?.state.values["choices"]?.["theme"]).toMatchObject({selected_option: {value: "dark"}});
        expect(actions[2]!.actions[0]).toMatchObject({type: "multi_channels_select", selected_channels: [fake.channel.id]});
        expect(actions[3]!.actions[0]).toMatchObject({type: "plain_text_input", value: "7"});
        // What no person can do: a missing element, an option not offered, text that is only sent on submission.
        expect(() => fake.homeAction({actionId: "missing"})).toThrow(/no element/);
        expect(() => fake.homeAction({actionId: "theme", selected: "pink"})).toThrow(/no option/);
        expect(() => fake.homeAction({actionId: "no_dispatch", value: "x"})).toThrow(/does not dispatch/);
        expect(() => fake.homeAction({actionId: "hello", user: fake.admin})).toThrow(/No Home tab/);
        // A forged payload: the admin's view, clicked in the student's name.
        await fake.appHomeOpened({user: fake.admin});
        const adminHome = await waitFor(() => fake.homeView(fake.admin));
        await fake.homeAction({actionId: "theme", selected: "light", view: adminHome});
        await waitFor(() => actions[4]);
        expect(actions[4]).toMatchObject({user: {id: fake.student.id}, container: {view_id: adminHome.id}});
    });

    it("views.publish answers Slack's errors: not_enabled, view_too_large, invalid_arguments, hash_conflict", async () => {
        const {fake, client} = await fakeSlackWithClient();
        onTestFinished(() => fake.close());
        const published = await client.views.publish({user_id: fake.student.id, view: {type: "home", blocks: []}});
        await expect(client.views.publish({user_id: fake.student.id, hash: "stale", view: {type: "home", blocks: []}}))
            .rejects.toMatchObject({data: {error: "hash_conflict"}});
        await client.views.publish({user_id: fake.student.id, hash: published.view!.hash!, view: {type: "home", blocks: []}});
        const section = (text: string): types.KnownBlock => ({type: "section", text: {type: "plain_text", text}});
        await expect(client.views.publish({user_id: fake.student.id, view: {type: "home", blocks: Array.from({length: 101}, () => section("x"))}}))
            .rejects.toMatchObject({data: {error: "invalid_arguments"}});
        await expect(client.views.publish({user_id: fake.student.id, view: {type: "home", blocks: Array.from({length: 100}, () => section("あ".repeat(2900)))}}))
            .rejects.toMatchObject({data: {error: "view_too_large"}});
        await expect(client.views.publish({user_id: "U404", view: {type: "home", blocks: []}})).rejects.toMatchObject({data: {error: "user_not_found"}});

        const disabled = await FakeSlack.start({homeTabEnabled: false});
        onTestFinished(() => disabled.close());
        const disabledClient = new webApi.WebClient(disabled.botToken, {slackApiUrl: disabled.apiUrl, retryConfig: {retries: 0}, logLevel: webApi.LogLevel.ERROR});
        await expect(disabledClient.views.publish({user_id: disabled.student.id, view: {type: "home", blocks: []}})).rejects.toMatchObject({data: {error: "not_enabled"}});
    });
});
