import type {Server} from "node:http";
import {GatewayOpcodes, type GatewayIdentifyData} from "discord.js";
import {WebSocketServer, type RawData, type WebSocket} from "ws";
import {nextSnowflake} from "./snowflake.js";

export type Identified = {readonly intents: number, readonly token: string};

/** What a session is told on IDENTIFY: READY's data, then each dispatch that follows (GUILD_CREATE …). */
export type IdentifyAnswer = {ready: object, then: readonly {event: string, data: object}[]};

type Session = {readonly socket: WebSocket, readonly intents: number, sequence: number};

/**
 * The gateway side: HELLO, heartbeat ACKs, IDENTIFY → READY and whatever the fake dispatches, in plain
 * JSON. discord.js would ask for zlib-stream if the optional `zlib-sync` package were installed; the
 * fake does not speak it, so such a connection fails `identified()` with the reason instead of hanging.
 */
export class FakeGateway {
    readonly #server: WebSocketServer;
    readonly #sessions = new Set<Session>();
    readonly #heartbeatIntervalMs: number;
    readonly #answerIdentify: (identify: Identified) => IdentifyAnswer;
    readonly #identified: Promise<Identified>;
    #resolveIdentified!: (identified: Identified) => void;
    #rejectIdentified!: (error: Error) => void;

    constructor(server: Server, options: {heartbeatIntervalMs: number, answerIdentify: (identify: Identified) => IdentifyAnswer}) {
        this.#heartbeatIntervalMs = options.heartbeatIntervalMs;
        this.#answerIdentify = options.answerIdentify;
        this.#identified = new Promise((resolve, reject) => {
            this.#resolveIdentified = resolve;
            this.#rejectIdentified = reject;
        });
        // Nobody has to await identified(): a rejection seen only by close() must not count as unhandled.
        this.#identified.catch(() => undefined);
        this.#server = new WebSocketServer({server, path: "/gateway"});
        this.#server.on("connection", (socket, request) => {
            const query = new URL(request.url ?? "/", "ws://127.0.0.1").searchParams;
            if (query.has("compress") || (query.get("encoding") ?? "json") !== "json") {
                this.#rejectIdentified(new Error(`The client asked for ${request.url}; the fake gateway speaks uncompressed JSON only (is zlib-sync installed?)`));
                socket.close(4000, "Unsupported encoding");
                return;
            }
            this.#send(socket, {op: GatewayOpcodes.Hello, d: {heartbeat_interval: this.#heartbeatIntervalMs}});
            socket.on("message", (data) => this.#receive(socket, data));
            socket.on("close", () => {
                for (const session of this.#sessions) {
                    if (session.socket === socket)
                        this.#sessions.delete(session);
                }
            });
        });
    }

    get url(): string {
        const address = this.#server.address();
        if (address === null || typeof address !== "object")
            throw new Error("The gateway is not listening");
        return `ws://127.0.0.1:${address.port}/gateway`;
    }

    get hasSession(): boolean {
        return this.#sessions.size > 0;
    }

    /** The first IDENTIFY, once READY and the dispatches that follow it have been sent. */
    identified(): Promise<Identified> {
        return this.#identified;
    }

    /**
     * Sends an event to every identified session; `payloadFor` gets the session's intents and returns
     * undefined where Discord would not send the event (a missing intent).
     */
    dispatch(event: string, payloadFor: (intents: number) => object | undefined): void {
        for (const session of this.#sessions) {
            const data = payloadFor(session.intents);
            if (data !== undefined)
                this.#sendDispatch(session, event, data);
        }
    }

    async close(): Promise<void> {
        this.#rejectIdentified(new Error("The fake Discord was closed before the client identified"));
        for (const client of this.#server.clients)
            client.terminate();
        await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    }

    #receive(socket: WebSocket, data: RawData): void {
        const payload = JSON.parse(data.toString()) as {op: number, d: unknown};
        switch (payload.op) {
            case GatewayOpcodes.Heartbeat:
                this.#send(socket, {op: GatewayOpcodes.HeartbeatAck});
                break;
            case GatewayOpcodes.Identify:
                this.#identify(socket, payload.d as GatewayIdentifyData);
                break;
            case GatewayOpcodes.Resume:
                // Sessions do not survive here; "not resumable" makes discord.js identify afresh.
                this.#send(socket, {op: GatewayOpcodes.InvalidSession, d: false});
                break;
            default:
                // Presence updates, member requests, voice: nothing a test of a text bot needs answered.
                break;
        }
    }

    #identify(socket: WebSocket, identify: GatewayIdentifyData): void {
        const identified = {intents: identify.intents, token: identify.token};
        const answer = this.#answerIdentify(identified);
        const session: Session = {socket, intents: identify.intents, sequence: 0};
        this.#sessions.add(session);
        this.#sendDispatch(session, "READY", {...answer.ready, session_id: nextSnowflake(), resume_gateway_url: this.url});
        for (const {event, data} of answer.then)
            this.#sendDispatch(session, event, data);
        this.#resolveIdentified(identified);
    }

    #sendDispatch(session: Session, event: string, data: object): void {
        session.sequence += 1;
        this.#send(session.socket, {op: GatewayOpcodes.Dispatch, t: event, s: session.sequence, d: data});
    }

    #send(socket: WebSocket, payload: object): void {
        socket.send(JSON.stringify(payload));
    }
}
