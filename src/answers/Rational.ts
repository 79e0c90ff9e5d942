/** An exact fraction with bigint parts, always reduced and with a positive denominator. */
export class Rational {
    public readonly numerator: bigint;
    public readonly denominator: bigint;

    private constructor(numerator: bigint, denominator: bigint) {
        this.numerator = numerator;
        this.denominator = denominator;
    }

    public static of(numerator: bigint, denominator: bigint = 1n): Rational {
        if (denominator === 0n)
            throw new RangeError("Rational with a zero denominator");

        const sign = denominator < 0n ? -1n : 1n;
        const divisor = gcd(abs(numerator), abs(denominator)) || 1n;
        return new Rational((sign * numerator) / divisor, (sign * denominator) / divisor);
    }

    /** Parses a plain decimal such as `-12`, `3.50` or `.5` exactly. */
    public static parseDecimal(text: string): Rational | undefined {
        const match = /^([+-]?)(\d*)(?:\.(\d+))?$/.exec(text);
        if (match == null || (match[2] === "" && match[3] == null))
            return undefined;

        const sign = match[1] === "-" ? -1n : 1n;
        const fraction = match[3] ?? "";
        const digits = BigInt((match[2] || "0") + fraction);
        return Rational.of(sign * digits, 10n ** BigInt(fraction.length));
    }

    /** The exact value of a finite double (every double is m·2^e). */
    public static fromNumber(value: number): Rational {
        let scale = 1n;
        let scaled = value;
        // At most 1075 halvings reach the smallest subnormal; the loop is bounded by that.
        for (let step = 0; !Number.isInteger(scaled) && step < 1100; step++) {
            scaled *= 2;
            scale *= 2n;
        }
        return Rational.of(BigInt(scaled), scale);
    }

    public add(other: Rational): Rational {
        return Rational.of(
            this.numerator * other.denominator + other.numerator * this.denominator,
            this.denominator * other.denominator
        );
    }

    public multiply(other: Rational): Rational {
        return Rational.of(this.numerator * other.numerator, this.denominator * other.denominator);
    }

    public divide(other: Rational): Rational {
        return Rational.of(this.numerator * other.denominator, this.denominator * other.numerator);
    }

    public negate(): Rational {
        return Rational.of(-this.numerator, this.denominator);
    }

    public equals(other: Rational): boolean {
        return this.numerator === other.numerator && this.denominator === other.denominator;
    }

    public isZero(): boolean {
        return this.numerator === 0n;
    }

    public toNumber(): number {
        return Number(this.numerator) / Number(this.denominator);
    }

    /** `12`, `-3/4`: the canonical text used as a voting key. */
    public toString(): string {
        return this.denominator === 1n
            ? this.numerator.toString()
            : `${this.numerator}/${this.denominator}`;
    }
}

function abs(value: bigint): bigint {
    return value < 0n ? -value : value;
}

function gcd(a: bigint, b: bigint): bigint {
    while (b !== 0n)
        [a, b] = [b, a % b];

    return a;
}
