import {Rational} from "./Rational.js";

/** A number known exactly (a rational) or only approximately (involving π or an irrational root). */
export class NumericValue {
    public readonly exact: Rational | undefined;
    public readonly approx: number;

    private constructor(exact: Rational | undefined, approx: number) {
        this.exact = exact;
        this.approx = approx;
    }

    public static exactly(value: Rational): NumericValue {
        return new NumericValue(value, value.toNumber());
    }

    public static approximately(value: number): NumericValue {
        return new NumericValue(undefined, value);
    }

    public add(other: NumericValue): NumericValue {
        return this.exact != null && other.exact != null
            ? NumericValue.exactly(this.exact.add(other.exact))
            : NumericValue.approximately(this.approx + other.approx);
    }

    public subtract(other: NumericValue): NumericValue {
        return this.add(other.negate());
    }

    public multiply(other: NumericValue): NumericValue {
        return this.exact != null && other.exact != null
            ? NumericValue.exactly(this.exact.multiply(other.exact))
            : NumericValue.approximately(this.approx * other.approx);
    }

    public divide(other: NumericValue): NumericValue | undefined {
        if (other.approx === 0 && (other.exact == null || other.exact.isZero()))
            return undefined;

        return this.exact != null && other.exact != null
            ? NumericValue.exactly(this.exact.divide(other.exact))
            : NumericValue.approximately(this.approx / other.approx);
    }

    public negate(): NumericValue {
        return this.exact != null
            ? NumericValue.exactly(this.exact.negate())
            : NumericValue.approximately(-this.approx);
    }

    public power(exponent: NumericValue): NumericValue | undefined {
        const integerExponent = exponent.exact?.denominator === 1n ? exponent.exact.numerator : undefined;
        // Exact only while the result stays small (at most ~4096 bits a part): ((10^64)^64)^64 must not take minutes.
        if (this.exact != null && integerExponent != null && integerExponent >= -4096n && integerExponent <= 4096n
            && bitLength(this.exact.numerator) * Math.abs(Number(integerExponent)) <= 4096
            && bitLength(this.exact.denominator) * Math.abs(Number(integerExponent)) <= 4096) {
            const magnitude = integerExponent < 0n ? -integerExponent : integerExponent;
            const raised = Rational.of(this.exact.numerator ** magnitude, this.exact.denominator ** magnitude);
            if (integerExponent >= 0n)
                return NumericValue.exactly(raised);

            return raised.isZero() ? undefined : NumericValue.exactly(Rational.of(1n).divide(raised));
        }

        const result = Math.pow(this.approx, exponent.approx);
        return Number.isFinite(result) ? NumericValue.approximately(result) : undefined;
    }

    /** The n-th root, exact when the argument is a perfect power (√(9/4) = 3/2). */
    public root(degree: number): NumericValue | undefined {
        if (this.approx < 0 && degree % 2 === 0)
            return undefined;

        if (this.exact != null) {
            const numerator = exactIntegerRoot(this.exact.numerator, degree);
            const denominator = exactIntegerRoot(this.exact.denominator, degree);
            if (numerator != null && denominator != null)
                return NumericValue.exactly(Rational.of(numerator, denominator));
        }

        return NumericValue.approximately(Math.sign(this.approx) * Math.pow(Math.abs(this.approx), 1 / degree));
    }
}

function bitLength(value: bigint): number {
    return (value < 0n ? -value : value).toString(16).length * 4;
}

function exactIntegerRoot(value: bigint, degree: number): bigint | undefined {
    const negative = value < 0n;
    const magnitude = negative ? -value : value;
    const guess = BigInt(Math.round(Math.pow(Number(magnitude), 1 / degree)));

    for (const candidate of [guess - 1n, guess, guess + 1n]) {
        if (candidate >= 0n && candidate ** BigInt(degree) === magnitude)
            return negative ? -candidate : candidate;
    }

    return undefined;
}
