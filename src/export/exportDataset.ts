import {answersEqual} from "../answers/answersEqual.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import type {ExportFilter, ReviewedInteraction} from "../domain/ReviewedInteraction.js";

export const exportFormats = ["cot", "tir", "preference"] as const;
export type ExportFormat = typeof exportFormats[number];

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
    let lines = 0;
    for (const row of store.dataset.reviewedInteractions(filter)) {
        const record = recordFor(format, row);
        if (record == null)
            continue;
        write(JSON.stringify(record));
        lines++;
    }
    return lines;
}

function recordFor(format: ExportFormat, row: ReviewedInteraction): Record<string, unknown> | undefined {
    const prompt = row.finalPrompt ?? row.prompt;
    const output = row.finalOutput ?? row.rawOutput;
    if (prompt == null || output == null)
        return undefined;
    const meta = {
        id: `kotae-${row.id}`, created_at: row.createdAt, platform: row.platform, profile: row.profile, user: row.userPseudonym,
        model: row.modelName, model_sha256: row.modelSha256, review: row.reviewStatus, answer: row.canonicalAnswer ?? row.answer
    };
    const modelRight = row.reviewStatus === "model_right"
        || (row.reviewStatus === "resolved" && row.canonicalAnswer != null && row.answer != null && answersEqual(row.canonicalAnswer, row.answer));
    const mode = row.finalMode ?? "cot"; // interactions logged before per-attempt rows were text reasoning

    switch (format) {
        case "cot":
            if (mode === "cot" && modelRight) return {...meta, prompt, completion: output, source: "model"};
            if (row.correctedSolution != null) return {...meta, prompt, completion: row.correctedSolution, source: "reviewer"};
            return undefined;
        case "tir":
            return mode === "tir" && modelRight ? {...meta, prompt, completion: output, source: "model"} : undefined;
        case "preference":
            return row.correctedSolution != null && !modelRight
                ? {...meta, prompt, chosen: row.correctedSolution, rejected: output}
                : undefined;
    }
}
