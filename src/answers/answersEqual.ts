import {normalizeAnswer, type AnswerValue} from "./normalizeAnswer.js";
import {NumericValue} from "./NumericValue.js";
import {Rational} from "./Rational.js";

const relativeTolerance = 1e-9;
const oneHundred = NumericValue.exactly(Rational.of(100n));

/**
 * Whether two final answers mean the same thing: `18` = `18ドル` = `十八` = `$18.00`,
 * `1/2` = `0.5` = `\frac{1}{2}`, `25%` = `25` = `0.25`, `(1, 2)` ≠ `(2, 1)`, `\{1, 2\}` = `\{2, 1\}`.
 * A rounded decimal matches a repeating fraction or an irrational value to its written precision
 * (`0.33` = `1/3`, `3.14` = `\pi`), but two terminating decimals must match exactly.
 */
export function answersEqual(expected: string, given: string): boolean {
    return valuesEqual(normalizeAnswer(expected).value, normalizeAnswer(given).value);
}

export function valuesEqual(a: AnswerValue, b: AnswerValue): boolean {
    if (a.kind === "list" && b.kind === "list")
        return listsEqual(a.items, b.items, a.ordered && b.ordered);
    if (a.kind === "list" && a.items.length === 1 && a.items[0] != null)
        return valuesEqual(a.items[0], b);
    if (b.kind === "list" && b.items.length === 1 && b.items[0] != null)
        return valuesEqual(a, b.items[0]);

    if (a.kind === "number" && b.kind === "number")
        return readings(a).some((x) => readings(b).some((y) => numbersEqual(x, a.decimalPlaces, y, b.decimalPlaces)));
    if (a.kind === "text" && b.kind === "text")
        return a.text === b.text;
    return false;
}

/** A percentage can be meant as the number itself (25% → 25) or as a ratio (25% → 0.25). */
function readings(value: Extract<AnswerValue, {kind: "number"}>): NumericValue[] {
    const asRatio = value.percent ? value.value.divide(oneHundred) : undefined;
    return asRatio != null ? [value.value, asRatio] : [value.value];
}

function numbersEqual(a: NumericValue, aPlaces: number | undefined, b: NumericValue, bPlaces: number | undefined): boolean {
    if (a.exact != null && b.exact != null) {
        if (a.exact.equals(b.exact))
            return true;

        // 0.33 written for 1/3: allowed only against a value that has no finite decimal form.
        const rounded = aPlaces != null && !terminates(b) ? {places: aPlaces, other: b}
            : bPlaces != null && !terminates(a) ? {places: bPlaces, other: a}
                : undefined;
        return rounded != null && withinRounding(a.approx, b.approx, rounded.places);
    }

    const places = Math.min(aPlaces ?? Infinity, bPlaces ?? Infinity);
    if (Number.isFinite(places) && withinRounding(a.approx, b.approx, places))
        return true;

    return Math.abs(a.approx - b.approx) <= relativeTolerance * Math.max(1, Math.abs(a.approx), Math.abs(b.approx));
}

function withinRounding(a: number, b: number, places: number): boolean {
    // One decimal place (0.3 for 1/3) is too coarse to count as the same answer.
    return places >= 2 && Math.abs(a - b) <= 0.5 * 10 ** -places + 1e-12;
}

/** Whether a rational has a finite decimal expansion (its reduced denominator is 2^m·5^n). */
function terminates(value: NumericValue): boolean {
    let denominator = value.exact?.denominator;
    if (denominator == null)
        return false;

    for (const prime of [2n, 5n]) {
        while (denominator % prime === 0n)
            denominator /= prime;
    }
    return denominator === 1n;
}

function listsEqual(a: readonly AnswerValue[], b: readonly AnswerValue[], ordered: boolean): boolean {
    if (a.length !== b.length)
        return false;
    if (ordered)
        return a.every((item, index) => b[index] != null && valuesEqual(item, b[index]));

    const unmatched = [...b];
    return a.every((item) => {
        const index = unmatched.findIndex((candidate) => valuesEqual(item, candidate));
        if (index < 0)
            return false;
        unmatched.splice(index, 1);
        return true;
    });
}
