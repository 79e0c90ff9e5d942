import fs from "node:fs";
import path from "node:path";
import {parallelCompletions} from "../app/backendSettings.js";
import {KotaeRuntime} from "../app/KotaeRuntime.js";
import {openStore} from "../app/openStore.js";
import type {KotaeConfig} from "../config/KotaeConfig.js";
import type {EvalRunRecord} from "../domain/EvalRun.js";
import type {ReviewStatus} from "../domain/Review.js";
import {accuracyChartPng} from "../eval/accuracyChart.js";
import {compareRuns} from "../eval/compareRuns.js";
import {DatasetError, loadDataset, type EvalDataset} from "../eval/EvalDataset.js";
import {evalReport, formatReport, markdownReport, runHeadline, type EvalReport} from "../eval/EvalReport.js";
import {evalConfig, runEval, runItems, type EvalOutcome, type EvalProgress} from "../eval/EvalRun.js";
import type {SolveMode} from "../solver/SolveMode.js";
import {ExitCode} from "./cliSupport.js";

/** What a new run measures; a resumed run takes all of these from its stored settings instead. */
export type EvalSettingsFlags = {
    /** `mgsm-ja` (default), `mgsm-en`, `audit`, or a .jsonl/.json/.tsv file. */
    readonly dataset?: string,
    /** Default: the configured mode. */
    readonly modes?: readonly SolveMode[],
    /** Default: the configured `samples`. */
    readonly samples?: number,
    /** Only the dataset's first n problems (default: all). */
    readonly limit?: number,
    /** Problem i's sample j uses seed + i·k + j (default 0), so a run repeats exactly on the same build. */
    readonly seed?: number,
    /** For `--dataset audit`: only reports whose newest review has this status. */
    readonly reviewStatus?: ReviewStatus,
    /** `--profile`, when given (a new run uses the configured profile, which includes it). */
    readonly profile?: string
};

export type EvalCommandLineOptions = EvalSettingsFlags & {
    /** Continue this run: its finished problems are not solved again. */
    readonly resume?: number,
    readonly json: boolean,
    /** Write report.md and accuracy.png here. */
    readonly reportDir?: string
};

/** The command-line flag of each setting a resumed run takes from its stored settings. */
const settingFlags: Record<keyof EvalSettingsFlags, string> = {
    dataset: "--dataset", modes: "--mode", samples: "--samples", limit: "--limit", seed: "--seed", reviewStatus: "--review-status",
    profile: "--profile"
};

const fail = (message: string, code: ExitCode): ExitCode => {
    process.stderr.write(`kotae: ${message}\n`);
    return code;
};

/**
 * `kotae eval`: measures accuracy on a dataset through the same engine the bot uses, stores every
 * problem as it is graded, and prints the report (exit 0 finished, 1 failed, 2 invalid settings, 130
 * interrupted; an interrupted or killed run continues with `--resume <id>`).
 */
export async function runEvalCommand(config: KotaeConfig, options: EvalCommandLineOptions): Promise<ExitCode> {
    let stored: EvalRunRecord | undefined;
    let dataset: EvalDataset;
    {
        using store = openStore(config);
        if (options.resume != null) {
            stored = store.evals.get(options.resume);
            if (stored == null)
                return fail(`there is no eval run #${options.resume} (see \`kotae eval list\`)`, ExitCode.Failed);
            const given = Object.entries(settingFlags).filter(([setting]) => options[setting as keyof EvalSettingsFlags] != null).map(([, flag]) => flag);
            if (given.length > 0)
                return fail(`--resume ${stored.id} continues the run with its own settings; leave out ${given.join(", ")}`, ExitCode.Usage);
        }
        try {
            dataset = loadDataset(stored?.dataset ?? options.dataset ?? "mgsm-ja", store, options.reviewStatus);
        } catch (error) {
            if (error instanceof DatasetError)
                return fail(error.message, ExitCode.Usage);
            throw error;
        }
        if (stored != null && dataset.sha256 !== stored.datasetSha256)
            return fail(`the dataset ${stored.dataset} changed since run #${stored.id} was started (sha ${stored.datasetSha256.slice(0, 12)}, now ${dataset.sha256.slice(0, 12)}); start a new run instead`, ExitCode.Usage);
    }

    await using runtime = KotaeRuntime.start(evalConfig({...config, ...(stored != null ? {profile: stored.profile} : {})}),
        {showDownloadProgress: !options.json && process.stderr.isTTY, logStream: "stderr"});
    let modelFile: string;
    try {
        modelFile = (await runtime.backend).model.path;
    } catch (error) {
        return fail((error as Error).message, ExitCode.Failed);
    }
    const modelSha256 = await runtime.modelSha256;
    const {store} = runtime;
    if (stored != null && stored.modelSha256 != null && stored.modelSha256 !== modelSha256)
        return fail(`run #${stored.id} was measured with ${stored.modelFile} (sha ${stored.modelSha256.slice(0, 12)}); this model is ${modelFile} (sha ${modelSha256?.slice(0, 12) ?? "unknown"}). Use --model with the run's model, or start a new run`, ExitCode.Usage);

    const run = stored ?? store.evals.get(store.evals.create({
        dataset: dataset.name, datasetSha256: dataset.sha256, itemCount: runItems(dataset.items, options.limit ?? null).length,
        modes: options.modes ?? [config.mode], samples: options.samples ?? config.samples, profile: config.profile,
        modelFile, modelSha256, itemLimit: options.limit ?? null, seed: options.seed ?? 0
    }))!;
    store.evals.update(run.id, "running", 0);
    process.stderr.write(`${stored != null ? "Resuming" : "Starting"} eval ${runHeadline(run)}\n`);

    const interrupt = new AbortController();
    const onSignal = (): void => interrupt.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    const progress = progressReporter(process.stderr);
    let lastTick = performance.now();
    const addWallTime = (status: EvalRunRecord["status"]): void => {
        const tick = performance.now();
        store.evals.update(run.id, status, tick - lastTick);
        lastTick = tick;
    };
    let outcome: EvalOutcome;
    try {
        outcome = await runEval(runtime, run, runItems(dataset.items, run.itemLimit), {
            concurrency: parallelCompletions(config), signal: interrupt.signal,
            onProgress: (event) => {
                addWallTime("running"); // kept current, so a killed run's time still counts
                progress(event);
            }
        });
    } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
    }
    addWallTime(outcome.status);
    progress.finish();

    const report = evalReport(store.evals.get(run.id)!, store.evals.items(run.id));
    const written = await printReport(report, options);
    if (outcome.status === "failed")
        return fail(`eval run #${run.id} stopped: ${outcome.code}: ${outcome.detail}`, ExitCode.Failed);
    if (outcome.status === "interrupted") {
        process.stderr.write(`Interrupted: ${report.graded}/${report.total} graded. Continue with \`kotae eval --resume ${run.id}\`.\n`);
        return ExitCode.Interrupted;
    }
    return written ? ExitCode.Ok : ExitCode.Failed;
}

/** `kotae eval list`: the newest runs with their accuracy per mode. */
export function runEvalList(config: KotaeConfig, options: {json: boolean, limit: number}): ExitCode {
    using store = openStore(config);
    const reports = store.evals.list(options.limit).map((run) => evalReport(run, store.evals.items(run.id)));
    if (options.json) {
        process.stdout.write(JSON.stringify(reports, null, 2) + "\n");
        return ExitCode.Ok;
    }
    for (const report of reports) {
        const accuracy = report.modes.map((metrics) => `${metrics.mode} maj@${metrics.samples} ${(metrics.majK.value * 100).toFixed(1)}%`).join(", ");
        process.stdout.write(`${report.run.createdAt.slice(0, 16)}  ${runHeadline(report.run)}  graded ${report.graded}/${report.total}  ${accuracy}\n`);
    }
    if (reports.length === 0)
        process.stderr.write("No eval runs yet: start one with `kotae eval --dataset mgsm-ja --limit 20`.\n");
    return ExitCode.Ok;
}

/** `kotae eval show <id>`: the report again, from SQLite. */
export async function runEvalShow(config: KotaeConfig, runId: number, options: {json: boolean, reportDir?: string}): Promise<ExitCode> {
    using store = openStore(config);
    const run = store.evals.get(runId);
    if (run == null)
        return fail(`there is no eval run #${runId} (see \`kotae eval list\`)`, ExitCode.Failed);
    return await printReport(evalReport(run, store.evals.items(runId)), options) ? ExitCode.Ok : ExitCode.Failed;
}

/** `kotae eval compare <a> <b>`: the problems that flipped between two runs of the same dataset. */
export function runEvalCompare(config: KotaeConfig, runA: number, runB: number, options: {json: boolean}): ExitCode {
    using store = openStore(config);
    const [a, b] = [store.evals.get(runA), store.evals.get(runB)];
    const missing = [[runA, a], [runB, b]].find(([, run]) => run == null);
    if (missing != null)
        return fail(`there is no eval run #${String(missing[0])} (see \`kotae eval list\`)`, ExitCode.Failed);
    if (a!.datasetSha256 !== b!.datasetSha256)
        return fail(`runs #${runA} and #${runB} measured different datasets (${a!.dataset}, ${b!.dataset}); only runs of the same problems can be compared`, ExitCode.Usage);
    const {flips, compared} = compareRuns(store.evals.items(runA), store.evals.items(runB));
    const fixed = flips.filter((flip) => flip.direction === "fixed").length;
    if (options.json) {
        process.stdout.write(JSON.stringify({a: runA, b: runB, compared, fixed, broken: flips.length - fixed, flips}, null, 2) + "\n");
        return ExitCode.Ok;
    }
    const out = (line = ""): boolean => process.stdout.write(line + "\n");
    out(`A: ${runHeadline(a!)}`);
    out(`B: ${runHeadline(b!)}`);
    out(`${compared} problem × mode pairs graded in both: ${fixed} fixed in B (✘→✔), ${flips.length - fixed} broken in B (✔→✘)`);
    for (const flip of flips) {
        out();
        out(`#${flip.itemIndex} ${flip.mode}  ${flip.direction === "fixed" ? "✘→✔" : "✔→✘"}  expected ${flip.expected}  A: ${flip.answerA ?? "—"}  B: ${flip.answerB ?? "—"}`);
        out(`  ${flip.question.replace(/\s+/g, " ")}`);
    }
    return ExitCode.Ok;
}

/** Prints the report and writes the --report folder; false (the reason told) when the folder cannot be written. */
async function printReport(report: EvalReport, options: {json: boolean, reportDir?: string}): Promise<boolean> {
    process.stdout.write(options.json ? JSON.stringify(report, null, 2) + "\n" : formatReport(report));
    if (options.reportDir == null)
        return true;
    try {
        fs.mkdirSync(options.reportDir, {recursive: true});
        fs.writeFileSync(path.join(options.reportDir, "accuracy.png"), await accuracyChartPng(report));
        fs.writeFileSync(path.join(options.reportDir, "report.md"), markdownReport(report, "accuracy.png"));
    } catch (error) {
        fail(`cannot write the report to --report ${options.reportDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, ExitCode.Failed);
        return false;
    }
    process.stderr.write(`Report written to ${path.join(options.reportDir, "report.md")} (chart accuracy.png)\n`);
    return true;
}

/**
 * Progress on standard error: a bar with the ETA redrawn in place on a terminal, else one plain line per
 * graded problem (for logs). The ETA is from this session's pace, so a resume does not count old work.
 */
function progressReporter(stream: NodeJS.WriteStream): ((progress: EvalProgress) => void) & {finish(): void} {
    const started = performance.now();
    let first: number | undefined;
    let drawn = false;
    const report = (progress: EvalProgress): void => {
        first ??= progress.done - 1;
        const perItem = (performance.now() - started) / (progress.done - first);
        const eta = Math.round(perItem * (progress.total - progress.done) / 1000);
        const etaText = `${Math.floor(eta / 60)}m${String(eta % 60).padStart(2, "0")}s`;
        const {item} = progress;
        if (stream.isTTY) {
            const width = 30;
            const filled = Math.round(width * progress.done / progress.total);
            stream.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${progress.done}/${progress.total}  ETA ${etaText}  `);
            drawn = true;
        } else
            stream.write(`eval ${progress.done}/${progress.total}: #${item.itemIndex} ${item.mode} ${item.correct ? "✔" : "✘"} ${item.answer ?? "—"} (expected ${item.expected}, ${item.correctSamples}/${item.samples} samples)  ETA ${etaText}\n`);
    };
    return Object.assign(report, {finish: () => { if (drawn) stream.write("\n"); }});
}
