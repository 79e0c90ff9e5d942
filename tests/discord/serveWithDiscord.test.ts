import {spawn} from "node:child_process";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {beforeAll, describe, expect, it} from "vitest";
import {FakeDiscord} from "../support/fakeDiscord/FakeDiscord.js";
import {assertBuilt} from "../support/runKotae.js";
import {temporaryDirectory} from "../support/testRuntime.js";

const kotae = fileURLToPath(new URL("../../bin/kotae.js", import.meta.url));

beforeAll(assertBuilt);

describe("kotae serve with Discord configured (what npm start and pm2 run)", () => {
    it("connects, answers commands until SIGTERM, then stops cleanly with exit 0", async () => {
        const fake = await FakeDiscord.start();
        const child = spawn(process.execPath, [kotae, "serve"], {
            cwd: temporaryDirectory("kotae-serve-"),
            env: {
                PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp",
                KOTAE_DB: path.join(temporaryDirectory(), "kotae.sqlite"),
                KOTAE_DISCORD_TOKEN: "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123",
                KOTAE_DISCORD_APPLICATION_ID: fake.applicationId, KOTAE_DISCORD_API_URL: fake.apiUrl
            },
            stdio: ["ignore", "pipe", "pipe"]
        });
        let output = "";
        child.stdout.on("data", (chunk: Buffer) => { output += chunk.toString("utf8"); });
        child.stderr.on("data", (chunk: Buffer) => { output += chunk.toString("utf8"); });
        const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
        try {
            await fake.identified();
            await waitForText(() => output, "Discord: connected");
            const help = fake.slashCommand({name: "kotae", options: [{type: 1, name: "help", options: []}]});
            expect(await help.callback()).toMatchObject({data: {content: expect.stringContaining("/solve") as string}});
            child.kill("SIGTERM");
            expect(await exited).toBe(0);
            expect(output).toContain("Kotae: stopping");
        } finally {
            child.kill("SIGKILL");
            await fake.close();
        }
    });
});

async function waitForText(read: () => string, text: string): Promise<void> {
    const deadline = performance.now() + 20_000;
    while (!read().includes(text)) {
        if (performance.now() > deadline) throw new Error(`"${text}" never appeared in:\n${read()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}
