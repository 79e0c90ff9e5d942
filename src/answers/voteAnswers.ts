/** One sample's say in a self-consistency vote. */
export type Ballot = {
    readonly sample: number,
    /** The normalised answer (see normalizeAnswer), or null when the sample produced none. */
    readonly canonical: string | null,
    /** How the answer was found; a \boxed{} answer outweighs a phrase in a tie. */
    readonly method: "boxed" | "phrase" | null
};

export type VoteOutcome = {
    /** The winning normalised answer, or null when no sample produced one. */
    readonly winner: string | null,
    /** Samples that gave the winning answer (0 when none answered). */
    readonly votes: number,
    /** Every sample, answered or not: agreement is votes / total. */
    readonly total: number,
    /** The sample whose solution represents the result: the first that gave the winning answer. */
    readonly representative: number,
    /** Each distinct answer with the samples that gave it, best first. */
    readonly tally: readonly {readonly canonical: string, readonly samples: readonly number[]}[]
};

/**
 * Self-consistency voting over normalised answers. Ties are broken deterministically: more \boxed{}
 * answers first (a boxed answer is the model's deliberate final answer), then the answer given by the
 * earliest sample, so the same samples always elect the same answer.
 */
export function voteAnswers(ballots: readonly Ballot[]): VoteOutcome {
    if (ballots.length === 0)
        throw new RangeError("A vote needs at least one ballot");
    const ordered = [...ballots].sort((a, b) => a.sample - b.sample);

    const groups = new Map<string, {samples: number[], boxed: number}>();
    for (const ballot of ordered) {
        if (ballot.canonical == null)
            continue;
        const group = groups.get(ballot.canonical) ?? {samples: [], boxed: 0};
        group.samples.push(ballot.sample);
        if (ballot.method === "boxed") group.boxed++;
        groups.set(ballot.canonical, group);
    }

    const tally = [...groups].sort(([, a], [, b]) =>
        b.samples.length - a.samples.length || b.boxed - a.boxed || (a.samples[0] ?? 0) - (b.samples[0] ?? 0));
    const [best] = tally;
    if (best == null)
        return {winner: null, votes: 0, total: ballots.length, representative: ordered[0]?.sample ?? 0, tally: []};

    const [winner, {samples}] = best;
    return {
        winner,
        votes: samples.length,
        total: ballots.length,
        representative: samples[0] ?? 0,
        tally: tally.map(([canonical, group]) => ({canonical, samples: group.samples}))
    };
}
