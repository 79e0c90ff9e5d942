import {randomBytes, timingSafeEqual} from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Fastify, {type FastifyInstance, type FastifyReply, type FastifyRequest} from "fastify";
import type {KotaeRuntime} from "../app/KotaeRuntime.js";
import {packageRoot} from "../app/packageRoot.js";
import type {KotaeConfig} from "../config/KotaeConfig.js";
import {registerAudit} from "./auditRoutes.js";
import {registerPlayground} from "./playgroundRoutes.js";

/** What the route modules share. */
export type WebContext = {
    readonly runtime: KotaeRuntime,
    readonly config: KotaeConfig,
    /** Whether the request carries the admin token (cookie or bearer). */
    readonly isAdmin: (request: FastifyRequest) => boolean,
    /** The browser's own pseudonymous user id (a random cookie), so the playground's history is per browser. */
    readonly browserUser: (request: FastifyRequest, reply: FastifyReply) => string
};

const contentSecurityPolicy = "default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * The local web app (`kotae serve`, 127.0.0.1:8787 by default): the playground, where anyone at this
 * computer can try Kotae, and the audit pages for operators (admin token). Model output and user text
 * are escaped everywhere, scripts run only from /static under a strict CSP, and every state-changing
 * request must come from this origin with Kotae's own header (so another site cannot forge one).
 */
export class WebServer implements AsyncDisposable {
    private constructor(private readonly app: FastifyInstance, public readonly url: string) {}

    public static async start(runtime: KotaeRuntime, config: KotaeConfig): Promise<WebServer> {
        const app = Fastify({bodyLimit: 64 * 1024, logger: false});
        const adminToken = config.webAdminToken;
        const context: WebContext = {
            runtime, config,
            isAdmin: (request) => adminToken != null && [cookie(request, "kotae_admin"), bearer(request)].some((given) => given != null && sameSecret(given, adminToken)),
            browserUser: (request, reply) => {
                const known = cookie(request, "kotae_user");
                if (known != null && /^[0-9a-f]{32}$/.test(known)) return known;
                const fresh = randomBytes(16).toString("hex");
                void reply.header("set-cookie", `kotae_user=${fresh}; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000`);
                return fresh;
            }
        };

        app.addHook("onSend", async (_request, reply, payload) => {
            void reply.header("content-security-policy", contentSecurityPolicy);
            void reply.header("x-content-type-options", "nosniff");
            // same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on form posts, which the CSRF check refuses.
            void reply.header("referrer-policy", "same-origin");
            return payload;
        });
        // Cross-site request forgery: a browser sends a custom header, or a cross-origin Origin, only with CORS, which Kotae never grants.
        app.addHook("onRequest", async (request, reply) => {
            if (request.method === "GET" || request.method === "HEAD")
                return;
            const origin = request.headers.origin;
            const ownOrigin = `http://${request.headers.host ?? ""}`;
            const fromForm = request.headers["content-type"]?.startsWith("application/x-www-form-urlencoded") === true;
            if ((origin != null && origin !== ownOrigin) || (!fromForm && request.headers["x-kotae"] !== "1"))
                await reply.code(403).send({error: "forbidden"});
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
        registerPlayground(app, context);
        registerAudit(app, context);

        const address = await app.listen({host: config.webHost, port: config.webPort});
        return new WebServer(app, address.replace("[::1]", "localhost"));
    }

    public async close(): Promise<void> {
        await this.app.close();
    }

    public async [Symbol.asyncDispose](): Promise<void> {
        await this.close();
    }
}

function cookie(request: FastifyRequest, name: string): string | undefined {
    for (const part of (request.headers.cookie ?? "").split(";")) {
        const [key, ...value] = part.trim().split("=");
        if (key === name) return decodeURIComponent(value.join("="));
    }
    return undefined;
}

function bearer(request: FastifyRequest): string | undefined {
    const header = request.headers.authorization;
    return header?.startsWith("Bearer ") === true ? header.slice(7) : undefined;
}

function sameSecret(given: string, expected: string): boolean {
    const [a, b] = [Buffer.from(given), Buffer.from(expected)];
    return a.length === b.length && timingSafeEqual(a, b);
}

/** The front end: plain files, no build step, read once at start. */
const staticAssets = loadStaticAssets();

function loadStaticAssets(): Map<string, {type: string, content: string}> {
    // Found from the package root: tsc does not copy these files to dist/.
    const publicDirectory = path.join(packageRoot(), "src", "web", "public");
    const types: Record<string, string> = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"};
    return new Map(fs.readdirSync(publicDirectory).map((name) => [name, {
        type: types[path.extname(name)] ?? "application/octet-stream",
        content: fs.readFileSync(path.join(publicDirectory, name), "utf8")
    }]));
}
