#!/usr/bin/env node
// `npm run test:mutate`: proves the suite fails when Kotae is wrong. Each mutation in scripts/mutations.mjs
// is one small, named change to Kotae's source (drop the ephemeral flag, swap + for - in an answer image,
// …); this applies it, runs the test files that promise the behaviour it breaks, restores the file, and
// reports whether the tests caught it ("killed") or kept passing ("survived"). Not part of CI: it runs the
// relevant tests once per mutation, which takes a while.
//
//   npm run test:mutate                       all mutations
//   npm run test:mutate -- --only a,b         the named ones
//   npm run test:mutate -- --list             names and what each breaks, without running anything
//
// Exit status: 0 when every mutation was killed, 1 when one survived or could not be applied.
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {mutations} from "./mutations.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** One mutation's tests may not run longer than this (a mutation that hangs a test counts as killed: the run fails). */
const perMutationTimeoutMs = 10 * 60_000;

const args = process.argv.slice(2);
const only = valueOf("--only")?.split(",").map((name) => name.trim()).filter(Boolean);

if (args.includes("--list")) {
    for (const mutation of mutations)
        console.log(`${mutation.name.padEnd(36)} ${mutation.project.padEnd(10)} ${mutation.breaks}`);
    process.exit(0);
}

const unknown = (only ?? []).filter((name) => !mutations.some((mutation) => mutation.name === name));
if (unknown.length > 0) {
    console.error(`[mutate] No mutation named ${unknown.join(", ")} in scripts/mutations.mjs (see npm run test:mutate -- --list)`);
    process.exit(1);
}
const selected = mutations.filter((mutation) => only == null || only.includes(mutation.name));

// The originals of files being mutated, so that an interrupted run still puts them back. Their times are put
// back too: a source newer than its build makes the render suite refuse dist/ as stale (tests/render/freshBuild.ts).
const originals = new Map();
function restoreAll() {
    for (const [file, {text, atime, mtime}] of originals) {
        fs.writeFileSync(file, text);
        fs.utimesSync(file, atime, mtime);
    }
    originals.clear();
}
for (const signal of ["SIGINT", "SIGTERM"])
    process.on(signal, () => { restoreAll(); process.exit(130); });

if (!build()) {
    console.error("[mutate] The build failed: fix it first (npm run build)");
    process.exit(1);
}
// A mutation counts as killed only when its tests pass on the unchanged sources: run each set once first.
for (const tests of new Set(selected.map(testCommand).map((command) => JSON.stringify(command)))) {
    const command = JSON.parse(tests);
    if (runTests(command) !== "passed") {
        console.error(`[mutate] The unchanged sources already fail: npx ${command.join(" ")}. Fix the suite first.`);
        process.exit(1);
    }
}
const results = [];
for (const mutation of selected) {
    const started = performance.now();
    const outcome = tryMutation(mutation);
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    results.push({...mutation, outcome, seconds});
    console.log(`[mutate] ${mutation.name}: ${outcome} (${seconds} s)`);
}

console.log("\n| mutation | what it breaks | tests | result |\n|---|---|---|---|");
for (const result of results)
    console.log(`| \`${result.name}\` | ${result.breaks} | ${result.project}: ${result.tests.map((file) => path.basename(file)).join(", ")} | ${result.outcome} |`);
const survivors = results.filter((result) => !result.outcome.startsWith("killed"));
console.log(`\n${results.length - survivors.length} of ${results.length} mutations killed${survivors.length > 0 ? `; not killed: ${survivors.map((result) => result.name).join(", ")}` : ""}.`);
process.exit(survivors.length > 0 ? 1 : 0);

/** Applies one mutation, runs its tests, restores the file. "killed", "survived" or "not applied: …". */
function tryMutation(mutation) {
    const file = path.join(root, mutation.file);
    const original = fs.readFileSync(file, "utf8");
    const occurrences = original.split(mutation.search).length - 1;
    if (occurrences !== 1)
        return `not applied: the search text occurs ${occurrences} times in ${mutation.file}`;
    const {atime, mtime} = fs.statSync(file);
    originals.set(file, {text: original, atime, mtime});
    try {
        fs.writeFileSync(file, original.replace(mutation.search, () => mutation.replace));
        // A mutant that does not compile is no test of the suite: report it, so the list gets fixed.
        if (mutation.build && !build())
            return "not applied: the mutant does not compile";
        const outcome = runTests(testCommand(mutation));
        return outcome === "passed" ? "survived" : outcome === "timed out" ? "killed (timed out)" : "killed";
    } finally {
        restoreAll();
        // dist/ holds the mutant: build the original again before any other test runs compiled code.
        if (mutation.build && !build()) {
            console.error("[mutate] Rebuilding the restored sources failed: run npm run build");
            process.exit(1);
        }
    }
}

function testCommand(mutation) {
    return ["vitest", "run", "--project", mutation.project, ...mutation.tests];
}

/** "passed", "failed" or "timed out". */
function runTests(command) {
    const tests = spawnSync("npx", command, {
        cwd: root, stdio: "ignore", timeout: perMutationTimeoutMs, killSignal: "SIGKILL", env: {...process.env, CI: "true"}
    });
    return tests.error != null || tests.signal != null ? "timed out" : tests.status === 0 ? "passed" : "failed";
}

function build() {
    return spawnSync("npx", ["tsc", "-p", "tsconfig.json"], {cwd: root, stdio: "inherit"}).status === 0;
}

function valueOf(flag) {
    const index = args.indexOf(flag);
    return index >= 0 ? args[index + 1] : undefined;
}
