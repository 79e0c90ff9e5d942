import {pino, type DestinationStream, type Logger} from "pino";
import {prettyLogLine} from "./prettyLogLine.js";

/** `json`: one JSON object a line (pino's format, for log collectors); `pretty`: one readable line each, for a terminal. */
export type LogFormat = "json" | "pretty";

/** Kotae's logger: pino's, so Fastify and every part of `serve` write through the same one. */
export type KotaeLogger = Logger;

export type KotaeLoggerOptions = {
    /** Default: {@link defaultLogFormat} (json under NODE_ENV=production, pretty otherwise). */
    readonly format?: LogFormat,
    /** Logged errors carry their stack, and debug lines are written (default: KOTAE_DEBUG=1). */
    readonly debug?: boolean,
    /**
     * The standard stream the lines go to, written synchronously, so the lines just before an exit (why a
     * shutdown gave up) are not lost in a buffer. Default: stdout, `serve`'s log; a command whose
     * standard output is its result (`solve --json`, `eval`, `audit`) logs to stderr.
     */
    readonly stream?: "stdout" | "stderr",
    /** Where the lines go instead of a standard stream (tests). */
    readonly destination?: DestinationStream
};

/** JSON where logs are collected (pm2 and Docker set NODE_ENV=production), readable lines on a terminal. */
export function defaultLogFormat(environment: NodeJS.ProcessEnv = process.env): LogFormat {
    return environment["NODE_ENV"] === "production" ? "json" : "pretty";
}

/**
 * Creates the one logger a running Kotae owns (see KotaeRuntime). Parts log through a child naming
 * their `component` (web, discord, slack, engine, render). An error is logged as `{err}`: its message
 * and code, and its stack only in debug, since a stack tells an operator nothing they can fix.
 */
export function createKotaeLogger(options: KotaeLoggerOptions = {}): KotaeLogger {
    const format = options.format ?? defaultLogFormat();
    const debug = options.debug ?? process.env["KOTAE_DEBUG"] === "1";
    const destination = options.destination ?? pino.destination({dest: options.stream === "stderr" ? 2 : 1, sync: true});
    const stream: DestinationStream = format === "json"
        ? destination
        : {write: (json: string) => destination.write(`${prettyLogLine(json)}\n`)};
    return pino({
        level: debug ? "debug" : "info",
        timestamp: pino.stdTimeFunctions.isoTime,
        // "level":"error" rather than pino's numbers: what people grep for and collectors map.
        formatters: {level: (label) => ({level: label})},
        serializers: {err: (error: unknown) => loggedError(error, debug)}
    }, stream);
}

/** What a log line says about an error: its message and code (a Kotae error code or a system one such as ENOSPC). */
type LoggedError = {readonly message: string, readonly code?: string, readonly stack?: string};

function loggedError(error: unknown, withStack: boolean): LoggedError {
    if (!(error instanceof Error))
        return {message: String(error)};
    const code = (error as {code?: unknown}).code;
    return {
        message: error.message,
        ...(typeof code === "string" || typeof code === "number" ? {code: String(code)} : {}),
        ...(withStack && error.stack != null ? {stack: error.stack} : {})
    };
}
