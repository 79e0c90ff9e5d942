import {webApi} from "@slack/bolt";
import {describe, expect, it} from "vitest";
import {waitFor} from "../support/waitFor.js";
import {world} from "./slackWorld.js";

// Slack shows an error to whoever clicks or types something an app does not acknowledge within 3 seconds.

const unknownAction = "このボタンやコマンドは今は使えません。問題は /solve で送ってください。";

describe("Slack adapter and interactions it does not know", () => {
    it("acks a command left routed to Kotae after a rename and answers it kindly and privately", async () => {
        const {fake} = await world([]);
        const renamed = await fake.slashCommand({command: "/kaitou", text: "1+1"});
        expect(renamed.inTime).toBe(true);
        await waitFor(() => fake.ephemerals.find((ephemeral) => ephemeral.via === "response_url" && ephemeral.text === unknownAction));
    });

    it("acks clicks on buttons Kotae does not have (another app's, an older Kotae's) and tells the clicker kindly", async () => {
        const {fake} = await world([]);
        // An old message with buttons this Kotae does not know, as an older version might have left it.
        const client = new webApi.WebClient(fake.botToken, {slackApiUrl: fake.apiUrl, retryConfig: {retries: 0}, logLevel: webApi.LogLevel.ERROR});
        const button = (actionId: string) => ({type: "button" as const, action_id: actionId, value: "1", text: {type: "plain_text" as const, text: "?"}});
        await client.chat.postMessage({channel: fake.channel.id, text: "old", blocks: [{type: "actions", elements: [button("other-app:explain"), button("kotae:explain")]}]});
        const [old] = fake.messagesIn(fake.channel.id);
        for (const actionId of ["other-app:explain", "kotae:explain"]) {
            const click = await fake.blockAction({message: old!, actionId});
            expect(click.inTime).toBe(true);
        }
        const told = await waitFor(() => {
            const ephemerals = fake.ephemerals.filter((ephemeral) => ephemeral.via === "chat.postEphemeral" && ephemeral.user === fake.student.id);
            return ephemerals.length === 2 ? ephemerals.map((ephemeral) => ephemeral.text) : undefined;
        });
        // Kotae's own prefix names a problem (value "1") that this database does not have: that is what it says.
        expect(told.toSorted()).toEqual([unknownAction, "このスレッドの問題が見つかりませんでした。/solve で新しく質問してください。"].toSorted());
    });
});
