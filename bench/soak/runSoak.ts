// `npm run soak`: the load-and-fault suite (issue 13), on loopback only and bounded in time. It runs the
// compiled `kotae serve` on the tiny real model in ../shared/models (with the fake Discord and Slack for
// the chat bursts) and prints a table: load held, faults survived, bad inputs refused, rows lost (must be
// 0). `--short` is the form CI runs; `--only <words>` runs the scenarios whose name contains them.
// Exit status 1 when a scenario failed or a row was lost.
import {corruptedDatabase, killAndRestart, sigtermWithSamples, twoProcessesOneDatabase} from "./shutdownFaults.js";
import {discordBurst} from "./discordBurst.js";
import {fullDisk} from "./fullDisk.js";
import {slackBurst} from "./slackBurst.js";
import {removeScenarioFolders, type SoakRow} from "./soakWorld.js";
import {webBurst} from "./webBurst.js";

const short = process.argv.includes("--short");
const onlyAt = process.argv.indexOf("--only");
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;

const scenarios: readonly {readonly name: string, readonly kind: SoakRow["kind"], readonly run: () => Promise<SoakRow>}[] = [
    {name: "web burst", kind: "load", run: () => short ? webBurst(8, 5) : webBurst(20, 10)},
    {name: "Discord burst", kind: "load", run: () => short ? discordBurst(8, 5) : discordBurst(20, 10)},
    {name: "Slack burst", kind: "load", run: () => short ? slackBurst(8, 5) : slackBurst(20, 10)},
    {name: "SIGTERM with 8 samples running", kind: "fault", run: sigtermWithSamples},
    {name: "kill -9 mid-solve (cot), then restart", kind: "fault", run: () => killAndRestart("cot")},
    {name: "kill -9 mid-solve (tir), then restart", kind: "fault", run: () => killAndRestart("tir")},
    {name: "two kotae serve on one database", kind: "fault", run: twoProcessesOneDatabase},
    {name: "a corrupted database file", kind: "bad input", run: corruptedDatabase},
    {name: "the database's disk full during writes", kind: "fault", run: fullDisk}
];

const rows: SoakRow[] = [];
try {
    for (const scenario of scenarios.filter((candidate) => only == null || candidate.name.includes(only))) {
        const row = await scenario.run().catch((error: unknown): SoakRow => ({
            scenario: scenario.name, kind: scenario.kind, outcome: "FAILED", rowsLost: 0,
            detail: error instanceof Error ? error.message.split("\n")[0]! : String(error)
        }));
        rows.push(row);
        console.error(`[soak] ${row.scenario}: ${row.outcome}`);
    }
} finally {
    removeScenarioFolders();
}

console.log("\n| scenario | kind | outcome | detail | rows lost |\n|---|---|---|---|---|");
for (const row of rows)
    console.log(`| ${row.scenario} | ${row.kind} | ${row.outcome} | ${row.detail} | ${row.rowsLost} |`);
const lost = rows.reduce((total, row) => total + row.rowsLost, 0);
const failed = rows.filter((row) => row.outcome === "FAILED");
console.log(`\nload held: ${rows.filter((row) => row.kind === "load" && row.outcome === "held").length}/${rows.filter((row) => row.kind === "load").length}, `
    + `faults survived: ${rows.filter((row) => row.kind === "fault" && row.outcome === "survived").length}/${rows.filter((row) => row.kind === "fault").length}, `
    + `bad inputs refused cleanly: ${rows.filter((row) => row.kind === "bad input" && row.outcome === "refused cleanly").length}/${rows.filter((row) => row.kind === "bad input").length}, rows lost: ${lost}`);
process.exit(failed.length > 0 || lost > 0 ? 1 : 0);
