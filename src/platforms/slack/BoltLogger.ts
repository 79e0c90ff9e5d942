import {LogLevel, type Logger} from "@slack/bolt";
import type {KotaeLogger} from "../../observability/KotaeLogger.js";

/**
 * Bolt's logger interface (which it also hands to its web and Socket Mode clients) over Kotae's logger,
 * so Slack's own errors are lines like every other, not console output with stacks.
 */
export class BoltLogger implements Logger {
    private readonly log: KotaeLogger;

    /**
     * @param log the Slack component's logger. Bolt sets its own level (setLevel) on a child of it, so the
     *   level Bolt chooses for its chatter never silences Kotae's own Slack lines (a refused settings change).
     */
    public constructor(log: KotaeLogger) {
        this.log = log.child({});
    }

    public debug(...parts: unknown[]): void {
        this.write(LogLevel.DEBUG, parts);
    }

    public info(...parts: unknown[]): void {
        this.write(LogLevel.INFO, parts);
    }

    public warn(...parts: unknown[]): void {
        this.write(LogLevel.WARN, parts);
    }

    public error(...parts: unknown[]): void {
        this.write(LogLevel.ERROR, parts);
    }

    public setLevel(level: LogLevel): void {
        this.log.level = level;
    }

    public getLevel(): LogLevel {
        return this.log.level as LogLevel;
    }

    /** Bolt names its loggers (e.g. "bolt-app"); the line already says `[slack]`. */
    public setName(): void {}

    /** Bolt passes texts and errors as separate arguments: the texts make the message, an error its `err`. */
    private write(level: LogLevel, parts: readonly unknown[]): void {
        const error = parts.find((part) => part instanceof Error);
        const message = parts.filter((part) => !(part instanceof Error))
            .map((part) => typeof part === "string" ? part : JSON.stringify(part)).join(" ");
        this.log[level](error != null ? {err: error} : {}, message);
    }
}
