/** A complex number in floating point, for evaluating formulas at sample points (principal branches throughout). */
export class Complex {
    public static readonly zero = new Complex(0, 0);
    public static readonly one = new Complex(1, 0);

    public constructor(public readonly re: number, public readonly im: number) {}

    public add(other: Complex): Complex {
        return new Complex(this.re + other.re, this.im + other.im);
    }

    public subtract(other: Complex): Complex {
        return new Complex(this.re - other.re, this.im - other.im);
    }

    public multiply(other: Complex): Complex {
        return new Complex(this.re * other.re - this.im * other.im, this.re * other.im + this.im * other.re);
    }

    public divide(other: Complex): Complex {
        const scale = other.re * other.re + other.im * other.im;
        return new Complex((this.re * other.re + this.im * other.im) / scale, (this.im * other.re - this.re * other.im) / scale);
    }

    public negate(): Complex {
        return new Complex(-this.re, -this.im);
    }

    public abs(): number {
        return Math.hypot(this.re, this.im);
    }

    public isFinite(): boolean {
        return Number.isFinite(this.re) && Number.isFinite(this.im);
    }

    public exp(): Complex {
        const scale = Math.exp(this.re);
        return new Complex(scale * Math.cos(this.im), scale * Math.sin(this.im));
    }

    public log(): Complex {
        // + 0 turns -0 into 0: the principal logarithm of a negative real has argument +π, not -π.
        return new Complex(Math.log(this.abs()), Math.atan2(this.im + 0, this.re));
    }

    public sin(): Complex {
        return new Complex(Math.sin(this.re) * Math.cosh(this.im), Math.cos(this.re) * Math.sinh(this.im));
    }

    public cos(): Complex {
        return new Complex(Math.cos(this.re) * Math.cosh(this.im), -Math.sin(this.re) * Math.sinh(this.im));
    }

    /** Integer powers by repeated squaring (exact for small integers, as x² must be); others through exp·log. */
    public power(exponent: Complex): Complex {
        if (exponent.im === 0 && Number.isInteger(exponent.re) && Math.abs(exponent.re) <= 1024) {
            let result = Complex.one;
            let base: Complex = this;
            for (let remaining = Math.abs(exponent.re); remaining > 0; remaining = Math.floor(remaining / 2)) {
                if (remaining % 2 === 1)
                    result = result.multiply(base);
                base = base.multiply(base);
            }
            return exponent.re < 0 ? Complex.one.divide(result) : result;
        }
        if (this.re === 0 && this.im === 0)
            return exponent.re > 0 ? Complex.zero : new Complex(NaN, NaN);
        return exponent.multiply(this.log()).exp();
    }

    /** The n-th root: real for a real radicand where one exists (∛-8 = -2, as in school), else the principal root. */
    public root(degree: number): Complex {
        if (this.im === 0 && (this.re >= 0 || degree % 2 === 1))
            return new Complex(Math.sign(this.re) * Math.pow(Math.abs(this.re), 1 / degree), 0);
        return this.power(new Complex(1 / degree, 0));
    }
}
