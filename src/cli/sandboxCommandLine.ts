import type {KotaeConfig} from "../config/KotaeConfig.js";
import {isKotaeError} from "../errors/ErrorCode.js";
import {startOneOffSandbox} from "../sandbox/startOneOffSandbox.js";
import {ExitCode} from "./cliSupport.js";

/**
 * `kotae sandbox exec`: runs code exactly as the TIR loop runs a model's block (a fresh session, the
 * configured limits) and prints what the model would see. Exit 0: ok; 1: error or timeout; 2: the
 * sandbox cannot run on this host.
 */
export async function runSandboxExec(code: string, config: KotaeConfig, options: {readonly json: boolean}): Promise<ExitCode> {
    const sandbox = await startOneOffSandbox(config);
    if (isKotaeError(sandbox)) {
        process.stderr.write(`kotae: ${sandbox.message}\n`);
        return ExitCode.Usage;
    }

    // Ctrl-C kills the interpreter: it runs in its own process group, so the terminal's SIGINT misses it.
    const interrupt = new AbortController();
    const onSignal = (): void => interrupt.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
        await using session = await sandbox.openSession();
        const result = await session.execute(code, {signal: interrupt.signal});
        if (options.json)
            process.stdout.write(JSON.stringify(result) + "\n");
        else {
            process.stdout.write(result.output === "" || result.output.endsWith("\n") ? result.output : result.output + "\n");
            process.stderr.write(`[${result.status}, ${Math.round(result.durationMs)} ms${result.truncated ? ", output cut" : ""}]\n`);
        }
        return result.status === "ok" ? ExitCode.Ok : ExitCode.Failed;
    } catch (error) {
        if (interrupt.signal.aborted)
            return ExitCode.Interrupted;
        throw error;
    } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        await sandbox.close();
    }
}
