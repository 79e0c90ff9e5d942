import {answersEqual} from "../answers/answersEqual.js";
import type {KotaeConfig} from "../config/KotaeConfig.js";
import {lastAttemptPerSample} from "../audit/freshSampleVote.js";
import {evalItemEvent, type EvalRunRecord, type NewEvalItem} from "../domain/EvalRun.js";
import type {Engine} from "../engine/Engine.js";
import {ErrorCode} from "../errors/ErrorCode.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import type {EvalItem} from "./EvalDataset.js";

/** Evaluation solves are logged as interactions of this platform, one per problem and mode. */
export const evalPlatform = "eval";
const evalRequester = {platform: evalPlatform, userId: "eval", locale: "ja"} as const;

/** Failures that would fail every problem the same way: the run stops instead of grading them all wrong. */
const runFailures = new Set<string>([
    ErrorCode.ModelUnavailable, ErrorCode.TirUnavailable, ErrorCode.ProfileUnknown, ErrorCode.ModeUnsupported,
    ErrorCode.QueueFull, ErrorCode.TooManyPending
]);
const cancellations = new Set<string>([ErrorCode.Cancelled, ErrorCode.ShuttingDown]);

export type EvalProgress = {readonly done: number, readonly total: number, readonly item: NewEvalItem};

export type EvalOutcome =
    | {readonly status: "finished" | "interrupted"}
    | {readonly status: "failed", readonly code: string, readonly detail: string};

/**
 * The configuration an evaluation's runtime uses: the chat limits on one user's pending problems and on
 * the queue would refuse the problems eval keeps in flight (all the one eval user's), so they fit them.
 */
export function evalConfig(config: KotaeConfig): KotaeConfig {
    return {
        ...config,
        maxPendingPerUser: Math.max(config.maxPendingPerUser, config.sequences),
        queueCapacity: Math.max(config.queueCapacity, config.sequences)
    };
}

/** The problems a run measures: the dataset's first `itemLimit` (all without one). */
export function runItems(items: readonly EvalItem[], itemLimit: number | null): readonly EvalItem[] {
    return itemLimit != null ? items.slice(0, itemLimit) : items;
}

/**
 * Solves every problem × mode of a run that has no graded row yet (so a resumed run does not redo
 * finished ones, and marks what a killed session left running as failed) through the engine the bot uses, `concurrency` problems at once so the model's parallel
 * sequences stay busy (a problem's extra samples take their turns beside them), and stores each graded
 * problem as soon as its vote is in.
 */
export async function runEval({engine, store}: {engine: Engine, store: KotaeStore}, run: EvalRunRecord, items: readonly EvalItem[], options: {
    concurrency: number, signal?: AbortSignal, onProgress?: (progress: EvalProgress) => void
}): Promise<EvalOutcome> {
    store.evals.abandon(run.id); // what a killed session left running is solved again below
    const graded = new Set(store.evals.items(run.id).map((item) => `${item.itemIndex}/${item.mode}`));
    const jobs = items.flatMap((item, index) => run.modes.map((mode) => ({item, index, mode})))
        .filter((job) => !graded.has(`${job.index}/${job.mode}`));
    const total = items.length * run.modes.length;
    let done = total - jobs.length;
    let failure: {code: string, detail: string} | undefined;
    const stop = new AbortController();
    const signal = AbortSignal.any([stop.signal, ...(options.signal != null ? [options.signal] : [])]);

    const solve = async (job: typeof jobs[number]): Promise<void> => {
        let interactionId: number | undefined;
        let failed: {code: string, detail: string} | undefined;
        for await (const event of engine.solve({
            problem: job.item.question, requester: evalRequester, mode: job.mode, profile: run.profile,
            samples: run.samples, seed: run.seed + job.index * run.samples, signal
        })) {
            if (event.type === "queued" && interactionId == null) {
                interactionId = event.interactionId;
                store.interactions.recordEvent({interactionId, requester: evalRequester, kind: evalItemEvent, detail: {runId: run.id, itemIndex: job.index, mode: job.mode}});
            }
            if (event.type === "failed") failed = {code: event.code, detail: event.detail};
        }
        if (failed != null && cancellations.has(failed.code))
            return; // not graded: a resume solves it again
        if (failed != null && runFailures.has(failed.code)) {
            failure ??= failed;
            stop.abort();
            return;
        }
        if (interactionId == null)
            throw new Error(`The engine logged no interaction for problem ${job.index}`);
        const item = gradeItem(store, {runId: run.id, itemIndex: job.index, mode: job.mode, samples: run.samples, interactionId, ...job.item});
        store.evals.addItem(item);
        done++;
        options.onProgress?.({done, total, item});
    };

    let next = 0;
    const worker = async (): Promise<void> => {
        while (next < jobs.length && !signal.aborted)
            await solve(jobs[next++]!);
    };
    await Promise.all(Array.from({length: Math.max(1, Math.min(options.concurrency, jobs.length))}, worker));
    if (failure != null)
        return {status: "failed", ...failure};
    return {status: done === total ? "finished" : "interrupted"};
}

/**
 * Grades a finished interaction against the expected answer from what the engine logged: the voted answer
 * (maj@k), each sample's final attempt (pass@1, pass@k), tokens over every attempt, and its code runs.
 */
export function gradeItem(store: KotaeStore, job: {
    runId: number, itemIndex: number, mode: string, samples: number, interactionId: number, question: string, answer: string
}): NewEvalItem {
    const interaction = store.interactions.get(job.interactionId);
    if (interaction == null)
        throw new Error(`Interaction #${job.interactionId} is missing`);
    const solutions = store.interactions.solutions(job.interactionId);
    const finals = lastAttemptPerSample(solutions);
    const sampleAnswers = Array.from({length: job.samples}, (_unused, sample) => finals.find((solution) => solution.sampleIndex === sample)?.answer ?? null);
    const isCorrect = (answer: string | null): boolean => answer != null && answersEqual(job.answer, answer);
    const executions = store.interactions.executions(job.interactionId);
    const countExecutions = (status: string): number => executions.filter((execution) => execution.status === status).length;
    return {
        runId: job.runId, itemIndex: job.itemIndex, mode: job.mode, interactionId: job.interactionId,
        question: job.question, expected: job.answer, status: interaction.status,
        answer: interaction.answer,
        correct: isCorrect(interaction.answer),
        sampleAnswers,
        correctSamples: sampleAnswers.filter(isCorrect).length,
        samples: job.samples,
        agreementVotes: interaction.answer != null ? interaction.agreementVotes ?? 0 : 0,
        promptTokens: solutions.reduce((total, solution) => total + solution.promptTokens, 0),
        completionTokens: solutions.reduce((total, solution) => total + solution.completionTokens, 0),
        generationMs: interaction.generationMs ?? 0,
        executionsOk: countExecutions("ok"),
        executionsError: countExecutions("error"),
        executionsTimeout: countExecutions("timeout")
    };
}
