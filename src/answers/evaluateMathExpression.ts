import {NumericValue} from "./NumericValue.js";
import {Rational} from "./Rational.js";

/**
 * Evaluates a small arithmetic expression in LaTeX or plain notation, as final answers are written:
 * `\frac{3}{4}`, `-\frac{1}{2}`, `2\sqrt{3}`, `\frac{\sqrt{2}}{2}`, `3\pi`, `2^{10}`, `(1+2)/3`.
 * Implicit multiplication is supported. Returns undefined for anything else (variables, words, errors).
 */
export function evaluateMathExpression(text: string): NumericValue | undefined {
    const parser = new ExpressionParser(tokenize(text));
    try {
        const value = parser.parseExpression();
        return parser.atEnd() ? value : undefined;
    } catch (error) {
        if (error instanceof NotAnExpression)
            return undefined;

        throw error;
    }
}

class NotAnExpression extends Error {}

type Token = string;

function tokenize(text: string): Token[] {
    const tokens: Token[] = [];
    const pattern = /\s+|(\d+(?:\.\d+)?|\.\d+)|(\\[a-zA-Z]+)|([+\-*/^(){}[\]√π])|(.)/gy;
    for (let match = pattern.exec(text); match != null; match = pattern.exec(text)) {
        const [whole, number, command, symbol, other] = match;
        if (other != null)
            return ["\u0000"]; // an unknown character makes the whole text a non-expression
        const token = number ?? command ?? symbol;
        if (token != null)
            tokens.push(token);
        else if (whole.length === 0)
            break;
    }
    return tokens;
}

const implicitFactorStarts = new Set(["(", "{", "\\frac", "\\sqrt", "√", "\\pi", "π"]);

class ExpressionParser {
    private position = 0;

    public constructor(private readonly tokens: readonly Token[]) {}

    public atEnd(): boolean {
        return this.position >= this.tokens.length;
    }

    public parseExpression(): NumericValue {
        let value = this.parseTerm();
        for (let token = this.peek(); token === "+" || token === "-"; token = this.peek()) {
            this.position++;
            const right = this.parseTerm();
            value = token === "+" ? value.add(right) : value.subtract(right);
        }
        return value;
    }

    private parseTerm(): NumericValue {
        let value = this.parseSigned();
        for (;;) {
            const token = this.peek();
            if (token === "*" || token === "\\cdot" || token === "\\times") {
                this.position++;
                value = value.multiply(this.parseSigned());
            } else if (token === "/" || token === "\\div") {
                this.position++;
                value = required(value.divide(this.parseSigned()));
            } else if (token != null && (implicitFactorStarts.has(token) || isNumber(token))) {
                value = value.multiply(this.parsePower());
            } else
                return value;
        }
    }

    private parseSigned(): NumericValue {
        const token = this.peek();
        if (token === "-" || token === "+") {
            this.position++;
            const operand = this.parseSigned();
            return token === "-" ? operand.negate() : operand;
        }
        return this.parsePower();
    }

    private parsePower(): NumericValue {
        const base = this.parseAtom();
        if (this.peek() !== "^")
            return base;

        this.position++;
        const exponent = this.peek() === "-" ? (this.position++, this.parseAtom().negate()) : this.parseAtom();
        return required(base.power(exponent));
    }

    private parseAtom(): NumericValue {
        const token = this.next();
        if (isNumber(token))
            return NumericValue.exactly(required(Rational.parseDecimal(token)));

        switch (token) {
            case "(": return this.parseGroupClosedBy(")");
            case "{": return this.parseGroupClosedBy("}");
            case "\\pi":
            case "π":
                return NumericValue.approximately(Math.PI);
            case "\\frac": {
                const numerator = this.parseAtom();
                const denominator = this.parseAtom();
                return required(numerator.divide(denominator));
            }
            case "\\sqrt": {
                let degree = 2;
                if (this.peek() === "[") {
                    this.position++;
                    const degreeValue = this.parseGroupClosedBy("]");
                    degree = Number(degreeValue.exact?.denominator === 1n ? degreeValue.exact.numerator : NaN);
                    if (!Number.isInteger(degree) || degree < 2 || degree > 64)
                        throw new NotAnExpression();
                }
                return required(this.parseAtom().root(degree));
            }
            case "√":
                return required(this.parsePower().root(2));
            default:
                throw new NotAnExpression();
        }
    }

    private parseGroupClosedBy(closing: string): NumericValue {
        const value = this.parseExpression();
        if (this.next() !== closing)
            throw new NotAnExpression();
        return value;
    }

    private peek(): Token | undefined {
        return this.tokens[this.position];
    }

    private next(): Token {
        const token = this.tokens[this.position++];
        if (token == null)
            throw new NotAnExpression();
        return token;
    }
}

function isNumber(token: Token): boolean {
    return /^(\d|\.\d)/.test(token);
}

function required<T>(value: T | undefined): T {
    if (value == null)
        throw new NotAnExpression();
    return value;
}
