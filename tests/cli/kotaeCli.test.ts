import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import {beforeAll, describe, expect, it} from "vitest";
import {assertBuilt, runKotae} from "../support/runKotae.js";
import {startKotae} from "../support/spawnKotae.js";
import {sharedModels, temporaryDirectory} from "../support/testRuntime.js";
import {waitFor} from "../support/waitFor.js";

const stories = path.join(sharedModels, "stories260K.gguf");

function run(args: string[], env: Record<string, string> = {}, input?: string) {
    return runKotae(args, {cwd: temporaryDirectory("kotae-cli-"), env, ...(input != null ? {input} : {})});
}

beforeAll(assertBuilt);

describe("kotae solve (real model, temporary database)", () => {
    it("streams the solution, exits 0 and logs the interaction with the model's sha256", () => {
        const db = path.join(temporaryDirectory(), "kotae.sqlite");
        const problem = "1から100までの自然数の和を求めてください";
        const result = run(["solve", "--profile", "generic-chatml", "--mode", "cot", "--max-tokens", "40", "--seed", "7", problem],
            {KOTAE_MODEL: stories, KOTAE_DB: db, KOTAE_THREADS: "1", KOTAE_GPU: "off"});

        expect(result.stderr).toMatch(/解いています… \(profile generic-chatml, mode cot, #1\)/);
        expect(result.stdout).toContain("答えを取り出せませんでした (stop: maxTokens)");
        expect(result.status).toBe(0);

        const database = new Database(db, {readonly: true});
        const row = database.prepare("SELECT * FROM interactions").get() as Record<string, unknown>;
        database.close();
        expect(row).toMatchObject({
            platform: "cli", question: problem, status: "no_answer", profile: "generic-chatml", mode: "cot",
            model_file: stories, completion_tokens: 40, stop_reason: "maxTokens",
            model_sha256: "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d"
        });
        expect(String(row["prompt"])).toContain(problem);
        expect(String(row["raw_output"]).length).toBeGreaterThan(0);
        expect(row["user_pseudonym"]).toMatch(/^[0-9a-f]{32}$/);
        expect(fs.existsSync(path.join(path.dirname(db), "pseudonym.key"))).toBe(true);
    });

    it("in the default auto mode, tries Python first, says it falls back to text, and logs both attempts", () => {
        const db = path.join(temporaryDirectory(), "kotae.sqlite");
        const result = run(["solve", "--profile", "generic-chatml", "--max-tokens", "24", "--seed", "7", "6×7は？"],
            {KOTAE_MODEL: stories, KOTAE_DB: db, KOTAE_THREADS: "1", KOTAE_GPU: "off"});

        expect(result.status).toBe(0);
        expect(result.stderr).toContain("mode auto");
        expect(result.stderr).toContain("Python を使った解き方がうまくいかなかったので、文章で考え直します。");
        const database = new Database(db, {readonly: true});
        const row = database.prepare("SELECT mode, solve_path, completion_tokens FROM interactions").get();
        const attempts = database.prepare("SELECT attempt, mode, fallback_reason, prompt FROM solutions ORDER BY attempt").all() as Record<string, unknown>[];
        database.close();
        expect(row).toEqual({mode: "auto", solve_path: "tir_then_cot", completion_tokens: 48});
        expect(attempts).toMatchObject([{attempt: 0, mode: "tir", fallback_reason: "no_answer"}, {attempt: 1, mode: "cot", fallback_reason: null}]);
        expect(String(attempts[0]!["prompt"])).toContain("```python block");
        expect(String(attempts[1]!["prompt"])).not.toContain("```python");
    });

    it("prints JSON with --json and reads the problem from standard input", () => {
        const db = path.join(temporaryDirectory(), "kotae.sqlite");
        const result = run(["solve", "--json", "--max-tokens", "8", "--model", stories, "--db", db, "--gpu", "off", "-"], {}, "Once upon a time\n");
        expect(result.status).toBe(0);
        const output = JSON.parse(result.stdout) as Record<string, unknown>;
        expect(output).toMatchObject({ok: true, interactionId: 1, status: "no_answer", completionTokens: 8, profile: "llmjp-math-cot"});
    });

    it("exits non-zero with a kind message and the fix when no model is configured, and still logs the request", () => {
        const db = path.join(temporaryDirectory(), "kotae.sqlite");
        const result = run(["solve", "2+2は?"], {KOTAE_DB: db});
        expect(result.status).toBe(1);
        expect(result.stderr).toContain("いまは問題を解く準備ができていません");
        expect(result.stderr).toContain("Set KOTAE_MODEL");
        const database = new Database(db, {readonly: true});
        expect(database.prepare("SELECT status, error_code FROM interactions").get()).toEqual({status: "failed", error_code: "model_unavailable"});
        database.close();
    });

    it("starts every one of several processes launched together on a new database, all with one pseudonym key", async () => {
        // Bot processes sharing one database file start together; the second used to refuse to start ("the
        // pseudonym key is missing, but the database already holds data"), seeing the first's new, empty file.
        const folder = temporaryDirectory();
        const db = path.join(folder, "kotae.sqlite");
        const cwd = temporaryDirectory("kotae-cli-");
        for (let attempt = 0; attempt < 3; attempt++) {
            fs.rmSync(folder, {recursive: true, force: true});
            const solves = Array.from({length: 4}, () => startKotae(["solve", "2+2は?"], {cwd, env: {KOTAE_DB: db}}));
            const codes = await Promise.all(solves.map((solve) => solve.exited));
            for (const solve of solves) expect(solve.output()).toContain("いまは問題を解く準備ができていません"); // refused for want of a model, and logged
            expect(codes).toEqual([1, 1, 1, 1]);
            const database = new Database(db, {readonly: true});
            const rows = database.prepare("SELECT error_code, user_pseudonym FROM interactions").all() as {error_code: string, user_pseudonym: string}[];
            database.close();
            expect(rows.map((row) => row.error_code)).toEqual(Array(4).fill("model_unavailable"));
            expect(new Set(rows.map((row) => row.user_pseudonym)).size).toBe(1); // the same student, under the one key
            expect(fs.readdirSync(folder)).toContain("pseudonym.key");
        }
    });

    it("rejects an empty problem with exit 1 and logs it", () => {
        const db = path.join(temporaryDirectory(), "kotae.sqlite");
        const result = run(["solve", "  "], {KOTAE_MODEL: stories, KOTAE_DB: db, KOTAE_GPU: "off"});
        expect(result.status).toBe(1);
        expect(result.stderr).toContain("問題文が空のようです");
        const database = new Database(db, {readonly: true});
        expect(database.prepare("SELECT status, error_code FROM interactions").get()).toEqual({status: "rejected", error_code: "problem_empty"});
        database.close();
    });

    it("fails fast on an invalid setting, naming it", () => {
        const result = run(["solve", "1+1"], {KOTAE_SEQUENCES: "zero"});
        expect(result.status).toBe(2);
        expect(result.stderr).toMatch(/KOTAE_SEQUENCES \/ "sequences" in the config file/);
    });
});

describe("kotae answer-equal", () => {
    it.each([
        [["8万ドル", "80,000"], 0, /^equal/],
        [["\\frac{1}{2}", "0.5"], 0, /^equal/],
        [["18", "19個"], 1, /^different/],
        [["10/3", "1"], 1, /^different/],
        [["(x+2)(x+3)", "(x+3)(x+2)"], 0, /^equal/],
        [["x>3", "(3,\\infty)"], 0, /^equal  \(x>3 = \(3,∞\)\)/]
    ])("%j exits %i", (args, status, output) => {
        const result = run(["answer-equal", ...args]);
        expect(result.status).toBe(status);
        expect(result.stdout).toMatch(output);
    });
});

describe("kotae doctor", () => {
    it("reports each check with a fix hint, as JSON", () => {
        const db = path.join(temporaryDirectory(), "kotae.sqlite");
        const result = run(["doctor", "--json"], {KOTAE_MODEL: stories, KOTAE_DB: db, KOTAE_GPU: "off"});
        const checks = JSON.parse(result.stdout) as Array<{name: string, status: string, detail: string, fix?: string}>;
        expect(checks.map((check) => check.name)).toEqual(["Node.js", "Compute", "Model", "Profile", "Japanese font", "Python sandbox", "Sandbox hardening", "Database", "Platforms"]);
        expect(checks.find((check) => check.name === "Platforms")).toMatchObject({
            status: "ok", detail: "web: configured; discord: not configured (set KOTAE_DISCORD_TOKEN and KOTAE_DISCORD_APPLICATION_ID); "
                + "slack: not configured (set KOTAE_SLACK_BOT_TOKEN with KOTAE_SLACK_SIGNING_SECRET or KOTAE_SLACK_APP_TOKEN)"
        });
        expect(checks.find((check) => check.name === "Sandbox hardening")).toMatchObject({
            status: "ok", detail: expect.stringMatching(/^seccomp filter applied \(x64: \d+ syscalls denied, plus namespace clones, personality changes and other ABIs; seccomp filters: Kotae (\d+), sandboxed code (\d+)\)$/) as string
        });
        expect(checks.find((check) => check.name === "Model")).toMatchObject({status: "ok", detail: expect.stringContaining("stories260K.gguf") as string});
        expect(checks.find((check) => check.name === "Compute")).toMatchObject({status: "ok", detail: expect.stringContaining("CPU") as string});
        expect(checks.find((check) => check.name === "Database")).toMatchObject({status: "ok"});
        expect(checks.find((check) => check.name === "Japanese font"))
            .toMatchObject({status: "ok", detail: expect.stringMatching(/^Noto Sans CJK JP \(.+\); a Japanese answer card rendered in \d+ ms/) as string});
        for (const check of checks.filter((candidate) => candidate.status !== "ok"))
            expect(check.fix).toBeTruthy();
        expect(result.status).toBe(0);
    });

    it("fails when no model is configured, saying how to fix it", () => {
        const result = run(["doctor"], {KOTAE_DB: path.join(temporaryDirectory(), "kotae.sqlite")});
        expect(result.status).toBe(1);
        expect(result.stdout).toMatch(/✘ Model: no model configured\n {4}→ Set KOTAE_MODEL/);
    });
});

describe("kotae serve", () => {
    it("checks the database and model, serves the playground, and stops on SIGTERM with exit 0", async () => {
        const db = path.join(temporaryDirectory(), "kotae.sqlite");
        const kotae = startKotae(["serve"], {cwd: temporaryDirectory("kotae-cli-"), env: {KOTAE_MODEL: stories, KOTAE_DB: db, KOTAE_GPU: "off", KOTAE_WEB_PORT: "0"}});
        const url = (await kotae.printed(/http:\/\/127\.0\.0\.1:\d+/));
        expect(kotae.output()).toMatch(/Model: llama loaded on cpu/);
        await kotae.printed("No chat platform is configured"); // printed after the web line, so maybe not yet
        const playground = await fetch(`${url}/`);
        expect(playground.status).toBe(200);
        expect(await playground.text()).toContain("<form id=\"solve\">");

        kotae.stop();
        expect(await kotae.exited).toBe(0);
        expect(kotae.output()).toContain("Kotae: stopping");
    });

    describe("shutdown with a solve of 8 samples running", () => {
        const db = () => path.join(temporaryDirectory(), "kotae.sqlite");
        /** 8 samples in 8 sequences, each long enough to outlast the test (~1900 tokens). */
        const eightSamples = (file: string) => ({
            KOTAE_MODEL: stories, KOTAE_DB: file, KOTAE_GPU: "off", KOTAE_WEB_PORT: "0", KOTAE_THREADS: "1",
            KOTAE_SAMPLES: "8", KOTAE_SEQUENCES: "8", KOTAE_CONTEXT_SIZE: "2048", KOTAE_MAX_TOKENS: "1900", KOTAE_MODE: "cot"
        });

        /** Starts a solve through the playground and resolves once every sample is generating; the stream keeps being read. */
        async function solveUnderWay(url: string): Promise<{events: () => string}> {
            const response = await fetch(`${url}/api/solve`, {
                method: "POST", headers: {"content-type": "application/json", "x-kotae": "1"}, body: JSON.stringify({problem: "Once upon a time"})
            });
            let events = "";
            const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
            void (async () => {
                for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) events += chunk.value;
            })().catch(() => {}); // the stream ends, or breaks when kotae exits
            await waitFor(() => Array.from({length: 8}, (_unused, sample) => events.includes(`"type":"text","sample":${sample},`)).every(Boolean) || undefined, 30_000);
            return {events: () => events};
        }

        it("SIGTERM cancels every sample, tells the user Kotae is restarting, logs the request cancelled, and exits 0 within 5 s", async () => {
            const file = db();
            const kotae = startKotae(["serve"], {cwd: temporaryDirectory("kotae-cli-"), env: eightSamples(file)});
            const url = await kotae.printed(/http:\/\/127\.0\.0\.1:\d+/);
            await kotae.printed("No chat platform is configured");
            const solve = await solveUnderWay(url);

            const signalled = performance.now();
            kotae.stop("SIGTERM");
            const exit = await Promise.race([kotae.exited, new Promise((resolve) => setTimeout(resolve, 5000, "still running after 5 s"))]);
            expect(exit).toBe(0);
            expect(performance.now() - signalled).toBeLessThan(5000);
            expect(kotae.output()).toContain("Kotae: stopping on SIGTERM");
            expect(solve.events()).toContain('"type":"failed","interactionId":1,"code":"shutting_down"');
            expect(solve.events()).not.toContain('"type":"done"');
            const database = new Database(file, {readonly: true});
            expect(database.prepare("SELECT status, error_code FROM interactions").all()).toEqual([{status: "cancelled", error_code: "shutting_down"}]);
            database.close();
        });

        it("a second signal during the shutdown exits at once with 130, saying so", async () => {
            const kotae = startKotae(["serve"], {cwd: temporaryDirectory("kotae-cli-"), env: eightSamples(db())});
            const url = await kotae.printed(/http:\/\/127\.0\.0\.1:\d+/);
            await kotae.printed("No chat platform is configured");
            await solveUnderWay(url);
            kotae.stop("SIGTERM");
            kotae.stop("SIGINT"); // another signal, so the kernel cannot merge the two (either may be handled first)
            expect(await kotae.exited).toBe(130);
            expect(kotae.output()).toMatch(/Kotae: SIG(INT|TERM) during the shutdown, exiting now without waiting/);
        });
    });

    it("leaves the running request of a kotae solve beside it alone, and marks a killed process's", async () => {
        const file = path.join(temporaryDirectory(), "kotae.sqlite");
        const cwd = temporaryDirectory("kotae-cli-");
        const env = {KOTAE_MODEL: stories, KOTAE_DB: file, KOTAE_GPU: "off", KOTAE_THREADS: "1", KOTAE_CONTEXT_SIZE: "2048"};
        const solve = startKotae(["solve", "--mode", "cot", "--max-tokens", "1900", "Once upon a time"], {cwd, env});
        const killed = startKotae(["solve", "--mode", "cot", "--max-tokens", "1900", "Once upon a time"], {cwd, env});
        // A connection of its own for each look: one long-lived connection, opened while the processes were still
        // creating the file, missed their rows in about one run in three.
        const read = <Row>(sql: string): Row[] => {
            const database = new Database(file, {readonly: true, fileMustExist: true, timeout: 5000});
            try {
                return database.prepare(sql).all() as Row[];
            } finally {
                database.close();
            }
        };
        const statuses = () => read<{status: string}>("SELECT status FROM interactions ORDER BY id").map((row) => row.status);
        await waitFor(() => { try { return statuses().join() === "running,running" || undefined; } catch { return undefined; } }, 30_000);
        killed.stop("SIGKILL");
        await killed.exited;

        const serve = startKotae(["serve"], {cwd, env: {...env, KOTAE_WEB_PORT: "0"}});
        expect(await serve.printed(/database .* is ready.*/)).toContain("(1 request(s) left unfinished by the last run were marked failed)");
        expect(statuses()).toEqual(expect.arrayContaining(["running", "failed"]));
        expect(read("SELECT error_code FROM interactions WHERE status = 'failed'")).toEqual([{error_code: "interrupted"}]);

        solve.stop("SIGINT"); // the solve beside it still owns its row and finishes it
        expect(await solve.exited).toBe(130);
        expect(statuses().sort()).toEqual(["cancelled", "failed"]);
    });

    it("exits 1 at once when the configured model cannot be loaded", async () => {
        const kotae = startKotae(["serve"], {cwd: temporaryDirectory("kotae-cli-"), env: {
            KOTAE_MODEL: "/nowhere/model.gguf", KOTAE_DB: path.join(temporaryDirectory(), "kotae.sqlite"), KOTAE_WEB_PORT: "0"
        }});
        expect(await kotae.exited).toBe(1);
        expect(kotae.output()).toContain("/nowhere/model.gguf");
        expect(kotae.output()).not.toContain("Web: the playground is at");
    });

    it("refuses a web host beyond loopback without the admin token, naming the setting, before serving anything", () => {
        const result = run(["serve"], {KOTAE_WEB_HOST: "0.0.0.0", KOTAE_WEB_PORT: "0", KOTAE_DB: path.join(temporaryDirectory(), "kotae.sqlite")});
        // Exit 2: an invalid setting, as for every command (README, "The command line").
        expect(result.status).toBe(2);
        expect(result.stderr).toContain(`KOTAE_WEB_ADMIN_TOKEN / "web.adminToken" in the config file: required to serve the web app on 0.0.0.0 (beyond loopback)`);
        expect(result.stdout).not.toContain("Web: the playground is at");
    });
});

describe("a chat profile without a chat template (stories260K carries none, the sansu profile ships none)", () => {
    const key = "set profiles.sansu.prompt.chatTemplate in the config file";
    const env = () => ({KOTAE_MODEL: stories, KOTAE_PROFILE: "sansu", KOTAE_DB: path.join(temporaryDirectory(), "kotae.sqlite"), KOTAE_GPU: "off", KOTAE_THREADS: "1"});

    it("kotae solve refuses it in one line naming the setting", () => {
        const result = run(["solve", "--mode", "cot", "1+1"], env());
        expect(result.status).toBe(1);
        expect(result.stderr).toContain(key);
        expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    });

    it("kotae doctor fails the Profile check with the fix", () => {
        const result = run(["doctor", "--json"], env());
        const profile = (JSON.parse(result.stdout) as Array<{name: string, status: string, detail: string, fix?: string}>).find((check) => check.name === "Profile");
        expect(profile).toMatchObject({status: "fail", detail: expect.stringContaining("has no chat template") as string,
            fix: "Set profiles.sansu.prompt.chatTemplate in the config file to the model's Jinja chat template."});
        expect(result.status).toBe(1);
    });

    it("kotae serve exits 1 at start with the same line", async () => {
        const kotae = startKotae(["serve"], {cwd: temporaryDirectory("kotae-cli-"), env: {...env(), KOTAE_WEB_PORT: "0"}});
        expect(await kotae.exited).toBe(1);
        expect(kotae.output()).toContain(key);
    });

    it("works once the config file gives the template", () => {
        const cwd = temporaryDirectory("kotae-cli-");
        fs.writeFileSync(path.join(cwd, "kotae.config.json"), JSON.stringify({profiles: {sansu: {extends: "sansu", prompt: {
            format: "chat", system: "S", chatTemplate: "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}assistant:"
        }}}}));
        const result = runKotae(["solve", "--mode", "cot", "--max-tokens", "4", "1+1"], {cwd, env: env()});
        expect(result.stderr).not.toContain(key);
        expect(result.status).toBe(0);
    });
});
