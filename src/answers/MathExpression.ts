import {Rational} from "./Rational.js";

export type FunctionName = "sin" | "cos" | "tan" | "log" | "exp";

/** A parsed formula: LaTeX or plain notation, as final answers are written. Never evaluated as code. */
export type MathExpression =
    | {readonly kind: "number", readonly value: Rational}
    | {readonly kind: "constant", readonly name: "pi" | "e" | "i" | "infinity"}
    | {readonly kind: "variable", readonly name: string}
    | {readonly kind: "binary", readonly operator: "+" | "-" | "*" | "/" | "^", readonly left: MathExpression, readonly right: MathExpression}
    | {readonly kind: "negate", readonly operand: MathExpression}
    /** `log` without a base is the natural logarithm, as in 数III (the common logarithm is written log₁₀). */
    | {readonly kind: "function", readonly name: FunctionName, readonly argument: MathExpression, readonly base?: MathExpression}
    | {readonly kind: "root", readonly degree: number, readonly radicand: MathExpression};

/** Answers longer than this are compared as text: they are not final answers, and parsing must stay cheap. */
const maxLength = 400;
const maxTokens = 200;
const maxNesting = 32;

/**
 * Parses `\frac{a}{b}`, `\sqrt[n]{x}`, `x^{2}`, `x_1`, `2x` (implicit multiplication), `\cdot`, `\times`,
 * `\div`, `\pi`, `e`, `i`, `\infty`, `1.2e3`, and sin cos tan log ln exp (`\sin^2 x`, `\log_2 8`, `\sin 2x`).
 * Returns undefined for anything else, including words: a run of three or more letters that is not a
 * function name ("yes", "abc") is not a product of variables.
 */
export function parseMathExpression(text: string): MathExpression | undefined {
    if (text.length > maxLength)
        return undefined;
    const tokens = tokenize(text);
    if (tokens == null || tokens.length === 0 || tokens.length > maxTokens)
        return undefined;

    const parser = new ExpressionParser(tokens);
    try {
        const expression = parser.parseExpression();
        return parser.atEnd() ? expression : undefined;
    } catch (error) {
        if (error instanceof NotAnExpression)
            return undefined;
        throw error;
    }
}

/** The variables an expression uses, sorted. */
export function variablesOf(expression: MathExpression): string[] {
    const names = new Set<string>();
    const visit = (node: MathExpression): void => {
        switch (node.kind) {
            case "variable": names.add(node.name); break;
            case "binary": visit(node.left); visit(node.right); break;
            case "negate": visit(node.operand); break;
            case "function": visit(node.argument); if (node.base != null) visit(node.base); break;
            case "root": visit(node.radicand); break;
            case "number": case "constant": break;
        }
    };
    visit(expression);
    return [...names].sort();
}

class NotAnExpression extends Error {}

type Token = string;

const functionTokens: Readonly<Record<string, FunctionName>> = {
    "\\sin": "sin", "\\cos": "cos", "\\tan": "tan", "\\log": "log", "\\ln": "log", "\\exp": "exp",
    "sin": "sin", "cos": "cos", "tan": "tan", "log": "log", "ln": "log", "exp": "exp"
};
const plainWords = ["sqrt", "sin", "cos", "tan", "log", "exp", "ln", "pi"];
const greekLetters = new Set(["alpha", "beta", "gamma", "delta", "theta", "lambda", "mu", "sigma", "phi", "omega", "varphi", "vartheta"]);
const operatorCommands = new Set(["\\cdot", "\\times", "\\div", "\\frac", "\\sqrt", "\\pi", "\\infty", ...Object.keys(functionTokens).filter((name) => name.startsWith("\\"))]);

function tokenize(text: string): Token[] | undefined {
    const tokens: Token[] = [];
    const pattern = /\s+|(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+)|\\([a-zA-Z]+)|([a-zA-Z]+)|([+\-*/^_(){}[\]√π∞·×÷])|(.)/gy;
    for (let match = pattern.exec(text); match != null && match[0] !== ""; match = pattern.exec(text)) {
        const [, number, command, letters, symbol, other] = match;
        if (other != null)
            return undefined;
        if (number != null || symbol != null)
            tokens.push(number ?? symbol ?? "");
        else if (command != null) {
            if (greekLetters.has(command))
                tokens.push(`var:${command}`);
            else if (operatorCommands.has(`\\${command}`))
                tokens.push(`\\${command}`);
            else
                return undefined;
        } else if (letters != null) {
            const split = splitLetters(letters);
            if (split == null)
                return undefined;
            tokens.push(...split);
        }
    }
    return tokens;
}

/** `sinx` → sin, x; `ab` → a, b; `yes` → undefined (a word, not three variables). */
function splitLetters(run: string): Token[] | undefined {
    const tokens: Token[] = [];
    let singles = 0;
    for (let index = 0; index < run.length;) {
        const word = plainWords.find((candidate) => run.startsWith(candidate, index));
        if (word != null) {
            tokens.push(word === "sqrt" ? "\\sqrt" : word === "pi" ? "\\pi" : word);
            index += word.length;
            singles = 0;
        } else {
            const letter = run[index] ?? "";
            tokens.push(letter === "e" || letter === "i" ? letter : `var:${letter}`);
            index++;
            if (++singles >= 3)
                return undefined;
        }
    }
    return tokens;
}

/** Tokens that can start a factor written right after another one (2x, 3\sqrt{2}, (x+1)(x-1)). */
function startsFactor(token: Token): boolean {
    return isNumber(token) || token.startsWith("var:") || token === "(" || token === "{" || token === "√" || token === "π"
        || token === "∞" || token === "e" || token === "i" || token === "\\frac" || token === "\\sqrt" || token === "\\pi"
        || token === "\\infty" || functionTokens[token] != null;
}

class ExpressionParser {
    private position = 0;
    private depth = 0;

    public constructor(private readonly tokens: readonly Token[]) {}

    public atEnd(): boolean {
        return this.position >= this.tokens.length;
    }

    public parseExpression(): MathExpression {
        if (++this.depth > maxNesting)
            throw new NotAnExpression();
        let expression = this.parseTerm();
        for (let token = this.peek(); token === "+" || token === "-"; token = this.peek()) {
            this.position++;
            expression = {kind: "binary", operator: token, left: expression, right: this.parseTerm()};
        }
        this.depth--;
        return expression;
    }

    private parseTerm(): MathExpression {
        let expression = this.parseSigned();
        for (;;) {
            const token = this.peek();
            if (token === "*" || token === "\\cdot" || token === "\\times" || token === "·" || token === "×") {
                this.position++;
                expression = {kind: "binary", operator: "*", left: expression, right: this.parseSigned()};
            } else if (token === "/" || token === "\\div" || token === "÷") {
                this.position++;
                expression = {kind: "binary", operator: "/", left: expression, right: this.parseSigned()};
            } else if (token != null && startsFactor(token))
                expression = {kind: "binary", operator: "*", left: expression, right: this.parsePower()};
            else
                return expression;
        }
    }

    private parseSigned(): MathExpression {
        const token = this.peek();
        if (token === "-" || token === "+") {
            this.position++;
            const operand = this.parseSigned();
            return token === "-" ? {kind: "negate", operand} : operand;
        }
        return this.parsePower();
    }

    private parsePower(): MathExpression {
        const base = this.parseAtom();
        if (this.peek() !== "^")
            return base;
        this.position++;
        return {kind: "binary", operator: "^", left: base, right: this.parseExponent()};
    }

    private parseExponent(): MathExpression {
        if (this.peek() === "-" || this.peek() === "+") {
            const sign = this.next();
            const operand = this.parseAtom();
            return sign === "-" ? {kind: "negate", operand} : operand;
        }
        return this.parseAtom();
    }

    private parseAtom(): MathExpression {
        const token = this.next();
        if (isNumber(token))
            return {kind: "number", value: parseNumberToken(token)};
        if (token.startsWith("var:"))
            return this.parseVariable(token.slice(4));

        const functionName = functionTokens[token];
        if (functionName != null)
            return this.parseFunction(functionName);

        switch (token) {
            case "(": return this.parseGroupClosedBy(")");
            case "{": return this.parseGroupClosedBy("}");
            case "\\pi": case "π": return {kind: "constant", name: "pi"};
            case "\\infty": case "∞": return {kind: "constant", name: "infinity"};
            case "e": return {kind: "constant", name: "e"};
            case "i": return {kind: "constant", name: "i"};
            case "\\frac": {
                const numerator = this.parseAtom();
                return {kind: "binary", operator: "/", left: numerator, right: this.parseAtom()};
            }
            case "√": return {kind: "root", degree: 2, radicand: this.parsePower()};
            case "\\sqrt": {
                let degree = 2;
                if (this.peek() === "[") {
                    this.position++;
                    const written = this.next();
                    degree = Number(written);
                    if (!/^\d+$/.test(written) || degree < 2 || degree > 64 || this.next() !== "]")
                        throw new NotAnExpression();
                }
                return {kind: "root", degree, radicand: this.parseAtom()};
            }
            default:
                throw new NotAnExpression();
        }
    }

    /** `x`, `x_1`, `a_{n}`. */
    private parseVariable(name: string): MathExpression {
        if (this.peek() !== "_")
            return {kind: "variable", name};
        this.position++;
        const subscript = this.next() === "{" ? this.readUntil("}") : this.tokens[this.position - 1] ?? "";
        return {kind: "variable", name: `${name}_${subscript}`};
    }

    private readUntil(closing: Token): string {
        const parts: string[] = [];
        for (let token = this.next(); token !== closing; token = this.next())
            parts.push(token.replace(/^var:/, ""));
        return parts.join("");
    }

    /** `\sin x`, `\sin(x)`, `\sin^2 x` (= (sin x)²), `\sin 2x` (= sin(2x)), `\log_2 8`. */
    private parseFunction(name: FunctionName): MathExpression {
        let power: MathExpression | undefined;
        let base: MathExpression | undefined;
        for (let token = this.peek(); token === "^" || token === "_"; token = this.peek()) {
            this.position++;
            if (token === "^")
                power = this.parseExponent();
            else if (name === "log")
                base = this.parseAtom();
            else
                throw new NotAnExpression();
        }

        let argument: MathExpression;
        if (this.peek() === "(")
            argument = this.parseAtom();
        else {
            // The argument runs over a product of factors up to the next function: \sin x\cos x is sin(x)·cos(x).
            argument = this.parsePower();
            for (let token = this.peek(); token != null && startsFactor(token) && functionTokens[token] == null; token = this.peek())
                argument = {kind: "binary", operator: "*", left: argument, right: this.parsePower()};
        }

        const applied: MathExpression = {kind: "function", name, argument, ...(base != null ? {base} : {})};
        return power != null ? {kind: "binary", operator: "^", left: applied, right: power} : applied;
    }

    private parseGroupClosedBy(closing: string): MathExpression {
        const expression = this.parseExpression();
        if (this.next() !== closing)
            throw new NotAnExpression();
        return expression;
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

/** `12`, `3.50`, `1.2e3` exactly. */
function parseNumberToken(token: Token): Rational {
    const [mantissa = "", exponentText] = token.toLowerCase().split("e");
    const value = Rational.parseDecimal(mantissa);
    const exponent = exponentText != null ? Number(exponentText) : 0;
    if (value == null || Math.abs(exponent) > 308)
        throw new NotAnExpression();
    const scale = Rational.of(10n ** BigInt(Math.abs(exponent)));
    return exponent >= 0 ? value.multiply(scale) : value.divide(scale);
}
