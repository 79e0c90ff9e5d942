import {createHmac, randomUUID} from "node:crypto";
import http, {type IncomingMessage, type Server} from "node:http";
import {WebSocketServer, type WebSocket} from "ws";
import {Observed} from "../Observed.js";
import {opaque} from "./ids.js";
import type {Envelope} from "./Interactions.js";

/** How the app answered a delivery. */
export type Ack = {
    /** HTTP: the status the app answered with; Socket Mode: "acked"; either: "no_ack" when nothing came within 5 s (or nothing was sent: `failNextDelivery`). */
    readonly status: number | "acked" | "no_ack",
    /** The ack's body: JSON as an object, plain text as `{text}` (which Slack reads the same way); undefined when empty. */
    readonly body: Record<string, unknown> | undefined,
    readonly ackMs: number
};

/** How an HTTP delivery is signed: correctly, with the wrong secret, 6 minutes ago, or not at all. */
export type Signature = "valid" | "bad" | "stale" | "missing";

/** A redelivery's `X-Slack-Retry-Num` / `retry_attempt` and its reason (http_timeout, http_error …). */
export type Retry = {readonly num: number, readonly reason: string};

/** Slack itself gives up after 3 s; the fake waits longer so that a late ack is measured, not lost. */
const ackWaitMs = 5_000;

/**
 * An HTTP delivery as Slack makes it: slash commands form-encoded, interactions as a form's `payload`
 * field, events as JSON; signed over the exact bytes sent. Bolt compares the content type exactly, so
 * the form type has no charset.
 */
export function postToApp(url: string, signingSecret: string, envelope: Envelope, signature: Signature, retry: Retry | undefined): Promise<Ack> {
    const [contentType, body] = envelope.type === "events_api"
        ? ["application/json", JSON.stringify(envelope.payload)]
        : ["application/x-www-form-urlencoded", new URLSearchParams(envelope.type === "interactive" ? {payload: JSON.stringify(envelope.payload)} : envelope.payload as Record<string, string>).toString()];
    const timestamp = Math.floor(Date.now() / 1000) - (signature === "stale" ? 6 * 60 : 0);
    const secret = signature === "bad" ? `not-${signingSecret}` : signingSecret;
    const headers: Record<string, string> = {
        "content-type": contentType,
        "content-length": String(Buffer.byteLength(body)),
        "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        ...(signature === "missing" ? {} : {
            "x-slack-request-timestamp": String(timestamp),
            "x-slack-signature": `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`
        }),
        ...(retry === undefined ? {} : {"x-slack-retry-num": String(retry.num), "x-slack-retry-reason": retry.reason})
    };
    const started = performance.now();
    return new Promise((resolve, reject) => {
        // No keep-alive: nothing of the fake's stays connected to the app's server after a delivery.
        const request = http.request(url, {method: "POST", headers, agent: false, timeout: ackWaitMs}, (response) => {
            const chunks: Buffer[] = [];
            response.on("data", (chunk: Buffer) => chunks.push(chunk));
            response.on("end", () => resolve({
                status: response.statusCode ?? 0,
                body: ackBody(Buffer.concat(chunks).toString("utf8"), response.headers["content-type"]),
                ackMs: performance.now() - started
            }));
            response.on("error", reject);
        });
        request.on("timeout", () => {
            request.destroy();
            resolve({status: "no_ack", body: undefined, ackMs: performance.now() - started});
        });
        request.on("error", reject);
        request.end(body);
    });
}

function ackBody(text: string, contentType: string | undefined): Record<string, unknown> | undefined {
    if (text === "")
        return undefined;
    return contentType?.startsWith("application/json") === true ? JSON.parse(text) as Record<string, unknown> : {text};
}

type PendingAck = {readonly resolve: (ack: Ack) => void, readonly started: number, readonly timer: NodeJS.Timeout};

/**
 * Socket Mode's server side, as @slack/socket-mode 2 expects it: apps.connections.open hands out a
 * one-time `ws://…/link/?ticket=…` URL; on connecting the app gets `hello`; envelopes go to the newest
 * connection and the app acks each with `{envelope_id, payload?}`. The `ws` server answers the client's
 * pings. It sends no pings itself: once it had, the client would expect one every 30 s and reconnect
 * without. No `disconnect` messages.
 */
export class SocketModeServer {
    readonly #server: WebSocketServer;
    readonly #baseUrl: string;
    readonly #appId: string;
    readonly #tickets = new Set<string>();
    readonly #connections = new Observed<WebSocket>(() => "a Socket Mode connection");
    readonly #pending = new Map<string, PendingAck>();

    constructor(server: Server, options: {baseUrl: string, appId: string}) {
        this.#baseUrl = options.baseUrl.replace(/^http/, "ws");
        this.#appId = options.appId;
        this.#server = new WebSocketServer({
            server,
            path: "/link/",
            // A ticket is good for one connection, as Slack's are.
            verifyClient: ({req}: {req: IncomingMessage}) => this.#tickets.delete(new URL(req.url ?? "/", this.#baseUrl).searchParams.get("ticket") ?? "")
        });
        this.#server.on("connection", (socket) => {
            socket.on("message", (data) => this.#receive(String(data)));
            socket.send(JSON.stringify({
                type: "hello",
                num_connections: this.#open().length + 1,
                debug_info: {host: "applink-fake", build_number: 1, approximate_connection_time: 18_060},
                connection_info: {app_id: this.#appId}
            }));
            this.#connections.push(socket);
        });
    }

    /** apps.connections.open's `url`. */
    openUrl(): string {
        const ticket = opaque();
        this.#tickets.add(ticket);
        return `${this.#baseUrl}/link/?ticket=${ticket}&app_id=${this.#appId}`;
    }

    get isConnected(): boolean {
        return this.#open().length > 0;
    }

    /** Resolves once an app has connected and been sent `hello`. */
    async connected(timeoutMs: number): Promise<void> {
        await this.#connections.waitFor((socket) => socket.readyState === socket.OPEN, timeoutMs, "the app to connect in Socket Mode");
    }

    send(envelope: Envelope, retry: Retry | undefined): Promise<Ack> {
        const socket = this.#open().at(-1);
        if (socket === undefined)
            throw new Error("No Socket Mode connection is open");
        const envelopeId = randomUUID();
        const started = performance.now();
        return new Promise((resolve) => {
            const timer = setTimeout(() => this.#settle(envelopeId, "no_ack", undefined), ackWaitMs);
            this.#pending.set(envelopeId, {resolve, started, timer});
            socket.send(JSON.stringify({
                envelope_id: envelopeId,
                type: envelope.type,
                payload: envelope.payload,
                // Events can't be answered with a payload; commands and interactions can.
                accepts_response_payload: envelope.type !== "events_api",
                ...(envelope.type === "events_api" ? {retry_attempt: retry?.num ?? 0, retry_reason: retry?.reason ?? ""} : {})
            }));
        });
    }

    async close(): Promise<void> {
        for (const envelopeId of [...this.#pending.keys()])
            this.#settle(envelopeId, "no_ack", undefined);
        this.#connections.close();
        for (const socket of this.#server.clients)
            socket.terminate();
        await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    }

    #open(): WebSocket[] {
        return this.#connections.items.filter((socket) => socket.readyState === socket.OPEN);
    }

    #receive(text: string): void {
        const message = JSON.parse(text) as {envelope_id?: string, payload?: Record<string, unknown>};
        if (message.envelope_id !== undefined)
            this.#settle(message.envelope_id, "acked", message.payload === undefined || Object.keys(message.payload).length === 0 ? undefined : message.payload);
    }

    #settle(envelopeId: string, status: "acked" | "no_ack", body: Record<string, unknown> | undefined): void {
        const pending = this.#pending.get(envelopeId);
        if (pending === undefined)
            return;
        clearTimeout(pending.timer);
        this.#pending.delete(envelopeId);
        pending.resolve({status, body, ackMs: performance.now() - pending.started});
    }
}
