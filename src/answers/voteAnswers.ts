import {answersEqual} from "./answersEqual.js";
import {normalizeAnswer} from "./normalizeAnswer.js";

/** One sample's say in a self-consistency vote. */
export type Ballot = {
    readonly sample: number,
    /** The final answer as the sample wrote it (see extractAnswer), or null when the sample produced none. */
    readonly answer: string | null,
    /** How the answer was found; a \boxed{} answer outweighs a phrase in a tie. */
    readonly method: "boxed" | "phrase" | null
};

export type VoteOutcome = {
    /** The winning answer, normalised (see normalizeAnswer), or null when no sample produced one. */
    readonly winner: string | null,
    /** Samples that gave the winning answer (0 when none answered). */
    readonly votes: number,
    /** Every sample, answered or not: agreement is votes / total. */
    readonly total: number,
    /** The sample whose solution represents the result: the first that gave the winning answer. */
    readonly representative: number,
    /**
     * Each distinct answer with the samples that gave it, best first: `answer` as its first sample wrote
     * it and `canonical` that answer normalised.
     */
    readonly tally: readonly {readonly answer: string, readonly canonical: string, readonly samples: readonly number[]}[]
};

/**
 * Self-consistency voting. A ballot joins the first group (in sample order) whose first answer it
 * equals by `answersEqual`, so `\frac{1}{2}`, `0.5` and `2分の1`, or `(x+2)(x+3)` and `x^2+5x+6`, are one
 * answer. Ties are broken deterministically: more \boxed{} answers first (a boxed answer is the model's
 * deliberate final answer), then the answer given by the earliest sample, so the same samples always
 * elect the same answer.
 */
export function voteAnswers(ballots: readonly Ballot[]): VoteOutcome {
    if (ballots.length === 0)
        throw new RangeError("A vote needs at least one ballot");
    const ordered = [...ballots].sort((a, b) => a.sample - b.sample);

    const groups: {answer: string, samples: number[], boxed: number}[] = [];
    for (const ballot of ordered) {
        const {answer} = ballot;
        if (answer == null)
            continue;
        let group = groups.find((candidate) => answersEqual(candidate.answer, answer));
        if (group == null) {
            group = {answer, samples: [], boxed: 0};
            groups.push(group);
        }
        group.samples.push(ballot.sample);
        if (ballot.method === "boxed") group.boxed++;
    }

    const tally = groups.sort((a, b) =>
        b.samples.length - a.samples.length || b.boxed - a.boxed || (a.samples[0] ?? 0) - (b.samples[0] ?? 0))
        .map(({answer, samples}) => ({answer, canonical: normalizeAnswer(answer).canonical, samples}));
    const [best] = tally;
    if (best == null)
        return {winner: null, votes: 0, total: ballots.length, representative: ordered[0]?.sample ?? 0, tally: []};

    return {
        winner: best.canonical,
        votes: best.samples.length,
        total: ballots.length,
        representative: best.samples[0] ?? 0,
        tally
    };
}
