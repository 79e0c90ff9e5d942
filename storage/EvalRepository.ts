import {evalItemEvent, type EvalItemRecord, type EvalRunRecord, type EvalRunStatus, type NewEvalItem, type NewEvalRun} from "../src/domain/EvalRun.js";
import type {KotaeDatabase} from "./KotaeDatabase.js";
import {camelize, now, type Row} from "./rows.js";
import {ownedBy, type RowOwnership} from "./RowOwnership.js";

const sql = {
    insert: `
        INSERT INTO eval_runs (created_at, updated_at, dataset, dataset_sha256, item_count, modes, samples, profile,
            model_file, model_sha256, item_limit, seed, status)
        VALUES (@now, @now, @dataset, @datasetSha256, @itemCount, @modes, @samples, @profile,
            @modelFile, @modelSha256, @itemLimit, @seed, 'running')`,
    update: "UPDATE eval_runs SET status = ?, wall_ms = wall_ms + ?, updated_at = ? WHERE id = ?",
    get: "SELECT * FROM eval_runs WHERE id = ?",
    list: "SELECT * FROM eval_runs ORDER BY id DESC LIMIT ?",
    insertItem: `
        INSERT INTO eval_items (run_id, item_index, mode, interaction_id, created_at, question, expected, status, answer,
            correct, sample_answers, correct_samples, samples, agreement_votes, prompt_tokens, completion_tokens,
            generation_ms, executions_ok, executions_error, executions_timeout)
        VALUES (@runId, @itemIndex, @mode, @interactionId, @now, @question, @expected, @status, @answer,
            @correct, @sampleAnswers, @correctSamples, @samples, @agreementVotes, @promptTokens, @completionTokens,
            @generationMs, @executionsOk, @executionsError, @executionsTimeout)`,
    listItems: "SELECT * FROM eval_items WHERE run_id = ? ORDER BY item_index, mode",
    abandon: `
        UPDATE interactions SET status = 'failed', updated_at = @now, error_code = 'interrupted',
            error_message = 'kotae eval stopped before this problem finished; resuming the run solves it again'
        WHERE status IN ('queued', 'running') AND ${ownedBy} AND id IN (
            SELECT interaction_id FROM interaction_events WHERE kind = '${evalItemEvent}' AND json_extract(detail, '$.runId') = @runId)`
};

/** Accuracy evaluations (`kotae eval`): each run's settings and each problem's grade, so a killed run can resume. */
export class EvalRepository {
    private readonly statements;

    public constructor(database: KotaeDatabase, private readonly ownership: RowOwnership) {
        this.statements = database.prepareAll(sql);
    }

    public create(run: NewEvalRun): number {
        return Number(this.statements.insert.run({...run, now: now(), modes: run.modes.join(",")}).lastInsertRowid);
    }

    /** Sets a run's status and adds the wall-clock time this session spent on it. */
    public update(id: number, status: EvalRunStatus, addWallMs: number): void {
        this.statements.update.run(status, Math.round(addWallMs), now(), id);
    }

    public get(id: number): EvalRunRecord | undefined {
        const row = this.statements.get.get(id) as Row | undefined;
        return row != null ? evalRunFrom(row) : undefined;
    }

    /** The newest runs first. */
    public list(limit: number): EvalRunRecord[] {
        return (this.statements.list.all(limit) as Row[]).map(evalRunFrom);
    }

    public addItem(item: NewEvalItem): void {
        this.statements.insertItem.run({
            ...item, now: now(), correct: Number(item.correct), sampleAnswers: JSON.stringify(item.sampleAnswers)
        });
    }

    public items(runId: number): EvalItemRecord[] {
        return (this.statements.listItems.all(runId) as Row[]).map((row) => {
            const record = camelize(row);
            const parsed: Row = {...record, correct: record["correct"] === 1, sampleAnswers: JSON.parse(String(record["sampleAnswers"]))};
            return parsed as EvalItemRecord;
        });
    }

    /** Marks a run's problems left queued or running by a killed `kotae eval` (the resume solves them again), so their status is never a lie. */
    public abandon(runId: number): number {
        return this.ownership.abandonGoneOwners((owner) => this.statements.abandon.run({now: now(), runId, ...owner}).changes);
    }
}

function evalRunFrom(row: Row): EvalRunRecord {
    const record = camelize(row);
    const parsed: Row = {...record, modes: String(record["modes"]).split(",")};
    return parsed as EvalRunRecord;
}
