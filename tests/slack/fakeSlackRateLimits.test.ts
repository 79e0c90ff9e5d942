import {webApi} from "@slack/bolt";
import {afterEach, describe, expect, it} from "vitest";
import {FakeSlack} from "../support/fakeSlack/FakeSlack.js";

// Slack's per-channel message limit: about one a second, short bursts allowed, HTTP 429 with Retry-After
// beyond it (https://api.slack.com/methods/chat.postMessage#rate_limiting, https://api.slack.com/apis/rate-limits).

const fakes: FakeSlack[] = [];

afterEach(async () => {
    for (const fake of fakes.splice(0))
        await fake.close();
});

/** A fake allowing 2 posts at once per channel, then one a second. */
async function limitedFake(): Promise<FakeSlack> {
    const fake = await FakeSlack.start({rateLimits: {"chat.postMessage": {intervalMs: 1_000, burst: 2}}});
    fakes.push(fake);
    return fake;
}

describe("the fake Slack's rate limits", () => {
    it("answers a post beyond the channel's burst with 429 and Retry-After, and lets other channels post", async () => {
        const fake = await limitedFake();
        const client = new webApi.WebClient(fake.botToken, {slackApiUrl: fake.apiUrl, rejectRateLimitedCalls: true, logLevel: webApi.LogLevel.ERROR});
        const other = fake.addChannel({name: "other"});
        await client.chat.postMessage({channel: fake.channel.id, text: "1"});
        await client.chat.postMessage({channel: fake.channel.id, text: "2"});
        await expect(client.chat.postMessage({channel: fake.channel.id, text: "3"})).rejects.toMatchObject({code: "slack_webapi_rate_limited_error", retryAfter: 1});
        await client.chat.postMessage({channel: other.id, text: "よそ"});
        expect(fake.calls.map((call) => call.status)).toEqual([200, 200, 429, 200]);
        expect(fake.messagesIn(fake.channel.id).map((message) => message.text)).toEqual(["1", "2"]);
    });

    it("lets the @slack/web-api client, which waits out Retry-After by itself, post once the second has passed", async () => {
        const fake = await limitedFake();
        const client = new webApi.WebClient(fake.botToken, {slackApiUrl: fake.apiUrl, retryConfig: {retries: 1, factor: 1, minTimeout: 0, maxTimeout: 0}, logLevel: webApi.LogLevel.ERROR});
        for (const text of ["1", "2", "3"])
            await client.chat.postMessage({channel: fake.channel.id, text});
        const [limited, retried] = fake.calls.slice(2);
        expect([limited?.status, retried?.status]).toEqual([429, 200]);
        expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(1_000);
        expect(fake.messagesIn(fake.channel.id).map((message) => message.text)).toEqual(["1", "2", "3"]);
    });
});
