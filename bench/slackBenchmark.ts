import type {Server} from "node:http";
import type {AddressInfo} from "node:net";
import path from "node:path";
import {App, LogLevel} from "@slack/bolt";
import sharp from "sharp";
import {SlackAdapter} from "../src/platforms/slack/SlackAdapter.js";
import {loadConfig} from "../src/config/loadConfig.js";
import {FakeSlack} from "../tests/support/fakeSlack/FakeSlack.js";
import {ScriptedBackend} from "../tests/support/ScriptedBackend.js";
import {temporaryDirectory} from "../tests/support/testRuntime.js";
import type {EngineEvent} from "../src/engine/EngineEvent.js";
import {observedRuntime} from "./observeEvents.js";
import {percentile} from "./statistics.js";

const queued = 50;
const measured = Number(process.env["KOTAE_BENCH_SLACK_ROUNDS"] ?? 40);
const solution = "両端を組にすると $101 \\times 50 = 5050$ です。\\boxed{5050}";

/**
 * The Slack adapter in HTTP mode on the fake Slack (loopback), generation excluded: a signed /solve to
 * its ack while 50 solves wait, and the engine's final event to the answer card's upload completing.
 * Baselines in the same run: a bare Bolt app that only acks, and one that only uploads a ready PNG.
 * Slack allows about one message write a second per channel, and the adapter paces its writes to that
 * (ChannelPacer), so each measured answer is asked in a channel of its own: the figure is the adapter's
 * own work, not the wait for a channel's turn.
 */
export async function slackBenchmark(): Promise<void> {
    const fake = await FakeSlack.start();
    try {
        const bare = await bareAppLatencies(fake);
        const kotae = await kotaeLatencies(fake);
        const line = (values: number[]): string => `p50 ${percentile(values, 0.5).toFixed(1)} ms, p99 ${percentile(values, 0.99).toFixed(1)} ms`;
        console.log(`Slack adapter (HTTP mode, fake Slack on 127.0.0.1, scripted model; ${measured} requests each)`);
        console.log(`  signed /solve → ack, ${queued} solves queued    : ${line(kotae.ack)} (goal p99 < 100 ms)`);
        console.log(`  baseline: bare Bolt app acking          : ${line(bare.ack)}; ratio p50 ${(percentile(kotae.ack, 0.5) / percentile(bare.ack, 0.5)).toFixed(2)}`);
        console.log(`  final engine event → answer + card up   : ${line(kotae.final)} (goal p50 < 80 ms)`);
        console.log(`  baseline: bare app uploading a PNG      : ${line(bare.final)}; ratio p50 ${(percentile(kotae.final, 0.5) / percentile(bare.final, 0.5)).toFixed(2)}`);
    } finally {
        await fake.close();
    }
}

async function kotaeLatencies(fake: FakeSlack): Promise<{ack: number[], final: number[]}> {
    const config = loadConfig({env: {
        KOTAE_DB: path.join(temporaryDirectory("kotae-bench-"), "kotae.sqlite"), KOTAE_PSEUDONYM_KEY: "bench-key-0123456789abcdef",
        KOTAE_SLACK_BOT_TOKEN: fake.botToken, KOTAE_SLACK_SIGNING_SECRET: fake.signingSecret, KOTAE_SLACK_PORT: "0", KOTAE_SLACK_API_URL: fake.apiUrl,
        KOTAE_SEQUENCES: "1", KOTAE_QUEUE_CAPACITY: "500", KOTAE_SOLVES_PER_HOUR: "10000", KOTAE_MAX_PENDING_PER_USER: "500"
    }, cwd: temporaryDirectory("kotae-bench-")});
    const backend = new ScriptedBackend([(request) => request.prompt.toText().includes("待ち") ? solution.repeat(40) : solution], 1, {chunkDelayMs: 5});
    const doneAt: number[] = [];
    const noteDone = (event: EngineEvent): void => {
        if (event.type === "done") doneAt.push(performance.now());
    };
    let runtime = await observedRuntime(config, backend, noteDone);
    const start = async (): Promise<SlackAdapter> => {
        const adapter = await SlackAdapter.start(runtime, config);
        fake.connectHttp(`http://127.0.0.1:${adapter.port}/slack/events`);
        return adapter;
    };
    try {
        let adapter = await start();
        await Promise.all(Array.from({length: queued}, () => fake.slashCommand({command: "/solve", text: "待ち行列の問題"})));
        const ack: number[] = [];
        for (let round = 0; round < measured; round++) {
            const delivery = await fake.slashCommand({command: "/solve", text: "測る問題"});
            ack.push(delivery.ackMs);
        }
        await adapter.close(); // shuts the engine down, cancelling the queue
        await runtime.close();
        runtime = await observedRuntime(config, backend, noteDone);
        adapter = await start();
        const final: number[] = [];
        try {
            for (let round = 0; round < measured; round++) {
                const uploadsBefore = fake.uploads.length;
                await fake.slashCommand({command: "/solve", text: "1+1", channelId: freshChannel(fake)});
                await fake.waitForCall("files.completeUploadExternal", () => fake.uploads.length > uploadsBefore, 20_000);
                final.push(performance.now() - doneAt.at(-1)!);
            }
        } finally {
            await adapter.close();
        }
        return {ack, final};
    } finally {
        await runtime.close();
    }
}

let channelsMade = 0;

/** A new channel the bot is in, so a measured answer never waits for an earlier one's turn in its channel. */
function freshChannel(fake: FakeSlack): string {
    return fake.addChannel({name: `bench-${channelsMade++}`}).id;
}

async function bareAppLatencies(fake: FakeSlack): Promise<{ack: number[], final: number[]}> {
    const png = await sharp({create: {width: 240, height: 80, channels: 3, background: "#fff"}}).png().toBuffer();
    const app = new App({
        token: fake.botToken, signingSecret: fake.signingSecret, logLevel: LogLevel.ERROR,
        clientOptions: {slackApiUrl: fake.apiUrl, retryConfig: {retries: 0}}
    });
    const readyAt: number[] = [];
    app.command("/solve", async ({ack, command, client}) => {
        await ack();
        readyAt.push(performance.now());
        await client.files.uploadV2({channel_id: command.channel_id, file: png, filename: "answer.png"});
    });
    const server = await app.start(0) as unknown as Server;
    fake.connectHttp(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`);
    try {
        const ack: number[] = [];
        const final: number[] = [];
        for (let round = 0; round < measured; round++) {
            const uploadsBefore = fake.uploads.length;
            ack.push((await fake.slashCommand({command: "/solve", text: "1+1", channelId: freshChannel(fake)})).ackMs);
            await fake.waitForCall("files.completeUploadExternal", () => fake.uploads.length > uploadsBefore);
            final.push(performance.now() - readyAt.at(-1)!);
        }
        return {ack, final};
    } finally {
        await app.stop();
    }
}
