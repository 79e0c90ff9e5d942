import {spawn} from "node:child_process";
import path from "node:path";
import Database from "better-sqlite3";
import {describe, expect, it, onTestFinished} from "vitest";
import {startMarkOf} from "../../storage/ProcessOwner.js";
import {alice, bob, goneProcess, temporaryDirectory, temporaryStore} from "../support/testRuntime.js";

const question = {question: "1から100までの自然数の和を求めてください", mode: "cot", profile: "llmjp-math-cot"};

describe("InteractionRepository", () => {
    it("records the whole life of an interaction", () => {
        using store = temporaryStore();
        const id = store.interactions.create({requester: alice, ...question});
        expect(store.interactions.get(id)).toMatchObject({status: "queued", platform: "discord", workspaceId: "g1", locale: "ja"});

        store.interactions.markRunning(id, {modelName: "m", modelFile: "/m.gguf", modelSha256: "ab".repeat(32), prompt: "P", queueMs: 12});
        store.interactions.finish(id, {
            status: "answered", rawOutput: "<think>t</think>s \\boxed{5050}", thinking: "t", shownSolution: "s \\boxed{5050}",
            answer: "5050", answerCanonical: "5050", answerMethod: "boxed", stopReason: "endOfGeneration",
            promptTokens: 40, completionTokens: 20, generationMs: 300, totalMs: 320
        });
        expect(store.interactions.get(id)).toMatchObject({
            status: "answered", modelSha256: "ab".repeat(32), prompt: "P", answer: "5050", queueMs: 12, totalMs: 320, completionTokens: 20
        });
    });

    it("marks requests left unfinished by a crashed process", () => {
        const file = path.join(temporaryDirectory(), "kotae.sqlite");
        using crashed = temporaryStore(file, goneProcess);
        const queued = crashed.interactions.create({requester: alice, ...question});
        const running = crashed.interactions.create({requester: alice, ...question});
        crashed.interactions.markRunning(running, {modelName: "m", modelFile: "/m.gguf", modelSha256: null, prompt: "P", queueMs: 1});
        const done = crashed.interactions.create({requester: alice, ...question});
        crashed.interactions.finish(done, {status: "no_answer", totalMs: 1});

        using restarted = temporaryStore(file);
        expect(restarted.interactions.abandonUnfinished()).toBe(2);
        expect(restarted.interactions.get(queued)).toMatchObject({status: "failed", errorCode: "interrupted"});
        expect(restarted.interactions.get(running)).toMatchObject({status: "failed", errorCode: "interrupted", prompt: "P"});
        expect(restarted.interactions.get(done)!.status).toBe("no_answer");
    });

    describe("two processes on one database", () => {
        it("a start leaves the rows of a process that still runs alone", async () => {
            const file = path.join(temporaryDirectory(), "kotae.sqlite");
            // Another live process: a real child, whose pid and start time the store records as /proc shows them.
            const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], {stdio: "ignore"});
            onTestFinished(() => { child.kill("SIGKILL"); });
            await new Promise((resolve) => child.once("spawn", resolve));
            const other = {pid: child.pid!, startMark: startMarkOf(child.pid!)!};
            using beside = temporaryStore(file, other);
            const live = beside.interactions.create({requester: alice, ...question});
            using crashed = temporaryStore(file, goneProcess);
            const orphan = crashed.interactions.create({requester: alice, ...question});
            const legacy = new Database(file); // a row from before rows had owners
            legacy.prepare("UPDATE interactions SET owner_pid = NULL, owner_start_mark = NULL WHERE id = ?").run(crashed.interactions.create({requester: alice, ...question}));
            legacy.close();

            using starting = temporaryStore(file);
            expect(starting.interactions.abandonUnfinished()).toBe(2);
            expect(starting.interactions.get(live)!.status).toBe("queued");
            expect(starting.interactions.get(orphan)).toMatchObject({status: "failed", errorCode: "interrupted"});

            // Once it is gone, its rows are marked by the next start.
            const exited = new Promise((resolve) => child.once("exit", resolve));
            child.kill("SIGKILL");
            await exited;
            expect(starting.interactions.abandonUnfinished()).toBe(1);
            expect(starting.interactions.get(live)).toMatchObject({status: "failed", errorCode: "interrupted"});
        });

        it("a process believed gone never overwrites the row another process marked interrupted", () => {
            const file = path.join(temporaryDirectory(), "kotae.sqlite");
            using old = temporaryStore(file, goneProcess);
            const id = old.interactions.create({requester: alice, ...question});
            using restarted = temporaryStore(file);
            expect(restarted.interactions.abandonUnfinished()).toBe(1);

            old.interactions.markRunning(id, {modelName: "m", modelFile: "/m.gguf", modelSha256: null, prompt: "P", queueMs: 1});
            expect(old.interactions.finish(id, {status: "answered", answer: "5050", totalMs: 9})).toBe(false);
            expect(restarted.interactions.get(id)).toMatchObject({status: "failed", errorCode: "interrupted", answer: null, prompt: null});
            // Its own rows it finishes as ever.
            const own = restarted.interactions.create({requester: alice, ...question});
            expect(restarted.interactions.finish(own, {status: "no_answer", totalMs: 1})).toBe(true);
        });
    });

    it("links a thread to its interaction and finds it again", () => {
        using store = temporaryStore();
        const first = store.interactions.create({requester: alice, ...question});
        store.interactions.setThread(first, "thread-1");
        expect(store.interactions.findByThread("discord", "thread-1")?.id).toBe(first);
        expect(store.interactions.findByThread("slack", "thread-1")).toBeUndefined();
        expect(store.interactions.findByThread("discord", "thread-2")).toBeUndefined();
    });

    it("lists a person's own recent problems in one community, newest first, without refusals", () => {
        using store = temporaryStore();
        const asked = (requester: typeof alice | typeof bob | typeof aliceElsewhere, text: string) => store.interactions.create({requester, ...question, question: text});
        const aliceElsewhere = {...alice, workspaceId: "g2"};
        const ids = ["1+1", "2+2", "3+3"].map((text) => asked(alice, text));
        asked(bob, "bob's");
        asked(aliceElsewhere, "another server");
        store.interactions.create({requester: {...alice, platform: "slack"}, ...question, question: "on Slack"});
        const refused = asked(alice, "too long");
        store.interactions.finish(refused, {status: "rejected", errorCode: "problem_too_long", totalMs: 0});

        expect(store.interactions.recentOf(alice, 10).map((row) => row.question)).toEqual(["3+3", "2+2", "1+1"]);
        expect(store.interactions.recentOf(alice, 2).map((row) => row.id)).toEqual([ids[2], ids[1]]);
        expect(store.interactions.recentOf(bob, 10).map((row) => row.question)).toEqual(["bob's"]);
        expect(store.interactions.recentOf(aliceElsewhere, 10).map((row) => row.question)).toEqual(["another server"]);
    });

    it("records events around an interaction with their detail", () => {
        using store = temporaryStore();
        const id = store.interactions.create({requester: alice, ...question});
        store.interactions.recordEvent({interactionId: id, requester: bob, kind: "button:show_solution"});
        store.interactions.recordEvent({interactionId: id, requester: alice, kind: "delivery_failed", detail: {status: 500}});
        store.interactions.recordEvent({requester: alice, kind: "settings_refused"});
        expect(store.interactions.events(id)).toMatchObject([
            {kind: "button:show_solution", userPseudonym: store.pseudonymOf(bob), detail: null},
            {kind: "delivery_failed", platform: "discord", workspaceId: "g1", detail: {status: 500}}
        ]);
    });
});
