import fs from "node:fs";
import {KotaeRuntime} from "../app/KotaeRuntime.js";
import {openStore} from "../app/openStore.js";
import {AuditActions} from "../app/AuditActions.js";
import {describeTally, type FreshSampleVote} from "../audit/freshSampleVote.js";
import type {KotaeConfig} from "../config/KotaeConfig.js";
import type {ReportFilter} from "../domain/ReportQueue.js";
import type {ReviewStatus} from "../domain/Review.js";
import type {ExportFilter} from "../domain/ReviewedInteraction.js";
import type {ExportFormat} from "../export/exportDataset.js";
import type {RequestOrigin} from "../domain/RequestOrigin.js";
import {ExitCode} from "./cliSupport.js";

/** `kotae audit list`: the review queue, newest report first. */
export function runAuditList(config: KotaeConfig, filter: ReportFilter, options: {json: boolean, limit: number}): ExitCode {
    using store = openStore(config);
    const {reports, total} = new AuditActions(store).queue(filter, {limit: options.limit, offset: 0});
    if (options.json) {
        process.stdout.write(JSON.stringify({total, reports}, null, 2) + "\n");
        return ExitCode.Ok;
    }
    for (const report of reports)
        process.stdout.write(`#${report.interactionId}  ${report.status.padEnd(11)}  ${report.lastReportAt.slice(0, 16)}  ${report.platform}  `
            + `answer ${report.answer ?? "—"}  correction ${report.correctedAnswer ?? "—"}  (${report.reports} report${report.reports === 1 ? "" : "s"})  ${oneLine(report.question)}\n`);
    process.stderr.write(`${total} reported interaction(s)\n`);
    return ExitCode.Ok;
}

/** `kotae audit show <id>`: everything a reviewer needs, with the automatic equivalence check. */
export function runAuditShow(config: KotaeConfig, interactionId: number, options: {json: boolean}): ExitCode {
    using store = openStore(config);
    const detail = new AuditActions(store).detail(interactionId);
    if (detail == null) {
        process.stderr.write(`kotae: there is no interaction #${interactionId}\n`);
        return ExitCode.Failed;
    }
    const {interaction, feedback} = detail;
    if (options.json) {
        process.stdout.write(JSON.stringify(detail, null, 2) + "\n");
        return ExitCode.Ok;
    }
    const out = (line = ""): boolean => process.stdout.write(line + "\n");
    out(`#${interaction.id}  ${interaction.platform}  ${interaction.profile}  ${interaction.createdAt}  status ${interaction.status}`);
    out(`問題: ${interaction.question}`);
    out(`答え: ${interaction.answer ?? "—"}  (${interaction.answerCanonical ?? "—"})`);
    out();
    out(interaction.shownSolution ?? "");
    for (const execution of detail.executions)
        out(`\n[Python ${execution.executionIndex}: ${execution.status}, ${execution.durationMs} ms]\n${execution.code}\n→ ${execution.output}`);
    out();
    for (const report of feedback)
        out(`報告: ${report.correctedAnswer ?? "—"}${report.correctionEqualsModelAnswer === true ? " (= the model's answer)" : ""}  ${report.comment ?? ""}`);
    for (const vote of detail.freshSampleVotes)
        out(describeVote(vote));
    for (const review of detail.reviews)
        out(`review ${review.createdAt.slice(0, 16)} ${review.reviewer}: ${review.status}${review.canonicalAnswer != null ? ` → ${review.canonicalAnswer}` : ""}  ${review.note ?? ""}`);
    return ExitCode.Ok;
}

/**
 * `kotae audit recheck <id>`: loads the model, solves the problem again as `samples` fresh samples with
 * the interaction's profile and mode, and prints what they vote (also shown by `audit show` and the web app).
 */
export async function runAuditRecheck(config: KotaeConfig, interactionId: number, options: {samples: number, reviewer: string, json: boolean}): Promise<ExitCode> {
    await using runtime = KotaeRuntime.start(config, {showDownloadProgress: !options.json && process.stderr.isTTY, logStream: "stderr"});
    const {audit} = runtime.useCases;
    if (!audit.exists(interactionId)) {
        process.stderr.write(`kotae: there is no interaction #${interactionId}\n`);
        return ExitCode.Failed;
    }
    const started = await audit.recheck(interactionId, options);
    process.stderr.write(`Drawing ${options.samples} fresh sample(s) as #${started.interactionId}…\n`);
    const vote = await started.finished;
    if (options.json)
        process.stdout.write(JSON.stringify(vote, null, 2) + "\n");
    else
        process.stdout.write(describeVote(vote) + "\n");
    if (vote.status !== "answered" && vote.status !== "no_answer") {
        const recheck = audit.interaction(vote.interactionId);
        process.stderr.write(`kotae: the fresh samples ${vote.status}: ${recheck?.errorMessage ?? recheck?.errorCode ?? "unknown error"}\n`);
        return ExitCode.Failed;
    }
    return ExitCode.Ok;
}

function describeVote(vote: FreshSampleVote): string {
    const agreement = (label: string, value: boolean | null): string => value == null ? "" : `  ${label} ${value ? "yes" : "no"}`;
    return `fresh samples #${vote.interactionId} ${vote.requestedAt.slice(0, 16)} ${vote.reviewer}: ${vote.finished}/${vote.samples} ${vote.status}  votes ${describeTally(vote)}`
        + agreement("= model", vote.agreesWithModel) + agreement("= correction", vote.agreesWithCorrection);
}

/** `kotae audit resolve <id>`: appends a review to the trail. */
export function runAuditResolve(config: KotaeConfig, interactionId: number, review: {
    status: ReviewStatus, reviewer: string, answer?: string, note?: string, solutionFile?: string
}): ExitCode {
    using store = openStore(config);
    const audit = new AuditActions(store);
    if (!audit.exists(interactionId)) {
        process.stderr.write(`kotae: there is no interaction #${interactionId}\n`);
        return ExitCode.Failed;
    }
    const correctedSolution = review.solutionFile != null ? fs.readFileSync(review.solutionFile === "-" ? 0 : review.solutionFile, "utf8") : undefined;
    audit.review({
        interactionId, reviewer: review.reviewer, status: review.status,
        ...(review.answer != null ? {canonicalAnswer: review.answer.trim()} : {}),
        ...(correctedSolution != null ? {correctedSolution} : {}),
        ...(review.note != null ? {note: review.note} : {})
    });
    process.stdout.write(`#${interactionId}: ${review.status}\n`);
    return ExitCode.Ok;
}

/** `kotae export`: JSONL to a file or standard output, written in large chunks as rows are read. */
export function runExport(config: KotaeConfig, format: ExportFormat, filter: ExportFilter, output: string | undefined): ExitCode {
    using store = openStore(config);
    const toFile = output != null && output !== "-";
    const descriptor = toFile ? fs.openSync(output, "w") : 1;
    let chunk: string[] = [];
    const flush = (): void => {
        fs.writeSync(descriptor, chunk.join(""));
        chunk = [];
    };
    try {
        const lines = new AuditActions(store).export(format, filter, (line) => {
            chunk.push(`${line}\n`);
            if (chunk.length >= 2000) flush();
        });
        flush();
        process.stderr.write(`${lines} ${format} line(s)${toFile ? ` written to ${output}` : ""}\n`);
    } finally {
        if (toFile) fs.closeSync(descriptor);
    }
    return ExitCode.Ok;
}

/** `kotae forget <platform> <user-id>`: what /kotae forget-me does, for operators. */
export function runForget(config: KotaeConfig, platform: RequestOrigin, userId: string): ExitCode {
    using store = openStore(config);
    const {deletedInteractions} = store.dataset.forgetUser({platform, userId});
    process.stdout.write(`Forgot ${platform} user ${userId}: ${deletedInteractions} interaction(s) deleted, their reports and thread messages removed, and left out of exports.\n`);
    return ExitCode.Ok;
}

function oneLine(text: string): string {
    const line = text.replace(/\s+/g, " ").trim();
    return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}
