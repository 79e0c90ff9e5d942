import {describe, expect, it} from "vitest";
import {readRows} from "../support/readRows.js";
import {waitFor} from "../support/waitFor.js";
import {finishedAnswer, problem, solution, world} from "./slackWorld.js";

// The real Slack adapter (Bolt, the engine, SQLite, the renderer) against the fake Slack on 127.0.0.1,
// in HTTP mode and in Socket Mode, with a scripted model.

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe.each([["HTTP mode", false], ["Socket Mode", true]] as const)("Slack adapter against the fake Slack (%s)", (_mode, socketMode) => {
    it("/solve: acks in time, updates progress, ends with the answer, buttons and a PNG card in the thread", async () => {
        const {fake, runtime} = await world([solution], {socketMode, chunkDelayMs: 60});
        const command = await fake.slashCommand({command: "/solve", text: `${problem} mode:cot`});
        expect(command.inTime).toBe(true);

        const answer = await finishedAnswer(fake);
        expect(fake.shown(answer).shown).toContain("*答え*：5050");
        // The status line is posted with its cancel button at once (no edit spent on adding it), edited
        // while the model writes, and then replaced by the answer.
        const status = fake.calls.find((call) => call.method === "chat.postMessage" && call.args.thread_ts == null)!;
        expect(JSON.stringify(status.args.blocks)).toContain("kotae:cancel");
        const updates = fake.calls.filter((call) => call.method === "chat.update" && call.status === 200);
        expect(updates.slice(0, -1).some((call) => JSON.stringify(call.args.blocks).includes("kotae:cancel"))).toBe(true);
        expect(JSON.stringify(updates.at(-1)!.args.blocks)).toContain("kotae:show");
        const upload = await waitFor(() => fake.uploads.find((file) => file.threadTs === answer.ts));
        expect(upload.bytes.subarray(0, 8).equals(pngSignature)).toBe(true);
        await waitFor(() => fake.messagesIn(fake.channel.id, answer.ts).find((message) => message.text?.includes("続けて質問する") === true));
        expect(runtime.store.interactions.get(1)).toMatchObject({platform: "slack", status: "answered", mode: "cot", threadId: `${fake.channel.id}/${answer.ts}`, locale: "ja-JP"});
    });

    it("answers a reply in the thread with the problem and solution as context, once even if Slack redelivers it", async () => {
        const {fake, backend, runtime} = await world([solution, "100個を2個ずつ組にするので50組です。", "はい、5050です。"], {socketMode});
        await fake.slashCommand({command: "/solve", text: problem});
        const answer = await finishedAnswer(fake);
        const {event} = await fake.message({text: "なぜ50組？", threadTs: answer.ts});
        await fake.redeliver(event, {num: 1, reason: "http_timeout"});
        const reply = await waitFor(() => fake.messagesIn(fake.channel.id, answer.ts).find((message) => message.text.includes("2個ずつ")));
        expect(reply.thread_ts).toBe(answer.ts);
        expect(backend.requests[1]!.prompt.toText()).toContain(`### 指示:\n${problem}\n### 応答:\n両端を組にすると`);
        // A later question answered proves the redelivery was dealt with before it (the model answers one at a time).
        await fake.message({text: "本当に？", threadTs: answer.ts});
        await waitFor(() => fake.messagesIn(fake.channel.id, answer.ts).find((message) => message.text.includes("はい、5050")));
        expect(runtime.store.conversations.turns(1).map((turn) => turn.content)).toEqual(["なぜ50組？", "100個を2個ずつ組にするので50組です。", "本当に？", "はい、5050です。"]);
        expect(backend.requests).toHaveLength(3);
    });

    it("buttons: solution pages into the thread, the report modal into SQLite, and a fresh retry", async () => {
        const {fake, runtime} = await world([solution], {socketMode});
        await fake.slashCommand({command: "/solve", text: problem});
        const answer = await finishedAnswer(fake);

        await fake.blockAction({message: answer, actionId: "kotae:show", user: fake.otherStudent});
        const pages = await waitFor(() => fake.uploads.find((file) => file.filename.startsWith("solution-")));
        expect(pages.bytes.subarray(0, 8).equals(pngSignature)).toBe(true);

        await fake.blockAction({message: answer, actionId: "kotae:report", user: fake.otherStudent});
        await fake.waitForCall("views.open");
        await fake.submitView({callbackId: "kotae:report", fields: {answer: "5,050", comment: "合っているかも"}, user: fake.otherStudent});
        await waitFor(() => runtime.store.feedback.list(1)[0]);
        expect(runtime.store.feedback.list(1)).toMatchObject([{correctedAnswer: "5,050", comment: "合っているかも", correctionEqualsModelAnswer: true}]);
        await waitFor(() => fake.ephemerals.find((ephemeral) => ephemeral.text.includes("報告ありがとうございます")));

        await fake.blockAction({message: answer, actionId: "kotae:retry"});
        const again = await waitFor(() => fake.messagesIn(fake.channel.id).filter((message) => JSON.stringify(message.blocks ?? []).includes("kotae:show"))[1]);
        await fake.waitForCall("chat.postMessage", (call) => call.args.thread_ts === again.ts && call.status === 200);
        expect(runtime.store.interactions.get(2)).toMatchObject({parentId: 1, question: problem});
        expect(runtime.store.interactions.events(1).map((event) => event.kind)).toEqual(["button:show", "button:report", "button:retry"]);
    });
});

describe("Slack adapter reliability (HTTP mode)", () => {
    it("rejects a bad or stale signature with 401 and records nothing", async () => {
        const {fake, runtime} = await world([solution]);
        expect((await fake.slashCommand({command: "/solve", text: problem, signature: "bad"})).status).toBe(401);
        expect((await fake.slashCommand({command: "/solve", text: problem, signature: "stale"})).status).toBe(401);
        // A signed /solve answered after them: had the unsigned ones run, they would be interactions 1 and 2.
        await fake.slashCommand({command: "/solve", text: "2+3"});
        await finishedAnswer(fake);
        expect(readRows<{question: string}>(runtime.store, "SELECT question FROM interactions").map((row) => row.question)).toEqual(["2+3"]);
        expect(fake.calls.filter((call) => call.method === "chat.postMessage" && call.args.thread_ts === undefined)).toHaveLength(1);
    });

    it("cancel: only the asker can stop a running solve", async () => {
        const {fake, runtime} = await world([solution.repeat(30)], {chunkDelayMs: 40});
        await fake.slashCommand({command: "/solve", text: problem});
        const working = await waitFor(() => fake.messagesIn(fake.channel.id).find((message) => JSON.stringify(message.blocks ?? []).includes("kotae:cancel")));
        await fake.blockAction({message: working, actionId: "kotae:cancel", user: fake.otherStudent});
        await waitFor(() => fake.ephemerals.find((ephemeral) => ephemeral.text.includes("質問した人だけ")));
        await fake.blockAction({message: working, actionId: "kotae:cancel"});
        await waitFor(() => fake.messagesIn(fake.channel.id).find((message) => message.text === "キャンセルしました。"));
        expect(runtime.store.interactions.get(1)?.status).toBe("cancelled");
    });

    it("answers in the user's Slack locale and refuses past the hourly limit, logging the refusal", async () => {
        const {fake, runtime} = await world([solution], {env: {KOTAE_SOLVES_PER_HOUR: "1"}});
        const english = fake.addUser({name: "alex", locale: "en-US"});
        await fake.slashCommand({command: "/solve", text: "1+1", user: english});
        expect((await finishedAnswer(fake)).text).toContain("*Answer*: 5050");
        await fake.slashCommand({command: "/solve", text: "2+2", user: english});
        const refusal = await waitFor(() => fake.responseUrlPosts.find((post) => JSON.stringify(post.body).includes("slow down")));
        expect(JSON.stringify(refusal.body)).toContain("ephemeral");
        expect(runtime.store.interactions.get(2)).toMatchObject({status: "rejected", errorCode: "rate_limited"});
    });

    it("/kotae forget-me deletes the user's records", async () => {
        const {fake, runtime} = await world([solution]);
        await fake.slashCommand({command: "/solve", text: problem});
        await finishedAnswer(fake);
        await fake.slashCommand({command: "/kotae", text: "forget-me"});
        await waitFor(() => fake.responseUrlPosts.find((post) => JSON.stringify(post.body).includes("記録を削除しました")));
        expect(runtime.store.interactions.get(1)).toBeUndefined();
    });

    it("/kotae settings: an admin saves them in a modal, a student is refused", async () => {
        const {fake, runtime} = await world([solution]);
        await fake.slashCommand({command: "/kotae", text: "settings", user: fake.admin});
        await fake.waitForCall("views.open");
        await fake.submitView({callbackId: "kotae:settings", user: fake.admin, fields: {theme: "dark", solves_per_hour: "5", channels: fake.channel.id}});
        await waitFor(() => runtime.store.community.get("slack", fake.team.id));
        expect(runtime.store.community.get("slack", fake.team.id)).toMatchObject({theme: "dark", solvesPerHour: 5, allowedChannels: [fake.channel.id]});
        await fake.slashCommand({command: "/kotae", text: "settings", user: fake.student});
        await waitFor(() => fake.responseUrlPosts.find((post) => JSON.stringify(post.body).includes("管理者だけ")));
        expect(readRows<{kind: string}>(runtime.store, "SELECT kind FROM interaction_events ORDER BY id").map((row) => row.kind)).toEqual(["settings_changed", "settings_refused"]);
    });
});
