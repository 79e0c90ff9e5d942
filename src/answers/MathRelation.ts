import {Complex} from "./Complex.js";
import {evaluateAt, proportional} from "./expressionsEquivalent.js";
import {parseMathExpression, variablesOf, type MathExpression} from "./MathExpression.js";

/**
 * One comparison brought to the form `difference ⋈ 0`: `a < b` becomes `b - a > 0`, so a flipped
 * inequality (`x > 3`, `3 < x`) gives the same part.
 */
export type RelationPart = {readonly difference: MathExpression, readonly relation: "=" | "≠" | ">" | "≥"};

/** An equation or inequality, or a chain of them (`1 \le x < 2` is two parts). */
export type MathRelation = {readonly parts: readonly RelationPart[]};

/** A real interval as the set of x where the relation holds, endpoints possibly infinite. */
export type IntervalBounds = {readonly lower: number, readonly upper: number, readonly lowerClosed: boolean, readonly upperClosed: boolean};

const operators: ReadonlyArray<readonly [RegExp, "=" | "≠" | "<" | ">" | "≤" | "≥"]> = [
    [/^(?:\\leq?q?(?![a-zA-Z])|\\leqslant|<=|≤|≦)/, "≤"], [/^(?:\\geq?q?(?![a-zA-Z])|\\geqslant|>=|≥|≧)/, "≥"],
    [/^(?:\\neq?(?![a-zA-Z])|!=|≠)/, "≠"], [/^(?:\\lt(?![a-zA-Z])|<)/, "<"], [/^(?:\\gt(?![a-zA-Z])|>)/, ">"], [/^=/, "="]
];

/** Parses `y = 2x + 1`, `x > 3`, `3 < x`, `1 \le x < 2`, `x \ne 0`; undefined when a side is not a formula. */
export function parseMathRelation(text: string): MathRelation | undefined {
    const sides: string[] = [];
    const found: Array<"=" | "≠" | "<" | ">" | "≤" | "≥"> = [];
    let start = 0;
    let depth = 0;
    for (let index = 0; index < text.length; index++) {
        const char = text[index];
        if (char === "(" || char === "{" || char === "[") depth++;
        else if (char === ")" || char === "}" || char === "]") depth--;
        else if (depth === 0) {
            const rest = text.slice(index);
            const operator = operators.find(([pattern]) => pattern.test(rest));
            if (operator != null) {
                const length = operator[0].exec(rest)?.[0].length ?? 1;
                sides.push(text.slice(start, index));
                found.push(operator[1]);
                start = index + length;
                index = start - 1;
            }
        }
    }
    sides.push(text.slice(start));
    if (found.length === 0 || found.length > 2)
        return undefined;

    const expressions = sides.map((side) => parseMathExpression(side.trim()));
    const parts: RelationPart[] = [];
    for (const [index, operator] of found.entries()) {
        const left = expressions[index];
        const right = expressions[index + 1];
        if (left == null || right == null)
            return undefined;
        const [high, low] = operator === "<" || operator === "≤" ? [right, left] : [left, right];
        const relation = operator === "<" ? ">" : operator === "≤" ? "≥" : operator;
        parts.push({difference: {kind: "binary", operator: "-", left: high, right: low}, relation});
    }
    // a = b = c and a < b > c are not answers anyone writes; refuse rather than guess.
    const mixedChain = found.length === 2 && (found.includes("=") || found.includes("≠") || directionOf(found[0]) !== directionOf(found[1]));
    if (mixedChain)
        return undefined;
    return {parts};
}

function directionOf(operator: string | undefined): number {
    return operator === "<" || operator === "≤" ? -1 : operator === ">" || operator === "≥" ? 1 : 0;
}

/**
 * Two relations are the same when their parts pair up (in any order) with the same relation and
 * differences proportional: by a nonzero constant for = and ≠ (`y = 2x + 1` is `2x - y + 1 = 0`), by a
 * positive constant for inequalities (`2x > 6` is `x > 3`, `x < 3` is not `x > 3`).
 */
export function relationsEquivalent(a: MathRelation, b: MathRelation): boolean {
    if (a.parts.length !== b.parts.length)
        return false;
    const unmatched = [...b.parts];
    return a.parts.every((part) => {
        const index = unmatched.findIndex((candidate) => candidate.relation === part.relation
            && proportional(part.difference, candidate.difference, part.relation === "=" || part.relation === "≠" ? "nonzero" : "positive") === true);
        return index >= 0 && unmatched.splice(index, 1).length === 1;
    });
}

/**
 * The interval an inequality in one variable describes, when each part is linear in it
 * (`x > 3` → (3, ∞), `1 \le x < 2` → [1, 2), `-2x \ge 4` → (-∞, -2]); undefined otherwise.
 */
export function relationAsInterval(relation: MathRelation): IntervalBounds | undefined {
    const variables = new Set(relation.parts.flatMap((part) => variablesOf(part.difference)));
    const [variable] = variables;
    if (variable == null || variables.size !== 1)
        return undefined;

    let bounds: IntervalBounds = {lower: -Infinity, upper: Infinity, lowerClosed: false, upperClosed: false};
    for (const part of relation.parts) {
        if (part.relation !== ">" && part.relation !== "≥")
            return undefined;
        const [f0, f1, f2] = [0, 1, 2].map((x) => evaluateAt(part.difference, new Map([[variable, new Complex(x, 0)]])));
        if (f0 == null || f1 == null || f2 == null || ![f0, f1, f2].every((value) => value.isFinite() && value.im === 0))
            return undefined;
        const slope = f1.re - f0.re;
        if (Math.abs(f2.re - 2 * f1.re + f0.re) > 1e-9 * Math.max(1, Math.abs(f2.re)) || Math.abs(slope) < 1e-12)
            return undefined; // not linear in the variable
        const root = -f0.re / slope;
        const closed = part.relation === "≥";
        bounds = slope > 0
            ? (root > bounds.lower || root === bounds.lower && !closed ? {...bounds, lower: root, lowerClosed: closed} : bounds)
            : (root < bounds.upper || root === bounds.upper && !closed ? {...bounds, upper: root, upperClosed: closed} : bounds);
    }
    return bounds;
}
