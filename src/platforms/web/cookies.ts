import type {FastifyRequest} from "fastify";

/**
 * The value of cookie `name`, or undefined. Any app on the same host name can set cookies for Kotae's
 * (cookies ignore ports), so a malformed one (a bad `%`-escape) is ignored, never an error.
 */
export function cookie(request: FastifyRequest, name: string): string | undefined {
    for (const part of (request.headers.cookie ?? "").split(";")) {
        const separator = part.indexOf("=");
        if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
        try {
            return decodeURIComponent(part.slice(separator + 1).trim());
        } catch {
            return undefined;
        }
    }
    return undefined;
}
