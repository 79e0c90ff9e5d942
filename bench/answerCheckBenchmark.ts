import {spawn, spawnSync} from "node:child_process";
import fs from "node:fs";
import {createInterface} from "node:readline";
import {fileURLToPath} from "node:url";
import {answersEqual} from "../src/answers/answersEqual.js";
import {parseMathExpression, type MathExpression} from "../src/answers/MathExpression.js";
import {normalizeAnswer, type AnswerValue} from "../src/answers/normalizeAnswer.js";
import {Rational} from "../src/answers/Rational.js";
import {median, percentile} from "./statistics.js";

type Pair = {readonly expected: string, readonly given: string, readonly equal: boolean};

const root = fileURLToPath(new URL("../..", import.meta.url));
const rounds = Number(process.env["KOTAE_BENCH_ANSWER_ROUNDS"] ?? 20);

/**
 * The answer checker over the equivalence corpus (tests/unit/answerEquivalenceCorpus.json) and the 250
 * MGSM answers in formula notations: pairs per second and p99 per pair, numeric and symbolic pairs
 * apart (goals: p99 < 5 ms numeric, < 50 ms symbolic), against the old check measured in the same run
 * (equal canonical keys of the normalised answers), and against sympy in a persistent Python process
 * deciding the same formula pairs (`simplify(a - b) == 0`, what math-verify does), which is how the
 * in-process engine was chosen.
 */
export async function answerCheckBenchmark(): Promise<void> {
    const corpus = JSON.parse(fs.readFileSync(`${root}/tests/unit/answerEquivalenceCorpus.json`, "utf8")) as Pair[];
    const pairs = [...corpus, ...mgsmPairs()];
    const symbolic = pairs.filter(isSymbolic);
    const numeric = pairs.filter((pair) => !isSymbolic(pair));

    const checker = (pair: Pair): boolean => answersEqual(pair.expected, pair.given);
    const canonicalKeys = (pair: Pair): boolean => normalizeAnswer(pair.expected).canonical === normalizeAnswer(pair.given).canonical;

    console.log(`Answer checking (${corpus.length} corpus pairs + ${pairs.length - corpus.length} MGSM notation pairs; ${numeric.length} numeric, ${symbolic.length} symbolic; ${rounds} rounds)`);
    for (const [name, subset] of [["numeric ", numeric], ["symbolic", symbolic]] as const) {
        const ours = measure(subset, checker);
        const baseline = measure(subset, canonicalKeys);
        console.log(`  ${name} answersEqual      : ${ours.perSecond.toFixed(0)} pairs/s, p50 ${micros(ours.p50)}, p99 ${micros(ours.p99)} (goal p99 < ${name === "numeric " ? 5 : 50} ms), ${ours.correct}/${subset.length} verdicts right`);
        console.log(`  ${name} baseline: keys    : ${baseline.perSecond.toFixed(0)} pairs/s, p50 ${micros(baseline.p50)}, p99 ${micros(baseline.p99)}, ${baseline.correct}/${subset.length} verdicts right; ratio ${(baseline.perSecond / ours.perSecond).toFixed(2)}× faster`);
    }
    await sympyComparison(symbolic, checker);
}

function micros(ms: number): string {
    return ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(0)} µs`;
}

function measure(pairs: readonly Pair[], check: (pair: Pair) => boolean): {perSecond: number, p50: number, p99: number, correct: number} {
    const times: number[] = [];
    let correct = 0;
    let total = 0;
    for (let round = 0; round <= rounds; round++) {
        for (const pair of pairs) {
            const start = performance.now();
            const verdict = check(pair);
            const elapsed = performance.now() - start;
            if (round === 0) { // warm-up round, which also counts the verdicts
                correct += verdict === pair.equal ? 1 : 0;
                continue;
            }
            times.push(elapsed);
            total += elapsed;
        }
    }
    return {perSecond: times.length / (total / 1000), p50: median(times), p99: percentile(times, 0.99), correct};
}

/** A pair is symbolic when either side is a formula with variables, an equation or an inequality. */
function isSymbolic(pair: Pair): boolean {
    const symbolicValue = (value: AnswerValue): boolean => value.kind === "expression" || value.kind === "relation"
        || (value.kind === "list" && value.items.some(symbolicValue));
    return symbolicValue(normalizeAnswer(pair.expected).value) || symbolicValue(normalizeAnswer(pair.given).value);
}

function mgsmPairs(): Pair[] {
    const answers = fs.readFileSync(`${root}/../shared/data/mgsm_ja.tsv`, "utf8").split("\n").filter((line) => line.trim() !== "")
        .map((line) => (line.split("\t").at(-1)?.trim() ?? "").replace(/,/g, ""));
    return answers.flatMap((answer) => {
        const value = Number(answer);
        return [
            {expected: answer, given: `\\frac{${value * 4}}{4}`, equal: true}, {expected: answer, given: `${value}\\text{ 個}`, equal: true},
            {expected: answer, given: `${value / 10}\\times10^{1}`, equal: true}, {expected: answer, given: `${value + 1}`, equal: false}
        ];
    });
}

/**
 * The same symbolic pairs decided by sympy: both sides parsed by Kotae (sympy must never parse model
 * text itself), sent as trees to one warm Python process, timed per pair round trip.
 */
async function sympyComparison(symbolic: readonly Pair[], checker: (pair: Pair) => boolean): Promise<void> {
    const script = `${root}/bench/sympyEquivalence.py`;
    if (spawnSync("python3", ["-c", "import sympy"]).status !== 0) {
        console.log("  sympy                      : not measured (python3 with sympy is not installed)");
        return;
    }
    const trees = symbolic.flatMap((pair) => {
        const a = parseMathExpression(normalizeAnswer(pair.expected).cleaned);
        const b = parseMathExpression(normalizeAnswer(pair.given).cleaned);
        return a != null && b != null ? [{pair, line: JSON.stringify({a: serializable(a), b: serializable(b)}) + "\n"}] : [];
    });

    const python = spawn("python3", [script], {stdio: ["pipe", "pipe", "inherit"]});
    const replies = createInterface({input: python.stdout})[Symbol.asyncIterator]();
    const roundTrips: number[] = [];
    const inSympy: number[] = [];
    const ours: number[] = [];
    let agree = 0;
    let right = 0;
    let noVerdict = 0;
    if (trees[0] != null) { // warm-up: sympy's first simplify fills its caches
        python.stdin.write(trees[0].line);
        await replies.next();
    }
    for (const {pair, line} of trees) {
        const start = performance.now();
        python.stdin.write(line);
        const reply = await replies.next();
        roundTrips.push(performance.now() - start);
        const {equal, ms} = JSON.parse(String(reply.value)) as {equal: boolean | null, ms: number};
        inSympy.push(ms);
        const oursStart = performance.now();
        const verdict = checker(pair);
        ours.push(performance.now() - oursStart);
        if (equal == null) noVerdict++;
        if (equal === verdict) agree++;
        if (equal === pair.equal) right++;
    }
    python.stdin.end();

    console.log(`  sympy, warm process        : ${trees.length} formula pairs; round trip p50 ${micros(median(roundTrips))}, p99 ${micros(percentile(roundTrips, 0.99))} (simplify alone p50 ${micros(median(inSympy))}, p99 ${micros(percentile(inSympy, 0.99))}, max ${micros(Math.max(...inSympy))})`);
    console.log(`  in-process on those pairs  : p50 ${micros(median(ours))}, p99 ${micros(percentile(ours, 0.99))}; ratio sympy / in-process at p50 ${(median(roundTrips) / median(ours)).toFixed(0)}×`);
    console.log(`  verdicts                   : sympy right on ${right}/${trees.length} (${noVerdict} without a verdict), agrees with answersEqual on ${agree}`);
}

function serializable(expression: MathExpression): unknown {
    return JSON.parse(JSON.stringify(expression, (_key, value: unknown) =>
        value instanceof Rational ? {n: value.numerator.toString(), d: value.denominator.toString()} : value));
}
