import type {IncomingHttpHeaders} from "node:http";
import {setTimeout as sleep} from "node:timers/promises";
import {afterEach, describe, expect, it} from "vitest";
import {FakeSlack, type FakeSlackOptions} from "../support/fakeSlack/FakeSlack.js";
import {listenOnLoopback} from "../support/listenOnLoopback.js";

// How Slack delivers to an app's Request URL, as the fake does: an ack within 3 s
// (https://api.slack.com/interactivity/handling#acknowledgment_response), or the delivery failed; a
// failed event is retried up to 3 times with X-Slack-Retry-Num and X-Slack-Retry-Reason
// (https://api.slack.com/apis/events-api#retries). A plain HTTP receiver answers here, so that it can be late.

type Received = {headers: IncomingHttpHeaders, body: string};
type Answer = {status: number, delayMs: number, json?: Record<string, unknown>};

const started: {fake: FakeSlack, close: () => Promise<void>}[] = [];

afterEach(async () => {
    for (const {fake, close} of started.splice(0)) {
        await fake.close();
        await close();
    }
});

/** A fake Slack (ack deadline 200 ms, retries 20 ms apart) delivering to a receiver that answers the nth request as `answer` says. */
async function deliveringTo(answer: (received: Received, index: number) => Answer, options: FakeSlackOptions = {}): Promise<{fake: FakeSlack, received: Received[]}> {
    const fake = await FakeSlack.start({ackDeadlineMs: 200, eventRetryDelaysMs: [0, 20, 20], ...options});
    const {server, baseUrl} = await listenOnLoopback();
    const received: Received[] = [];
    server.on("request", (request, response) => {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
            const entry = {headers: request.headers, body: Buffer.concat(chunks).toString("utf8")};
            received.push(entry);
            const {status, delayMs, json} = answer(entry, received.length - 1);
            void sleep(delayMs).then(() => {
                response.writeHead(status, json === undefined ? {} : {"content-type": "application/json"});
                response.end(json === undefined ? "" : JSON.stringify(json));
            });
        });
    });
    fake.connectHttp(`${baseUrl}/slack/events`);
    started.push({fake, close: () => new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
    })});
    return {fake, received};
}

const retryHeaders = (received: readonly Received[]) => received.map(({headers}) => [headers["x-slack-retry-num"], headers["x-slack-retry-reason"]]);

describe("the fake Slack's deliveries, as Slack makes them", () => {
    it("retries an event acked after the deadline 3 times, with X-Slack-Retry-Num and X-Slack-Retry-Reason, then gives up", async () => {
        const {fake, received} = await deliveringTo(() => ({status: 200, delayMs: 300}));
        const {event} = await fake.message({text: "遅い"});
        expect(event).toMatchObject({inTime: false, failure: "http_timeout", retry: undefined});
        await fake.waitForDelivery((delivery) => delivery.retry?.num === 3);
        // A later event, delivered after a 4th retry would have been (20 ms after the 3rd): Slack stops at 3.
        await fake.message({text: "次"});
        const first = received.filter(({body}) => body.includes("遅い"));
        expect(retryHeaders(first)).toEqual([[undefined, undefined], ["1", "http_timeout"], ["2", "http_timeout"], ["3", "http_timeout"]]);
        expect(new Set(first.map(({body}) => JSON.parse(body).event_id)).size).toBe(1);
    });

    it("retries an event answered with an HTTP error, once it is acked no more", async () => {
        const {fake, received} = await deliveringTo((_received, index) => ({status: index === 0 ? 500 : 200, delayMs: 0}));
        const {event} = await fake.message({text: "エラー"});
        expect(event).toMatchObject({status: 500, inTime: true, failure: "http_error"});
        const retried = await fake.waitForDelivery((delivery) => delivery.retry !== undefined);
        expect(retried).toMatchObject({status: 200, failure: undefined, retry: {num: 1, reason: "http_error"}});
        await fake.message({text: "次"});
        expect(retryHeaders(received)).toEqual([[undefined, undefined], ["1", "http_error"], [undefined, undefined]]);
    });

    it("retries an event whose delivery never reached the app: the app sees the retry only", async () => {
        const {fake, received} = await deliveringTo(() => ({status: 200, delayMs: 0}));
        fake.failNextDelivery("connection_failed");
        const {event} = await fake.message({text: "届かない"});
        expect(event).toMatchObject({status: "no_ack", failure: "connection_failed"});
        await fake.waitForDelivery((delivery) => delivery.retry !== undefined);
        expect(retryHeaders(received)).toEqual([["1", "connection_failed"]]);
    });

    it("counts a slash command acked late as failed: Slack's error is shown instead of its reply, and commands are not retried", async () => {
        const {fake, received} = await deliveringTo((_received, index) => ({status: 200, delayMs: index === 0 ? 300 : 0, json: {text: index === 0 ? "遅い返事" : "早い返事"}}));
        const late = await fake.slashCommand({command: "/solve", text: "1+1"});
        expect(late).toMatchObject({inTime: false, failure: "http_timeout", body: {text: "遅い返事"}});
        // A later command acked in time is shown: had the late one been retried, its retry would be before it.
        const inTime = await fake.slashCommand({command: "/solve", text: "2+2"});
        expect(inTime).toMatchObject({inTime: true, failure: undefined});
        expect(fake.ephemerals.map(({text, via}) => [via, text])).toEqual([["slack", '/solve failed with the error "operation_timeout"'], ["ack", "早い返事"]]);
        expect(received).toHaveLength(2);
    });
});
