import type {webApi} from "@slack/bolt";

type RequestInterceptor = NonNullable<webApi.WebClientOptions["requestInterceptor"]>;

/** A channel's allowance: `burst` messages at once, then one more every `intervalMs`. */
export type ChannelRate = {readonly intervalMs: number, readonly burst: number};

/**
 * Slack lets an app post "1 message per second to a specific channel, with short bursts of more than 1
 * allowed" (https://docs.slack.dev/reference/methods/chat.postMessage#rate-limiting); past that it answers
 * 429 and the client waits out `Retry-After`, delaying everyone's answers in that channel. Twenty students
 * asking at once in one channel post, edit and reply in threads far faster than that, so every message
 * write in a channel (posts, edits, thread replies, from any feature) takes its turn here first: a token
 * bucket per channel in which each call reserves the next free slot, in the order they came.
 * Owned by the Slack adapter; it holds only the buckets of channels written to recently.
 */
export class ChannelPacer {
    private readonly buckets = new Map<string, {tokens: number, at: number}>();
    /** Writes held for their turn, so close() can let them go. */
    private readonly waiting = new Set<{readonly timer: NodeJS.Timeout, readonly drop: () => void}>();
    private closed = false;

    /**
     * @param rate default one every 1.1 s with bursts of 2: a margin under Slack's one a second (and its short bursts), since a
     *   call reserves its turn here a moment before Slack counts it
     * @param now the clock, in milliseconds
     */
    public constructor(private readonly rate: ChannelRate = {intervalMs: 1_100, burst: 2}, private readonly now: () => number = () => performance.now()) {}

    /** Milliseconds this write must wait for its turn in `channel` (0: at once); the turn is taken. */
    public reserve(channel: string): number {
        const now = this.now();
        const bucket = this.buckets.get(channel) ?? {tokens: this.rate.burst, at: now};
        bucket.tokens = Math.min(this.rate.burst, bucket.tokens + (now - bucket.at) / this.rate.intervalMs) - 1;
        bucket.at = now;
        this.buckets.set(channel, bucket);
        this.forgetIdleChannels(now);
        return bucket.tokens >= 0 ? 0 : Math.ceil(-bucket.tokens * this.rate.intervalMs);
    }

    /** Whether a write in `channel` would have to wait now: a progress edit gives way then, the answers behind it do not. */
    public isBusy(channel: string): boolean {
        const bucket = this.buckets.get(channel);
        return bucket != null && bucket.tokens + (this.now() - bucket.at) / this.rate.intervalMs < 1;
    }

    /**
     * For the Web API client's `requestInterceptor`: holds each message write (`chat.postMessage`,
     * `chat.update`, `chat.delete`) until its channel's turn; other methods pass at once.
     */
    public readonly interceptor: RequestInterceptor = async (request) => {
        // The client's own interceptor has already form-encoded the arguments (axios runs interceptors last-in first).
        const channel = typeof request.data === "string" ? new URLSearchParams(request.data).get("channel") : null;
        // The URL is the API's base plus the method's name.
        if (channel != null && pacedMethods.has(request.url?.split("/").at(-1) ?? "")) {
            if (this.closed) throw new ChannelPacerClosedError();
            const waitMs = this.reserve(channel);
            if (waitMs > 0) await this.hold(waitMs);
        }
        return request;
    };

    /**
     * At shutdown, after the adapter's grace for replies under way: every write still waiting for its turn,
     * and any later one, fails at once with a ChannelPacerClosedError. Otherwise a busy channel's backlog
     * (a hundred restart notices take two minutes at Slack's pace) would keep writing, and keep the process
     * alive, long after the adapter stopped. Returns how many writes were waiting.
     */
    public close(): number {
        this.closed = true;
        const dropped = this.waiting.size;
        for (const write of this.waiting) {
            clearTimeout(write.timer);
            write.drop();
        }
        this.waiting.clear();
        return dropped;
    }

    private hold(waitMs: number): Promise<void> {
        return new Promise((resolve, reject) => {
            const write = {
                timer: setTimeout(() => { this.waiting.delete(write); resolve(); }, waitMs),
                drop: () => reject(new ChannelPacerClosedError())
            };
            this.waiting.add(write);
        });
    }

    /** A full bucket is the same as none: drop those, so a workspace with many channels does not grow the map. */
    private forgetIdleChannels(now: number): void {
        if (this.buckets.size < 1_000) return;
        for (const [channel, bucket] of this.buckets)
            if (bucket.tokens + (now - bucket.at) / this.rate.intervalMs >= this.rate.burst) this.buckets.delete(channel);
    }
}

const pacedMethods = new Set(["chat.postMessage", "chat.update", "chat.delete"]);

/** A message write refused because the Slack adapter had stopped before the write's turn in its channel came. */
export class ChannelPacerClosedError extends Error {
    public constructor() {
        super("the Slack adapter stopped before this message's turn in its channel came");
        this.name = "ChannelPacerClosedError";
    }
}
