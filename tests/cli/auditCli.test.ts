import fs from "node:fs";
import path from "node:path";
import {beforeAll, describe, expect, it} from "vitest";
import {KotaeStore} from "../../storage/KotaeStore.js";
import {Pseudonymizer} from "../../storage/Pseudonymizer.js";
import {assertBuilt, runKotae} from "../support/runKotae.js";
import {sharedModels, temporaryDirectory} from "../support/testRuntime.js";

beforeAll(assertBuilt);

const secret = "audit-cli-secret-0123456789";

/** A database with one wrong answer reported by another student. */
function reportedDatabase(): string {
    const directory = temporaryDirectory("kotae-audit-");
    const file = path.join(directory, "kotae.sqlite");
    using store = new KotaeStore(file, Pseudonymizer.fromSecret(secret));
    const asker = {platform: "discord", userId: "42", workspaceId: "g"} as const;
    const id = store.interactions.create({requester: asker, question: "1+1は？", mode: "cot", profile: "llmjp-math-cot"});
    store.interactions.markRunning(id, {modelName: "m", modelFile: "/m.gguf", modelSha256: null, prompt: "### 指示:\n1+1は？\n### 応答:\n", queueMs: 0});
    store.interactions.finish(id, {status: "answered", rawOutput: "\\boxed{3}", shownSolution: "\\boxed{3}", answer: "3", totalMs: 1});
    store.feedback.add({interactionId: id, requester: {...asker, userId: "43"}, kind: "wrong_answer", correctedAnswer: "2", comment: "1+1=2"});
    return file;
}

describe("kotae audit and export (operator commands)", () => {
    it("lists the queue, shows a report, resolves it with a corrected solution, exports it, and forgets the asker", () => {
        const db = reportedDatabase();
        const env = {KOTAE_DB: db, KOTAE_PSEUDONYM_KEY: secret};
        const cwd = path.dirname(db);

        const listed = runKotae(["audit", "list", "--json", "--status", "new"], {cwd, env});
        expect(JSON.parse(listed.stdout)).toMatchObject({total: 1, reports: [{interactionId: 1, correctedAnswer: "2", answer: "3", status: "new"}]});

        const shown = runKotae(["audit", "show", "1"], {cwd, env});
        expect(shown.stdout).toContain("問題: 1+1は？");
        expect(shown.stdout).toContain("報告: 2");

        const resolved = runKotae(["audit", "resolve", "1", "--status", "resolved", "--answer", "2", "--reviewer", "mod-a", "--solution-file", "-"],
            {cwd, env, input: "1と1をたすと2。\\boxed{2}"});
        expect(resolved.status).toBe(0);
        const trail = JSON.parse(runKotae(["audit", "show", "1", "--json"], {cwd, env}).stdout) as {reviews: {reviewer: string, status: string}[]};
        expect(trail.reviews).toMatchObject([{reviewer: "mod-a", status: "resolved"}]);

        const file = path.join(cwd, "pairs.jsonl");
        const exported = runKotae(["export", "--format", "preference", "--platform", "discord", "-o", file], {cwd, env});
        expect(exported.stderr).toContain("1 preference line(s)");
        const [line] = fs.readFileSync(file, "utf8").trim().split("\n");
        expect(JSON.parse(line!)).toMatchObject({id: "kotae-1", chosen: "1と1をたすと2。\\boxed{2}", rejected: "\\boxed{3}"});
        expect(line).not.toContain("\"42\"");

        expect(runKotae(["forget", "discord", "42"], {cwd, env}).stdout).toContain("1 interaction(s) deleted");
        expect(runKotae(["export", "--format", "preference"], {cwd, env}).stdout).toBe("");
        expect(runKotae(["export", "--format", "nonsense"], {cwd, env}).status).toBe(2);
    });

    it("rechecks a report with k fresh samples of the real model, and says kindly when no model is configured", () => {
        const db = reportedDatabase();
        const env = {KOTAE_DB: db, KOTAE_PSEUDONYM_KEY: secret};
        const cwd = path.dirname(db);

        const modelless = runKotae(["audit", "recheck", "1", "--samples", "2"], {cwd, env: {...env, USER: "operator"}});
        expect(modelless.status).toBe(1);
        expect(modelless.stderr).toContain("Set KOTAE_MODEL");
        expect(runKotae(["audit", "recheck", "1", "--samples", "17"], {cwd, env}).status).toBe(2);

        // The tiny model writes stories, not answers: the point is the real generation path and the record.
        const modelEnv = {...env, KOTAE_MODEL: path.join(sharedModels, "stories260K.gguf"), KOTAE_GPU: "off", KOTAE_THREADS: "1", KOTAE_SEQUENCES: "1", KOTAE_MAX_TOKENS: "24"};
        const rechecked = runKotae(["audit", "recheck", "1", "--samples", "2", "--reviewer", "mod-b", "--json"], {cwd, env: modelEnv});
        expect(rechecked.stderr).toContain("Drawing 2 fresh sample(s)");
        expect(rechecked.status).toBe(0);
        expect(JSON.parse(rechecked.stdout)).toMatchObject({reviewer: "mod-b", samples: 2, finished: 2, status: "no_answer", tally: []});

        const shown = runKotae(["audit", "show", "1"], {cwd, env});
        expect(shown.stdout).toMatch(/fresh samples #2 .* operator: 0\/2 failed {2}votes no answer/); // logged, like every request
        expect(shown.stdout).toMatch(/fresh samples #3 .* mod-b: 2\/2 no_answer {2}votes no answer/);
    });
});
