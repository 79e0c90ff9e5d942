import {createHash} from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import {packageRoot} from "../app/packageRoot.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import type {ReviewStatus} from "../domain/Review.js";

/** One test problem and its reference answer. */
export type EvalItem = {readonly question: string, readonly answer: string};

export type EvalDataset = {
    /** `mgsm-ja`, `mgsm-en`, `audit`, or the file's absolute path: what a resume reads again. */
    readonly name: string,
    readonly items: readonly EvalItem[],
    /** SHA-256 over the items, so a resume or a comparison can tell the problems are the same. */
    readonly sha256: string
};

/** The built-in datasets: MGSM (grade-school word problems), from ../shared/data beside the package. */
export const builtinDatasets = {"mgsm-ja": "mgsm_ja.tsv", "mgsm-en": "mgsm_en.tsv"} as const;

/** The name `--dataset audit` takes: reviewed reports with a canonical answer. */
export const auditDataset = "audit";

/** A dataset that cannot be read; the message names the file and line, as an operator fixes it. */
export class DatasetError extends Error {
    public override readonly name = "DatasetError";
}

/**
 * Loads `--dataset`: a built-in name, `audit` (needs the store), or a file (.jsonl, .json or .tsv).
 * `reviewStatus` narrows `audit` to reports whose newest review has that status; the dataset is then
 * named `audit:<status>`, which loads the same way when a run is resumed.
 */
export function loadDataset(spec: string, store: KotaeStore, reviewStatus?: ReviewStatus): EvalDataset {
    if (spec in builtinDatasets) {
        const file = path.join(packageRoot(), "..", "shared", "data", builtinDatasets[spec as keyof typeof builtinDatasets]);
        return datasetOf(spec, parseDatasetText(readDatasetFile(file), file, "tsv"));
    }
    if (spec === auditDataset || spec.startsWith(`${auditDataset}:`)) {
        const status = reviewStatus ?? (spec.slice(auditDataset.length + 1) as ReviewStatus || undefined);
        return datasetOf(status != null ? `${auditDataset}:${status}` : auditDataset, reviewedProblems(store, status));
    }
    const file = path.resolve(spec);
    return datasetOf(file, parseDatasetText(readDatasetFile(file), file, formatOf(file)));
}

type DatasetFormat = "jsonl" | "json" | "tsv";

function formatOf(file: string): DatasetFormat {
    const extension = path.extname(file).toLowerCase();
    if (extension === ".jsonl" || extension === ".json" || extension === ".tsv")
        return extension.slice(1) as DatasetFormat;
    throw new DatasetError(`${file}: unknown dataset format; name it .jsonl, .json or .tsv (or use --dataset mgsm-ja, mgsm-en, audit)`);
}

function readDatasetFile(file: string): string {
    try {
        // A byte-order mark (some editors on Windows write one) is not part of the first problem.
        return fs.readFileSync(file, "utf8").replace(/^\uFEFF/, "");
    } catch (error) {
        throw new DatasetError(`${file}: cannot read the dataset (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
}

/**
 * Parses a dataset's text. JSONL: one object per line with `question` (or `problem`) and `answer`; JSON: an
 * array of such objects; TSV: `question<TAB>answer`, no header, no quote processing (MGSM's questions
 * contain quote characters). Blank lines are skipped; any other bad line stops with `file:line: why`.
 */
export function parseDatasetText(text: string, file: string, format: DatasetFormat): EvalItem[] {
    const where = (line: number): string => `${path.basename(file)}:${line}`;
    const items: EvalItem[] = [];
    if (format === "json") {
        let parsed: unknown;
        try {
            parsed = JSON.parse(text);
        } catch (error) {
            throw new DatasetError(`${path.basename(file)}: not JSON (${(error as Error).message})`);
        }
        if (!Array.isArray(parsed))
            throw new DatasetError(`${path.basename(file)}: expected a JSON array of {"question", "answer"} objects`);
        // JSON.parse keeps no line numbers: the element's 1-based position is named instead.
        parsed.forEach((element, index) => items.push(itemFrom(element, `${path.basename(file)}: item ${index + 1}`)));
    } else
        text.split(/\r?\n/).forEach((line, index) => {
            if (line.trim() === "")
                return;
            if (format === "tsv") {
                const [question = "", answer = ""] = line.split("\t");
                if (answer.trim() === "" || question.trim() === "")
                    throw new DatasetError(`${where(index + 1)}: expected question<TAB>answer`);
                items.push({question: question.trim(), answer: answer.trim()});
                return;
            }
            let parsed: unknown;
            try {
                parsed = JSON.parse(line);
            } catch {
                throw new DatasetError(`${where(index + 1)}: not JSON`);
            }
            items.push(itemFrom(parsed, where(index + 1)));
        });
    if (items.length === 0)
        throw new DatasetError(`${path.basename(file)}: no problems in the file`);
    return items;
}

function itemFrom(value: unknown, where: string): EvalItem {
    if (typeof value !== "object" || value == null || Array.isArray(value))
        throw new DatasetError(`${where}: expected an object with "question" and "answer"`);
    const record = value as Record<string, unknown>;
    const question = record["question"] ?? record["problem"];
    if (typeof question !== "string" || question.trim() === "")
        throw new DatasetError(`${where}: missing "question" (or "problem")`);
    const answer = record["answer"];
    // Numbers are common in JSON datasets (GSM8K-style); they are compared as text like any answer.
    if (!(typeof answer === "string" && answer.trim() !== "") && !(typeof answer === "number" && Number.isFinite(answer)))
        throw new DatasetError(`${where}: missing "answer"`);
    return {question: question.trim(), answer: String(answer).trim()};
}

/** Every reported problem whose newest review with a canonical answer gave one, oldest first, trimmed; refused when there is none. */
function reviewedProblems(store: KotaeStore, status?: ReviewStatus): EvalItem[] {
    const rows = store.dataset.reviewedProblems(status);
    if (rows.length === 0)
        throw new DatasetError(`--dataset audit: no reviewed report has a canonical answer${status != null ? ` with status ${status}` : ""}; give one with \`kotae audit resolve <id> --answer …\``);
    return rows.map((row) => ({question: row.question.trim(), answer: row.answer.trim()}));
}

function datasetOf(name: string, items: readonly EvalItem[]): EvalDataset {
    const hash = createHash("sha256");
    for (const item of items)
        hash.update(`${item.question}\u0000${item.answer}\u0000`);
    return {name, items, sha256: hash.digest("hex")};
}
