import {expressionsEquivalent} from "./expressionsEquivalent.js";
import type {MathExpression} from "./MathExpression.js";
import {relationAsInterval, relationsEquivalent, type IntervalBounds} from "./MathRelation.js";
import {normalizeAnswer, type AnswerValue} from "./normalizeAnswer.js";
import {NumericValue} from "./NumericValue.js";
import {Rational} from "./Rational.js";

const relativeTolerance = 1e-9;
const oneHundred = NumericValue.exactly(Rational.of(100n));

/**
 * Whether two final answers mean the same thing: `18` = `18ドル` = `十八` = `$18.00`,
 * `1/2` = `0.5` = `\frac{1}{2}`, `25%` = `25` = `0.25`, `(1, 2)` ≠ `(2, 1)`, `\{1, 2\}` = `\{2, 1\}`,
 * `(x+2)(x+3)` = `x^2+5x+6`, `y = 2x + 1` = `2x - y + 1 = 0`, `x > 3` = `3 < x` = `(3, \infty)`.
 * A rounded decimal matches a repeating fraction or an irrational value to its written precision
 * (`0.33` = `1/3`, `3.14` = `\pi`), but two terminating decimals must match exactly.
 * Synchronous, bounded (see MathExpression's size limits) and never throws: callers stream exports.
 */
export function answersEqual(expected: string, given: string): boolean {
    if (expected.trim() === given.trim())
        return true; // the same text means the same answer, whatever it says (and exports compare many such)
    try {
        return valuesEqual(normalizeAnswer(expected).value, normalizeAnswer(given).value);
    } catch {
        // A defect in the parser must not stop an export or a web page: the written answers decide.
        return expected.trim() === given.trim();
    }
}

export function valuesEqual(a: AnswerValue, b: AnswerValue): boolean {
    if (a.kind === "list" && b.kind === "list")
        return listsEqual(a.items, b.items, a.ordered && b.ordered);
    if (a.kind === "list" && a.items.length === 1 && a.items[0] != null)
        return valuesEqual(a.items[0], b);
    if (b.kind === "list" && b.items.length === 1 && b.items[0] != null)
        return valuesEqual(a, b.items[0]);

    if (a.kind === "relation" && b.kind === "relation")
        return relationsEquivalent(a.relation, b.relation) || a.text === b.text;
    if (a.kind === "relation" && a.assigned != null)
        return valuesEqual(a.assigned, b);
    if (b.kind === "relation" && b.assigned != null)
        return valuesEqual(a, b.assigned);

    if (a.kind === "interval" || b.kind === "interval")
        return intervalEqual(a, b);
    if (a.kind === "ratio" && b.kind === "ratio")
        return ratiosEqual(a.terms, b.terms);

    if (a.kind === "number" && b.kind === "number")
        return readings(a).some((x) => readings(b).some((y) => numbersEqual(x, a.decimalPlaces, y, b.decimalPlaces)));
    if (a.kind === "expression" || b.kind === "expression") {
        const x = asExpression(a);
        const y = asExpression(b);
        if (x != null && y != null && expressionsEquivalent(x, y) === true)
            return true;
    }
    return "text" in a && "text" in b && a.text === b.text;
}

/** Intervals compare by endpoints and brackets; `(1, 2)` is also the ordered pair, `(3, \infty)` also `x > 3`. */
function intervalEqual(a: AnswerValue, b: AnswerValue): boolean {
    if (a.kind !== "interval")
        return intervalEqual(b, a);
    if (b.kind === "interval")
        return a.lowerClosed === b.lowerClosed && a.upperClosed === b.upperClosed
            && numbersEqual(a.lower, undefined, b.lower, undefined) && numbersEqual(a.upper, undefined, b.upper, undefined);
    if (b.kind === "list" && b.ordered && !a.lowerClosed && !a.upperClosed)
        return listsEqual([{kind: "number", value: a.lower, percent: false}, {kind: "number", value: a.upper, percent: false}], b.items, true);
    if (b.kind === "relation") {
        const bounds = relationAsInterval(b.relation);
        return bounds != null && boundsEqual(bounds, a);
    }
    return false;
}

function boundsEqual(bounds: IntervalBounds, interval: Extract<AnswerValue, {kind: "interval"}>): boolean {
    const endpointEqual = (x: number, y: NumericValue, closed: boolean, written: boolean): boolean =>
        numbersEqual(NumericValue.approximately(x), undefined, y, undefined) && (closed === written || !Number.isFinite(x));
    return endpointEqual(bounds.lower, interval.lower, bounds.lowerClosed, interval.lowerClosed)
        && endpointEqual(bounds.upper, interval.upper, bounds.upperClosed, interval.upperClosed);
}

/** a:b = c:d when a·d = b·c (3:2 = 6:4), for every pair of terms of longer ratios (1:2:3 = 2:4:6). */
function ratiosEqual(a: readonly NumericValue[], b: readonly NumericValue[]): boolean {
    return a.length === b.length && a.every((ai, i) => b.every((bj, j) => {
        const aj = a[j];
        const bi = b[i];
        return aj != null && bi != null && numbersEqual(ai.multiply(bj), undefined, aj.multiply(bi), undefined);
    }));
}

/** A number as a constant formula, so `\sin^2 x + \cos^2 x` can equal `1`; undefined for other kinds. */
function asExpression(value: AnswerValue): MathExpression | undefined {
    if (value.kind === "expression")
        return value.expression;
    if (value.kind !== "number" || !Number.isFinite(value.value.approx))
        return undefined;
    return {kind: "number", value: value.value.exact ?? Rational.fromNumber(value.value.approx)};
}

/** A percentage can be meant as the number itself (25% → 25) or as a ratio (25% → 0.25). */
function readings(value: Extract<AnswerValue, {kind: "number"}>): NumericValue[] {
    const asRatio = value.percent ? value.value.divide(oneHundred) : undefined;
    return asRatio != null ? [value.value, asRatio] : [value.value];
}

function numbersEqual(a: NumericValue, aPlaces: number | undefined, b: NumericValue, bPlaces: number | undefined): boolean {
    if (!Number.isFinite(a.approx) || !Number.isFinite(b.approx))
        return a.approx === b.approx; // ∞ = \infty, -∞ ≠ ∞
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
