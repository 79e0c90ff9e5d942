import path from "node:path";
import {FakeSlack, type FakeSlackChannel, type RecordedSlackCall} from "../../tests/support/fakeSlack/FakeSlack.js";
import {burstVerdict, type BurstOutcome} from "./burstVerdict.js";
import {allRowsFinal, burstSettings, scenarioFolder, serveEnv, startServe, stopServe, until, type SoakRow} from "./soakWorld.js";

/** A study workspace's channels that the students ask in (Slack limits posting per channel). */
const channelCount = 4;
const solvesTimeoutMs = 180_000;

/**
 * `users` members of a workspace (the fake Slack on loopback, over HTTP with signed requests, holding
 * Slack's per-channel posting limits) each send `perUser` `/solve` commands at once to one `kotae serve`:
 * every command must be acknowledged within Slack's 3 s, and every one must end in an answer message (with
 * its buttons), a kind failure message, or a private (ephemeral) refusal. The 429s the fake had to send
 * are counted.
 */
export async function slackBurst(users: number, perUser: number, maxGrowth = 1.5): Promise<SoakRow> {
    const database = path.join(scenarioFolder(), "kotae.sqlite");
    const fake = await FakeSlack.start();
    try {
        const {kotae} = await startServe(serveEnv(database, {
            ...burstSettings,
            KOTAE_SLACK_BOT_TOKEN: fake.botToken, KOTAE_SLACK_SIGNING_SECRET: fake.signingSecret, KOTAE_SLACK_API_URL: fake.apiUrl, KOTAE_SLACK_PORT: "0"
        }));
        try {
            const port = /on port (\d+)/.exec(await kotae.waitFor(/Slack: listening for Slack's requests on port \d+/))?.[1];
            fake.connectHttp(`http://127.0.0.1:${port}/slack/events`);
            const channels: FakeSlackChannel[] = [fake.channel, ...Array.from({length: channelCount - 1}, (_unused, index) => fake.addChannel({name: `study-${index + 2}`}))];
            const members = Array.from({length: users}, (_unused, index) => fake.addUser({name: `student${index}`}));
            const residentBefore = kotae.residentKiB();
            const started = performance.now();
            const deliveries = await Promise.all(members.flatMap((user, member) => Array.from({length: perUser}, (_unused, index) =>
                fake.slashCommand({command: "/solve", user, channelId: channels[member % channelCount]!.id, text: `Once upon a time, student ${member} asked question ${index}.`}))));
            await allRowsFinal(database, deliveries.length, solvesTimeoutMs);
            // Rows are final before the last messages go out (through Slack's per-channel limits).
            await until("every /solve to be answered or refused", () => endings(fake, started).length >= deliveries.length || undefined, 30_000).catch(() => undefined);
            const told = endings(fake, started);
            const acknowledgedLate = deliveries.filter((delivery) => !delivery.inTime).length;
            const outcomes: BurstOutcome[] = [
                ...told.slice(0, deliveries.length - acknowledgedLate),
                ...Array.from({length: Math.max(acknowledgedLate, deliveries.length - told.length)}, () => ({ending: "unanswered" as const, millis: performance.now() - started}))
            ];
            return burstVerdict({
                scenario: `Slack burst: ${outcomes.length} /solve from ${users} members in ${channelCount} channels at once`, database, outcomes,
                residentBefore, residentAfter: kotae.residentKiB(), maxGrowth,
                rateLimited: fake.calls.filter((call) => call.status === 429).length
            });
        } finally {
            await stopServe(kotae);
        }
    } finally {
        await fake.close();
    }
}

/**
 * What the students have been told so far, each with its time since the burst began: answers (the status
 * message updated into the answer with its buttons), kind failures (updated into a message without the
 * cancel button), and private refusals (ephemeral responses to the command).
 */
function endings(fake: FakeSlack, started: number): BurstOutcome[] {
    const blocksOf = (call: RecordedSlackCall) => JSON.stringify(call.args["blocks"] ?? []);
    const finalUpdates = new Map<string, RecordedSlackCall>();
    for (const call of fake.calls) {
        if (call.method !== "chat.update" || call.status !== 200 || blocksOf(call).includes("kotae:cancel")) continue;
        finalUpdates.set(`${String(call.args["channel"])} ${String(call.args["ts"])}`, call);
    }
    const refusals = fake.calls.filter((call) => call.method === "(response_url)" && call.args["response_type"] === "ephemeral" && String(call.args["text"] ?? "") !== "");
    return [
        ...[...finalUpdates.values()].map((call) => ({ending: blocksOf(call).includes("kotae:show") ? "answered" as const : "refused" as const, millis: call.at - started})),
        ...refusals.map((call) => ({ending: "refused" as const, millis: call.at - started}))
    ];
}
