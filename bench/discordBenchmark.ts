import path from "node:path";
import {AttachmentBuilder, Client, Events, GatewayIntentBits} from "discord.js";
import sharp from "sharp";
import {DiscordAdapter} from "../src/platforms/discord/DiscordAdapter.js";
import {loadConfig} from "../src/config/loadConfig.js";
import {FakeDiscord} from "../tests/support/fakeDiscord/FakeDiscord.js";
import {ScriptedBackend} from "../tests/support/ScriptedBackend.js";
import {temporaryDirectory} from "../tests/support/testRuntime.js";
import type {EngineEvent} from "../src/engine/EngineEvent.js";
import {observedRuntime} from "./observeEvents.js";
import {percentile} from "./statistics.js";

const token = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123";
const queued = 50;
const measured = Number(process.env["KOTAE_BENCH_DISCORD_ROUNDS"] ?? 60);
const solution = "両端を組にすると $101 \\times 50 = 5050$ です。\\boxed{5050}";

/**
 * The Discord adapter on the fake Discord (loopback), generation excluded: how fast a /solve is
 * acknowledged while 50 solves wait in the queue, and how long from the engine's final event to the final
 * edit with the answer card. Baselines in the same run: a bare discord.js client that only defers, and one
 * that only sends a ready-made PNG.
 */
export async function discordBenchmark(): Promise<void> {
    const fake = await FakeDiscord.start();
    try {
        const bare = await bareClientLatencies(fake);
        const kotae = await kotaeLatencies(fake);
        const line = (values: number[]): string => `p50 ${percentile(values, 0.5).toFixed(1)} ms, p99 ${percentile(values, 0.99).toFixed(1)} ms`;
        console.log(`Discord adapter (fake Discord on 127.0.0.1, scripted model; ${measured} requests each)`);
        console.log(`  INTERACTION_CREATE → defer, ${queued} solves queued : ${line(kotae.defer)} (goal p99 < 100 ms)`);
        console.log(`  baseline: bare client deferring        : ${line(bare.defer)}; ratio p50 ${(percentile(kotae.defer, 0.5) / percentile(bare.defer, 0.5)).toFixed(2)}`);
        console.log(`  final engine event → final edit + card : ${line(kotae.finalEdit)} (goal p50 < 60 ms)`);
        console.log(`  baseline: bare client sending a PNG    : ${line(bare.finalEdit)}; ratio p50 ${(percentile(kotae.finalEdit, 0.5) / percentile(bare.finalEdit, 0.5)).toFixed(2)}`);
    } finally {
        await fake.close();
    }
}

async function kotaeLatencies(fake: FakeDiscord): Promise<{defer: number[], finalEdit: number[]}> {
    const config = loadConfig({env: {
        KOTAE_DB: path.join(temporaryDirectory("kotae-bench-"), "kotae.sqlite"),
        KOTAE_PSEUDONYM_KEY: "bench-key-0123456789abcdef",
        KOTAE_DISCORD_TOKEN: token, KOTAE_DISCORD_APPLICATION_ID: fake.applicationId, KOTAE_DISCORD_API_URL: fake.apiUrl,
        KOTAE_SEQUENCES: "1", KOTAE_QUEUE_CAPACITY: "500", KOTAE_SOLVES_PER_HOUR: "10000"
    }, cwd: temporaryDirectory("kotae-bench-")});
    // Slow solves keep the queue full; the measured ones are instant once their turn comes.
    const backend = new ScriptedBackend([(request) => request.prompt.toText().includes("待ち") ? solution.repeat(40) : solution], 1, {chunkDelayMs: 5});
    const doneAt = new Map<number, number>();
    const noteDone = (event: EngineEvent): void => {
        if (event.type === "done") doneAt.set(event.result.interactionId, performance.now());
    };
    let runtime = await observedRuntime(config, backend, noteDone);
    const adapter = await DiscordAdapter.start(runtime, config);
    try {
        const users = Array.from({length: queued + measured}, (_unused, index) => fake.addUser({username: `student${index}`}));
        // The queue is full first (all 50 acknowledged and waiting), then each measured /solve joins it.
        await Promise.all(users.slice(0, queued).map((user) =>
            fake.slashCommand({name: "solve", options: [{type: 3, name: "problem", value: "待ち行列の問題"}], user}).callback()));
        const defer: number[] = [];
        for (const user of users.slice(queued)) {
            const start = performance.now();
            await fake.slashCommand({name: "solve", options: [{type: 3, name: "problem", value: "測る問題"}], user}).callback();
            defer.push(performance.now() - start);
        }
        await adapter.close(); // shuts the engine down, cancelling the queue
        await runtime.close();
        runtime = await observedRuntime(config, backend, noteDone);

        const quick = await DiscordAdapter.start(runtime, config);
        const finalEdit: number[] = [];
        try {
            for (const user of users.slice(queued)) {
                const interaction = fake.slashCommand({name: "solve", options: [{type: 3, name: "problem", value: "1+1"}], user});
                await interaction.waitForEdit((edit) => JSON.stringify(edit.body ?? {}).includes("kotae:show:"), 20_000);
                const arrived = performance.now();
                const id = Math.max(...doneAt.keys());
                finalEdit.push(arrived - doneAt.get(id)!);
            }
        } finally {
            await quick.close();
        }
        return {defer, finalEdit};
    } finally {
        await adapter.close();
        await runtime.close();
    }
}

async function bareClientLatencies(fake: FakeDiscord): Promise<{defer: number[], finalEdit: number[]}> {
    const png = await sharp({create: {width: 240, height: 80, channels: 3, background: "#fff"}}).png().toBuffer();
    const client = new Client({intents: [GatewayIntentBits.Guilds], rest: {api: fake.apiUrl}});
    const readyToEdit = new Map<string, number>();
    client.on(Events.InteractionCreate, (interaction) => {
        if (!interaction.isChatInputCommand()) return;
        void interaction.deferReply().then(() => {
            readyToEdit.set(interaction.id, performance.now());
            return interaction.editReply({content: "答え：5050", files: [new AttachmentBuilder(png, {name: "answer.png"})]});
        });
    });
    const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
    await client.login(token);
    await ready;
    try {
        const defer: number[] = [];
        const finalEdit: number[] = [];
        for (let round = 0; round < measured; round++) {
            const start = performance.now();
            const interaction = fake.slashCommand({name: "solve", options: [{type: 3, name: "problem", value: "1+1"}]});
            await interaction.callback();
            defer.push(performance.now() - start);
            await interaction.waitForEdit((edit) => edit.files.length > 0);
            finalEdit.push(performance.now() - readyToEdit.get(interaction.id)!);
        }
        return {defer, finalEdit};
    } finally {
        await client.destroy();
    }
}
