import {randomBytes} from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Fastify, {type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest} from "fastify";
import type {KotaeRuntime} from "../../app/KotaeRuntime.js";
import {packageRoot} from "../../app/packageRoot.js";
import type {KotaeConfig} from "../../config/KotaeConfig.js";
import {ErrorCode} from "../../errors/ErrorCode.js";
import {localize} from "../../i18n/messages.js";
import {AdminAuth} from "./AdminAuth.js";
import {allowedAddresses, type AllowedAddresses} from "./allowedAddresses.js";
import {registerAudit} from "./auditRoutes.js";
import {ClientGate} from "./ClientGate.js";
import {cookie} from "./cookies.js";
import {registerPlayground} from "./playgroundRoutes.js";
import {registerTexRoutes} from "./texRoutes.js";
import {defaultRequestsPerMinute, RequestRateLimit} from "./RequestRateLimit.js";
import {registerHealth} from "./healthRoutes.js";

/** What the route modules share. */
export type WebContext = {
    readonly runtime: KotaeRuntime,
    readonly config: KotaeConfig,
    readonly admin: AdminAuth,
    /** Whether the request carries an admin session or the admin token as a bearer. */
    readonly isAdmin: (request: FastifyRequest) => boolean,
    /** The browser's own pseudonymous user id (a random cookie), so the playground's history is per browser. */
    readonly browserUser: (request: FastifyRequest, reply: FastifyReply) => string,
    /** Per client address, so dropping the cookie does not dodge the pending and hourly limits. */
    readonly clientGate: ClientGate
};

/** Options of {@link WebServer.start}, for tests; the defaults are what `kotae serve` uses. */
export type WebServerOptions = {
    readonly admin?: AdminAuth,
    /** Requests one client address may make per minute before 429 (default {@link defaultRequestsPerMinute}). */
    readonly requestsPerMinute?: number
};

/** For a browser that reached Kotae under a name it does not serve: both languages, as the page's own language is unknown. */
export const unservedHostMessage = "このアドレスでは Kotae を開けません。 / This address is not served by Kotae (see web.publicUrl).";

const contentSecurityPolicy = "default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * The local web app (`kotae serve`, 127.0.0.1:8787 by default): the playground, where anyone at this
 * computer can try Kotae, and the audit pages for operators (admin token). Model output and user text
 * are escaped everywhere, scripts run only from /static under a strict CSP, every request must name a
 * host Kotae serves (loopback or `web.publicUrl`), and every state-changing request must come from such
 * an origin with Kotae's own header (so another site cannot forge one).
 */
export class WebServer implements AsyncDisposable {
    private constructor(private readonly app: FastifyInstance, public readonly url: string) {}

    public static async start(runtime: KotaeRuntime, config: KotaeConfig, options: WebServerOptions = {}): Promise<WebServer> {
        const app = Fastify({
            bodyLimit: 64 * 1024, trustProxy: config.web.trustProxy,
            // The runtime's logger, from warnings up: requests and client errors (4xx), which Fastify logs
            // as info, are answered, not logged; only server faults reach the operator. (Fastify's
            // disableRequestLogging would silence those faults too.)
            loggerInstance: runtime.logger.child({component: "web"}, {level: "warn"}) as FastifyBaseLogger
        });
        const context: WebContext = {
            runtime, config,
            admin: options.admin ?? new AdminAuth(config.web.adminToken),
            isAdmin: (request) => context.admin.isAdmin(request),
            browserUser: (request, reply) => {
                const known = cookie(request, "kotae_user");
                if (known != null && /^[0-9a-f]{32}$/.test(known)) return known;
                const fresh = randomBytes(16).toString("hex");
                void reply.header("set-cookie", `kotae_user=${fresh}; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000`);
                return fresh;
            },
            clientGate: new ClientGate({maxPending: config.maxPendingPerUser, perHour: config.solvesPerHour})
        };

        app.addHook("onSend", async (_request, reply, payload) => {
            void reply.header("content-security-policy", contentSecurityPolicy);
            void reply.header("x-content-type-options", "nosniff");
            // same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on form posts, which the CSRF check refuses.
            void reply.header("referrer-policy", "same-origin");
            return payload;
        });
        // Known once listening (the port may be 0 = any free one).
        let allowed: AllowedAddresses | undefined;
        // DNS rebinding: a hostile name resolving to this address still arrives with its own Host.
        app.addHook("onRequest", async (request, reply) => {
            if (allowed == null || !allowed.hosts.has((request.headers.host ?? "").toLowerCase()))
                return reply.code(421).type("text/plain; charset=utf-8").send(unservedHostMessage);
            return undefined;
        });
        const rateLimit = new RequestRateLimit(options.requestsPerMinute ?? defaultRequestsPerMinute);
        app.addHook("onRequest", async (request, reply) => {
            const retryAfter = rateLimit.take(request.ip);
            if (retryAfter != null)
                return reply.code(429).header("retry-after", String(retryAfter)).type("text/plain; charset=utf-8")
                    .send(localize(ErrorCode.RateLimited, request.headers["accept-language"], {seconds: retryAfter}));
            return undefined;
        });
        // Cross-site request forgery: a browser sends a custom header, or a cross-origin Origin, only with CORS, which Kotae never grants.
        app.addHook("onRequest", async (request, reply) => {
            if (request.method === "GET" || request.method === "HEAD")
                return undefined;
            const origin = request.headers.origin;
            const fromForm = request.headers["content-type"]?.startsWith("application/x-www-form-urlencoded") === true;
            if ((origin != null && allowed?.origins.has(origin.toLowerCase()) !== true) || (!fromForm && request.headers["x-kotae"] !== "1"))
                return reply.code(403).send({error: "forbidden"});
            return undefined;
        });
        app.addContentTypeParser("application/x-www-form-urlencoded", {parseAs: "string"}, (_request, body, done) => {
            done(null, Object.fromEntries(new URLSearchParams(String(body))));
        });

        app.get("/static/:file", async (request, reply) => {
            const {file} = request.params as {file: string};
            const asset = staticAssets.get(file);
            if (asset == null)
                return reply.code(404).send("not found");
            return reply.type(asset.type).header("cache-control", "no-cache").send(asset.content);
        });
        registerHealth(app, context);
        registerPlayground(app, context);
        registerTexRoutes(app, context);
        registerAudit(app, context);

        const address = await app.listen({host: config.web.host, port: config.web.port});
        allowed = allowedAddresses(config, Number(new URL(address).port));
        return new WebServer(app, address.replace("[::1]", "localhost"));
    }

    public async close(): Promise<void> {
        await this.app.close();
    }

    public async [Symbol.asyncDispose](): Promise<void> {
        await this.close();
    }
}

/** The front end: plain files, no build step, read once at start. */
const staticAssets = loadStaticAssets();

function loadStaticAssets(): Map<string, {type: string, content: string}> {
    // Found from the package root: tsc does not copy these files to dist/.
    const publicDirectory = path.join(packageRoot(), "src", "platforms", "web", "public");
    const types: Record<string, string> = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"};
    return new Map(fs.readdirSync(publicDirectory).map((name) => [name, {
        type: types[path.extname(name)] ?? "application/octet-stream",
        content: fs.readFileSync(path.join(publicDirectory, name), "utf8")
    }]));
}
