import path from "node:path";
import {modeMetrics, type ModeMetrics, type Proportion} from "./evalMetrics.js";
import type {EvalItemRecord, EvalRunRecord} from "../domain/EvalRun.js";

/** A run's settings and, per mode, what it measured; `kotae eval` prints it and `eval show` rebuilds it from SQLite. */
export type EvalReport = {
    readonly run: EvalRunRecord,
    /** Problems × modes graded so far, out of all. */
    readonly graded: number,
    readonly total: number,
    readonly modes: readonly ModeMetrics[],
    /** Graded problems × modes per second of wall-clock time (all modes together, resumed sessions summed). */
    readonly problemsPerSecond: number
};

export function evalReport(run: EvalRunRecord, items: readonly EvalItemRecord[]): EvalReport {
    return {
        run,
        graded: items.length,
        total: run.itemCount * run.modes.length,
        modes: run.modes.map((mode) => modeMetrics(mode, run.samples, items.filter((item) => item.mode === mode))),
        problemsPerSecond: run.wallMs > 0 ? items.length / (run.wallMs / 1000) : 0
    };
}

/** `mgsm-ja`, or a file's base name: what the reader needs to recognise the dataset. */
export function datasetLabel(run: EvalRunRecord): string {
    return path.isAbsolute(run.dataset) ? path.basename(run.dataset) : run.dataset;
}

export function runHeadline(run: EvalRunRecord): string {
    return `run #${run.id} ${run.status}  ${datasetLabel(run)} (${run.itemCount} problems, sha ${run.datasetSha256.slice(0, 8)})  ` +
        `profile ${run.profile}  model ${run.modelFile != null ? path.basename(run.modelFile) : "—"}` +
        `${run.modelSha256 != null ? ` (${run.modelSha256.slice(0, 8)})` : ""}  modes ${run.modes.join(",")}  samples ${run.samples}  seed ${run.seed}`;
}

const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;
const withInterval = (p: Proportion): string => `${percent(p.value)} [${percent(p.low)}, ${percent(p.high)}]`;

/** The accuracy figures shown: pass@1, and with several samples maj@k and pass@k (with one, both equal pass@1). */
export function accuracyColumns(samples: number): readonly {readonly label: string, readonly pick: (metrics: ModeMetrics) => Proportion}[] {
    const pass1 = {label: "pass@1", pick: (metrics: ModeMetrics) => metrics.pass1};
    return samples > 1
        ? [pass1, {label: `maj@${samples}`, pick: (metrics) => metrics.majK}, {label: `pass@${samples}`, pick: (metrics) => metrics.passK}]
        : [pass1];
}

/** The columns of the accuracy table, shared by the terminal and the Markdown report. */
function tableRows(report: EvalReport): string[][] {
    const accuracy = accuracyColumns(report.run.samples);
    const header = ["mode", "problems", ...accuracy.map((column) => column.label), "tokens/problem mean (p50)", "s/problem mean (p50)", "code runs/problem", "code errors"];
    const rows = report.modes.map((metrics) => [
        metrics.mode, String(metrics.problems), ...accuracy.map((column) => withInterval(column.pick(metrics))),
        `${metrics.completionTokens.mean.toFixed(0)} (${metrics.completionTokens.p50.toFixed(0)})`,
        `${metrics.seconds.mean.toFixed(2)} (${metrics.seconds.p50.toFixed(2)})`,
        metrics.executionsPerProblem.toFixed(2),
        percent(metrics.executionErrorRate)
    ]);
    return [header, ...rows];
}

function agreementLine(metrics: ModeMetrics): string {
    return `${metrics.mode}: ${metrics.agreement.map((problems, votes) => `${votes}/${metrics.samples} ×${problems}`).join(", ")}`;
}

const footnote = "pass@1: correct samples / all samples; maj@k: the voted answer is correct; pass@k: any of the k samples is correct. " +
    "[95% Wilson score interval]. Seconds exclude queue waits.";

/** The report as the terminal shows it. */
export function formatReport(report: EvalReport): string {
    const rows = tableRows(report);
    const widths = rows[0]!.map((_unused, column) => Math.max(...rows.map((row) => [...row[column]!].length)));
    const lines = [
        runHeadline(report.run),
        `graded ${report.graded}/${report.total}, ${(report.run.wallMs / 1000).toFixed(1)} s, ${report.problemsPerSecond.toFixed(3)} problems/s`,
        "",
        ...rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd()),
        "",
        `agreement on the winner (votes/k ×problems): ${report.modes.map(agreementLine).join("; ")}`,
        ...report.modes.filter((metrics) => metrics.failed > 0).map((metrics) => `${metrics.mode}: ${metrics.failed} problem(s) failed to solve (counted as wrong)`),
        footnote
    ];
    return lines.join("\n") + "\n";
}

/** The report as Markdown, with the chart written beside it. */
export function markdownReport(report: EvalReport, chartFile: string): string {
    const [header, ...rows] = tableRows(report);
    const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
    return [
        `# Kotae eval: ${datasetLabel(report.run)}, run #${report.run.id}`,
        "",
        `\`${runHeadline(report.run)}\``,
        "",
        `Graded ${report.graded}/${report.total} problem × mode pairs in ${(report.run.wallMs / 1000).toFixed(1)} s (${report.problemsPerSecond.toFixed(3)} per second).`,
        "",
        line(header!), line(header!.map(() => "---")), ...rows.map(line),
        "",
        `![accuracy per mode with 95% intervals](${chartFile})`,
        "",
        "Agreement on the winning answer (votes out of k, number of problems):",
        "",
        ...report.modes.map((metrics) => `- ${agreementLine(metrics)}`),
        "",
        footnote,
        ""
    ].join("\n");
}
