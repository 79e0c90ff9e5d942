import {createHash, timingSafeEqual} from "node:crypto";
import {setTimeout as sleep} from "node:timers/promises";
import type {FastifyRequest} from "fastify";
import {AdminSessions} from "./AdminSessions.js";
import {cookie} from "./cookies.js";
import {LoginThrottle} from "./LoginThrottle.js";

export const adminCookieName = "kotae_admin";

/** The outcome of a login with the admin token. */
export type LoginOutcome =
    | {readonly session: string}
    | {readonly wrong: true}
    /** Too many wrong tokens from this client lately. */
    | {readonly retryAfterSeconds: number};

/**
 * Who is an admin: a request with an open session (cookie, after logging in with the token) or the token
 * itself as a bearer (scripts). Tokens are compared in constant time, and wrong ones, by form or bearer,
 * count against the client's address in the {@link LoginThrottle}.
 */
export class AdminAuth {
    public constructor(
        private readonly token: string | undefined,
        private readonly throttle = new LoginThrottle(),
        public readonly sessions = new AdminSessions()
    ) {}

    public isAdmin(request: FastifyRequest): boolean {
        if (this.token == null) return false;
        if (this.sessions.isOpen(cookie(request, adminCookieName))) return true;
        const header = request.headers.authorization;
        if (header?.startsWith("Bearer ") !== true || this.throttle.lockedFor(request.ip) != null) return false;
        if (sameSecret(header.slice(7), this.token)) return true;
        this.throttle.fail(request.ip);
        return false;
    }

    /** Checks a token typed into the login form; a wrong one is answered only after the throttle's delay. */
    public async logIn(request: FastifyRequest, given: string): Promise<LoginOutcome> {
        const retryAfterSeconds = this.throttle.lockedFor(request.ip);
        if (retryAfterSeconds != null) return {retryAfterSeconds};
        if (this.token != null && sameSecret(given, this.token)) return {session: this.sessions.open()};
        await sleep(this.throttle.fail(request.ip));
        return {wrong: true};
    }
}

/** Constant-time equality that also hides the expected length (both sides are hashed first). */
function sameSecret(given: string, expected: string): boolean {
    const digest = (text: string) => createHash("sha256").update(text).digest();
    return timingSafeEqual(digest(given), digest(expected));
}
