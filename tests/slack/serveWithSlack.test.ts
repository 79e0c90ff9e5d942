import path from "node:path";
import {afterEach, beforeAll, describe, expect, it} from "vitest";
import {FakeSlack} from "../support/fakeSlack/FakeSlack.js";
import {assertBuilt} from "../support/runKotae.js";
import {startKotae, type RunningKotae} from "../support/spawnKotae.js";
import {temporaryDirectory} from "../support/testRuntime.js";
import {waitFor} from "../support/waitFor.js";

beforeAll(assertBuilt);

const running: {kotae: RunningKotae, fake: FakeSlack}[] = [];

afterEach(async () => {
    for (const {kotae, fake} of running.splice(0)) {
        kotae.stop("SIGKILL");
        await kotae.exited;
        await fake.close();
    }
});

async function serve(socketMode: boolean): Promise<{kotae: RunningKotae, fake: FakeSlack}> {
    const fake = await FakeSlack.start();
    const kotae = startKotae(["serve"], {cwd: temporaryDirectory("kotae-serve-"), env: {
        KOTAE_DB: path.join(temporaryDirectory(), "kotae.sqlite"), KOTAE_WEB_PORT: "0",
        KOTAE_SLACK_BOT_TOKEN: fake.botToken, KOTAE_SLACK_API_URL: fake.apiUrl, KOTAE_SLACK_PORT: "0",
        ...(socketMode ? {KOTAE_SLACK_APP_TOKEN: fake.appToken} : {KOTAE_SLACK_SIGNING_SECRET: fake.signingSecret})
    }});
    running.push({kotae, fake});
    return {kotae, fake};
}

/** `/kotae help` answers through the response_url; then SIGTERM stops Kotae with exit 0. */
async function answersHelpThenStops(kotae: RunningKotae, fake: FakeSlack): Promise<void> {
    const command = await fake.slashCommand({command: "/kotae", text: "help"});
    expect(command.inTime).toBe(true);
    await waitFor(() => fake.responseUrlPosts.find((post) => JSON.stringify(post.body).includes("/solve")));
    kotae.stop();
    expect(await kotae.exited).toBe(0);
    expect(kotae.output()).toContain("Kotae: stopping");
}

describe("kotae serve with Slack configured (what npm start and pm2 run)", () => {
    it("listens for Slack's signed requests over HTTP, answers them, and stops cleanly on SIGTERM", async () => {
        const {kotae, fake} = await serve(false);
        const port = Number(/on port (\d+)/.exec(await kotae.printed(/Slack: listening for Slack's requests on port \d+/))?.[1]);
        fake.connectHttp(`http://127.0.0.1:${port}/slack/events`);
        await answersHelpThenStops(kotae, fake);
    });

    it("connects in Socket Mode, answers, and stops cleanly on SIGTERM", async () => {
        const {kotae, fake} = await serve(true);
        await kotae.printed("Slack: connected in Socket Mode.");
        await fake.socketConnected();
        await answersHelpThenStops(kotae, fake);
    });
});
