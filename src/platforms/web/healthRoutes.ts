import type {FastifyInstance, FastifyRequest} from "fastify";
import type {WebContext} from "./WebServer.js";

/** Loopback addresses, as Node reports a client's (an IPv4 client of a dual-stack socket included). */
const loopback = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * What supervisors and monitoring ask: `GET /healthz` (the process answers), `GET /readyz` (it can solve:
 * model or an endpoint ready, database writable; 503 with the reasons otherwise) and `GET /metrics`
 * (Prometheus' text format). The metrics are for the operator, like the audit pages: a client on this
 * machine, or one with the admin token (bearer, as Prometheus' `authorization` sends it) or session.
 */
export function registerHealth(app: FastifyInstance, context: WebContext): void {
    app.get("/healthz", async () => ({status: "ok"}));

    app.get("/readyz", async (_request, reply) => {
        const readiness = context.runtime.readiness();
        return readiness.ready
            ? {status: "ready"}
            : reply.code(503).send({status: "not_ready", reasons: readiness.reasons});
    });

    app.get("/metrics", async (request, reply) => {
        if (!isLoopbackClient(request) && !context.isAdmin(request))
            return reply.code(403).type("text/plain; charset=utf-8")
                .send("The metrics are for the operator: ask from this machine, or send the admin token (KOTAE_WEB_ADMIN_TOKEN) as a bearer.");
        const {contentType, text} = await context.runtime.metrics.exposition();
        return reply.type(contentType).header("cache-control", "no-store").send(text);
    });
}

/** The client's own address (behind a trusted proxy, the one the proxy names) is on this machine. */
function isLoopbackClient(request: FastifyRequest): boolean {
    return loopback.test(request.ip);
}
