import {percentile} from "../statistics.js";
import {interactionStatuses, type SoakRow} from "./soakWorld.js";

/** How one request of a burst ended, as the person who sent it saw it. */
export type BurstOutcome = {
    /** `answered`: the answer (or "no final answer") message; `refused`: a short private refusal or a kind failure message. */
    readonly ending: "answered" | "refused" | "unanswered",
    /** From sending to that ending. */
    readonly millis: number
};

export type BurstMeasurement = {
    readonly scenario: string,
    readonly database: string,
    readonly outcomes: readonly BurstOutcome[],
    /** Resident memory of `kotae serve` just before the burst and once it was over, in KiB. */
    readonly residentBefore: number,
    readonly residentAfter: number,
    readonly maxGrowth: number,
    /**
     * Calls the platform refused with 429: Kotae must keep within the documented limits, so more than one in
     * twenty requests fails the burst (a stray one can come from timing on a loaded machine).
     */
    readonly rateLimited?: number
};

/**
 * The verdict on a burst, the same for every platform: it held when every request ended in an answer or a
 * kind refusal, the database has exactly one row per request with none left queued or running, resident
 * memory grew by at most `maxGrowth`, and the platform hardly ever had to answer 429.
 */
export function burstVerdict(measurement: BurstMeasurement): SoakRow {
    const {outcomes} = measurement;
    const count = (ending: BurstOutcome["ending"]) => outcomes.filter((outcome) => outcome.ending === ending).length;
    const rows = interactionStatuses(measurement.database);
    const open = rows.filter((row) => row.status === "queued" || row.status === "running").length;
    const rowsLost = Math.abs(outcomes.length - rows.length) + open;
    const millis = outcomes.map((outcome) => outcome.millis);
    const growth = measurement.residentAfter / measurement.residentBefore;
    const withinRateLimits = (measurement.rateLimited ?? 0) <= outcomes.length / 20;
    const held = count("unanswered") === 0 && rowsLost === 0 && growth <= measurement.maxGrowth && withinRateLimits;
    return {
        scenario: measurement.scenario, kind: "load", outcome: held ? "held" : "FAILED",
        detail: `${count("answered")} answered, ${count("refused")} refused kindly, ${count("unanswered")} unanswered; ${rows.length} rows, ${open} left open; `
            + `p50 ${(percentile(millis, 0.5) / 1000).toFixed(2)} s, p99 ${(percentile(millis, 0.99) / 1000).toFixed(2)} s; `
            + `RSS ${Math.round(measurement.residentBefore / 1024)} → ${Math.round(measurement.residentAfter / 1024)} MiB (×${growth.toFixed(2)})`
            + (measurement.rateLimited != null ? `; ${measurement.rateLimited} calls rate-limited (429)` : ""),
        rowsLost
    };
}
