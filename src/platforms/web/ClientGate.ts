import {ErrorCode, KotaeError} from "../../errors/ErrorCode.js";

const hour = 60 * 60 * 1000;
/** Clients remembered before quiet ones are swept out. */
const pruneAbove = 10_000;

/**
 * The web's own admission per client address, besides the per-browser rules the chat platforms share:
 * a browser without cookies is a new pseudonymous user on every request, so the engine's pending limit
 * and the hourly limit (both per user) alone would let one client dodge them by dropping its cookie.
 * Behind a reverse proxy, set web.trustProxy so the address is the client's, not the proxy's.
 */
export class ClientGate {
    private readonly pending = new Map<string, number>();
    private readonly accepted = new Map<string, number[]>();

    public constructor(private readonly limits: {maxPending: number, perHour: number}, private readonly now: () => number = Date.now) {}

    /** Admits one solve from `client` (call `release` when it ends), or says why not. */
    public admit(client: string): {release: () => void} | {refusal: KotaeError} {
        const pending = this.pending.get(client) ?? 0;
        if (pending >= this.limits.maxPending)
            return {refusal: new KotaeError(ErrorCode.TooManyPending, `${pending} solves already pending from ${client}`)};
        const now = this.now();
        // Ever new addresses must not grow the map without end: forget those quiet for an hour now and then.
        if (this.accepted.size >= pruneAbove)
            for (const [known, times] of this.accepted)
                if ((times.at(-1) ?? 0) <= now - hour) this.accepted.delete(known);
        const recent = (this.accepted.get(client) ?? []).filter((time) => time > now - hour);
        if (recent.length >= this.limits.perHour) {
            const seconds = Math.max(1, Math.ceil((recent[0]! + hour - now) / 1000));
            return {refusal: new KotaeError(ErrorCode.RateLimited, `${recent.length} problems in the last hour from ${client} (limit ${this.limits.perHour})`, {params: {seconds}})};
        }
        this.accepted.set(client, [...recent, now]);
        this.pending.set(client, pending + 1);
        let released = false;
        return {release: () => {
            if (released) return;
            released = true;
            const left = (this.pending.get(client) ?? 1) - 1;
            if (left > 0) this.pending.set(client, left);
            else this.pending.delete(client);
        }};
    }
}
