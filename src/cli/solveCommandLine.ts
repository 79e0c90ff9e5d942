import {solveCommand} from "../../commands/solve.js";
import {KotaeRuntime} from "../app/KotaeRuntime.js";
import type {KotaeConfig} from "../config/KotaeConfig.js";
import type {EngineEvent, SolveResult} from "../engine/EngineEvent.js";
import type {ErrorCode} from "../errors/ErrorCode.js";
import {localize} from "../i18n/messages.js";
import {cliRequester, ExitCode} from "./cliSupport.js";

export type SolveCommandLineOptions = {
    readonly mode?: string,
    readonly style?: string,
    readonly seed?: number,
    readonly json: boolean,
    readonly showThinking: boolean
};

type Failure = {code: ErrorCode, message: string, detail: string, interactionId?: number};

/** `kotae solve`: streams the solution to the terminal, prints the answer, logs to SQLite. */
export async function runSolve(problem: string, config: KotaeConfig, options: SolveCommandLineOptions): Promise<ExitCode> {
    const runtime = KotaeRuntime.start(config, {showDownloadProgress: !options.json && process.stderr.isTTY, logStream: "stderr"});
    const interrupt = new AbortController();
    const onSignal = (): void => interrupt.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);

    const request = solveCommand.toRequest({problem, mode: options.mode, style: options.style});
    const requester = cliRequester();
    const colors = process.stdout.isTTY && !options.json;
    let result: SolveResult | undefined;
    let failure: Failure | undefined;
    let atLineStart = true;
    let section: "thinking" | "text" | undefined;
    const write = (text: string): void => {
        process.stdout.write(text);
        atLineStart = text.endsWith("\n");
    };
    const enter = (next: "thinking" | "text"): void => {
        if (section !== next && !atLineStart) write("\n");
        if (section !== next && next === "thinking") write(colors ? "\x1b[2m[考え中]\x1b[0m\n" : "[考え中]\n");
        if (section === "thinking" && next === "text") write(colors ? "\x1b[2m[解答]\x1b[0m\n" : "[解答]\n");
        section = next;
    };

    try {
        for await (const event of runtime.engine.solve({
            ...request,
            ...(options.seed != null ? {seed: options.seed} : {}),
            requester,
            signal: interrupt.signal
        })) {
            if (options.json) {
                ({result, failure} = remember(event, result, failure, requester.locale));
                continue;
            }
            switch (event.type) {
                case "queued":
                    if (event.position > 0) process.stderr.write(`順番待ち: ${event.position}番目\n`);
                    break;
                case "started":
                    process.stderr.write(`解いています… (profile ${event.profile}, mode ${event.mode}${event.samples > 1 ? `, ${event.samples} samples` : ""}, #${event.interactionId})\n`);
                    break;
                case "notice":
                    process.stderr.write(`${localize(event.code, requester.locale)}\n`);
                    break;
                case "sampleDone":
                    process.stderr.write(`sample ${event.sample}: ${event.answer ?? "(答えなし)"} [${event.path}]\n`);
                    break;
                case "code":
                    if (event.sample === 0) process.stderr.write(`[Python ${event.n}/${event.max} 実行中]\n`);
                    break;
                case "codeResult":
                    if (event.sample === 0) process.stderr.write(`[Python ${event.n}: ${event.status}, ${event.durationMs} ms]\n`);
                    break;
                case "thinking":
                    if (event.sample !== 0)
                        break;
                    if (options.showThinking) {
                        enter("thinking");
                        write(colors ? `\x1b[2m${event.text}\x1b[0m` : event.text);
                    }
                    break;
                case "text":
                    if (event.sample !== 0)
                        break;
                    enter("text");
                    write(event.text);
                    break;
                default:
                    ({result, failure} = remember(event, result, failure, requester.locale));
            }
        }
    } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        await runtime.close();
    }

    if (options.json) {
        process.stdout.write(JSON.stringify(result != null ? {ok: true, ...result} : {ok: false, error: failure}, null, 2) + "\n");
    } else if (result != null) {
        if (!atLineStart) write("\n");
        const agreement = result.agreement.samples > 1 ? ` (一致 ${result.agreement.votes}/${result.agreement.samples})` : "";
        process.stdout.write(result.answer != null
            ? `\n答え: ${result.answer}${agreement}\n`
            : `\n答えを取り出せませんでした (stop: ${result.stopReason})。記録 #${result.interactionId} を確認してください。\n`);
        const executions = result.executions.length > 0 ? `, Python ${result.executions.length} 回` : "";
        process.stderr.write(`${result.completionTokens} tokens, ${(result.generationMs / 1000).toFixed(1)} s, ${result.path}${executions}, 記録 #${result.interactionId}\n`);
    } else if (failure != null) {
        process.stderr.write(`${failure.message}\n(${failure.code}: ${failure.detail})\n`);
    }

    if (result != null) return ExitCode.Ok;
    return failure?.code === "cancelled" ? ExitCode.Interrupted : ExitCode.Failed;
}

/** Keeps the result, or the failure in the terminal user's words (`locale`). */
function remember(event: EngineEvent, result: SolveResult | undefined, failure: Failure | undefined, locale: string | undefined) {
    if (event.type === "done")
        return {result: event.result, failure};
    if (event.type === "failed") {
        const message = localize(event.code, locale, event.params);
        return {result, failure: {code: event.code, message, detail: event.detail, ...(event.interactionId != null ? {interactionId: event.interactionId} : {})}};
    }
    return {result, failure};
}
