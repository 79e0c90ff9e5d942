import {ExitCode} from "./cliSupport.js";

export type StopSignalOptions = {
    /** Where the one-line notices go (the operator's log). */
    readonly out: (line: string) => void,
    /**
     * Seconds the shutdown may take after the first signal before the process exits anyway (exit 1).
     * Keep it below the supervisor's grace period (pm2 `kill_timeout`, systemd `TimeoutStopSec`), so
     * Kotae says why it stopped instead of being SIGKILLed silently.
     */
    readonly graceSeconds: number
};

/**
 * Resolves on the first SIGTERM (pm2 stop, systemd) or SIGINT (Ctrl-C), so the caller can cancel and
 * log its work. From then on a second signal exits at once (exit 130) and, if the shutdown outlasts
 * `graceSeconds`, the process exits 1; either way one line says what happened. Rows left running
 * by such an exit are marked interrupted by the next start (their owner is then gone).
 */
export function untilStopped({out, graceSeconds}: StopSignalOptions): Promise<NodeJS.Signals> {
    return new Promise((resolve) => {
        const first = (signal: NodeJS.Signals): void => {
            process.off("SIGTERM", first);
            process.off("SIGINT", first);
            process.once("SIGTERM", second);
            process.once("SIGINT", second);
            // unref: a shutdown that finishes in time exits on its own, not when this fires.
            setTimeout(() => {
                out(`Kotae: still stopping after ${graceSeconds} s, exiting anyway; unfinished requests are marked interrupted at the next start.`);
                process.exit(ExitCode.Failed);
            }, graceSeconds * 1000).unref();
            resolve(signal);
        };
        const second = (signal: NodeJS.Signals): void => {
            out(`Kotae: ${signal} during the shutdown, exiting now without waiting; unfinished requests are marked interrupted at the next start.`);
            process.exit(ExitCode.Interrupted);
        };
        process.once("SIGTERM", first);
        process.once("SIGINT", first);
    });
}
