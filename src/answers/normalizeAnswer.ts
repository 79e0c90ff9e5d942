import {evaluateMathExpression} from "./evaluateMathExpression.js";
import {parseJapaneseNumber} from "./japaneseNumerals.js";
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
    | {readonly kind: "text", readonly text: string};

export type NormalizedAnswer = {
    /** The answer as written, cleaned of LaTeX wrappers, prefixes and units. */
    readonly cleaned: string,
    readonly value: AnswerValue,
    /** A stable key: equal keys mean equal answers (the converse needs `answersEqual`). */
    readonly canonical: string
};

/** Normalises a final answer as a model or a person wrote it. Only answers: never question text. */
export function normalizeAnswer(raw: string): NormalizedAnswer {
    const cleaned = cleanAnswerText(raw);
    const value = parseAnswerValue(cleaned);
    return {cleaned, value, canonical: canonicalKey(value)};
}

const latexTextWrappers = /\\(?:text|textrm|textbf|textit|mathrm|mathbf|mathit|mbox|operatorname)\s*\{([^{}]*)\}/g;
const latexSpacing = /\\[,;:! ]|\\q?quad|~/g;

const leadingPhrases = [
    /^(?:最終的な)?答え?\s*(?:は|[:：=])\s*/, /^(?:the\s+)?(?:final\s+)?answer\s*(?:is|[:：=])\s*/i,
    /^(?:約|およそ|ほぼ|about|approximately|approx\.?|≈)\s*/i,
    /^(?:時速|分速|秒速)\s*/,
    /^[a-zA-Z]\s*=\s*(?=[^=]+$)/
];
const trailingPhrases = /\s*(?:です|である|となります|になります|となる|になる|ですね|だよ)?\s*[。.!！]*$/;

/** Units and counters that follow a number in answers (8万ドル, 12個, 15cm, 60km/時). */
const trailingUnit = new RegExp(
    "\\s*(?:" + [
        "平方(?:キロ|センチ|ミリ)?メートル", "立方(?:センチ)?メートル", "(?:キロ|センチ|ミリ)?メートル", "(?:キロ)?グラム",
        "リットル", "ミリリットル", "デシリットル", "ページ", "ドル", "セント", "ユーロ", "ポンド", "ペンス", "マイル",
        "フィート", "インチ", "ヤード", "オンス", "時間", "分間", "秒間", "日間", "週間", "か月", "ヶ月", "カ月", "ケ月",
        "年間", "人分", "個分", "杯分", "通り", "種類", "回目", "番目", "倍",
        "[円個台人本枚匹羽歳分秒日週月年回点冊杯頭着足組箱袋粒匹軒階問曲枚脚隻通件票敗勝名社校語文字度]",
        "(?:km|cm|mm|m|kg|mg|g|ml|mL|dl|dL|l|L|ha|a)(?:\\^?\\{?[23]\\}?|[²³])?(?:/(?:h|s|min|時|分|秒))?",
        "(?:dollars?|cents?|euros?|pounds?|miles?|hours?|minutes?|seconds?|days?|weeks?|months?|years?|people|"
        + "persons?|pieces?|items?|points?|meters?|metres?|inches|feet|times|units?|degrees?)"
    ].join("|") + ")$"
);
/** After a number, any single English word ("20 cups") or katakana word ("3カップ") is a unit. */
const trailingWordUnit = /(?<=\d)(?:\s+[a-zA-Z]+|\s*[ァ-ヶー]+)$/;
const percentSuffix = /\s*(?:%|パーセント|percent)$/i;

function cleanAnswerText(raw: string): string {
    let text = raw.normalize("NFKC").replace(/[\u2212\u2012\u2013\u2014\uFF0D]/g, "-").trim();

    text = text.replace(/^\$+|\$+$/g, "").replace(/^\\\(|\\\)$/g, "").replace(/^\\\[|\\\]$/g, "");
    text = text.replace(/\*\*/g, "").trim();
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
        .trim();

    for (const phrase of leadingPhrases)
        text = text.replace(phrase, "");
    text = text.replace(trailingPhrases, "").trim();
    text = text.replace(/^[$¥€£]\s*/, "").replace(/\s*(?:[$¥€£])$/, "").trim();
    return text;
}

function parseAnswerValue(text: string): AnswerValue {
    const list = splitList(text);
    if (list != null)
        return {kind: "list", ordered: list.ordered, items: list.items.map((item) => parseAnswerValue(item.trim()))};

    const percent = percentSuffix.test(text);
    const withoutPercent = text.replace(percentSuffix, "");
    const numberText = percent ? withoutPercent : stripUnits(withoutPercent);

    const number = parseNumber(numberText);
    if (number != null)
        return {kind: "number", percent, ...number};

    return {kind: "text", text: text.replace(/\s+/g, "").toLowerCase()};
}

const thousandsGrouped = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;

function stripUnits(text: string): string {
    for (let previous = ""; previous !== text;) {
        previous = text;
        const stripped = text.replace(trailingUnit, "").replace(trailingWordUnit, "").trim();
        if (stripped === "" || !/[\d〇零一二三四五六七八九十百千万億兆π}]$/.test(stripped))
            break; // keep words that are the whole answer (e.g. "3点" must not lose the digit side)
        text = stripped;
    }
    return text;
}

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

    // 3分の1 is one third; 2と1/2 and 2\frac{1}{2} are mixed numbers (帯分数).
    const japaneseFraction = /^(.+)分の(.+)$/.exec(compact);
    if (japaneseFraction != null) {
        const denominator = parseNumber(japaneseFraction[1] ?? "");
        const numerator = parseNumber(japaneseFraction[2] ?? "");
        const value = numerator != null && denominator != null ? numerator.value.divide(denominator.value) : undefined;
        return value != null ? {value} : undefined;
    }
    const mixed = /^([+-]?)(\d+)(?:と)?(\\frac\{\d+\}\{\d+\}|\d+\/\d+)$/.exec(compact);
    if (mixed != null) {
        const fraction = evaluateMathExpression(mixed[3] ?? "");
        const whole = Rational.parseDecimal(mixed[2] ?? "");
        if (fraction != null && whole != null) {
            const value = NumericValue.exactly(whole).add(fraction);
            return {value: mixed[1] === "-" ? value.negate() : value};
        }
    }

    const japanese = parseJapaneseNumber(compact.replace(/^[+-]/, ""));
    if (japanese != null)
        return {value: compact.startsWith("-") ? NumericValue.exactly(japanese).negate() : NumericValue.exactly(japanese)};

    const evaluated = evaluateMathExpression(compact);
    return evaluated != null ? {value: evaluated} : undefined;
}


const listOpeners: Readonly<Record<string, {close: string, ordered: boolean}>> = {
    "(": {close: ")", ordered: true},
    "[": {close: "]", ordered: true},
    "\\{": {close: "\\}", ordered: false},
    "{": {close: "}", ordered: false}
};

/** Splits `(1, 2)`, `\{1, 2\}`, `1, 2`, `2と3`, `x=1 または x=2` into items; undefined for a single answer. */
function splitList(text: string): {items: string[], ordered: boolean} | undefined {
    for (const [open, {close, ordered}] of Object.entries(listOpeners)) {
        if (text.startsWith(open) && text.endsWith(close)) {
            const inner = text.slice(open.length, text.length - close.length);
            const items = splitTopLevel(inner, /,|、|;/);
            if (items.length > 1 && isBalanced(inner))
                return {items: items.map(stripVariableAssignment), ordered};
        }
    }

    if (thousandsGrouped.test(stripUnits(text).replace(/\s+/g, "")))
        return undefined; // a number with thousands separators (and perhaps a unit), not a list

    const items = splitTopLevel(text, /,|、|;|と(?!\d+\/|\\frac)|および|及び|または|又は|\bor\b|\band\b/);
    // Bare lists must be lists of numbers, so a word that happens to contain と is not split.
    return items.length > 1 && items.every((item) => /[\d〇一二三四五六七八九十百千万]/.test(item))
        ? {items: items.map(stripVariableAssignment), ordered: false}
        : undefined;
}

function stripVariableAssignment(item: string): string {
    return item.trim().replace(/^[a-zA-Z](?:_\{?\d+\}?)?\s*=\s*/, "");
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

function canonicalKey(value: AnswerValue): string {
    switch (value.kind) {
        case "number":
            return value.value.exact?.toString() ?? Number(value.value.approx.toPrecision(10)).toString();
        case "list": {
            const keys = value.items.map(canonicalKey);
            return value.ordered ? `(${keys.join(",")})` : `{${keys.sort().join(",")}}`;
        }
        case "text":
            return value.text;
    }
}
