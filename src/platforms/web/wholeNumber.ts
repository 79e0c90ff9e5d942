/**
 * A whole number from a URL (query parameter, path segment) in [0, max], or undefined for anything else:
 * "1e309", "0x10", "-1", " 7" and numbers beyond `max` are refused, so no Infinity or float reaches SQL.
 */
export function wholeNumber(text: string | undefined, max: number): number | undefined {
    if (text == null || !/^\d{1,15}$/.test(text)) return undefined;
    const value = Number(text);
    return value <= max ? value : undefined;
}

/** The largest id or offset a URL may carry (SQLite rowids fit far beyond, but nothing real gets here). */
export const maxUrlNumber = 1_000_000_000;
