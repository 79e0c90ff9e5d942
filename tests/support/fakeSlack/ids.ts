import {randomBytes} from "node:crypto";

let counter = 0;
let lastMicros = 0;

/**
 * A Slack-style id: its one-letter kind (T team, U user, B bot, A app, C channel, D direct message, F file, V view) and
 * ten upper-case base-36 characters, unique in the process so that two fakes never share one.
 */
export function slackId(kind: "T" | "U" | "B" | "A" | "C" | "D" | "F" | "V"): string {
    counter += 1;
    return kind + counter.toString(36).toUpperCase().padStart(10, "0");
}

/** An Events API event id (`Ev…`), the key a bot deduplicates retried deliveries by. */
export function eventId(): string {
    return `Ev${randomBytes(6).toString("hex").toUpperCase()}`;
}

/**
 * A message timestamp, "seconds.microseconds", strictly increasing: Slack's message id within a
 * channel, which thread_ts, chat.update and reactions name a message by.
 */
export function nextTs(): string {
    const micros = Date.now() * 1000;
    lastMicros = micros > lastMicros ? micros : lastMicros + 1;
    return `${Math.floor(lastMicros / 1_000_000)}.${String(lastMicros % 1_000_000).padStart(6, "0")}`;
}

/** A trigger id as Slack formats them: "digits.digits.hex". */
export function triggerId(): string {
    counter += 1;
    return `${counter}.${Date.now()}.${randomBytes(16).toString("hex")}`;
}

/** An opaque token-like string (socket tickets, response_url paths, view hashes). */
export function opaque(): string {
    return randomBytes(12).toString("hex");
}
