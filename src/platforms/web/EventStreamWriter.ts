import type {Writable} from "node:stream";

/** Events that stream a solution token by token; the rest (phases, code, results) are few and go out at once. */
const streamedTypes = new Set(["text", "thinking"]);

/**
 * Writes server-sent events (`data: <json>\n\n`) to a response. A solve streams a text event per token:
 * written one by one, each is a socket write (a syscall and a TCP segment) on the serving process's event
 * loop, which the model's decoding shares. Streamed text is therefore held for at most `flushMs` and
 * written together; any other event flushes what is held and goes out at once, so order is kept and a
 * result is never delayed. Owns nothing: `end()` flushes and ends the response.
 */
export class EventStreamWriter {
    private held = "";
    private timer: NodeJS.Timeout | undefined;

    /** @param flushMs how long streamed text may wait (default 25 ms: well under what a reader notices) */
    public constructor(private readonly response: Writable, private readonly flushMs = 25) {}

    public write<Event extends {readonly type: string}>(event: Event): void {
        this.held += `data: ${JSON.stringify(event)}\n\n`;
        if (!streamedTypes.has(event.type))
            this.flush();
        else
            this.timer ??= setTimeout(() => this.flush(), this.flushMs);
    }

    public end(): void {
        this.flush();
        this.response.end();
    }

    private flush(): void {
        clearTimeout(this.timer);
        this.timer = undefined;
        if (this.held === "") return;
        this.response.write(this.held);
        this.held = "";
    }
}
