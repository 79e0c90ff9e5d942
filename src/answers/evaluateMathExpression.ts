import {parseMathExpression, type MathExpression} from "./MathExpression.js";
import {NumericValue} from "./NumericValue.js";

/**
 * The real value of a formula without variables, exact where arithmetic allows: `\frac{3}{4}`,
 * `2\sqrt{3}`, `\frac{\sqrt{2}}{2}`, `3\pi`, `2^{10}`, `(1+2)/3`, `1.2\times10^{3}`, `\log_2 8`, `\infty`.
 * Undefined for anything else (variables, words, `i`, a value that is not real, errors).
 */
export function evaluateMathExpression(text: string): NumericValue | undefined {
    const expression = parseMathExpression(text);
    return expression != null ? evaluateReal(expression) : undefined;
}

export function evaluateReal(expression: MathExpression): NumericValue | undefined {
    switch (expression.kind) {
        case "number":
            return NumericValue.exactly(expression.value);
        case "constant":
            return expression.name === "pi" ? NumericValue.approximately(Math.PI)
                : expression.name === "e" ? NumericValue.approximately(Math.E)
                    : expression.name === "infinity" ? NumericValue.approximately(Infinity)
                        : undefined;
        case "variable":
            return undefined;
        case "negate":
            return evaluateReal(expression.operand)?.negate();
        case "root":
            return evaluateReal(expression.radicand)?.root(expression.degree);
        case "binary": {
            const left = evaluateReal(expression.left);
            const right = evaluateReal(expression.right);
            if (left == null || right == null)
                return undefined;
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
            const argument = evaluateReal(expression.argument)?.approx;
            const base = expression.base != null ? evaluateReal(expression.base)?.approx : Math.E;
            if (argument == null || base == null)
                return undefined;
            const value = expression.name === "sin" ? Math.sin(argument)
                : expression.name === "cos" ? Math.cos(argument)
                    : expression.name === "tan" ? Math.tan(argument)
                        : expression.name === "exp" ? Math.exp(argument)
                            : Math.log(argument) / Math.log(base);
            return Number.isFinite(value) ? NumericValue.approximately(value) : undefined;
        }
    }
}
