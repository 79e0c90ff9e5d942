import type {EvalItemRecord} from "../domain/EvalRun.js";

/** The normal quantile for a two-sided 95% interval. */
export const z95 = 1.959964;

/** A proportion with its 95% Wilson score interval. */
export type Proportion = {readonly successes: number, readonly trials: number, readonly value: number, readonly low: number, readonly high: number};

/**
 * The Wilson score interval for `successes` out of `trials`: centre (p + z²/2n)/(1 + z²/n), half-width
 * z·√(p(1−p)/n + z²/4n²)/(1 + z²/n). Unlike p ± z·√(p(1−p)/n) it stays inside [0, 1] and is not empty at
 * p = 0 or 1, which matters for small evaluations and weak models.
 */
export function wilsonInterval(successes: number, trials: number, z = z95): {low: number, high: number} {
    if (trials === 0)
        return {low: 0, high: 1};
    const p = successes / trials;
    const z2 = z * z;
    const denominator = 1 + z2 / trials;
    const centre = (p + z2 / (2 * trials)) / denominator;
    const halfWidth = z * Math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator;
    return {low: Math.max(0, centre - halfWidth), high: Math.min(1, centre + halfWidth)};
}

export function proportion(successes: number, trials: number): Proportion {
    return {successes, trials, value: trials === 0 ? 0 : successes / trials, ...wilsonInterval(successes, trials)};
}

/** Mean and median of a per-problem quantity. */
export type Spread = {readonly mean: number, readonly p50: number};

/** What one mode measured over the problems solved so far. */
export type ModeMetrics = {
    readonly mode: string,
    readonly problems: number,
    readonly samples: number,
    /**
     * Mean over problems of the fraction of samples that were correct. With k samples for every problem this
     * is correct samples / (problems × k); the interval treats the samples as independent trials, so it is
     * somewhat narrower than the truth when a model is consistently right or wrong on a problem.
     */
    readonly pass1: Proportion,
    /** The voted answer (self-consistency) is correct. */
    readonly majK: Proportion,
    /**
     * At least one of the k samples is correct. n = k samples are drawn per problem, where the unbiased
     * estimator 1 − C(n−c, k)/C(n, k) is exactly this indicator.
     */
    readonly passK: Proportion,
    /** `agreement[v]`: problems whose winning answer had v of the k votes (0: no sample gave an answer). */
    readonly agreement: readonly number[],
    /** Tokens generated per problem, over all its samples and attempts. */
    readonly completionTokens: Spread,
    /** Seconds from a problem's start to its vote (queue waits left out). */
    readonly seconds: Spread,
    readonly executionsPerProblem: number,
    readonly executions: {readonly ok: number, readonly error: number, readonly timeout: number},
    /** Failed or timed-out executions over all executions (0 when none ran). */
    readonly executionErrorRate: number,
    /** Problems whose solve failed outright (counted as wrong). */
    readonly failed: number
};

/** The metrics of one mode's graded items. */
export function modeMetrics(mode: string, samples: number, items: readonly EvalItemRecord[]): ModeMetrics {
    const problems = items.length;
    const sum = (value: (item: EvalItemRecord) => number): number => items.reduce((total, item) => total + value(item), 0);
    const agreement = Array.from({length: samples + 1}, () => 0);
    for (const item of items)
        agreement[Math.min(item.agreementVotes, samples)]! += 1;
    const executions = {ok: sum((item) => item.executionsOk), error: sum((item) => item.executionsError), timeout: sum((item) => item.executionsTimeout)};
    const executionCount = executions.ok + executions.error + executions.timeout;
    return {
        mode, problems, samples,
        pass1: proportion(sum((item) => item.correctSamples), problems * samples),
        majK: proportion(items.filter((item) => item.correct).length, problems),
        passK: proportion(items.filter((item) => item.correctSamples > 0).length, problems),
        agreement,
        completionTokens: spread(items.map((item) => item.completionTokens)),
        seconds: spread(items.map((item) => item.generationMs / 1000)),
        executionsPerProblem: problems === 0 ? 0 : executionCount / problems,
        executions,
        executionErrorRate: executionCount === 0 ? 0 : (executions.error + executions.timeout) / executionCount,
        failed: items.filter((item) => item.status === "failed" || item.status === "rejected").length
    };
}

/** Mean and median (the middle values' mean for an even count). */
export function spread(values: readonly number[]): Spread {
    if (values.length === 0)
        return {mean: 0, p50: 0};
    const sorted = [...values].sort((a, b) => a - b);
    const middle = sorted.length / 2;
    const p50 = sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
    return {mean: values.reduce((total, value) => total + value, 0) / values.length, p50};
}
