import type {Server} from "node:http";
import {GatewayOpcodes, type GatewayIdentifyData} from "discord.js";
import {WebSocketServer, type RawData, type WebSocket} from "ws";
import {nextSnowflake} from "./snowflake.js";

/** An IDENTIFY: its intents, token and shard `[shard_id, num_shards]` (`[0, 1]` when the client sent none). */
export type Identified = {readonly intents: number, readonly token: string, readonly shard: readonly [number, number]};

/** What a session is told on IDENTIFY: READY's data, then each dispatch that follows (GUILD_CREATE …). */
export type IdentifyAnswer = {ready: object, then: readonly {event: string, data: object}[]};

type Session = {readonly socket: WebSocket, readonly intents: number, readonly shard: readonly [number, number], sequence: number};

/**
 * Whether a guild's events go to a shard: "shard_id = (guild_id >> 22) % num_shards"
 * (https://discord.com/developers/docs/events/gateway#sharding).
 */
export function shardOwnsGuild([shardId, shardCount]: readonly [number, number], guildId: string): boolean {
    return Number((BigInt(guildId) >> 22n) % BigInt(shardCount)) === shardId;
}

/**
 * The gateway side: HELLO, heartbeat ACKs, IDENTIFY → READY and whatever the fake dispatches, in plain
 * JSON. Each connection is one shard, as its IDENTIFY says; the fake's events all belong to its one
 * guild, so they go only to the shard that owns that guild, as on Discord. discord.js would ask for
 * zlib-stream if the optional `zlib-sync` package were installed; the fake does not speak it, so such a
 * connection fails `identified()` with the reason instead of hanging.
 */
export class FakeGateway {
    readonly #server: WebSocketServer;
    readonly #sessions = new Set<Session>();
    readonly #heartbeatIntervalMs: number;
    readonly #answerIdentify: (identify: Identified) => IdentifyAnswer;
    readonly #guildId: () => string;
    readonly #identifies: Identified[] = [];
    readonly #identified: Promise<Identified>;
    #resolveIdentified!: (identified: Identified) => void;
    #rejectIdentified!: (error: Error) => void;

    constructor(server: Server, options: {heartbeatIntervalMs: number, answerIdentify: (identify: Identified) => IdentifyAnswer, guildId: () => string}) {
        this.#heartbeatIntervalMs = options.heartbeatIntervalMs;
        this.#answerIdentify = options.answerIdentify;
        this.#guildId = options.guildId;
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

    /** Every IDENTIFY so far, one per shard a client started (and again after a reconnect). */
    get identifies(): readonly Identified[] {
        return this.#identifies;
    }

    /**
     * Sends a guild event to every identified session of the guild's shard; `payloadFor` gets the
     * session's intents and returns undefined where Discord would not send the event (a missing intent).
     */
    dispatch(event: string, payloadFor: (intents: number) => object | undefined): void {
        for (const session of this.#sessions) {
            if (!shardOwnsGuild(session.shard, this.#guildId()))
                continue;
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
        const identified: Identified = {intents: identify.intents, token: identify.token, shard: identify.shard ?? [0, 1]};
        this.#identifies.push(identified);
        const answer = this.#answerIdentify(identified);
        const session: Session = {socket, intents: identify.intents, shard: identified.shard, sequence: 0};
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
