import {z} from "zod";

/**
 * A numeric setting parsed strictly: a JSON number, or a decimal numeral (surrounding spaces trimmed) from
 * the environment or a flag. JavaScript's own coercion would take `0x10` as 16, `1e3` as 1000, `" "` and
 * `true` as numbers, so a typo became a silently different value; here each is an error naming the range.
 */
export function strictNumber({min, max, integer = true, exclusiveMin = false}: {
    readonly min: number,
    readonly max: number,
    /** Whole numbers only (default); otherwise decimals such as 2.5 are accepted too. */
    readonly integer?: boolean,
    /** The value must be above `min`, not equal to it (for durations, where 0 makes no sense). */
    readonly exclusiveMin?: boolean
}) {
    const numeral = integer ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/;
    const range = `${integer ? "a whole number" : "a number"} ${exclusiveMin ? `above ${min}` : `from ${min}`} to ${max}`;
    return z.unknown().transform((value, context): number => {
        const text = typeof value === "string" ? value.trim() : undefined;
        const number = typeof value === "number" ? value : text != null && numeral.test(text) ? Number(text) : Number.NaN;
        const fits = Number.isFinite(number) && (!integer || Number.isInteger(number))
            && (exclusiveMin ? number > min : number >= min) && number <= max;
        if (!fits) {
            context.addIssue({code: "custom", message: `must be ${range}`});
            return z.NEVER;
        }
        return number;
    });
}
