import type {FastifyServerOptions} from "fastify";

/** Where the web app's error lines go: stderr in `kotae serve`. */
export type LogSink = {write(line: string): unknown};

/**
 * Fastify's logger (pino) set to errors only, each written as one plain line for the operator:
 * `kotae web: <message>: <error> (<method> <url>)`. Errors without a request (e.g. a failed fresh-sample
 * vote) keep their message; stacks stay out, the error's own message names what failed.
 */
export function webErrorLogger(sink: LogSink): NonNullable<FastifyServerOptions["logger"]> {
    return {
        level: "error",
        stream: {write: (json: string) => sink.write(`${plainLine(json)}\n`)}
    };
}

function plainLine(json: string): string {
    const entry = JSON.parse(json) as {msg?: string, err?: {message?: string}, req?: {method?: string, url?: string}};
    const what = [entry.msg, entry.err?.message].filter((part) => part != null && part !== "").join(": ");
    const where = entry.req != null ? ` (${entry.req.method} ${entry.req.url})` : "";
    return `kotae web: ${what}${where}`.replace(/\n/g, " ");
}
