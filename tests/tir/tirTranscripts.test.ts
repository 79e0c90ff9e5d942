import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {EngineEvent} from "../../src/engine/EngineEvent.js";
import {BubblewrapSandbox} from "../../src/sandbox/BubblewrapSandbox.js";
import type {CodeSandbox} from "../../src/sandbox/CodeSandbox.js";
import {defaultExecutionLimitNotice} from "../../src/solver/TirSolver.js";
import {ProfileRegistry} from "../../src/profiles/ProfileRegistry.js";
import {between, modelCards, pythonStringAssignment, readModelCard} from "../support/modelCards.js";
import type {Script} from "../support/ScriptedBackend.js";
import {scriptedBackends} from "../support/scriptedBackends.js";
import {alice, collect, testEngine} from "../support/testRuntime.js";

// Scripted model turns against the real bubblewrap sandbox: each script is what the "model" writes in one
// generation; the engine stops it at the closing code tag, runs the block and continues with the next script.

const problem = "1から100までの自然数の和を求めてください";
const registry = new ProfileRegistry();
let sandbox: CodeSandbox;

beforeAll(async () => {
    sandbox = await BubblewrapSandbox.create({poolSize: 2, limits: {executionSeconds: 2}});
});

afterAll(async () => {
    await sandbox?.close();
});

describe.each(scriptedBackends)("scripted model over the %s", (_backendName, ScriptedModel) => {
    function tirEngine(scripts: Script[], overrides: Parameters<typeof testEngine>[1] = {}, parallelism = 1) {
        const backend = new ScriptedModel(scripts, parallelism, {chunkDelayMs: parallelism > 1 ? 1 : 0});
        // The engine waits for the backend before a solve's time budget starts: a server's start is not the solution's time.
        return {backend, ...testEngine(backend.ready(), {sandbox: () => Promise.resolve(sandbox), defaultMode: "tir", ...overrides})};
    }

    function doneResult(events: EngineEvent[]) {
        const done = events.at(-1);
        if (done?.type !== "done")
            throw new Error(`expected a done event, got ${JSON.stringify(done)}`);
        return done.result;
    }

    describe("TIR loop (scripted model, real sandbox)", () => {
        it("replays the Swallow card's example: the card's exact transcript and \\boxed{5}", async () => {
            const card = readModelCard(modelCards.swallow);
            const expected = between(card, "期待出力例:\n\n", "\n\n学習設定");
            const [beforeOutput = "", afterOutput = ""] = expected.split(/<llm-code-output>\n5\n<\/llm-code-output>\n/);
            // What the model writes: up to the closing tag, then (after the pipeline's output) the rest.
            const {backend, engine, store} = tirEngine([beforeOutput, afterOutput], {defaultProfile: "swallow-openmath"});
            const question = pythonStringAssignment(card, "question");
            const events = await collect(engine.solve({problem: question, requester: alice}));

            expect(doneResult(events)).toMatchObject({answer: "5", executions: [{index: 1, status: "ok", output: "5"}]});
            expect(store.interactions.get(1)!.rawOutput).toBe(expected);
            expect(backend.requests[1]!.prompt.toText().endsWith(expected.slice(0, expected.length - afterOutput.length))).toBe(true);
        });

        it("OpenMathReasoning format: stops at </tool_call>, runs the code without its fence, and counts the executions down as trained", async () => {
            const block = (n: number) => `<tool_call>\n\`\`\`python\nprint(${n} * 10)\n\`\`\`\n</tool_call>`;
            const {backend, engine, store} = tirEngine([`まず${block(1)}`, `\n次に${block(2)}`, "\nよって \\boxed{20}"], {
                defaultProfile: "llmjp-math-tir", tirLimits: {maxExecutions: 2, maxSeconds: 60}
            });
            const events = await collect(engine.solve({problem, requester: alice}));
            const tools = registry.get("llmjp-math-tir").tools!;

            expect(backend.requests[0]!.stopTriggers).toEqual(["</tool_call>", "\n### 指示:"]);
            expect(store.interactions.executions(1).map((execution) => [execution.code, execution.output])).toEqual([["print(1 * 10)\n", "10"], ["print(2 * 10)\n", "20"]]);
            expect(backend.requests[1]!.prompt.toText()).toMatch(new RegExp(
                `まず<tool_call>\\n\`\`\`python\\nprint\\(1 \\* 10\\)\\n\`\`\`\\n</tool_call>\\n\`\`\`output\\n10\\n\`\`\`\\n\`\`\`system\\nRemaining code executions: 1\\. You will not be able`));
            expect(backend.requests[2]!.prompt.toText().endsWith(`</tool_call>\n\`\`\`output\n20\n\`\`\`\n${tools.executionsNotice!.exhausted}`)).toBe(true);
            expect(doneResult(events)).toMatchObject({answer: "20", path: "tir"});
        });

        it("<llm-code> / <llm-code-output>: runs the block, feeds its output back and stores the execution", async () => {
            const {backend, engine, store} = tirEngine([
                "和を Python で計算します。\n<llm-code>\ntotal = sum(range(1, 101))\ntotal\n</llm-code>",
                "\n計算結果から、答えは \\boxed{5050} です。"
            ], {defaultProfile: "swallow-openmath"});
            const events = await collect(engine.solve({problem, requester: alice}));

            expect(backend.requests[0]!.stopTriggers).toEqual(["</llm-code>"]);
            expect(backend.requests[1]!.prompt.toText()).toMatch(
                /和を Python で計算します。\n<llm-code>\ntotal = sum\(range\(1, 101\)\)\ntotal\n<\/llm-code><llm-code-output>\n5050\n<\/llm-code-output>\n$/);
            expect(events.filter((event) => event.type === "code" || event.type === "codeResult")).toMatchObject([
                {type: "code", sample: 0, n: 1, max: 8, code: "\ntotal = sum(range(1, 101))\ntotal\n"},
                {type: "codeResult", sample: 0, n: 1, status: "ok", output: "5050"}
            ]);
            expect(doneResult(events)).toMatchObject({answer: "5050", path: "tir", mode: "tir", executions: [{index: 1, status: "ok", output: "5050"}]});
            expect(store.interactions.executions(1)).toMatchObject([{sampleIndex: 0, executionIndex: 1, status: "ok", output: "5050", truncated: false, restarted: false}]);
            expect(store.interactions.get(1)).toMatchObject({status: "answered", solvePath: "tir"});
        });

        it("<tool_call> with ```output: an error comes back as the traceback's last line, and variables persist across blocks", async () => {
            const {backend, engine, store} = tirEngine([
                "<think>\n計算してみます。\n<tool_call>\n```python\nn = 100\nprint(n * (n + 1) // 2 + undefined_name)\n```\n</tool_call>",
                "\n変数名を間違えました。\n<tool_call>\n```python\nprint(n * (n + 1) // 2)\n```\n</tool_call>",
                "\n</think>\n\n公式 n(n+1)/2 より \\boxed{5050}"
            ], {defaultProfile: "llmjp-math-tir"});
            const events = await collect(engine.solve({problem, requester: alice}));

            const executions = store.interactions.executions(1);
            expect(executions.map((execution) => execution.status)).toEqual(["error", "ok"]);
            expect(executions[0]!.output).toMatch(/NameError: name 'undefined_name' is not defined$/);
            expect(executions[1]!.output).toBe("5050");
            expect(backend.requests[1]!.prompt.toText()).toContain("```\n</tool_call>\n```output\n");
            expect(events.filter((event) => event.type === "codeResult").map((event) => event.type === "codeResult" && event.status)).toEqual(["error", "ok"]);
            expect(doneResult(events)).toMatchObject({answer: "5050", path: "tir", thinking: expect.stringContaining("NameError") as string});
        });

        it("```python / ```output: a timeout kills the block, and the next block runs in a fresh session with a notice", async () => {
            const {backend, engine, store} = tirEngine([
                "Let me compute.\n```python\nx = 1\nwhile True:\n    pass\n```\n",
                "Too slow; directly:\n```python\nprint(sum(range(101)))\n```\n",
                "So the sum is \\boxed{5050}."
            ], {defaultProfile: "generic-chatml"});
            const events = await collect(engine.solve({problem, requester: alice}));

            expect(backend.requests[0]!.stopTriggers).toEqual(["```\n"]);
            const executions = store.interactions.executions(1);
            expect(executions.map((execution) => [execution.status, execution.restarted])).toEqual([["timeout", false], ["ok", true]]);
            expect(executions[1]!.output).toMatch(/^\(The Python session was restarted.*\)\n5050$/);
            expect(backend.requests[1]!.prompt.toText()).toContain("    pass\n```\n```output\n");
            expect(doneResult(events)).toMatchObject({answer: "5050"});
        });

        it("tells the model when no executions remain, then lets it finish in text without running more code", async () => {
            const block = (n: number) => `試行${n}\n<llm-code>\nprint(${n} * 10)\n</llm-code>`;
            const {backend, engine, store} = tirEngine([block(1), block(2), `${block(3)}\nよって \\boxed{30}`], {
                defaultProfile: "swallow-openmath", tirLimits: {maxExecutions: 2, maxSeconds: 60}
            });
            const events = await collect(engine.solve({problem, requester: alice}));

            const executions = store.interactions.executions(1);
            expect(executions.map((execution) => execution.output)).toEqual(["10", `20\n${defaultExecutionLimitNotice}`]);
            expect(backend.requests[2]!.stopTriggers).toEqual([]); // a third block is just text now
            expect(events.filter((event) => event.type === "code").map((event) => event.type === "code" && `${event.n}/${event.max}`)).toEqual(["1/2", "2/2"]);
            expect(doneResult(events)).toMatchObject({answer: "30", stopReason: "endOfGeneration"});
        });

        it("handles a block left unclosed at the token limit: nothing runs, no answer, nothing crashes", async () => {
            const {engine, store} = tirEngine(["考えます。\n<llm-code>\nfor i in range(10):\n    print(i)\n# and more code that never ends"], {
                defaultProfile: "swallow-openmath", maxTokens: 12
            });
            const events = await collect(engine.solve({problem, requester: alice}));
            expect(doneResult(events)).toMatchObject({status: "no_answer", stopReason: "maxTokens", executions: []});
            expect(store.interactions.executions(1)).toEqual([]);
            expect(store.interactions.get(1)).toMatchObject({status: "no_answer", stopReason: "maxTokens"});
        });

        it("ends a solution that runs past its wall-clock budget, mid-execution, as timeLimit", async () => {
            // 1.5 s: room for a server backend's first tokenization on a loaded machine before the code starts.
            const {engine, store} = tirEngine(["<llm-code>\nimport time\ntime.sleep(4)\n</llm-code>", "\\boxed{1}"], {
                defaultProfile: "swallow-openmath", tirLimits: {maxExecutions: 8, maxSeconds: 1.5}
            });
            const started = performance.now();
            const result = doneResult(await collect(engine.solve({problem, requester: alice})));
            expect(performance.now() - started).toBeLessThan(3000);
            expect(result).toMatchObject({status: "no_answer", stopReason: "timeLimit", executions: [{status: "timeout"}]});
            expect(store.interactions.get(1)).toMatchObject({status: "no_answer", stopReason: "timeLimit"});
            expect(store.interactions.executions(1)).toMatchObject([{status: "timeout", output: "Execution stopped: the solution reached its time limit of 1.5 s."}]);
        });

        it("cancels while code runs: the block is stopped and the request is logged as cancelled with what was written", async () => {
            const {engine, store} = tirEngine(["考えます。<llm-code>\nimport time\ntime.sleep(1.8)\n</llm-code>", "\\boxed{1}"], {
                defaultProfile: "swallow-openmath"
            });
            const cancel = new AbortController();
            const events: EngineEvent[] = [];
            let cancelledAt = Number.NaN;
            for await (const event of engine.solve({problem, requester: alice, signal: cancel.signal})) {
                events.push(event);
                if (event.type === "code") setTimeout(() => {
                    cancelledAt = performance.now();
                    cancel.abort();
                }, 100);
            }
            // Stopped, not waited for: the block would have slept 1.7 s more.
            expect(performance.now() - cancelledAt).toBeLessThan(1000);
            expect(events.at(-1)).toMatchObject({type: "failed", code: "cancelled"});
            expect(events.some((event) => event.type === "codeResult")).toBe(false);
            expect(store.interactions.get(1)).toMatchObject({status: "cancelled", rawOutput: expect.stringContaining("time.sleep(1.8)") as string});
            expect(store.interactions.executions(1)).toEqual([]);
        });

        it("takes a \\boxed{} the code printed (the model saw it), never one only written in the code", async () => {
            const {engine} = tirEngine(["<llm-code>\nprint(r'\\boxed{1}')\n</llm-code>", "出力を確認しましたが、まだ答えは出ていません。"], {
                defaultProfile: "swallow-openmath"
            });
            const result = doneResult(await collect(engine.solve({problem, requester: alice})));
            expect(result.executions[0]?.output).toBe("\\boxed{1}");
            expect(result.answer).toBe("1"); // the printed output is evidence the model saw; the code itself is not
            const codeOnly = tirEngine(["<llm-code>\nx = r'\\boxed{1}'\n</llm-code>", "まだわかりません。"], {defaultProfile: "swallow-openmath"});
            expect(doneResult(await collect(codeOnly.engine.solve({problem, requester: alice}))).answer).toBeNull();
        });
    });

    describe("auto mode (hybrid: code first, then text)", () => {
        it("falls back to text reasoning when code keeps failing, with a notice and both attempts logged", async () => {
            const failing = "<llm-code>\n1/0\n</llm-code>";
            const {engine, store} = tirEngine([failing, failing, failing, "文章で考えると、和は \\boxed{5050} です。"], {
                defaultProfile: "swallow-openmath", defaultMode: "auto", failuresBeforeFallback: 3
            });
            const events = await collect(engine.solve({problem, requester: alice}));

            expect(events.find((event) => event.type === "notice")).toMatchObject({code: "tir_fallback"});
            expect(doneResult(events)).toMatchObject({answer: "5050", mode: "auto", path: "tir_then_cot", executions: []});
            expect(store.interactions.executions(1).map((execution) => execution.status)).toEqual(["error", "error", "error"]);
            expect(store.interactions.solutions(1)).toMatchObject([
                {attempt: 0, mode: "tir", fallbackReason: "code_failing", answer: null},
                {attempt: 1, mode: "cot", fallbackReason: null, answer: "5050"}
            ]);
            expect(store.interactions.get(1)).toMatchObject({status: "answered", solvePath: "tir_then_cot"});
        });

        it("falls back only after failuresBeforeFallback failures in a row: a success in between starts the count again", async () => {
            const failing = "<llm-code>\n1/0\n</llm-code>";
            const working = "<llm-code>\nprint(2 + 3)\n</llm-code>";
            const options = {defaultProfile: "swallow-openmath", defaultMode: "auto", failuresBeforeFallback: 2} as const;

            // failed, ok, failed: never two in a row, so the tool-using attempt goes on to its answer.
            const interrupted = tirEngine([failing, working, failing, "\\boxed{5}"], options);
            const kept = doneResult(await collect(interrupted.engine.solve({problem, requester: alice})));
            expect(kept).toMatchObject({answer: "5", path: "tir"});
            expect(interrupted.store.interactions.executions(1).map((execution) => execution.status)).toEqual(["error", "ok", "error"]);
            expect(interrupted.store.interactions.solutions(1)).toMatchObject([{attempt: 0, mode: "tir", fallbackReason: null, answer: "5"}]);

            // failed, ok, failed, failed: the second failure in a row ends the attempt at once, and text reasoning follows.
            const inARow = tirEngine([failing, working, failing, failing, "文章で考えると \\boxed{5050}"], options);
            const events = await collect(inARow.engine.solve({problem, requester: alice}));
            expect(events.find((event) => event.type === "notice")).toMatchObject({code: "tir_fallback"});
            expect(doneResult(events)).toMatchObject({answer: "5050", path: "tir_then_cot"});
            expect(inARow.store.interactions.executions(1).map((execution) => execution.status)).toEqual(["error", "ok", "error", "error"]);
            expect(inARow.store.interactions.solutions(1)).toMatchObject([
                {attempt: 0, mode: "tir", fallbackReason: "code_failing"},
                {attempt: 1, mode: "cot", answer: "5050"}
            ]);
        });

        it("falls back when the tool-using attempt ends without an answer, and keeps it when it has one", async () => {
            const noAnswer = tirEngine(["<llm-code>\nprint(2 + 3)\n</llm-code>", "ここで終わります。", "和は \\boxed{5050}"], {
                defaultProfile: "swallow-openmath", defaultMode: "auto"
            });
            const events = await collect(noAnswer.engine.solve({problem, requester: alice}));
            expect(doneResult(events)).toMatchObject({answer: "5050", path: "tir_then_cot"});
            expect(noAnswer.store.interactions.solutions(1).map((row) => row.fallbackReason)).toEqual(["no_answer", null]);

            const answered = tirEngine(["<llm-code>\nprint(2 + 3)\n</llm-code>", "\\boxed{5}"], {defaultProfile: "swallow-openmath", defaultMode: "auto"});
            expect(doneResult(await collect(answered.engine.solve({problem, requester: alice})))).toMatchObject({answer: "5", path: "tir"});
        });

        it("keeps serving after hostile code: a fork bomb in one solution, a normal solution right after", async () => {
            const {engine, store} = tirEngine([
                "<llm-code>\nimport os\nwhile True:\n    os.fork()\n</llm-code>", "\\boxed{0}",
                "<llm-code>\nprint(6 * 7)\n</llm-code>", "\\boxed{42}"
            ], {defaultProfile: "swallow-openmath"});
            await collect(engine.solve({problem, requester: alice}));
            const second = doneResult(await collect(engine.solve({problem: "6×7は？", requester: alice})));
            expect(second).toMatchObject({answer: "42", executions: [{status: "ok", output: "42"}]});
            expect(store.interactions.executions(1)[0]!.status).not.toBe("ok");
        });
    });

    describe("several samples in TIR mode", () => {
        /**
         * Sample i (seed i): a first block that looks for a variable and then sets its own, a second that uses it,
         * then the sample's answer. What a generation writes depends on the outputs already in its prompt.
         */
        function sampleScript(answers: readonly number[]): Script {
            return (request) => {
                const sample = request.seed!;
                switch (request.prompt.toText().split("<llm-code-output>\n").length - 1) {
                    case 0: return `<llm-code>\nprint(globals().get('mine'))\nmine = ${10 + sample}\n</llm-code>`;
                    case 1: return "<llm-code>\nprint(mine * 2)\n</llm-code>";
                    default: return `\\boxed{${answers[sample]}}`;
                }
            };
        }

        it("gives every sample its own Python session and transcript, logs them all, and counts the votes", async () => {
            const {backend, engine, store} = tirEngine([sampleScript([5050, 4950, 5050])], {
                defaultProfile: "swallow-openmath", samples: 3, concurrency: 2
            }, 2);
            const events = await collect(engine.solve({problem, requester: alice, seed: 0}));
            expect(backend.maxActive).toBe(2); // samples ran side by side, so a shared session would have shown

            // A fresh session per sample ("None": no other sample's variable), and each sample's own variable in its second block.
            const executions = store.interactions.executions(1);
            expect(executions.map((execution) => [execution.sampleIndex, execution.executionIndex, execution.output])).toEqual([
                [0, 1, "None"], [0, 2, "20"], [1, 1, "None"], [1, 2, "22"], [2, 1, "None"], [2, 2, "24"]
            ]);
            expect(events.filter((event) => event.type === "codeResult").map((event) => event.type === "codeResult" && `${event.sample}:${event.output}`).sort())
                .toEqual(["0:20", "0:None", "1:22", "1:None", "2:24", "2:None"]);
            const solutions = store.interactions.solutions(1);
            expect(solutions.map((row) => [row.sampleIndex, row.mode, row.answer])).toEqual([[0, "tir", "5050"], [1, "tir", "4950"], [2, "tir", "5050"]]);
            solutions.forEach((row, sample) => expect(row.rawOutput).toContain(`mine = ${10 + sample}`));
            expect(solutions[1]!.rawOutput).not.toContain("mine = 10");

            expect(events.filter((event) => event.type === "sampleDone")).toHaveLength(3);
            expect(events.find((event) => event.type === "answer")).toEqual({type: "answer", answer: "5050", canonical: "5050", agreement: {votes: 2, samples: 3}});
            expect(doneResult(events)).toMatchObject({answer: "5050", path: "tir", representativeSample: 0, executions: [{output: "None"}, {output: "20"}]});
            expect(store.interactions.get(1)).toMatchObject({status: "answered", sampleCount: 3, agreementVotes: 2, representativeSample: 0, solvePath: "tir"});
        });
    });
});
