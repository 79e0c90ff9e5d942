import {evaluateMathExpression, evaluateReal} from "./evaluateMathExpression.js";
import {parseJapaneseNumber} from "./japaneseNumerals.js";
import {parseMathExpression, variablesOf, type MathExpression} from "./MathExpression.js";
import {parseMathRelation, type MathRelation} from "./MathRelation.js";
import {NumericValue} from "./NumericValue.js";
import {Rational} from "./Rational.js";

export type AnswerValue =
    | {
        readonly kind: "number",
        readonly value: NumericValue,
        /** Digits after the decimal point as written (`0.33` → 2), when written as a decimal. */
        readonly decimalPlaces?: number,
        readonly percent: boolean
    }
    | {readonly kind: "list", readonly items: readonly AnswerValue[], readonly ordered: boolean}
    /** `(3, \infty)`, `[1, 2)`: two real endpoints in brackets. `(1, 2)` is also read as an ordered pair. */
    | {readonly kind: "interval", readonly lower: NumericValue, readonly upper: NumericValue, readonly lowerClosed: boolean, readonly upperClosed: boolean}
    /** `3:2`: equal to `6:4` (terms proportional). */
    | {readonly kind: "ratio", readonly terms: readonly NumericValue[]}
    /** A formula with variables or a non-real value: `(x+2)(x+3)`, `\sin^2 x`, `2i`. */
    | {readonly kind: "expression", readonly expression: MathExpression, readonly text: string}
    /** An equation or inequality; `assigned` is the right side of `y = 2x + 1`, which also answers as `2x + 1`. */
    | {readonly kind: "relation", readonly relation: MathRelation, readonly assigned?: AnswerValue, readonly text: string}
    | {readonly kind: "text", readonly text: string};

export type NormalizedAnswer = {
    /** The answer as written, cleaned of LaTeX wrappers, prefixes and units. */
    readonly cleaned: string,
    readonly value: AnswerValue,
    /** A stable key for display and tallies: equal keys mean equal answers (the converse needs `answersEqual`). */
    readonly canonical: string
};

/** Normalises a final answer as a model or a person wrote it. Only answers: never question text. */
export function normalizeAnswer(raw: string): NormalizedAnswer {
    if (raw.length > maxRawLength) {
        const text = compactText(raw);
        return {cleaned: raw.trim(), value: {kind: "text", text}, canonical: text};
    }
    const cleaned = cleanAnswerText(raw);
    const value = parseAnswerValue(cleaned);
    return {cleaned, value, canonical: canonicalKey(value)};
}

/** Longer answers are not even cleaned (a pasted solution): the cleaning regexes stay linear on short text. */
const maxRawLength = 2000;
/** Answers longer than this are not parsed (a whole solution pasted as an answer): they compare as text. */
const maxParsedLength = 400;

const latexTextWrappers = /\\(?:text|textrm|textbf|textit|mathrm|mathbf|mathit|mbox|operatorname)\s*\{([^{}]*)\}/g;
const latexSpacing = /\\[,;:! ]|\\q?quad|~/g;

const leadingPhrases = [
    /^(?:最終的な)?答え?\s*(?:は|[:：=])\s*/, /^(?:the\s+)?(?:final\s+)?answer\s*(?:is|[:：=])\s*/i,
    /^(?:約|およそ|ほぼ|about|approximately|approx\.?|≈)\s*/i,
    /^(?:時速|分速|秒速)\s*/
];
const trailingPhrases = /\s*(?:です|である|となります|になります|となる|になる|ですね|だよ)?\s*[。.!！]*$/;

/** Units and counters that follow a number in answers (8万ドル, 12個, 15cm, 60km/時, 3つ, 5試合). */
const trailingUnit = new RegExp(
    "\\s*(?:" + [
        "平方(?:キロ|センチ|ミリ)?メートル", "立方(?:センチ)?メートル", "(?:キロ|センチ|ミリ)?メートル", "(?:キロ)?グラム",
        "リットル", "ミリリットル", "デシリットル", "ページ", "ドル", "セント", "ユーロ", "ポンド", "ペンス", "マイル",
        "フィート", "インチ", "ヤード", "オンス", "時間", "分間", "秒間", "日間", "週間", "か月", "ヶ月", "カ月", "ケ月",
        "年間", "人分", "個分", "杯分", "通り", "種類", "回目", "番目", "倍", "試合", "往復", "人前", "切れ", "ゲーム",
        "[円個台人本枚匹羽歳分秒日週月年回点冊杯頭着足組箱袋粒軒階問曲脚隻件票敗勝名社校語文字度周つ缶皿束部品色食泊歩位]",
        // Single-letter Latin units are only the common ones (m, g, L): `2a` and `3x` are formulas.
        "(?:km|cm|mm|m|kg|mg|g|ml|mL|dl|dL|L)(?:\\^?\\{?[23]\\}?|[²³])?(?:/(?:h|s|min|時|分|秒))?",
        "(?:dollars?|cents?|euros?|pounds?|miles?|hours?|minutes?|seconds?|days?|weeks?|months?|years?|people|"
        + "persons?|pieces?|items?|points?|meters?|metres?|inches|feet|times|units?|degrees?)"
    ].join("|") + ")$"
);
/**
 * After a number (digits, kanji numerals or a `\frac{}{}`), any English word of two letters or more
 * ("20 cups") or katakana word ("3カップ", "六カップ", "\frac{5}{6}カップ") is a unit.
 */
const trailingWordUnit = /(?<=[\d}〇一二三四五六七八九十百千万億兆])(?:\s+[a-zA-Z]{2,}|\s*[ァ-ヶー]+)$/;
const percentSuffix = /\s*(?:%|パーセント|percent)$/i;
const superscripts: Readonly<Record<string, string>> = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-"};

function cleanAnswerText(raw: string): string {
    // Superscripts first: NFKC would turn 10³ into the digits 103.
    let text = raw.replace(/[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+/g, (digits) => `^{${[...digits].map((digit) => superscripts[digit] ?? "").join("")}}`);
    // NFKC writes ½ as 1⁄2 (a fraction slash).
    text = text.normalize("NFKC").replace(/[\u2212\u2012\u2013\u2014\uFF0D]/g, "-").replace(/\u2044/g, "/").trim();
    // One space for every run: the trailing-phrase and unit patterns (\s*…\s*…$) backtrack cubically on long runs.
    text = text.replace(/\s+/g, " ");

    text = text.replace(/^\$+|\$+$/g, "").replace(/^\\\(|\\\)$/g, "").replace(/^\\\[|\\\]$/g, "");
    text = text.replace(/\*\*/g, "").trim();
    const boxed = /^\\(?:boxed|fbox)\s*\{(.*)\}$/s.exec(text)?.[1];
    if (boxed != null && isBalanced(boxed))
        text = boxed.trim();
    for (let previous = ""; previous !== text;) {
        previous = text;
        text = text.replace(latexTextWrappers, "$1");
    }
    text = text
        .replace(/\\[dt]frac/g, "\\frac")
        .replace(/\\frac\s*(\d)\s*(\d)/g, "\\frac{$1}{$2}") // \frac12 is 1/2
        .replace(/\\left|\\right/g, "")
        .replace(latexSpacing, " ")
        .replace(/\\%/g, "%")
        .replace(/\\\$/g, "$")
        .replace(/\^\s*\{?\s*\\circ\s*\}?|°/g, "")
        .replace(/\\(?:displaystyle|textstyle)/g, "")
        .replace(/^マイナス\s*/, "-")
        .trim();

    for (const phrase of leadingPhrases)
        text = text.replace(phrase, "");
    text = text.replace(trailingPhrases, "").trim();
    text = text.replace(/^[$¥€£]\s*/, "").replace(/\s*(?:[$¥€£])$/, "").trim();
    return text;
}

function parseAnswerValue(text: string): AnswerValue {
    if (text.length > maxParsedLength)
        return {kind: "text", text: compactText(text)};

    // 1 ± √2 is the pair of solutions 1 + √2 and 1 - √2.
    if (/\\pm|\\mp|±|∓/.test(text)) {
        const items = [text.replace(/\\pm|±/g, "+").replace(/\\mp|∓/g, "-"), text.replace(/\\pm|±/g, "-").replace(/\\mp|∓/g, "+")];
        return {kind: "list", ordered: false, items: items.map((item) => parseAnswerValue(stripVariableAssignment(item)))};
    }

    const interval = parseInterval(text.replace(/^[a-zA-Z]\s*(?:\\in|∈)\s*/, "")); // x \in [1, 2)
    if (interval != null)
        return interval;
    const list = splitList(text);
    if (list != null)
        return {kind: "list", ordered: list.ordered, items: list.items.map((item) => parseAnswerValue(item.trim()))};
    const ratio = parseRatio(text);
    if (ratio != null)
        return ratio;

    // x = 7, a_1 = 3, f(x) = 2x + 1: the right side is the answer, also on its own.
    const assignment = /^([a-zA-Z](?:_\{?\d+\}?)?(?:\([a-zA-Z]\))?)\s*=\s*([^=<>≤≥≠≦≧]+)$/.exec(text);
    const assigned = assignment != null ? parseAnswerValue(assignment[2] ?? "") : undefined;
    if (assigned != null && assigned.kind !== "expression")
        return assigned; // x = 7 answers 7
    const relation = /[=<>≤≥≠≦≧]|\\(?:le|ge|ne|lt|gt)/.test(text) ? parseMathRelation(text) : undefined;
    if (relation != null)
        return {kind: "relation", relation, ...(assigned != null ? {assigned} : {}), text: compactText(text)};

    const percent = percentSuffix.test(text);
    const withoutPercent = text.replace(percentSuffix, "");
    const numberText = percent ? withoutPercent : stripUnits(withoutPercent);

    const number = parseNumber(numberText);
    if (number != null)
        return {kind: "number", percent, ...number};

    const expression = percent ? undefined : parseMathExpression(text);
    if (expression != null && (variablesOf(expression).length > 0 || evaluateReal(expression) == null))
        return {kind: "expression", expression, text: compactText(text)};

    return {kind: "text", text: compactText(text)};
}

function compactText(text: string): string {
    return text.replace(/\s+/g, "").toLowerCase();
}

const thousandsGrouped = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;

function stripUnits(text: string): string {
    for (let previous = ""; previous !== text;) {
        previous = text;
        const stripped = text.replace(trailingUnit, "").replace(trailingWordUnit, "").trim();
        if (stripped === "" || !/[\d〇零一二三四五六七八九十百千万億兆π}∞]$/.test(stripped))
            break; // keep words that are the whole answer (e.g. "3点" must not lose the digit side)
        text = stripped;
    }
    return text;
}

/**
 * Mixed numbers (帯分数): `4 1/3` and `4と1/3` (a space or と is needed: `13/3` is thirteen thirds),
 * `4\frac{1}{3}` when the fraction is proper (`2\frac{4}{3}` is a product), `1と3分の1`.
 */
const mixedWithSlash = /^([+-]?)\s*(\d+)(?:\s*と\s*|\s+)(\d+)\s*\/\s*(\d+)$/;
const mixedWithFrac = /^([+-]?)\s*(\d+)\s*(?:と\s*)?\\frac\s*\{\s*(\d+)\s*\}\s*\{\s*(\d+)\s*\}$/;
const mixedJapanese = /^([+-]?)([^と]+)と([^と]+分の[^と]+)$/;

function parseNumber(text: string): {value: NumericValue, decimalPlaces?: number} | undefined {
    const compact = text.replace(/\s+/g, "");
    if (compact === "")
        return undefined;

    // Thousands separators: only a correctly grouped number, so "1,2" stays a list.
    const grouped = thousandsGrouped.test(compact) ? compact.replace(/,/g, "") : compact;

    const decimal = Rational.parseDecimal(grouped);
    if (decimal != null) {
        const places = /\.(\d+)$/.exec(grouped)?.[1]?.length;
        return {value: NumericValue.exactly(decimal), ...(places != null ? {decimalPlaces: places} : {})};
    }

    const mixed = mixedWithSlash.exec(text.trim()) ?? mixedWithFrac.exec(text.trim());
    const [, sign, whole, numerator, denominator] = mixed ?? [];
    if (whole != null && numerator != null && denominator != null && BigInt(numerator) < BigInt(denominator)) {
        const value = Rational.of(BigInt(whole)).add(Rational.of(BigInt(numerator), BigInt(denominator)));
        return {value: NumericValue.exactly(sign === "-" ? value.negate() : value)};
    }

    const japaneseMixed = mixedJapanese.exec(compact);
    if (japaneseMixed != null) {
        const wholePart = parseNumber(japaneseMixed[2] ?? "");
        const fraction = parseNumber(japaneseMixed[3] ?? "");
        if (wholePart == null || fraction == null)
            return undefined;
        const value = wholePart.value.add(fraction.value);
        return {value: japaneseMixed[1] === "-" ? value.negate() : value};
    }

    // 3分の1 is one third, 3分の-1 and -3分の1 minus one third.
    const japaneseFraction = /^(.+)分の(.+)$/.exec(compact);
    if (japaneseFraction != null) {
        const denominatorValue = parseNumber(japaneseFraction[1] ?? "");
        const numeratorValue = parseNumber(japaneseFraction[2] ?? "");
        const value = numeratorValue != null && denominatorValue != null ? numeratorValue.value.divide(denominatorValue.value) : undefined;
        return value != null ? {value} : undefined;
    }

    const japanese = parseJapaneseNumber(compact.replace(/^[+-]/, ""));
    if (japanese != null)
        return {value: compact.startsWith("-") ? NumericValue.exactly(japanese).negate() : NumericValue.exactly(japanese)};

    // Spaces group digits (1 000) but also end a function's argument (\log_2 8).
    const evaluated = evaluateMathExpression(/[a-zA-Z\\]/.test(text) ? text : compact);
    return evaluated != null ? {value: evaluated} : undefined;
}

/** `(3, \infty)`, `[1, 2)`, `(-\infty, 0]`, `(1, 2)`: both endpoints real numbers. */
function parseInterval(text: string): AnswerValue | undefined {
    const match = /^([([])(.*)([)\]])$/.exec(text);
    if (match == null || !isBalanced(match[2] ?? ""))
        return undefined;
    const endpoints = splitTopLevel(match[2] ?? "", /,|、|;/).map((item) => parseNumber(item));
    const [lower, upper] = endpoints;
    if (endpoints.length !== 2 || lower == null || upper == null)
        return undefined;
    return {kind: "interval", lower: lower.value, upper: upper.value, lowerClosed: match[1] === "[", upperClosed: match[3] === "]"};
}

/** `3:2`, `1:2:3`: every term a number. */
function parseRatio(text: string): AnswerValue | undefined {
    if (!text.includes(":"))
        return undefined;
    const terms = text.split(":").map((term) => parseNumber(stripUnits(term.trim()))?.value);
    return terms.length >= 2 && terms.every((term) => term != null)
        ? {kind: "ratio", terms: terms.filter((term) => term != null)}
        : undefined;
}

const listOpeners: Readonly<Record<string, {close: string, ordered: boolean}>> = {
    "(": {close: ")", ordered: true},
    "[": {close: "]", ordered: true},
    "\\{": {close: "\\}", ordered: false},
    "{": {close: "}", ordered: false}
};

/**
 * Splits `(1, 2, 3)`, `\{1, 2\}`, `1, 2`, `2と3`, `x=1 または x=2`, `(-\infty, 1) \cup (2, \infty)` into
 * items; undefined for a single answer. Assignments to different variables (`x=1, y=2`) are ordered by
 * variable, like the pair (1, 2).
 */
function splitList(text: string): {items: string[], ordered: boolean} | undefined {
    for (const [open, {close, ordered}] of Object.entries(listOpeners)) {
        if (text.startsWith(open) && text.endsWith(close)) {
            const inner = text.slice(open.length, text.length - close.length);
            const items = splitTopLevel(inner, /,|、|;/);
            // \{5\} is the one-element set; (5) and {5} are only brackets.
            if ((items.length > 1 || open === "\\{") && isBalanced(inner))
                return listOf(items, ordered);
        }
    }

    if (thousandsGrouped.test(stripUnits(text).replace(/\s+/g, "")))
        return undefined; // a number with thousands separators (and perhaps a unit), not a list

    // と joins two answers, but not in a mixed number (2と1/2, 1と3分の1).
    const items = splitTopLevel(text, /,|、|;|と(?!\s*\d+\s*\/|\s*\\frac|[^と,、]*分の)|および|及び|または|又は|\bor\b|\band\b|\\cup|∪/);
    // Bare lists must be lists of numbers, so a word that happens to contain と is not split.
    return items.length > 1 && items.every((item) => /[\d〇一二三四五六七八九十百千万]/.test(item))
        ? listOf(items, false)
        : undefined;
}

function listOf(items: string[], ordered: boolean): {items: string[], ordered: boolean} {
    const variables = items.map((item) => /^([a-zA-Z](?:_\{?\d+\}?)?)\s*=/.exec(item.trim())?.[1]);
    const distinct = new Set(variables);
    if (variables.every((variable) => variable != null) && distinct.size === items.length && distinct.size > 1) {
        const byVariable = items.map((item, index) => ({item, variable: variables[index] ?? ""}))
            .sort((a, b) => a.variable.localeCompare(b.variable));
        return {items: byVariable.map(({item}) => stripVariableAssignment(item)), ordered: true};
    }
    return {items: items.map(stripVariableAssignment), ordered};
}

function stripVariableAssignment(item: string): string {
    return item.trim().replace(/^[a-zA-Z](?:_\{?\d+\}?)?\s*=\s*(?=[^=<>]+$)/, "");
}

function splitTopLevel(text: string, separator: RegExp): string[] {
    const items: string[] = [];
    let depth = 0;
    let start = 0;
    const source = new RegExp(separator.source, "y");

    for (let index = 0; index < text.length; index++) {
        const char = text[index];
        if (char === "(" || char === "[" || char === "{")
            depth++;
        else if (char === ")" || char === "]" || char === "}")
            depth--;
        else if (depth === 0) {
            source.lastIndex = index;
            const match = source.exec(text);
            if (match != null && match[0].length > 0) {
                items.push(text.slice(start, index));
                start = index + match[0].length;
                index = start - 1;
            }
        }
    }
    items.push(text.slice(start));
    return items.map((item) => item.trim()).filter((item, _index, all) => item !== "" || all.length === 1);
}

function isBalanced(text: string): boolean {
    let depth = 0;
    for (const char of text) {
        if (char === "(" || char === "[" || char === "{")
            depth++;
        else if (char === ")" || char === "]" || char === "}")
            depth--;
        if (depth < 0)
            return false;
    }
    return depth === 0;
}

function numberKey(value: NumericValue): string {
    if (!Number.isFinite(value.approx))
        return value.approx > 0 ? "∞" : "-∞";
    return value.exact?.toString() ?? Number(value.approx.toPrecision(10)).toString();
}

function canonicalKey(value: AnswerValue): string {
    switch (value.kind) {
        case "number":
            return numberKey(value.value);
        case "list": {
            const keys = value.items.map(canonicalKey);
            return value.ordered ? `(${keys.join(",")})` : `{${keys.sort().join(",")}}`;
        }
        case "interval":
            return `${value.lowerClosed ? "[" : "("}${numberKey(value.lower)},${numberKey(value.upper)}${value.upperClosed ? "]" : ")"}`;
        case "ratio":
            return value.terms.map(numberKey).join(":");
        case "expression":
        case "relation":
        case "text":
            return value.text;
    }
}
