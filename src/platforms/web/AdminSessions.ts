import {randomBytes} from "node:crypto";

/** How long an audit login lasts: a working day. */
const sessionTtlMs = 12 * 60 * 60 * 1000;

/**
 * Audit logins, kept in memory: the cookie carries an opaque random id, never the admin token, so a
 * leaked cookie expires and a restart logs everyone out.
 */
export class AdminSessions {
    private readonly expiries = new Map<string, number>();

    public constructor(private readonly now: () => number = Date.now) {}

    /** A new session's id, for the cookie. */
    public open(): string {
        this.forgetExpired();
        const id = randomBytes(32).toString("hex");
        this.expiries.set(id, this.now() + sessionTtlMs);
        return id;
    }

    public isOpen(id: string | undefined): boolean {
        const expiry = id != null ? this.expiries.get(id) : undefined;
        return expiry != null && expiry > this.now();
    }

    public readonly maxAgeSeconds = sessionTtlMs / 1000;

    private forgetExpired(): void {
        const now = this.now();
        for (const [id, expiry] of this.expiries)
            if (expiry <= now) this.expiries.delete(id);
    }
}
