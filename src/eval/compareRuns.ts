import type {EvalItemRecord} from "../domain/EvalRun.js";

/** A problem solved in the same mode by two runs that graded it differently. */
export type Flip = {
    readonly itemIndex: number,
    readonly mode: string,
    readonly question: string,
    readonly expected: string,
    /** The voted answers of run A and run B. */
    readonly answerA: string | null,
    readonly answerB: string | null,
    /** `fixed`: wrong in A, right in B; `broken`: right in A, wrong in B. */
    readonly direction: "fixed" | "broken"
};

/**
 * The problems (same index and mode, graded in both runs) whose voted answer was right in one run and
 * wrong in the other: what a new model or profile fixed and what it broke. Runs of different datasets
 * are not comparable problem by problem: the caller checks their dataset digests first.
 */
export function compareRuns(itemsA: readonly EvalItemRecord[], itemsB: readonly EvalItemRecord[]): {flips: Flip[], compared: number} {
    const inB = new Map(itemsB.map((item) => [`${item.itemIndex}/${item.mode}`, item]));
    const flips: Flip[] = [];
    let compared = 0;
    for (const a of itemsA) {
        const b = inB.get(`${a.itemIndex}/${a.mode}`);
        if (b == null)
            continue;
        compared++;
        if (a.correct !== b.correct)
            flips.push({
                itemIndex: a.itemIndex, mode: a.mode, question: a.question, expected: a.expected,
                answerA: a.answer, answerB: b.answer, direction: b.correct ? "fixed" : "broken"
            });
    }
    return {flips, compared};
}
