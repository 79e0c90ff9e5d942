import path from "node:path";
import {beforeAll, describe, expect, it} from "vitest";
import {FakeDiscord} from "../support/fakeDiscord/FakeDiscord.js";
import {assertBuilt} from "../support/runKotae.js";
import {startKotae} from "../support/spawnKotae.js";
import {temporaryDirectory} from "../support/testRuntime.js";

beforeAll(assertBuilt);

describe("kotae serve with Discord configured (what npm start and pm2 run)", () => {
    it("connects, answers commands until SIGTERM, then stops cleanly with exit 0", async () => {
        const fake = await FakeDiscord.start();
        const kotae = startKotae(["serve"], {cwd: temporaryDirectory("kotae-serve-"), env: {
            KOTAE_DB: path.join(temporaryDirectory(), "kotae.sqlite"), KOTAE_WEB_PORT: "0",
            KOTAE_DISCORD_TOKEN: "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123",
            KOTAE_DISCORD_APPLICATION_ID: fake.applicationId, KOTAE_DISCORD_API_URL: fake.apiUrl
        }});
        try {
            await fake.identified();
            await kotae.printed("Discord: connected");
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
});
