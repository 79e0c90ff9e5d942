import path from "node:path";
import {percentile} from "../statistics.js";
import {openBrowser, interactionStatuses, scenarioFolder, serveEnv, solveThroughWeb, startServe, type SoakRow} from "./soakWorld.js";

/**
 * `users` browsers each send `perUser` problems at once through the web API to one `kotae serve` on the
 * tiny model: every request must end in an answer or a kind refusal (an event stream that ends in `done` or
 * in `failed` with a message, or an HTTP refusal), every request must have exactly one row in a final
 * state, nothing may be left queued or running, and resident memory may grow by at most `maxGrowth`.
 */
export async function webBurst(users: number, perUser: number, maxGrowth = 1.5): Promise<SoakRow> {
    const database = path.join(scenarioFolder(), "kotae.sqlite");
    // Behind a (pretend) reverse proxy that names each browser's address: web admission is per address.
    const {kotae, url} = await startServe(serveEnv(database, {KOTAE_MAX_TOKENS: "24", KOTAE_SEQUENCES: "2", KOTAE_WEB_TRUST_PROXY: "true"}));
    try {
        const browsers = await Promise.all(Array.from({length: users}, (_unused, user) => openBrowser(url, `192.0.2.${user + 1}`)));
        const before = kotae.residentKiB();
        const outcomes = await Promise.all(browsers.flatMap((browser, user) =>
            Array.from({length: perUser}, (_unused, index) => solveThroughWeb(url, browser, `Once upon a time, user ${user} asked question ${index}.`))));
        const after = kotae.residentKiB();

        const answered = outcomes.filter((outcome) => outcome.status === 200 && outcome.last?.type === "done").length;
        const refusedKindly = outcomes.filter((outcome) => (outcome.status === 200 && outcome.last?.type === "failed" && (outcome.last.message ?? "") !== "")
            || (outcome.status >= 400 && outcome.status < 500)).length;
        const unanswered = outcomes.length - answered - refusedKindly;
        const rows = interactionStatuses(database);
        const open = rows.filter((row) => row.status === "queued" || row.status === "running").length;
        const rowsLost = Math.abs(outcomes.length - rows.length) + open;
        const millis = outcomes.map((outcome) => outcome.millis);
        const growth = after / before;
        const ok = unanswered === 0 && rowsLost === 0 && growth <= maxGrowth;
        return {
            scenario: `web burst: ${outcomes.length} solves from ${users} browsers at once`, kind: "load", outcome: ok ? "held" : "FAILED",
            detail: `${answered} answered, ${refusedKindly} refused kindly, ${unanswered} unanswered; ${rows.length} rows, ${open} left open; `
                + `p50 ${(percentile(millis, 0.5) / 1000).toFixed(2)} s, p99 ${(percentile(millis, 0.99) / 1000).toFixed(2)} s; RSS ${Math.round(before / 1024)} → ${Math.round(after / 1024)} MiB (×${growth.toFixed(2)})`,
            rowsLost
        };
    } finally {
        kotae.signal("SIGTERM");
        await Promise.race([kotae.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        await kotae.kill();
    }
}
