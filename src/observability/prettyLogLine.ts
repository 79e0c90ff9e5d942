/** The fields of pino's JSON line that the readable form shows. */
type LogEntry = {
    readonly time?: string,
    readonly level?: string,
    readonly component?: string,
    readonly msg?: string,
    readonly err?: {readonly message?: string, readonly code?: string, readonly stack?: string},
    /** Fastify's request, on its error lines. */
    readonly req?: {readonly method?: string, readonly url?: string}
};

/**
 * One JSON log line (see createKotaeLogger) as a line a person reads on a terminal:
 * `16:05:29 [web] error: the database is closed (GET /audit)`. Info lines carry no level word, so
 * `serve`'s status lines read as sentences; a stack (debug only) follows on lines of its own.
 */
export function prettyLogLine(json: string): string {
    const entry = JSON.parse(json) as LogEntry;
    const time = entry.time != null ? `${entry.time.slice(11, 19)} ` : "";
    const component = entry.component != null ? `[${entry.component}] ` : "";
    const level = entry.level != null && entry.level !== "info" ? `${entry.level}: ` : "";
    const error = entry.err;
    // The error's message unless the line already says it (Fastify's lines are the message itself).
    const message = [entry.msg, entry.msg?.includes(error?.message ?? "") !== true ? error?.message : undefined]
        .filter((part) => part != null && part !== "").join(": ");
    const code = error?.code != null ? ` [${error.code}]` : "";
    const where = entry.req?.method != null ? ` (${entry.req.method} ${entry.req.url})` : "";
    const line = `${time}${component}${level}${message}${code}${where}`.replace(/\r?\n/g, " ");
    return error?.stack != null ? `${line}\n${error.stack}` : line;
}
