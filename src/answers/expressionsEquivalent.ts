import {Complex} from "./Complex.js";
import {variablesOf, type MathExpression} from "./MathExpression.js";

/** Points per comparison: two different polynomials of modest degree agree at 8 random complex points with probability 0. */
const pointCount = 8;
/**
 * At least this many points must be defined on both sides (not a pole, not an overflow), or there is no
 * verdict; formulas without variables have one point.
 */
const enoughPoints = 5;
const relativeTolerance = 1e-8;

/**
 * Whether two formulas are the same function: both are evaluated at the same pseudo-random complex
 * points (a fixed seed, so verdicts never change) and must agree at every one within a relative
 * tolerance. This decides polynomial identities, factorings, trigonometric and logarithmic identities
 * and complex arithmetic without rewriting rules; complex points also keep `\sqrt{x^2}` apart from `x`.
 * Undefined when too few points are defined on both sides to decide.
 */
export function expressionsEquivalent(a: MathExpression, b: MathExpression): boolean | undefined {
    let defined = 0;
    const points = samplePoints(a, b, "complex");
    for (const point of points) {
        const x = evaluateAt(a, point);
        const y = evaluateAt(b, point);
        if (!x.isFinite() || !y.isFinite()) {
            if (x.isFinite() !== y.isFinite())
                return false;
            continue;
        }
        if (!close(x, y))
            return false;
        defined++;
    }
    return defined >= Math.min(enoughPoints, points.length) ? true : undefined;
}

/**
 * Whether a = c·b for one constant c: nonzero for equations (x - y + 1 = 0 is 2x - 2y + 2 = 0), positive for
 * inequalities (multiplying by a negative number flips them), checked at real points so c's sign is meaningful.
 */
export function proportional(a: MathExpression, b: MathExpression, factor: "nonzero" | "positive"): boolean | undefined {
    let ratio: Complex | undefined;
    let defined = 0;
    const points = samplePoints(a, b, factor === "positive" ? "real" : "complex");
    for (const point of points) {
        const x = evaluateAt(a, point);
        const y = evaluateAt(b, point);
        if (!x.isFinite() || !y.isFinite())
            continue;
        if (y.abs() < 1e-12 || x.abs() < 1e-12) {
            if (y.abs() < 1e-12 && x.abs() < 1e-12)
                continue;
            return false;
        }
        const pointRatio = x.divide(y);
        if (ratio == null)
            ratio = pointRatio;
        else if (!close(ratio, pointRatio))
            return false;
        defined++;
    }
    if (ratio == null || defined < Math.min(enoughPoints, points.length))
        return undefined;
    return factor === "nonzero" || (Math.abs(ratio.im) <= relativeTolerance * ratio.abs() && ratio.re > 0);
}

function close(x: Complex, y: Complex): boolean {
    return x.subtract(y).abs() <= relativeTolerance * Math.max(1, x.abs(), y.abs());
}

/** A value for each variable at each point, from a fixed-seed generator (mulberry32). */
function samplePoints(a: MathExpression, b: MathExpression, domain: "real" | "complex"): Map<string, Complex>[] {
    const variables = [...new Set([...variablesOf(a), ...variablesOf(b)])].sort();
    let seed = 0x6b6f7461; // "kota"
    const random = (): number => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    return Array.from({length: variables.length === 0 ? 1 : pointCount}, () => new Map(variables.map((name) => {
        // Magnitudes between 0.5 and 2.5, either sign: away from 0 and from overflow.
        const re = (random() < 0.5 ? -1 : 1) * (0.5 + 2 * random());
        return [name, new Complex(re, domain === "complex" ? 2 * random() - 1 : 0)];
    })));
}

/** The value at a point; NaN or infinite parts where the formula is undefined there. */
export function evaluateAt(expression: MathExpression, point: ReadonlyMap<string, Complex>): Complex {
    switch (expression.kind) {
        case "number":
            return new Complex(expression.value.toNumber(), 0);
        case "constant":
            return expression.name === "pi" ? new Complex(Math.PI, 0)
                : expression.name === "e" ? new Complex(Math.E, 0)
                    : expression.name === "i" ? new Complex(0, 1)
                        : new Complex(Infinity, 0);
        case "variable":
            return point.get(expression.name) ?? new Complex(NaN, NaN);
        case "negate":
            return evaluateAt(expression.operand, point).negate();
        case "root":
            return evaluateAt(expression.radicand, point).root(expression.degree);
        case "binary": {
            const left = evaluateAt(expression.left, point);
            const right = evaluateAt(expression.right, point);
            switch (expression.operator) {
                case "+": return left.add(right);
                case "-": return left.subtract(right);
                case "*": return left.multiply(right);
                case "/": return left.divide(right);
                case "^": return left.power(right);
            }
            break;
        }
        case "function": {
            const argument = evaluateAt(expression.argument, point);
            switch (expression.name) {
                case "sin": return argument.sin();
                case "cos": return argument.cos();
                case "tan": return argument.sin().divide(argument.cos());
                case "exp": return argument.exp();
                case "log": return expression.base != null
                    ? argument.log().divide(evaluateAt(expression.base, point).log())
                    : argument.log();
            }
        }
    }
}
