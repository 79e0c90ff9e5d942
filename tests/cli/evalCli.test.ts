import fs from "node:fs";
import path from "node:path";
import {beforeAll, describe, expect, it} from "vitest";
import {KotaeStore} from "../../storage/KotaeStore.js";
import {Pseudonymizer} from "../../storage/Pseudonymizer.js";
import {assertBuilt, runKotae} from "../support/runKotae.js";
import {startKotae} from "../support/spawnKotae.js";
import {readRows} from "../support/readRows.js";
import {sharedModels, temporaryDirectory} from "../support/testRuntime.js";
import type {NewEvalItem} from "../../src/domain/EvalRun.js";

beforeAll(assertBuilt);

const secret = "eval-cli-secret-0123456789";

/**
 * A folder with a config whose profile fits the tiny real model (stories260K writes stories, not answers:
 * accuracy is 0, the point is the real generation path, the sandbox in auto mode, and the records).
 */
function evalFolder(): {cwd: string, db: string, env: Record<string, string>} {
    const cwd = temporaryDirectory("kotae-eval-");
    fs.writeFileSync(path.join(cwd, "kotae.config.json"), JSON.stringify({
        profiles: {tiny: {extends: "llmjp-math-tir", sampling: {maxTokens: 24}}}
    }));
    const db = path.join(cwd, "kotae.sqlite");
    return {cwd, db, env: {
        KOTAE_DB: db, KOTAE_PSEUDONYM_KEY: secret, KOTAE_MODEL: path.join(sharedModels, "stories260K.gguf"), KOTAE_PROFILE: "tiny",
        KOTAE_GPU: "off", KOTAE_THREADS: "1"
    }};
}

function openDatabase(db: string): KotaeStore {
    return new KotaeStore(db, Pseudonymizer.fromSecret(secret));
}

/** Each runs the real model in several processes; on a busy 2-core machine that can take a while. */
const modelTimeout = 120_000;

describe("kotae eval on the real tiny model", () => {
    it("measures 3 MGSM problems in two modes, stores the run, every item and every sample, and prints the report", () => {
        const {cwd, db, env} = evalFolder();
        const reportDir = path.join(cwd, "report");
        const run = runKotae(["eval", "--dataset", "mgsm-ja", "--limit", "3", "--mode", "cot,auto", "--samples", "2", "--sequences", "2", "--json", "--report", reportDir], {cwd, env});
        expect(run.stderr).toContain("Starting eval run #1");
        expect(run.status).toBe(0);
        const report = JSON.parse(run.stdout) as {run: {status: string, itemCount: number}, graded: number, modes: {mode: string, problems: number, pass1: {trials: number}, agreement: number[]}[]};
        expect(report).toMatchObject({run: {status: "finished", itemCount: 3}, graded: 6});
        expect(report.modes.map((metrics) => [metrics.mode, metrics.problems, metrics.pass1.trials, metrics.agreement.length])).toEqual([["cot", 3, 6, 3], ["auto", 3, 6, 3]]);
        expect(fs.readFileSync(path.join(reportDir, "report.md"), "utf8")).toContain("| cot | 3 |");
        expect(fs.readFileSync(path.join(reportDir, "accuracy.png")).subarray(1, 4).toString()).toBe("PNG");

        using store = openDatabase(db);
        const [stored] = store.evals.list(10);
        expect(stored).toMatchObject({id: 1, status: "finished", dataset: "mgsm-ja", modes: ["cot", "auto"], samples: 2, profile: "tiny", itemLimit: 3, seed: 0,
            modelSha256: "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d"});
        expect(stored!.wallMs).toBeGreaterThan(0);
        const items = store.evals.items(1);
        expect(items.map((item) => [item.itemIndex, item.mode, item.expected])).toEqual([
            [0, "auto", "18"], [0, "cot", "18"], [1, "auto", "3"], [1, "cot", "3"], [2, "auto", "70000"], [2, "cot", "70000"]
        ]);
        for (const item of items) {
            const interaction = store.interactions.get(item.interactionId!)!;
            expect(interaction).toMatchObject({platform: "eval", mode: item.mode, profile: "tiny", sampleCount: 2, question: item.question});
            const samples = new Set(store.interactions.solutions(interaction.id).map((solution) => solution.sampleIndex));
            expect([...samples]).toEqual([0, 1]);
            expect(item.completionTokens).toBeGreaterThan(0);
        }

        const shown = runKotae(["eval", "show", "1"], {cwd, env});
        expect(shown.stdout).toMatch(/^cot\s+3\s+0\.0% \[0\.0%, 39\.0%\]/m);
        expect(shown.stdout).toContain("agreement on the winner");
        expect(runKotae(["eval", "list"], {cwd, env}).stdout).toContain("run #1 finished  mgsm-ja (3 problems");
    }, modelTimeout);

    it("resumes a run killed with SIGKILL without solving its graded problems again", async () => {
        const {cwd, db, env} = evalFolder();
        const child = startKotae(["eval", "--limit", "8", "--mode", "cot", "--sequences", "1"], {cwd, env});
        await child.printed("eval 1/8");
        child.stop("SIGKILL");
        await child.exited;
        const before = (() => {
            using store = openDatabase(db);
            expect(store.evals.get(1)!.status).toBe("running");
            return store.evals.items(1);
        })();
        expect(before.length).toBeGreaterThanOrEqual(1);
        expect(before.length).toBeLessThan(8);

        const resumed = runKotae(["eval", "--resume", "1"], {cwd, env});
        expect(resumed.stderr).toContain("Resuming eval run #1");
        expect(resumed.stderr).not.toContain("eval 1/8"); // counting on from what was graded
        expect(resumed.status).toBe(0);
        expect(resumed.stdout).toContain("graded 8/8");

        using store = openDatabase(db);
        expect(store.evals.get(1)!.status).toBe("finished");
        const after = store.evals.items(1);
        expect(after.map((item) => item.itemIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        for (const graded of before)
            expect(after.find((item) => item.itemIndex === graded.itemIndex)).toEqual(graded); // not redone
        // One answered interaction per problem: the graded ones were not solved again.
        const solved = readRows<{question: string, n: number}>(store, "SELECT question, count(*) AS n FROM interactions WHERE platform = 'eval' AND status IN ('answered', 'no_answer') GROUP BY question");
        expect(solved).toHaveLength(8);
        expect(solved.every((row) => row.n === 1)).toBe(true);
        // What the killed process left running is marked, not left looking alive.
        expect(readRows(store, "SELECT id FROM interactions WHERE status IN ('queued', 'running')")).toEqual([]);
        expect(readRows<{n: number}>(store, "SELECT count(*) AS n FROM interactions WHERE status = 'failed' AND error_code != 'interrupted'")[0]!.n).toBe(0);

        expect(runKotae(["eval", "--resume", "1", "--samples", "3", "--profile", "llmjp-math-cot"], {cwd, env}).stderr).toContain("leave out --samples, --profile");
        const otherModel = runKotae(["eval", "--resume", "1", "--model", path.join(sharedModels, "llama-2-tiny-random.gguf")], {cwd, env});
        expect(otherModel.status).toBe(2);
        expect(otherModel.stderr).toMatch(/^kotae: run #1 was measured with .*stories260K\.gguf \(sha 270cba1bd510\); this model is .*llama-2-tiny-random\.gguf/);
        expect(runKotae(["eval", "--resume", "9"], {cwd, env}).status).toBe(1);
    }, modelTimeout);
});

describe("kotae eval's operator commands", () => {
    it("compares two stored runs: the problems each fixed and broke, with questions and answers", () => {
        const {cwd, db, env} = evalFolder();
        {
            using store = openDatabase(db);
            const settings = {dataset: "mgsm-ja", datasetSha256: "a".repeat(64), itemCount: 3, modes: ["cot"], samples: 1, profile: "tiny",
                modelFile: "/m/a.gguf", modelSha256: null, itemLimit: 3, seed: 0};
            const a = store.evals.create(settings);
            const b = store.evals.create({...settings, modelFile: "/m/b.gguf"});
            const other = store.evals.create({...settings, dataset: "other.jsonl", datasetSha256: "b".repeat(64)});
            const item = (runId: number, itemIndex: number, answer: string, expected: string): NewEvalItem => ({
                runId, itemIndex, mode: "cot", interactionId: null, question: `りんごが${itemIndex}個`, expected, status: "answered", answer,
                correct: answer === expected, sampleAnswers: [answer], correctSamples: Number(answer === expected), samples: 1, agreementVotes: 1,
                promptTokens: 10, completionTokens: 20, generationMs: 100, executionsOk: 0, executionsError: 0, executionsTimeout: 0
            });
            for (const [runId, answers] of [[a, ["5", "7", "9"]], [b, ["5", "8", "1"]], [other, ["5", "8", "9"]]] as const)
                answers.forEach((answer, index) => store.evals.addItem(item(runId, index, answer, ["5", "8", "9"][index]!)));
        }
        const compared = runKotae(["eval", "compare", "1", "2"], {cwd, env});
        expect(compared.status).toBe(0);
        expect(compared.stdout).toContain("3 problem × mode pairs graded in both: 1 fixed in B (✘→✔), 1 broken in B (✔→✘)");
        expect(compared.stdout).toContain("#1 cot  ✘→✔  expected 8  A: 7  B: 8\n  りんごが1個");
        expect(compared.stdout).toContain("#2 cot  ✔→✘  expected 9  A: 9  B: 1\n  りんごが2個");
        const json = JSON.parse(runKotae(["eval", "compare", "1", "2", "--json"], {cwd, env}).stdout) as {fixed: number, broken: number};
        expect(json).toMatchObject({fixed: 1, broken: 1});

        const mismatched = runKotae(["eval", "compare", "1", "3"], {cwd, env});
        expect(mismatched.status).toBe(2);
        expect(mismatched.stderr).toBe("kotae: runs #1 and #3 measured different datasets (mgsm-ja, other.jsonl); only runs of the same problems can be compared\n");
        expect(runKotae(["eval", "compare", "1", "7"], {cwd, env}).stderr).toContain("there is no eval run #7");
        const unwritable = runKotae(["eval", "show", "1", "--report", "/dev/null/report"], {cwd, env});
        expect(unwritable.status).toBe(1);
        expect(unwritable.stderr).toBe("kotae: cannot write the report to --report /dev/null/report: ENOTDIR\n");
    });

    it("names the file and line of a bad dataset in one line, and refuses bad flags with exit 2", () => {
        const {cwd, env} = evalFolder();
        fs.writeFileSync(path.join(cwd, "data.jsonl"), "{\"question\": \"1+1\", \"answer\": \"2\"}\n{\"question\": \"2+2\"}\n");
        const bad = runKotae(["eval", "--dataset", "data.jsonl"], {cwd, env});
        expect(bad.status).toBe(2);
        expect(bad.stderr).toBe("kotae: data.jsonl:2: missing \"answer\"\n");
        expect(runKotae(["eval", "--mode", "cot,maths"], {cwd, env}).status).toBe(2);
        expect(runKotae(["eval", "--samples", "0"], {cwd, env}).status).toBe(2);
    });
});
