import {normalizeAnswer} from "../answers/normalizeAnswer.js";
import {voteAnswers} from "../answers/voteAnswers.js";
import type {HybridOutcome} from "../solver/HybridSolver.js";
import type {SolutionOutcome} from "../solver/SolutionOutcome.js";
import type {Agreement} from "./EngineEvent.js";

/** One sample that finished, answered or not. */
export type SampleResult = HybridOutcome & {readonly sample: number};

/** What the vote over a request's samples decided. */
export type Representative = {
    /** The sample whose solution is shown: the first that gave the winning answer (the first finished when none did). */
    readonly representative: SampleResult,
    /** The winning answer as the representative wrote it, or null when no sample gave one. */
    readonly answer: string | null,
    /** The winning answer normalised (see voteAnswers), or null. */
    readonly canonical: string | null,
    readonly agreement: Agreement,
    /** Tokens over every finished sample and its attempts. */
    readonly promptTokens: number,
    readonly completionTokens: number
};

/**
 * The self-consistency vote over `samples` drawn, of which `solved` finished (a failed sample votes for
 * nothing but still counts in the agreement): the winning answer and the solution that represents it.
 */
export function chooseRepresentative(solved: readonly SampleResult[], samples: number): Representative {
    if (solved.length === 0)
        throw new RangeError("A vote needs at least one finished sample");
    const bySample = new Map(solved.map((result) => [result.sample, result]));
    const vote = voteAnswers(Array.from({length: samples}, (_unused, sample) => {
        const answer = bySample.get(sample)?.outcome.answer;
        return {sample, answer: answer?.value ?? null, method: answer?.method ?? null};
    }));
    const representative = bySample.get(vote.representative) ?? solved[0]!;
    return {
        representative,
        answer: vote.winner != null ? representative.outcome.answer?.value ?? null : null,
        canonical: vote.winner,
        agreement: {votes: vote.votes, samples},
        promptTokens: sum(solved, (result) => result.promptTokens),
        completionTokens: sum(solved, (result) => result.completionTokens)
    };
}

/** A solution's answer normalised, as votes and the log compare it (null when it gave none). */
export function canonicalOf(outcome: SolutionOutcome): string | null {
    return outcome.answer != null ? normalizeAnswer(outcome.answer.value).canonical : null;
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
    return items.reduce((total, item) => total + value(item), 0);
}
