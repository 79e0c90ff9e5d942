import path from "node:path";
import {InteractionResponseType} from "discord.js";
import {beforeAll, describe, expect, it} from "vitest";
import {Pseudonymizer} from "../../storage/Pseudonymizer.js";
import {KotaeStore} from "../../storage/KotaeStore.js";
import {FakeDiscord} from "../support/fakeDiscord/FakeDiscord.js";
import {assertBuilt} from "../support/runKotae.js";
import {startKotae, type RunningKotae} from "../support/spawnKotae.js";
import {sharedModels, temporaryDirectory} from "../support/testRuntime.js";

beforeAll(assertBuilt);

const pseudonymKey = "serve-discord-test-key-0123456789";

/** The real tiny model (it never reaches an answer, so its solves end as no_answer). */
const tinyModel = {
    KOTAE_MODEL: path.join(sharedModels, "stories260K.gguf"), KOTAE_GPU: "off", KOTAE_THREADS: "1", KOTAE_SEQUENCES: "1",
    KOTAE_CONTEXT_SIZE: "512", KOTAE_MODE: "cot"
};

/** `kotae serve` connected to the fake Discord, once its adapter says so; `db` is its SQLite file. */
async function serveWithDiscord(fake: FakeDiscord, env: Record<string, string> = {}): Promise<{kotae: RunningKotae, db: string}> {
    const db = path.join(temporaryDirectory(), "kotae.sqlite");
    const kotae = startKotae(["serve"], {cwd: temporaryDirectory("kotae-serve-"), env: {
        KOTAE_DB: db, KOTAE_WEB_PORT: "0", KOTAE_PSEUDONYM_KEY: pseudonymKey,
        KOTAE_DISCORD_TOKEN: "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123",
        KOTAE_DISCORD_APPLICATION_ID: fake.applicationId, KOTAE_DISCORD_API_URL: fake.apiUrl,
        ...env
    }});
    await fake.identified();
    await kotae.printed("Discord: connected");
    return {kotae, db};
}

describe("kotae serve with Discord configured (what npm start and pm2 run)", () => {
    it("connects, answers commands until SIGTERM, then stops cleanly with exit 0", async () => {
        const fake = await FakeDiscord.start();
        const {kotae} = await serveWithDiscord(fake);
        try {
            const help = fake.slashCommand({name: "kotae", options: [{type: 1, name: "help", options: []}]});
            expect(await help.callback()).toMatchObject({data: {content: expect.stringContaining("/solve") as string}});
            kotae.stop();
            expect(await kotae.exited).toBe(0);
            expect(kotae.output()).toContain("Kotae: stopping");
        } finally {
            kotae.stop("SIGKILL");
            await fake.close();
        }
    });

    it("on SIGTERM during a solve, tells the asker Kotae is restarting, never that they cancelled (even when Discord rate-limits that reply), logs it, and exits 0", async () => {
        const fake = await FakeDiscord.start();
        // The real tiny model, asked for many long samples: a solve that is still running when SIGTERM comes.
        const {kotae, db} = await serveWithDiscord(fake, {...tinyModel, KOTAE_MAX_TOKENS: "400", KOTAE_SAMPLES: "64"});
        try {
            const asked = fake.slashCommand({name: "solve", options: [{type: 3, name: "problem", value: "Once upon a time"}]});
            expect((await asked.callback()).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
            await asked.waitForEdit((edit) => JSON.stringify(edit.body).includes("kotae:cancel:"), 20_000);
            // A slow Discord at shutdown: the restart notice's edit waits out a 429 before discord.js retries it.
            const restarting = "ただいま再起動中です。少し待ってから、もう一度お試しください。";
            const isRestartNotice = (body: unknown): boolean => (body as {content?: string} | undefined)?.content === restarting;
            fake.failNext({method: "PATCH", path: /\/messages\/@original$/, body: isRestartNotice, status: 429, retryAfterSeconds: 1});
            kotae.stop();
            expect(await kotae.exited).toBe(0);
            expect(fake.requests.filter((request) => isRestartNotice(request.body)).map((request) => request.status)).toEqual([429, 200]);
            expect(asked.original()?.content).toBe(restarting);
            expect(fake.requests.some((request) => JSON.stringify(request.body ?? {}).includes("キャンセルしました"))).toBe(false);
            using store = new KotaeStore(db, Pseudonymizer.fromSecret(pseudonymKey));
            expect(store.interactions.get(1)).toMatchObject({platform: "discord", status: "cancelled", errorCode: "shutting_down", question: "Once upon a time"});
        } finally {
            kotae.stop("SIGKILL");
            await fake.close();
        }
    });

    it("on SIGTERM with an answer on its way (held up by a 429), delivers it and links its thread before the database closes", async () => {
        const fake = await FakeDiscord.start();
        const {kotae, db} = await serveWithDiscord(fake, {...tinyModel, KOTAE_MAX_TOKENS: "24"});
        try {
            const isFinalEdit = (body: unknown): boolean => JSON.stringify(body ?? {}).includes("kotae:show:");
            fake.failNext({method: "PATCH", path: /\/messages\/@original$/, body: isFinalEdit, status: 429, retryAfterSeconds: 2});
            const asked = fake.slashCommand({name: "solve", options: [{type: 3, name: "problem", value: "Once upon a time"}]});
            await fake.waitForRequest((request) => request.status === 429 && isFinalEdit(request.body), 20_000);
            kotae.stop();
            expect(await kotae.exited).toBe(0);
            expect(fake.requests.filter((request) => isFinalEdit(request.body)).map((request) => request.status)).toEqual([429, 200]);
            expect(asked.original()?.content).toContain("最後の答えまでたどり着けませんでした");
            const [thread] = fake.threads;
            expect(thread?.startedFromMessageId).toBe(asked.original()?.id);
            using store = new KotaeStore(db, Pseudonymizer.fromSecret(pseudonymKey));
            expect(store.interactions.get(1)).toMatchObject({status: "no_answer", threadId: thread!.id});
        } finally {
            kotae.stop("SIGKILL");
            await fake.close();
        }
    });
});
