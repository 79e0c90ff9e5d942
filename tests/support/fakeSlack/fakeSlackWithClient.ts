import {webApi} from "@slack/bolt";
import {FakeSlack} from "./FakeSlack.js";

/**
 * A fresh fake Slack and the real @slack/web-api client for it, for tests of the fake's Web API that make
 * many calls to one channel in a row: without rate limits (they have their own tests) and without
 * retries (a test sees each answer as the fake gave it). The caller closes the fake.
 */
export async function fakeSlackWithClient(): Promise<{fake: FakeSlack, client: webApi.WebClient}> {
    const fake = await FakeSlack.start({rateLimits: {}});
    const client = new webApi.WebClient(fake.botToken, {slackApiUrl: fake.apiUrl, retryConfig: {retries: 0}, logLevel: webApi.LogLevel.ERROR});
    return {fake, client};
}
