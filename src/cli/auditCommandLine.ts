import fs from "node:fs";
import {answersEqual} from "../answers/answersEqual.js";
import {KotaeRuntime} from "../app/KotaeRuntime.js";
import {openStore} from "../app/openStore.js";
import {describeTally, freshSampleVotes, startFreshSampleVote, type FreshSampleVote} from "../audit/freshSampleVote.js";
import type {KotaeConfig} from "../config/KotaeConfig.js";
import type {ReportFilter} from "../domain/ReportQueue.js";
import type {ReviewStatus} from "../domain/Review.js";
import type {ExportFilter} from "../domain/ReviewedInteraction.js";
import {exportDataset, type ExportFormat} from "../export/exportDataset.js";
import type {RequestOrigin} from "../domain/RequestOrigin.js";
import {ExitCode} from "./cliSupport.js";

/** `kotae audit list`: the review queue, newest report first. */
export function runAuditList(config: KotaeConfig, filter: ReportFilter, options: {json: boolean, limit: number}): ExitCode {
    using store = openStore(config);
    const reports = store.feedback.reportQueue(filter, {limit: options.limit, offset: 0});
    if (options.json) {
        process.stdout.write(JSON.stringify({total: store.feedback.countReports(filter), reports}, null, 2) + "\n");
        return ExitCode.Ok;
    }
    for (const report of reports)
        process.stdout.write(`#${report.interactionId}  ${report.status.padEnd(11)}  ${report.lastReportAt.slice(0, 16)}  ${report.platform}  `
            + `answer ${report.answer ?? "—"}  correction ${report.correctedAnswer ?? "—"}  (${report.reports} report${report.reports === 1 ? "" : "s"})  ${oneLine(report.question)}\n`);
    process.stderr.write(`${store.feedback.countReports(filter)} reported interaction(s)\n`);
    return ExitCode.Ok;
}

/** `kotae audit show <id>`: everything a reviewer needs, with the automatic equivalence check. */
export function runAuditShow(config: KotaeConfig, interactionId: number, options: {json: boolean}): ExitCode {
    using store = openStore(config);
    const interaction = store.interactions.get(interactionId);
    if (interaction == null) {
        process.stderr.write(`kotae: there is no interaction #${interactionId}\n`);
        return ExitCode.Failed;
    }
    const feedback = store.feedback.list(interactionId).map((report) => ({
        ...report,
        // Re-checked now, with today's equivalence rules, rather than trusting the value stored at report time.
        correctionEqualsModelAnswer: report.correctedAnswer != null && interaction.answer != null ? answersEqual(interaction.answer, report.correctedAnswer) : null
    }));
    const detail = {
        interaction,
        solutions: store.interactions.solutions(interactionId),
        executions: store.interactions.executions(interactionId),
        feedback,
        reviews: store.feedback.reviews(interactionId),
        freshSampleVotes: freshSampleVotes(store, interactionId),
        turns: store.conversations.turns(interactionId)
    };
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
    if (runtime.store.interactions.get(interactionId) == null) {
        process.stderr.write(`kotae: there is no interaction #${interactionId}\n`);
        return ExitCode.Failed;
    }
    const started = await startFreshSampleVote(runtime, interactionId, options);
    process.stderr.write(`Drawing ${options.samples} fresh sample(s) as #${started.interactionId}…\n`);
    const vote = await started.finished;
    if (options.json)
        process.stdout.write(JSON.stringify(vote, null, 2) + "\n");
    else
        process.stdout.write(describeVote(vote) + "\n");
    if (vote.status !== "answered" && vote.status !== "no_answer") {
        const recheck = runtime.store.interactions.get(vote.interactionId);
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
    if (store.interactions.get(interactionId) == null) {
        process.stderr.write(`kotae: there is no interaction #${interactionId}\n`);
        return ExitCode.Failed;
    }
    const correctedSolution = review.solutionFile != null ? fs.readFileSync(review.solutionFile === "-" ? 0 : review.solutionFile, "utf8") : undefined;
    store.feedback.addReview({
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
        const lines = exportDataset(store, format, filter, (line) => {
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
