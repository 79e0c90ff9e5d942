import {Rational} from "./Rational.js";

const kanjiDigits: Readonly<Record<string, string>> = {
    "〇": "0", "零": "0", "一": "1", "壱": "1", "二": "2", "弐": "2", "三": "3", "参": "3",
    "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"
};
const smallUnits: Readonly<Record<string, bigint>> = {"十": 10n, "百": 100n, "千": 1000n};
const largeUnits: Readonly<Record<string, bigint>> = {"万": 10n ** 4n, "億": 10n ** 8n, "兆": 10n ** 12n};

const numeralPattern = /^[\d.〇零一壱二弐三参四五六七八九十百千万億兆]+$/;

/**
 * Reads a number written with kanji numerals, units, or a mix of both:
 * `三千二百五十`, `二〇二四`, `1万2000`, `2.5万`, `8万`, `1億2345万6789`.
 * Returns undefined when the text is not such a number.
 */
export function parseJapaneseNumber(text: string): Rational | undefined {
    if (!numeralPattern.test(text))
        return undefined;

    const withArabicDigits = text.replace(/[〇零一壱二弐三参四五六七八九]/g, (digit) => kanjiDigits[digit] ?? digit);
    const tokens = withArabicDigits.match(/\d+(?:\.\d+)?|\.\d+|[十百千万億兆]|\./g) ?? [];

    let total = Rational.of(0n);
    let section = Rational.of(0n);
    let pending: Rational | undefined;
    let sawUnit = false;

    for (const token of tokens) {
        const small = smallUnits[token];
        const large = largeUnits[token];

        if (small != null) {
            section = section.add((pending ?? Rational.of(1n)).multiply(Rational.of(small)));
            pending = undefined;
            sawUnit = true;
        } else if (large != null) {
            const multiplicand = section.add(pending ?? (section.isZero() ? Rational.of(1n) : Rational.of(0n)));
            total = total.add(multiplicand.multiply(Rational.of(large)));
            section = Rational.of(0n);
            pending = undefined;
            sawUnit = true;
        } else {
            if (pending != null)
                return undefined; // two bare numbers in a row, e.g. "1.2.3"

            pending = Rational.parseDecimal(token);
            if (pending == null)
                return undefined;
        }
    }

    if (!sawUnit && pending == null)
        return undefined;

    return total.add(section).add(pending ?? Rational.of(0n));
}
