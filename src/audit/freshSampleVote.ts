import {answersEqual} from "../answers/answersEqual.js";
import {voteAnswers, type Ballot} from "../answers/voteAnswers.js";
import type {InteractionStatus} from "../domain/Interaction.js";
import type {SolutionRecord} from "../domain/Solution.js";
import {solveAgain, type Engine} from "../engine/Engine.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";

/** Re-solves asked for by reviewers are logged as interactions of this platform, children of the reported one. */
export const auditPlatform = "audit";
const eventKind = "fresh_samples";
export const defaultFreshSamples = 5;
export const maxFreshSamples = 16;

/**
 * A reviewer's second opinion on a reported answer: the same problem, profile and mode solved again as k
 * fresh samples, and what they vote.
 */
export type FreshSampleVote = {
    /** The re-solve's own interaction (its samples, code runs and solutions are logged there). */
    readonly interactionId: number,
    readonly requestedAt: string,
    readonly reviewer: string,
    readonly samples: number,
    /** `queued`/`running` while the samples are still being drawn. */
    readonly status: InteractionStatus,
    /** Each distinct answer, most votes first: how it was written by its first sample, and how many samples gave it. */
    readonly tally: readonly {readonly answer: string, readonly canonical: string, readonly votes: number}[],
    /** Samples that have finished, answered or not. */
    readonly finished: number,
    /** Whether the winning answer equals the reported interaction's answer (null: no winner or no answer). */
    readonly agreesWithModel: boolean | null,
    /** Whether the winning answer equals a reporter's correction (null: no winner or no correction). */
    readonly agreesWithCorrection: boolean | null
};

/** Whether a reviewer may ask for this many fresh samples (1 to maxFreshSamples). */
export function isFreshSampleCount(samples: number): boolean {
    return Number.isInteger(samples) && samples >= 1 && samples <= maxFreshSamples;
}

type Dependencies = {readonly engine: Engine, readonly store: KotaeStore};

/**
 * Starts drawing `samples` fresh samples for a logged interaction; resolves once the re-solve is logged
 * (so a page can show it as running), with `finished` settling when the vote is in.
 */
export async function startFreshSampleVote({engine, store}: Dependencies, interactionId: number, options: {samples: number, reviewer: string}): Promise<{
    interactionId: number, finished: Promise<FreshSampleVote>
}> {
    const original = store.interactions.get(interactionId);
    if (original == null)
        throw new RangeError(`There is no interaction #${interactionId}`);
    if (!isFreshSampleCount(options.samples))
        throw new RangeError(`samples must be an integer from 1 to ${maxFreshSamples}, got ${options.samples}`);
    const requester = {platform: auditPlatform, userId: options.reviewer} as const;
    const events = engine.solve({...solveAgain(original), samples: options.samples, requester})[Symbol.asyncIterator]();

    // The first event (queued, or failed when the request cannot run) names the re-solve's interaction.
    const first = await events.next();
    const recheckId = first.done !== true && "interactionId" in first.value ? first.value.interactionId : undefined;
    if (recheckId == null)
        throw new Error("The engine reported no interaction for the re-solve");
    store.interactions.recordEvent({interactionId: original.id, requester, kind: eventKind, detail: {recheckId, samples: options.samples, reviewer: options.reviewer}});
    const finished = (async () => {
        // The events themselves are not needed: the engine logs every sample as it goes.
        let event: IteratorResult<unknown> = first;
        while (event.done !== true)
            event = await events.next();
        const vote = freshSampleVotes(store, original.id).find((candidate) => candidate.interactionId === recheckId);
        if (vote == null)
            throw new Error(`The re-solve #${recheckId} was deleted before it finished`);
        return vote;
    })();
    return {interactionId: recheckId, finished};
}

/** Every fresh-sample vote reviewers asked for on an interaction, oldest first (deleted re-solves are left out). */
export function freshSampleVotes(store: KotaeStore, interactionId: number): FreshSampleVote[] {
    const original = store.interactions.get(interactionId);
    if (original == null)
        return [];
    const corrections = store.feedback.list(interactionId).flatMap((report) => report.correctedAnswer != null ? [report.correctedAnswer] : []);
    return store.interactions.events(interactionId).filter((event) => event.kind === eventKind).flatMap((event) => {
        const recheck = store.interactions.get(Number(event.detail?.["recheckId"]));
        if (recheck == null)
            return [];
        const finalAttempts = lastAttemptPerSample(store.interactions.solutions(recheck.id));
        const ballots: Ballot[] = finalAttempts.map((solution) => ({
            sample: solution.sampleIndex, answer: solution.answer, method: solution.answerMethod === "boxed" || solution.answerMethod === "phrase" ? solution.answerMethod : null
        }));
        const vote = ballots.length > 0 ? voteAnswers(ballots) : undefined;
        const tally = (vote?.tally ?? []).map((group) => ({answer: group.answer, canonical: group.canonical, votes: group.samples.length}));
        const winner = tally[0]?.answer;
        return [{
            interactionId: recheck.id,
            requestedAt: event.createdAt,
            reviewer: String(event.detail?.["reviewer"] ?? ""),
            samples: Number(event.detail?.["samples"] ?? recheck.sampleCount ?? 0),
            status: recheck.status,
            tally,
            finished: finalAttempts.length,
            agreesWithModel: winner != null && original.answer != null ? answersEqual(original.answer, winner) : null,
            agreesWithCorrection: winner != null && corrections.length > 0 ? corrections.some((correction) => answersEqual(correction, winner)) : null
        }];
    });
}

/** Whether the vote's samples are still being drawn. */
export function stillDrawing(vote: FreshSampleVote): boolean {
    return vote.status === "queued" || vote.status === "running";
}

/** The vote in a few words: `5050 ×3, 5049 ×1`, `…` while nothing has come in yet, or `no answer`. */
export function describeTally(vote: FreshSampleVote): string {
    if (vote.tally.length > 0)
        return vote.tally.map((group) => `${group.answer} ×${group.votes}`).join(", ");
    return stillDrawing(vote) ? "…" : "no answer";
}

/** One row per sample: its last attempt (auto mode's text fallback replaces a failed tool-using attempt). */
export function lastAttemptPerSample(solutions: readonly SolutionRecord[]): SolutionRecord[] {
    const bySample = new Map<number, SolutionRecord>();
    for (const solution of solutions) {
        const kept = bySample.get(solution.sampleIndex);
        if (kept == null || solution.attempt > kept.attempt)
            bySample.set(solution.sampleIndex, solution);
    }
    return [...bySample.values()].sort((a, b) => a.sampleIndex - b.sampleIndex);
}
