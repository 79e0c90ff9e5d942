import path from "node:path";
import {burstVerdict, type BurstOutcome} from "./burstVerdict.js";
import {burstSettings, openBrowser, scenarioFolder, serveEnv, solveThroughWeb, startServe, stopServe, type SoakRow} from "./soakWorld.js";

/**
 * `users` browsers each send `perUser` problems at once through the web API to one `kotae serve` on the
 * tiny model: an answer is an event stream that ends in `done`; a kind refusal one that ends in `failed`
 * with a message, or an HTTP refusal. See `burstVerdict` for what must hold.
 */
export async function webBurst(users: number, perUser: number, maxGrowth = 1.5): Promise<SoakRow> {
    const database = path.join(scenarioFolder(), "kotae.sqlite");
    // Behind a (pretend) reverse proxy that names each browser's address: web admission is per address.
    const {kotae, url} = await startServe(serveEnv(database, {...burstSettings, KOTAE_WEB_TRUST_PROXY: "127.0.0.1"}));
    try {
        const browsers = await Promise.all(Array.from({length: users}, (_unused, user) => openBrowser(url, `192.0.2.${user + 1}`)));
        const residentBefore = kotae.residentKiB();
        const outcomes = await Promise.all(browsers.flatMap((browser, user) =>
            Array.from({length: perUser}, async (_unused, index): Promise<BurstOutcome> => {
                const {status, last, millis} = await solveThroughWeb(url, browser, `Once upon a time, user ${user} asked question ${index}.`);
                const ending = status === 200 && last?.type === "done" ? "answered"
                    : (status === 200 && last?.type === "failed" && (last.message ?? "") !== "") || (status >= 400 && status < 500) ? "refused"
                        : "unanswered";
                return {ending, millis};
            })));
        return burstVerdict({
            scenario: `web burst: ${outcomes.length} solves from ${users} browsers at once`, database, outcomes,
            residentBefore, residentAfter: kotae.residentKiB(), maxGrowth
        });
    } finally {
        await stopServe(kotae);
    }
}
