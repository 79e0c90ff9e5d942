import type {ExecutionRow, NewExecution} from "../src/domain/Execution.js";
import type {InteractionOutcome, InteractionRecord, InteractionStart, NewInteraction} from "../src/domain/Interaction.js";
import type {EventRecord, NewEvent} from "../src/domain/InteractionEvent.js";
import type {Requester} from "../src/domain/Requester.js";
import type {NewSolution, SolutionRecord} from "../src/domain/Solution.js";
import type {KotaeDatabase} from "./KotaeDatabase.js";
import type {Pseudonymizer} from "./Pseudonymizer.js";
import {camelize, now, type Row} from "./rows.js";
import {ownedBy, stillOwned, type RowOwnership} from "./RowOwnership.js";

const sql = {
    insert: `
        INSERT INTO interactions (created_at, updated_at, platform, workspace_id, channel_id, thread_id,
            user_pseudonym, locale, question, mode, profile, style, parent_id, status, owner_pid, owner_start_mark)
        VALUES (@now, @now, @platform, @workspaceId, @channelId, @threadId,
            @userPseudonym, @locale, @question, @mode, @profile, @style, @parentId, 'queued', @ownerPid, @ownerStartMark)`,
    markRunning: `
        UPDATE interactions SET status = 'running', updated_at = @now, model_name = @modelName,
            model_file = @modelFile, model_sha256 = @modelSha256, prompt = @prompt, queue_ms = @queueMs
        WHERE id = @id AND ${stillOwned}`,
    finish: `
        UPDATE interactions SET status = @status, updated_at = @now, raw_output = @rawOutput,
            thinking = @thinking, shown_solution = @shownSolution, answer = @answer,
            answer_canonical = @answerCanonical, answer_method = @answerMethod, stop_reason = @stopReason,
            error_code = @errorCode, error_message = @errorMessage, prompt_tokens = @promptTokens,
            completion_tokens = @completionTokens, generation_ms = @generationMs, total_ms = @totalMs,
            solve_path = @solvePath, sample_count = @sampleCount, agreement_votes = @agreementVotes,
            representative_sample = @representativeSample
        WHERE id = @id AND ${stillOwned}`,
    get: "SELECT * FROM interactions WHERE id = ?",
    setThread: "UPDATE interactions SET thread_id = ?, updated_at = ? WHERE id = ?",
    findByThread: "SELECT * FROM interactions WHERE platform = ? AND thread_id = ? ORDER BY id DESC LIMIT 1",
    recentSolves: `
        SELECT count(*) AS count, min(created_at) AS oldest FROM interactions
        WHERE user_pseudonym = ? AND platform = ? AND coalesce(workspace_id, '') = ? AND created_at > ? AND status != 'rejected'`,
    // interactions_user (user_pseudonym, created_at) finds one person's rows newest first; the rest filters those few.
    recentOf: `
        SELECT * FROM interactions
        WHERE user_pseudonym = ? AND platform = ? AND coalesce(workspace_id, '') = ? AND status != 'rejected'
        ORDER BY created_at DESC, id DESC LIMIT ?`,
    abandonUnfinished: `
        UPDATE interactions SET status = 'failed', updated_at = @now, error_code = 'interrupted',
            error_message = 'Kotae stopped before this request finished'
        WHERE status IN ('queued', 'running') AND ${ownedBy}`,
    insertSolution: `
        INSERT INTO solutions (interaction_id, sample_index, attempt, created_at, mode, seed, prompt, raw_output,
            thinking, shown_solution, answer, answer_canonical, answer_method, stop_reason, fallback_reason,
            prompt_tokens, completion_tokens, generation_ms)
        VALUES (@interactionId, @sampleIndex, @attempt, @now, @mode, @seed, @prompt, @rawOutput,
            @thinking, @shownSolution, @answer, @answerCanonical, @answerMethod, @stopReason, @fallbackReason,
            @promptTokens, @completionTokens, @generationMs)`,
    listSolutions: "SELECT * FROM solutions WHERE interaction_id = ? ORDER BY sample_index, attempt",
    insertExecution: `
        INSERT INTO executions (interaction_id, sample_index, execution_index, created_at, code, output, status,
            truncated, restarted, duration_ms)
        VALUES (@interactionId, @sampleIndex, @executionIndex, @now, @code, @output, @status,
            @truncated, @restarted, @durationMs)`,
    listExecutions: "SELECT * FROM executions WHERE interaction_id = ? ORDER BY sample_index, execution_index",
    insertEvent: `
        INSERT INTO interaction_events (interaction_id, created_at, platform, workspace_id, user_pseudonym, kind, detail)
        VALUES (@interactionId, @now, @platform, @workspaceId, @userPseudonym, @kind, @detail)`,
    listEvents: "SELECT * FROM interaction_events WHERE interaction_id = ? ORDER BY id"
};

/**
 * Requests and what is attached to each: its solutions (one per sample and attempt), the code they ran,
 * the events around it and the chat thread of its reply. Every request gets a row before any work
 * starts and the row is finished whatever happens, so nothing a user sent is lost.
 */
export class InteractionRepository {
    private readonly statements;

    public constructor(database: KotaeDatabase, private readonly pseudonymizer: Pseudonymizer, private readonly ownership: RowOwnership) {
        this.statements = database.prepareAll(sql);
    }

    public create(input: NewInteraction): number {
        const {requester} = input;
        const result = this.statements.insert.run({
            now: now(),
            platform: requester.platform,
            workspaceId: requester.workspaceId ?? null,
            channelId: requester.channelId ?? null,
            threadId: requester.threadId ?? null,
            userPseudonym: this.pseudonymizer.pseudonymOf(requester),
            locale: requester.locale ?? null,
            question: input.question,
            mode: input.mode,
            profile: input.profile,
            style: input.style ?? null,
            parentId: input.parentId ?? null,
            ...this.ownership.columns()
        });
        return Number(result.lastInsertRowid);
    }

    /** Marks this process's queued request running; a row another process already marked interrupted is left alone. */
    public markRunning(id: number, start: InteractionStart): void {
        this.statements.markRunning.run({id, now: now(), ...start, ...this.ownership.columns()});
    }

    /**
     * Records how this process's request ended. Returns false, changing nothing, when the row is no longer
     * this process's to finish (another process marked it interrupted, believing this one gone).
     */
    public finish(id: number, outcome: InteractionOutcome): boolean {
        return this.statements.finish.run({
            id,
            now: now(),
            ...this.ownership.columns(),
            status: outcome.status,
            rawOutput: outcome.rawOutput ?? null,
            thinking: outcome.thinking ?? null,
            shownSolution: outcome.shownSolution ?? null,
            answer: outcome.answer ?? null,
            answerCanonical: outcome.answerCanonical ?? null,
            answerMethod: outcome.answerMethod ?? null,
            stopReason: outcome.stopReason ?? null,
            errorCode: outcome.errorCode ?? null,
            errorMessage: outcome.errorMessage ?? null,
            promptTokens: outcome.promptTokens ?? null,
            completionTokens: outcome.completionTokens ?? null,
            generationMs: outcome.generationMs ?? null,
            totalMs: outcome.totalMs,
            solvePath: outcome.solvePath ?? null,
            sampleCount: outcome.sampleCount ?? null,
            agreementVotes: outcome.agreementVotes ?? null,
            representativeSample: outcome.representativeSample ?? null
        }).changes > 0;
    }

    public get(id: number): InteractionRecord | undefined {
        return interactionFrom(this.statements.get.get(id) as Row | undefined);
    }

    /** Links an interaction to the chat thread opened on its reply, where follow-ups arrive. */
    public setThread(interactionId: number, threadId: string): void {
        this.statements.setThread.run(threadId, now(), interactionId);
    }

    /** The interaction a thread belongs to (the newest, if a thread was reused). */
    public findByThread(platform: string, threadId: string): InteractionRecord | undefined {
        return interactionFrom(this.statements.findByThread.get(platform, threadId) as Row | undefined);
    }

    /** Problems this user sent in this community since `since` that were accepted (refusals do not count). */
    public recentSolves(requester: Requester, since: Date): {count: number, oldest: Date | undefined} {
        const row = this.statements.recentSolves.get(this.pseudonymizer.pseudonymOf(requester), requester.platform, requester.workspaceId ?? "", since.toISOString()) as {count: number, oldest: string | null};
        return {count: row.count, oldest: row.oldest != null ? new Date(row.oldest) : undefined};
    }

    /**
     * The newest problems this user sent in this community (refusals left out), newest first: what a
     * student's own page lists. Nobody else's rows, and none from another workspace or platform.
     */
    public recentOf(requester: Requester, limit: number): InteractionRecord[] {
        const rows = this.statements.recentOf.all(this.pseudonymizer.pseudonymOf(requester), requester.platform, requester.workspaceId ?? "", limit) as Row[];
        return rows.map((row) => camelize(row) as InteractionRecord);
    }

    /**
     * Marks requests left queued or running by a process that crashed or was killed, so their status is
     * never a lie. Rows of a process that still runs (another `kotae solve`, a second `serve`) are left alone.
     */
    public abandonUnfinished(): number {
        return this.ownership.abandonGoneOwners((owner) => this.statements.abandonUnfinished.run({now: now(), ...owner}).changes);
    }

    public addSolution(solution: NewSolution): void {
        this.statements.insertSolution.run({
            ...solution,
            now: now(),
            seed: solution.seed ?? null,
            fallbackReason: solution.fallbackReason ?? null
        });
    }

    /** Every attempt of every sample, by sample then attempt. */
    public solutions(interactionId: number): SolutionRecord[] {
        return (this.statements.listSolutions.all(interactionId) as Row[]).map((row) => camelize(row) as SolutionRecord);
    }

    /** Logged as each block finishes, so a crash mid-solution still leaves the code that ran. */
    public addExecution(execution: NewExecution): void {
        this.statements.insertExecution.run({
            ...execution,
            now: now(),
            truncated: Number(execution.truncated),
            restarted: Number(execution.restarted)
        });
    }

    public executions(interactionId: number): ExecutionRow[] {
        return (this.statements.listExecutions.all(interactionId) as Row[]).map((row) => {
            const record = camelize(row);
            return {...record, truncated: record["truncated"] === 1, restarted: record["restarted"] === 1} as ExecutionRow;
        });
    }

    public recordEvent(event: NewEvent): number {
        return Number(this.statements.insertEvent.run({
            interactionId: event.interactionId ?? null,
            now: now(),
            platform: event.requester.platform,
            workspaceId: event.requester.workspaceId ?? null,
            userPseudonym: this.pseudonymizer.pseudonymOf(event.requester),
            kind: event.kind,
            detail: event.detail != null ? JSON.stringify(event.detail) : null
        }).lastInsertRowid);
    }

    public events(interactionId: number): EventRecord[] {
        return (this.statements.listEvents.all(interactionId) as Row[]).map((row) => {
            const record = camelize(row);
            return {...record, detail: record["detail"] == null ? null : JSON.parse(String(record["detail"])) as Record<string, unknown>} as EventRecord;
        });
    }
}

function interactionFrom(row: Row | undefined): InteractionRecord | undefined {
    return row != null ? camelize(row) as InteractionRecord : undefined;
}
