import {answersEqual} from "../answers/answersEqual.js";
import type {KotaeStore, ReportFilter, ReviewStatus} from "../../storage/KotaeStore.js";

export const exportFormats = ["cot", "tir", "preference"] as const;
export type ExportFormat = typeof exportFormats[number];

/** What an export may be narrowed to; the status is the newest review's (reported or not). */
export type ExportFilter = Omit<ReportFilter, "status"> & {readonly status?: ReviewStatus};

type ExportRow = {
    id: number, created_at: string, platform: string, profile: string, user_pseudonym: string, question: string,
    prompt: string | null, raw_output: string | null, answer: string | null, model_name: string | null, model_sha256: string | null,
    review_status: ReviewStatus | null, canonical_answer: string | null, corrected_solution: string | null,
    final_prompt: string | null, final_output: string | null, final_mode: "cot" | "tir" | null
};

/**
 * Writes reviewed interactions as JSONL in the target models' own training formats, one object per line:
 * - `cot`: supervised fine-tuning pairs for text reasoning: the exact prompt the profile rendered and a
 *   verified completion (the model's own `<think>`…`\boxed{}` when a reviewer judged it right, or the
 *   reviewer's corrected solution);
 * - `tir`: the same for tool use: the model's completion with its real code blocks and execution outputs
 *   between the profile's tags, when its answer was judged right;
 * - `preference`: prompt, chosen (the corrected solution) and rejected (the model's wrong solution).
 * Users appear only as pseudonyms; users who asked to be forgotten are left out. Returns the line count.
 */
export function exportDataset(store: KotaeStore, format: ExportFormat, filter: ExportFilter, write: (line: string) => void): number {
    const {where, parameters} = exportConditions(filter);
    let lines = 0;
    for (const row of store.iterate<ExportRow>(`${exportQuery} ${where} ORDER BY i.id`, ...parameters)) {
        const record = recordFor(format, row);
        if (record == null)
            continue;
        write(JSON.stringify(record));
        lines++;
    }
    return lines;
}

function recordFor(format: ExportFormat, row: ExportRow): Record<string, unknown> | undefined {
    const prompt = row.final_prompt ?? row.prompt;
    const output = row.final_output ?? row.raw_output;
    if (prompt == null || output == null)
        return undefined;
    const meta = {
        id: `kotae-${row.id}`, created_at: row.created_at, platform: row.platform, profile: row.profile, user: row.user_pseudonym,
        model: row.model_name, model_sha256: row.model_sha256, review: row.review_status, answer: row.canonical_answer ?? row.answer
    };
    const modelRight = row.review_status === "model_right"
        || (row.review_status === "resolved" && row.canonical_answer != null && row.answer != null && answersEqual(row.canonical_answer, row.answer));
    const mode = row.final_mode ?? "cot"; // interactions logged before per-attempt rows were text reasoning

    switch (format) {
        case "cot":
            if (mode === "cot" && modelRight) return {...meta, prompt, completion: output, source: "model"};
            if (row.corrected_solution != null) return {...meta, prompt, completion: row.corrected_solution, source: "reviewer"};
            return undefined;
        case "tir":
            return mode === "tir" && modelRight ? {...meta, prompt, completion: output, source: "model"} : undefined;
        case "preference":
            return row.corrected_solution != null && !modelRight
                ? {...meta, prompt, chosen: row.corrected_solution, rejected: output}
                : undefined;
    }
}

const exportQuery = `
    SELECT i.id, i.created_at, i.platform, i.profile, i.user_pseudonym, i.question, i.prompt, i.raw_output, i.answer,
        i.model_name, i.model_sha256, r.status AS review_status, r.canonical_answer, r.corrected_solution,
        s.prompt AS final_prompt, s.raw_output AS final_output, s.mode AS final_mode
    FROM interactions i
    JOIN reviews r ON r.id = (SELECT max(id) FROM reviews WHERE interaction_id = i.id)
    LEFT JOIN solutions s ON s.interaction_id = i.id AND s.sample_index = coalesce(i.representative_sample, 0)
        AND s.attempt = (SELECT max(attempt) FROM solutions WHERE interaction_id = i.id AND sample_index = coalesce(i.representative_sample, 0))
    WHERE i.user_pseudonym NOT IN (SELECT user_pseudonym FROM forgotten_users)`;

function exportConditions(filter: ExportFilter): {where: string, parameters: unknown[]} {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    if (filter.status != null) { conditions.push("r.status = ?"); parameters.push(filter.status); }
    if (filter.since != null) { conditions.push("i.created_at >= ?"); parameters.push(filter.since.toISOString()); }
    if (filter.until != null) { conditions.push("i.created_at < ?"); parameters.push(filter.until.toISOString()); }
    if (filter.platform != null) { conditions.push("i.platform = ?"); parameters.push(filter.platform); }
    if (filter.profile != null) { conditions.push("i.profile = ?"); parameters.push(filter.profile); }
    return {where: conditions.map((condition) => `AND ${condition}`).join(" "), parameters};
}
