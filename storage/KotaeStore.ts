import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import {assertSchemaKnown, migrate} from "./migrations.js";
import {currentProcessOwner, isProcessAlive, type ProcessOwner} from "./ProcessOwner.js";
import type {Pseudonymizer} from "./Pseudonymizer.js";

export type InteractionStatus = "queued" | "running" | "answered" | "no_answer" | "failed" | "cancelled" | "rejected";
export type FinalStatus = Exclude<InteractionStatus, "queued" | "running">;

/** Who asked, where. `userId` is the platform's raw id: the store pseudonymizes it before writing. */
export type Requester = {
    readonly platform: import("../src/platforms/RequestOrigin.js").RequestOrigin,
    readonly userId: string,
    readonly workspaceId?: string,
    readonly channelId?: string,
    readonly threadId?: string,
    readonly locale?: string
};

export type NewInteraction = {
    readonly requester: Requester,
    readonly question: string,
    readonly mode: string,
    readonly profile: string,
    /** The explanation style asked for; absent means the profile's default. */
    readonly style?: string,
    readonly parentId?: number
};

export type InteractionStart = {
    readonly modelName: string,
    readonly modelFile: string,
    readonly modelSha256: string | null,
    readonly prompt: string,
    readonly queueMs: number
};

/** What is known when an interaction ends; every field is optional because a failure can happen at any step. */
export type InteractionOutcome = {
    readonly status: FinalStatus,
    readonly rawOutput?: string,
    readonly thinking?: string,
    readonly shownSolution?: string,
    readonly answer?: string | null,
    readonly answerCanonical?: string | null,
    readonly answerMethod?: string | null,
    readonly stopReason?: string,
    readonly errorCode?: string,
    readonly errorMessage?: string,
    readonly promptTokens?: number,
    readonly completionTokens?: number,
    readonly generationMs?: number,
    readonly totalMs: number,
    /** How the representative solution was reached: cot, tir, or tir_then_cot (auto mode's fallback). */
    readonly solvePath?: string,
    readonly sampleCount?: number,
    /** Samples whose answer won the vote. */
    readonly agreementVotes?: number,
    readonly representativeSample?: number
};

/** One attempt of one sample at a problem: a tool-using (tir) or text (cot) solution. */
export type NewSolution = {
    readonly interactionId: number,
    readonly sampleIndex: number,
    /** 0 for the first attempt; 1 for auto mode's text fallback after a tool-using attempt. */
    readonly attempt: number,
    readonly mode: "tir" | "cot",
    readonly seed?: number,
    readonly prompt: string,
    readonly rawOutput: string,
    readonly thinking: string,
    readonly shownSolution: string,
    readonly answer: string | null,
    readonly answerCanonical: string | null,
    readonly answerMethod: string | null,
    readonly stopReason: string,
    /** Why this attempt was followed by another (e.g. `no_answer`, `code_failing`). */
    readonly fallbackReason?: string,
    readonly promptTokens: number,
    readonly completionTokens: number,
    readonly generationMs: number
};

export type SolutionRecord = Omit<NewSolution, "seed" | "fallbackReason"> & {
    readonly createdAt: string,
    readonly seed: number | null,
    readonly fallbackReason: string | null
};

export type NewExecution = {
    readonly interactionId: number,
    readonly sampleIndex: number,
    readonly executionIndex: number,
    readonly code: string,
    readonly output: string,
    readonly status: "ok" | "error" | "timeout",
    readonly truncated: boolean,
    readonly restarted: boolean,
    readonly durationMs: number
};

export type ExecutionRow = NewExecution & {readonly id: number, readonly createdAt: string};

export type InteractionRecord = {
    readonly id: number,
    readonly createdAt: string,
    readonly updatedAt: string,
    readonly platform: string,
    readonly workspaceId: string | null,
    readonly channelId: string | null,
    readonly threadId: string | null,
    readonly userPseudonym: string,
    readonly locale: string | null,
    readonly question: string,
    readonly mode: string,
    readonly profile: string,
    readonly style: string | null,
    readonly parentId: number | null,
    readonly modelName: string | null,
    readonly modelFile: string | null,
    readonly modelSha256: string | null,
    readonly prompt: string | null,
    readonly rawOutput: string | null,
    readonly thinking: string | null,
    readonly shownSolution: string | null,
    readonly answer: string | null,
    readonly answerCanonical: string | null,
    readonly answerMethod: string | null,
    readonly status: InteractionStatus,
    readonly stopReason: string | null,
    readonly errorCode: string | null,
    readonly errorMessage: string | null,
    readonly promptTokens: number | null,
    readonly completionTokens: number | null,
    readonly queueMs: number | null,
    readonly generationMs: number | null,
    readonly totalMs: number | null,
    readonly solvePath: string | null,
    readonly sampleCount: number | null,
    readonly agreementVotes: number | null,
    readonly representativeSample: number | null
};

export type NewTurn = {
    readonly interactionId: number,
    readonly role: "user" | "assistant",
    readonly requester?: Requester,
    readonly content: string,
    readonly status?: string,
    readonly errorCode?: string,
    readonly promptTokens?: number,
    readonly completionTokens?: number,
    readonly totalMs?: number
};

export type TurnRecord = {
    readonly id: number,
    readonly interactionId: number,
    readonly turnIndex: number,
    readonly createdAt: string,
    readonly role: "user" | "assistant",
    readonly userPseudonym: string | null,
    readonly content: string,
    readonly status: string | null,
    readonly errorCode: string | null
};

export type FeedbackKind = "wrong_answer" | "helpful" | "other";

export type NewFeedback = {
    readonly interactionId: number,
    readonly requester: Requester,
    readonly kind: FeedbackKind,
    readonly correctedAnswer?: string,
    readonly comment?: string,
    /** Whether the correction is equivalent to the model's own answer (a hint for reviewers). */
    readonly correctionEqualsModelAnswer?: boolean
};

export type FeedbackRecord = {
    readonly id: number,
    readonly interactionId: number,
    readonly createdAt: string,
    readonly userPseudonym: string,
    readonly kind: FeedbackKind,
    readonly correctedAnswer: string | null,
    readonly comment: string | null,
    readonly correctionEqualsModelAnswer: boolean | null,
    readonly reviewerStatus: string
};

/** What a community's moderators chose; null = Kotae's default. */
export type CommunitySettings = {
    /** Channel ids where /solve is allowed; null = everywhere. */
    readonly allowedChannels: readonly string[] | null,
    readonly defaultMode: string | null,
    readonly profile: string | null,
    readonly theme: "light" | "dark" | null,
    readonly solvesPerHour: number | null,
    readonly followUpsNeedMention: boolean | null
};

/** A community whose moderators have not changed anything. */
export const unsetCommunitySettings: CommunitySettings = {
    allowedChannels: null, defaultMode: null, profile: null, theme: null, solvesPerHour: null, followUpsNeedMention: null
};

export type StoredCommunitySettings = CommunitySettings & {readonly updatedAt: string, readonly updatedBy: string};

/** Something that happened around an interaction: a button press, a report, a refused settings change, a failed delivery. */
export type NewEvent = {
    readonly interactionId?: number,
    readonly requester: Requester,
    readonly kind: string,
    readonly detail?: Readonly<Record<string, unknown>>
};

export type EventRecord = {
    readonly id: number,
    readonly interactionId: number | null,
    readonly createdAt: string,
    readonly platform: string,
    readonly workspaceId: string | null,
    readonly userPseudonym: string | null,
    readonly kind: string,
    readonly detail: Record<string, unknown> | null
};

export const reviewStatuses = ["model_wrong", "model_right", "unclear", "resolved"] as const;
export type ReviewStatus = typeof reviewStatuses[number];

export type NewReview = {
    readonly interactionId: number,
    /** Who reviewed (an operator's name or handle); kept in the trail as given. */
    readonly reviewer: string,
    readonly status: ReviewStatus,
    readonly canonicalAnswer?: string,
    /** A corrected solution, when the reviewer wrote one (it becomes the chosen side of a preference pair). */
    readonly correctedSolution?: string,
    readonly note?: string
};

export type ReviewRecord = Required<Omit<NewReview, "canonicalAnswer" | "correctedSolution" | "note">> & {
    readonly id: number, readonly createdAt: string,
    readonly canonicalAnswer: string | null, readonly correctedSolution: string | null, readonly note: string | null
};

/** Which reported interactions to list or export. */
export type ReportFilter = {
    /** "new" = reported and never reviewed. */
    readonly status?: "new" | ReviewStatus,
    readonly since?: Date,
    readonly until?: Date,
    readonly platform?: string,
    readonly profile?: string
};

export type ReportSummary = {
    readonly interactionId: number,
    readonly createdAt: string,
    readonly platform: string,
    readonly profile: string,
    readonly question: string,
    readonly answer: string | null,
    readonly reports: number,
    readonly lastReportAt: string,
    readonly correctedAnswer: string | null,
    readonly status: "new" | ReviewStatus
};

type Row = Record<string, unknown>;

export const evalRunStatuses = ["running", "interrupted", "failed", "finished"] as const;
/** `running` also describes a run whose process was killed: it can be resumed like an interrupted one. */
export type EvalRunStatus = typeof evalRunStatuses[number];

/** An accuracy evaluation (`kotae eval`) and the settings it was measured with. */
export type NewEvalRun = {
    /** `mgsm-ja`, `audit`, or the dataset file's absolute path. */
    readonly dataset: string,
    /** SHA-256 of the items (questions and answers) measured, so a resume or a comparison sees the same problems. */
    readonly datasetSha256: string,
    readonly itemCount: number,
    readonly modes: readonly string[],
    readonly samples: number,
    readonly profile: string,
    readonly modelFile: string | null,
    readonly modelSha256: string | null,
    readonly itemLimit: number | null,
    readonly seed: number
};

export type EvalRunRecord = NewEvalRun & {
    readonly id: number,
    readonly createdAt: string,
    readonly updatedAt: string,
    readonly status: EvalRunStatus,
    /** Wall-clock time spent measuring, summed over resumed sessions. */
    readonly wallMs: number
};

/** One problem solved in one mode: graded when its interaction finished. */
export type NewEvalItem = {
    readonly runId: number,
    readonly itemIndex: number,
    readonly mode: string,
    readonly interactionId: number | null,
    readonly question: string,
    readonly expected: string,
    /** The interaction's final status (answered, no_answer, failed, rejected). */
    readonly status: string,
    /** The voted answer. */
    readonly answer: string | null,
    /** Whether the voted answer equals the expected one (maj@k). */
    readonly correct: boolean,
    /** Each sample's final answer, by sample index (null: none extracted or the sample failed). */
    readonly sampleAnswers: readonly (string | null)[],
    readonly correctSamples: number,
    readonly samples: number,
    readonly agreementVotes: number,
    readonly promptTokens: number,
    readonly completionTokens: number,
    readonly generationMs: number,
    readonly executionsOk: number,
    readonly executionsError: number,
    readonly executionsTimeout: number
};

export type EvalItemRecord = NewEvalItem & {readonly createdAt: string};

/** The event linking an evaluation's interaction to its run as soon as it is queued (detail: runId, itemIndex, mode). */
export const evalItemEvent = "eval_item";

/**
 * The one writer of Kotae's SQLite database (WAL, versioned migrations). Every request gets a row
 * before any work starts and the row is finished whatever happens, so nothing a user sent is lost.
 */
export class KotaeStore implements Disposable {
    private readonly database: Database.Database;
    private readonly statements;

    /**
     * @param owner the process this store writes for: its queued and running rows carry it, and no other
     *   process marks them interrupted while it lives (default: this process; tests pretend to be another).
     */
    public constructor(file: string, private readonly pseudonymizer: Pseudonymizer, private readonly owner: ProcessOwner = currentProcessOwner) {
        if (file !== ":memory:")
            createPrivately(file);

        this.database = new Database(file, {timeout: 5000});
        try {
            // Before anything that could write: a database from a newer Kotae is left exactly as it was.
            assertSchemaKnown(this.database);
            this.database.pragma("journal_mode = WAL");
            this.database.pragma("synchronous = NORMAL");
            this.database.pragma("foreign_keys = ON");
            migrate(this.database);
        } catch (error) {
            this.database.close();
            throw error;
        }

        const db = this.database;
        this.statements = {
            insertInteraction: db.prepare(`
                INSERT INTO interactions (created_at, updated_at, platform, workspace_id, channel_id, thread_id,
                    user_pseudonym, locale, question, mode, profile, style, parent_id, status, owner_pid, owner_start_mark)
                VALUES (@now, @now, @platform, @workspaceId, @channelId, @threadId,
                    @userPseudonym, @locale, @question, @mode, @profile, @style, @parentId, 'queued', @ownerPid, @ownerStartMark)`),
            markRunning: db.prepare(`
                UPDATE interactions SET status = 'running', updated_at = @now, model_name = @modelName,
                    model_file = @modelFile, model_sha256 = @modelSha256, prompt = @prompt, queue_ms = @queueMs
                WHERE id = @id AND ${stillOwned}`),
            finish: db.prepare(`
                UPDATE interactions SET status = @status, updated_at = @now, raw_output = @rawOutput,
                    thinking = @thinking, shown_solution = @shownSolution, answer = @answer,
                    answer_canonical = @answerCanonical, answer_method = @answerMethod, stop_reason = @stopReason,
                    error_code = @errorCode, error_message = @errorMessage, prompt_tokens = @promptTokens,
                    completion_tokens = @completionTokens, generation_ms = @generationMs, total_ms = @totalMs,
                    solve_path = @solvePath, sample_count = @sampleCount, agreement_votes = @agreementVotes,
                    representative_sample = @representativeSample
                WHERE id = @id AND ${stillOwned}`),
            insertSolution: db.prepare(`
                INSERT INTO solutions (interaction_id, sample_index, attempt, created_at, mode, seed, prompt, raw_output,
                    thinking, shown_solution, answer, answer_canonical, answer_method, stop_reason, fallback_reason,
                    prompt_tokens, completion_tokens, generation_ms)
                VALUES (@interactionId, @sampleIndex, @attempt, @now, @mode, @seed, @prompt, @rawOutput,
                    @thinking, @shownSolution, @answer, @answerCanonical, @answerMethod, @stopReason, @fallbackReason,
                    @promptTokens, @completionTokens, @generationMs)`),
            listSolutions: db.prepare("SELECT * FROM solutions WHERE interaction_id = ? ORDER BY sample_index, attempt"),
            insertExecution: db.prepare(`
                INSERT INTO executions (interaction_id, sample_index, execution_index, created_at, code, output, status,
                    truncated, restarted, duration_ms)
                VALUES (@interactionId, @sampleIndex, @executionIndex, @now, @code, @output, @status,
                    @truncated, @restarted, @durationMs)`),
            listExecutions: db.prepare("SELECT * FROM executions WHERE interaction_id = ? ORDER BY sample_index, execution_index"),
            getInteraction: db.prepare("SELECT * FROM interactions WHERE id = ?"),
            nextTurnIndex: db.prepare("SELECT coalesce(max(turn_index) + 1, 0) AS next FROM conversation_turns WHERE interaction_id = ?"),
            insertTurn: db.prepare(`
                INSERT INTO conversation_turns (interaction_id, turn_index, created_at, role, user_pseudonym, content,
                    status, error_code, prompt_tokens, completion_tokens, total_ms)
                VALUES (@interactionId, @turnIndex, @now, @role, @userPseudonym, @content,
                    @status, @errorCode, @promptTokens, @completionTokens, @totalMs)`),
            listTurns: db.prepare("SELECT * FROM conversation_turns WHERE interaction_id = ? ORDER BY turn_index"),
            insertFeedback: db.prepare(`
                INSERT INTO feedback (interaction_id, created_at, user_pseudonym, kind, corrected_answer, comment,
                    correction_equals_model_answer)
                VALUES (@interactionId, @now, @userPseudonym, @kind, @correctedAnswer, @comment, @equals)`),
            listFeedback: db.prepare("SELECT * FROM feedback WHERE interaction_id = ? ORDER BY id"),
            getModelDigest: db.prepare("SELECT sha256 FROM model_files WHERE path = ? AND size = ? AND mtime_ms = ?"),
            putModelDigest: db.prepare("INSERT OR REPLACE INTO model_files (path, size, mtime_ms, sha256) VALUES (?, ?, ?, ?)"),
            setThread: db.prepare("UPDATE interactions SET thread_id = ?, updated_at = ? WHERE id = ?"),
            findByThread: db.prepare("SELECT * FROM interactions WHERE platform = ? AND thread_id = ? ORDER BY id DESC LIMIT 1"),
            getSettings: db.prepare("SELECT * FROM community_settings WHERE platform = ? AND workspace_id = ?"),
            putSettings: db.prepare(`
                INSERT OR REPLACE INTO community_settings (platform, workspace_id, allowed_channels, default_mode, profile, theme,
                    solves_per_hour, followups_need_mention, updated_at, updated_by)
                VALUES (@platform, @workspaceId, @allowedChannels, @defaultMode, @profile, @theme,
                    @solvesPerHour, @followUpsNeedMention, @now, @updatedBy)`),
            insertEvent: db.prepare(`
                INSERT INTO interaction_events (interaction_id, created_at, platform, workspace_id, user_pseudonym, kind, detail)
                VALUES (@interactionId, @now, @platform, @workspaceId, @userPseudonym, @kind, @detail)`),
            listEvents: db.prepare("SELECT * FROM interaction_events WHERE interaction_id = ? ORDER BY id"),
            recentSolves: db.prepare(`
                SELECT count(*) AS count, min(created_at) AS oldest FROM interactions
                WHERE user_pseudonym = ? AND platform = ? AND coalesce(workspace_id, '') = ? AND created_at > ? AND status != 'rejected'`),
            insertReview: db.prepare(`
                INSERT INTO reviews (interaction_id, created_at, reviewer, status, canonical_answer, corrected_solution, note)
                VALUES (@interactionId, @now, @reviewer, @status, @canonicalAnswer, @correctedSolution, @note)`),
            markFeedbackReviewed: db.prepare("UPDATE feedback SET reviewer_status = ? WHERE interaction_id = ?"),
            listReviews: db.prepare("SELECT * FROM reviews WHERE interaction_id = ? ORDER BY id"),
            forgetInteractions: db.prepare("DELETE FROM interactions WHERE user_pseudonym = ?"),
            forgetFeedback: db.prepare("DELETE FROM feedback WHERE user_pseudonym = ?"),
            forgetTurns: db.prepare("UPDATE conversation_turns SET content = '', user_pseudonym = NULL WHERE user_pseudonym = ?"),
            forgetEvents: db.prepare("DELETE FROM interaction_events WHERE user_pseudonym = ?"),
            rememberForgotten: db.prepare("INSERT OR REPLACE INTO forgotten_users (user_pseudonym, forgotten_at, deleted_interactions) VALUES (?, ?, ?)"),
            purgeBefore: db.prepare("DELETE FROM interactions WHERE created_at < ?"),
            insertEvalRun: db.prepare(`
                INSERT INTO eval_runs (created_at, updated_at, dataset, dataset_sha256, item_count, modes, samples, profile,
                    model_file, model_sha256, item_limit, seed, status)
                VALUES (@now, @now, @dataset, @datasetSha256, @itemCount, @modes, @samples, @profile,
                    @modelFile, @modelSha256, @itemLimit, @seed, 'running')`),
            updateEvalRun: db.prepare("UPDATE eval_runs SET status = ?, wall_ms = wall_ms + ?, updated_at = ? WHERE id = ?"),
            getEvalRun: db.prepare("SELECT * FROM eval_runs WHERE id = ?"),
            listEvalRuns: db.prepare("SELECT * FROM eval_runs ORDER BY id DESC LIMIT ?"),
            insertEvalItem: db.prepare(`
                INSERT INTO eval_items (run_id, item_index, mode, interaction_id, created_at, question, expected, status, answer,
                    correct, sample_answers, correct_samples, samples, agreement_votes, prompt_tokens, completion_tokens,
                    generation_ms, executions_ok, executions_error, executions_timeout)
                VALUES (@runId, @itemIndex, @mode, @interactionId, @now, @question, @expected, @status, @answer,
                    @correct, @sampleAnswers, @correctSamples, @samples, @agreementVotes, @promptTokens, @completionTokens,
                    @generationMs, @executionsOk, @executionsError, @executionsTimeout)`),
            listEvalItems: db.prepare("SELECT * FROM eval_items WHERE run_id = ? ORDER BY item_index, mode"),
            abandonEvalRun: db.prepare(`
                UPDATE interactions SET status = 'failed', updated_at = @now, error_code = 'interrupted',
                    error_message = 'kotae eval stopped before this problem finished; resuming the run solves it again'
                WHERE status IN ('queued', 'running') AND ${ownedBy} AND id IN (
                    SELECT interaction_id FROM interaction_events WHERE kind = '${evalItemEvent}' AND json_extract(detail, '$.runId') = @runId)`),
            unfinishedOwners: db.prepare(`
                SELECT DISTINCT owner_pid AS pid, owner_start_mark AS startMark FROM interactions
                WHERE status IN ('queued', 'running')`),
            abandonUnfinished: db.prepare(`
                UPDATE interactions SET status = 'failed', updated_at = @now, error_code = 'interrupted',
                    error_message = 'Kotae stopped before this request finished'
                WHERE status IN ('queued', 'running') AND ${ownedBy}`)
        };
    }

    public pseudonymOf(requester: Pick<Requester, "platform" | "userId">): string {
        return this.pseudonymizer.pseudonymize(requester.platform, requester.userId);
    }

    public createInteraction(input: NewInteraction): number {
        const {requester} = input;
        const result = this.statements.insertInteraction.run({
            now: now(),
            platform: requester.platform,
            workspaceId: requester.workspaceId ?? null,
            channelId: requester.channelId ?? null,
            threadId: requester.threadId ?? null,
            userPseudonym: this.pseudonymOf(requester),
            locale: requester.locale ?? null,
            question: input.question,
            mode: input.mode,
            profile: input.profile,
            style: input.style ?? null,
            parentId: input.parentId ?? null,
            ...this.ownerColumns()
        });
        return Number(result.lastInsertRowid);
    }

    /** Marks this process's queued request running; a row another process already marked interrupted is left alone. */
    public markRunning(id: number, start: InteractionStart): void {
        this.statements.markRunning.run({id, now: now(), ...start, ...this.ownerColumns()});
    }

    /**
     * Records how this process's request ended. Returns false, changing nothing, when the row is no longer
     * this process's to finish (another process marked it interrupted, believing this one gone).
     */
    public finishInteraction(id: number, outcome: InteractionOutcome): boolean {
        return this.statements.finish.run({
            id,
            now: now(),
            ...this.ownerColumns(),
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

    public addSolution(solution: NewSolution): void {
        this.statements.insertSolution.run({
            ...solution,
            now: now(),
            seed: solution.seed ?? null,
            fallbackReason: solution.fallbackReason ?? null
        });
    }

    public listSolutions(interactionId: number): SolutionRecord[] {
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

    public listExecutions(interactionId: number): ExecutionRow[] {
        return (this.statements.listExecutions.all(interactionId) as Row[]).map((row) => {
            const record = camelize(row);
            return {...record, truncated: record["truncated"] === 1, restarted: record["restarted"] === 1} as ExecutionRow;
        });
    }

    public getInteraction(id: number): InteractionRecord | undefined {
        const row = this.statements.getInteraction.get(id) as Row | undefined;
        return row != null ? camelize(row) as InteractionRecord : undefined;
    }

    public addTurn(turn: NewTurn): number {
        return this.database.transaction(() => {
            const {next} = this.statements.nextTurnIndex.get(turn.interactionId) as {next: number};
            this.statements.insertTurn.run({
                interactionId: turn.interactionId,
                turnIndex: next,
                now: now(),
                role: turn.role,
                userPseudonym: turn.requester != null ? this.pseudonymOf(turn.requester) : null,
                content: turn.content,
                status: turn.status ?? null,
                errorCode: turn.errorCode ?? null,
                promptTokens: turn.promptTokens ?? null,
                completionTokens: turn.completionTokens ?? null,
                totalMs: turn.totalMs ?? null
            });
            return next;
        }).immediate();
    }

    public listTurns(interactionId: number): TurnRecord[] {
        return (this.statements.listTurns.all(interactionId) as Row[]).map((row) => camelize(row) as TurnRecord);
    }

    public addFeedback(feedback: NewFeedback): number {
        const result = this.statements.insertFeedback.run({
            interactionId: feedback.interactionId,
            now: now(),
            userPseudonym: this.pseudonymOf(feedback.requester),
            kind: feedback.kind,
            correctedAnswer: feedback.correctedAnswer ?? null,
            comment: feedback.comment ?? null,
            equals: feedback.correctionEqualsModelAnswer == null ? null : Number(feedback.correctionEqualsModelAnswer)
        });
        return Number(result.lastInsertRowid);
    }

    public listFeedback(interactionId: number): FeedbackRecord[] {
        return (this.statements.listFeedback.all(interactionId) as Row[]).map((row) => {
            const record = camelize(row);
            const equals = record["correctionEqualsModelAnswer"];
            return {...record, correctionEqualsModelAnswer: equals == null ? null : equals === 1} as FeedbackRecord;
        });
    }

    public cachedModelDigest(file: {path: string, size: number, mtimeMs: number}): string | undefined {
        const row = this.statements.getModelDigest.get(file.path, file.size, Math.trunc(file.mtimeMs)) as {sha256: string} | undefined;
        return row?.sha256;
    }

    public saveModelDigest(file: {path: string, size: number, mtimeMs: number}, sha256: string): void {
        this.statements.putModelDigest.run(file.path, file.size, Math.trunc(file.mtimeMs), sha256);
    }

    /** Problems this user sent in this community since `since` that were accepted (refusals do not count). */
    public recentSolves(requester: Requester, since: Date): {count: number, oldest: Date | undefined} {
        const row = this.statements.recentSolves.get(this.pseudonymOf(requester), requester.platform, requester.workspaceId ?? "", since.toISOString()) as {count: number, oldest: string | null};
        return {count: row.count, oldest: row.oldest != null ? new Date(row.oldest) : undefined};
    }

    /** Links an interaction to the chat thread opened on its reply, where follow-ups arrive. */
    public setThread(interactionId: number, threadId: string): void {
        this.statements.setThread.run(threadId, now(), interactionId);
    }

    /** The interaction a thread belongs to (the newest, if a thread was reused). */
    public findByThread(platform: string, threadId: string): InteractionRecord | undefined {
        const row = this.statements.findByThread.get(platform, threadId) as Row | undefined;
        return row != null ? camelize(row) as InteractionRecord : undefined;
    }

    public communitySettings(platform: string, workspaceId: string): StoredCommunitySettings | undefined {
        const row = this.statements.getSettings.get(platform, workspaceId) as Row | undefined;
        if (row == null)
            return undefined;
        const record = camelize(row);
        return {
            allowedChannels: record["allowedChannels"] == null ? null : JSON.parse(String(record["allowedChannels"])) as string[],
            defaultMode: record["defaultMode"] as string | null,
            profile: record["profile"] as string | null,
            theme: record["theme"] as "light" | "dark" | null,
            solvesPerHour: record["solvesPerHour"] as number | null,
            followUpsNeedMention: record["followupsNeedMention"] == null ? null : record["followupsNeedMention"] === 1,
            updatedAt: String(record["updatedAt"]),
            updatedBy: String(record["updatedBy"])
        };
    }

    public saveCommunitySettings(platform: string, workspaceId: string, settings: CommunitySettings, by: Requester): void {
        this.statements.putSettings.run({
            platform, workspaceId, now: now(), updatedBy: this.pseudonymOf(by),
            allowedChannels: settings.allowedChannels == null ? null : JSON.stringify(settings.allowedChannels),
            defaultMode: settings.defaultMode,
            profile: settings.profile,
            theme: settings.theme,
            solvesPerHour: settings.solvesPerHour,
            followUpsNeedMention: settings.followUpsNeedMention == null ? null : Number(settings.followUpsNeedMention)
        });
    }

    public recordEvent(event: NewEvent): number {
        return Number(this.statements.insertEvent.run({
            interactionId: event.interactionId ?? null,
            now: now(),
            platform: event.requester.platform,
            workspaceId: event.requester.workspaceId ?? null,
            userPseudonym: this.pseudonymOf(event.requester),
            kind: event.kind,
            detail: event.detail != null ? JSON.stringify(event.detail) : null
        }).lastInsertRowid);
    }

    public listEvents(interactionId: number): EventRecord[] {
        return (this.statements.listEvents.all(interactionId) as Row[]).map((row) => {
            const record = camelize(row);
            return {...record, detail: record["detail"] == null ? null : JSON.parse(String(record["detail"])) as Record<string, unknown>} as EventRecord;
        });
    }

    /** Appends a review (never overwrites one); the reports' current status follows the newest review. */
    public addReview(review: NewReview): number {
        return this.database.transaction(() => {
            const id = Number(this.statements.insertReview.run({
                interactionId: review.interactionId, now: now(), reviewer: review.reviewer, status: review.status,
                canonicalAnswer: review.canonicalAnswer ?? null, correctedSolution: review.correctedSolution ?? null, note: review.note ?? null
            }).lastInsertRowid);
            this.statements.markFeedbackReviewed.run(review.status, review.interactionId);
            return id;
        }).immediate();
    }

    public listReviews(interactionId: number): ReviewRecord[] {
        return (this.statements.listReviews.all(interactionId) as Row[]).map((row) => camelize(row) as ReviewRecord);
    }

    /** Reported interactions, newest report first, with their current review status. */
    public reportQueue(filter: ReportFilter = {}, page: {limit: number, offset: number} = {limit: 50, offset: 0}): ReportSummary[] {
        const {where, parameters} = reportConditions(filter);
        return this.database.prepare(`SELECT * FROM (${reportQuery}) ${where} ORDER BY last_report_at DESC, interaction_id DESC LIMIT ? OFFSET ?`)
            .all(...parameters, page.limit, page.offset)
            .map((row) => camelize(row as Row) as ReportSummary);
    }

    public countReports(filter: ReportFilter = {}): number {
        const {where, parameters} = reportConditions(filter);
        return (this.database.prepare(`SELECT count(*) AS n FROM (${reportQuery}) ${where}`).get(...parameters) as {n: number}).n;
    }

    /**
     * Forgets a user: deletes their interactions (with everything attached), their reports and events,
     * blanks what they wrote in others' threads, and remembers the pseudonym so exports leave it out.
     */
    public forgetUser(requester: Pick<Requester, "platform" | "userId">): {deletedInteractions: number} {
        const pseudonym = this.pseudonymOf(requester);
        return this.database.transaction(() => {
            const deletedInteractions = this.statements.forgetInteractions.run(pseudonym).changes;
            this.statements.forgetFeedback.run(pseudonym);
            this.statements.forgetTurns.run(pseudonym);
            this.statements.forgetEvents.run(pseudonym);
            this.statements.rememberForgotten.run(pseudonym, now(), deletedInteractions);
            return {deletedInteractions};
        }).immediate();
    }

    /** Deletes interactions older than the retention period (with everything attached). */
    public purgeBefore(cutoff: Date): number {
        return this.statements.purgeBefore.run(cutoff.toISOString()).changes;
    }

    public createEvalRun(run: NewEvalRun): number {
        return Number(this.statements.insertEvalRun.run({...run, now: now(), modes: run.modes.join(",")}).lastInsertRowid);
    }

    /** Sets a run's status and adds the wall-clock time this session spent on it. */
    public updateEvalRun(id: number, status: EvalRunStatus, addWallMs: number): void {
        this.statements.updateEvalRun.run(status, Math.round(addWallMs), now(), id);
    }

    public getEvalRun(id: number): EvalRunRecord | undefined {
        const row = this.statements.getEvalRun.get(id) as Row | undefined;
        return row != null ? evalRunFrom(row) : undefined;
    }

    /** The newest runs first. */
    public listEvalRuns(limit: number): EvalRunRecord[] {
        return (this.statements.listEvalRuns.all(limit) as Row[]).map(evalRunFrom);
    }

    public addEvalItem(item: NewEvalItem): void {
        this.statements.insertEvalItem.run({
            ...item, now: now(), correct: Number(item.correct), sampleAnswers: JSON.stringify(item.sampleAnswers)
        });
    }

    public listEvalItems(runId: number): EvalItemRecord[] {
        return (this.statements.listEvalItems.all(runId) as Row[]).map((row) => {
            const record = camelize(row);
            const parsed: Row = {...record, correct: record["correct"] === 1, sampleAnswers: JSON.parse(String(record["sampleAnswers"]))};
            return parsed as EvalItemRecord;
        });
    }

    /** Marks a run's problems left queued or running by a killed `kotae eval` (the resume solves them again), so their status is never a lie. */
    public abandonEvalRun(runId: number): number {
        return this.abandonGoneOwners((owner) => this.statements.abandonEvalRun.run({now: now(), runId, ...owner}).changes);
    }

    /** Streams rows for exports without loading them all (100 000 interactions fit in little memory). */
    public iterate<T>(sql: string, ...parameters: unknown[]): IterableIterator<T> {
        return this.readOnly(sql, "iterate").iterate(...parameters) as IterableIterator<T>;
    }

    /**
     * Marks requests left queued or running by a process that crashed or was killed, so their status is
     * never a lie. Rows of a process that still runs (another `kotae solve`, a second `serve`) are left alone.
     */
    public abandonUnfinished(): number {
        return this.abandonGoneOwners((owner) => this.statements.abandonUnfinished.run({now: now(), ...owner}).changes);
    }

    /** Runs `abandon` for each owner of unfinished rows whose process is gone (or unknown: rows from before owners were kept). */
    private abandonGoneOwners(abandon: (owner: {ownerPid: number | null, ownerStartMark: string | null}) => number): number {
        return this.database.transaction(() => {
            let abandoned = 0;
            for (const {pid, startMark} of this.statements.unfinishedOwners.all() as Array<{pid: number | null, startMark: string | null}>)
                if (pid == null || startMark == null || !isProcessAlive({pid, startMark}))
                    abandoned += abandon({ownerPid: pid, ownerStartMark: startMark});
            return abandoned;
        }).immediate();
    }

    private ownerColumns(): {ownerPid: number, ownerStartMark: string} {
        return {ownerPid: this.owner.pid, ownerStartMark: this.owner.startMark};
    }

    /** Runs a read-only query, for operators' tools and tests. */
    public query<T>(sql: string, ...parameters: unknown[]): T[] {
        return this.readOnly(sql, "query").all(...parameters) as T[];
    }

    /** A statement that only reads: the one writer's own methods are the only way to change the database. */
    private readOnly(sql: string, method: string): Database.Statement {
        const statement = this.database.prepare(sql);
        if (!statement.reader)
            throw new Error(`KotaeStore.${method} is for reading only`);
        return statement;
    }

    /**
     * Whether a write commits now (for `GET /readyz`): the schema version is written again with its own
     * value, a real one-page commit, which a closed, read-only or full database refuses.
     */
    public canWrite(): boolean {
        try {
            const version = this.database.pragma("user_version", {simple: true}) as number;
            this.database.transaction(() => this.database.pragma(`user_version = ${version}`)).immediate();
            return true;
        } catch {
            return false;
        }
    }

    public close(): void {
        if (this.database.open)
            this.database.close();
    }

    public [Symbol.dispose](): void {
        this.close();
    }
}

/** Every reported interaction with its report count, first correction and newest review status. */
/** The row belongs to the owner given as @ownerPid and @ownerStartMark (IS: rows from before owners have nulls). */
const ownedBy = "owner_pid IS @ownerPid AND owner_start_mark IS @ownerStartMark";
/** The row is still this process's to change: unfinished, and not marked interrupted by another process meanwhile. */
const stillOwned = `status IN ('queued', 'running') AND ${ownedBy}`;

const reportQuery = `
    SELECT i.id AS interaction_id, i.created_at, i.platform, i.profile, i.question, i.answer,
        f.reports, f.last_report_at,
        (SELECT corrected_answer FROM feedback WHERE id = f.first_correction) AS corrected_answer,
        coalesce((SELECT status FROM reviews WHERE interaction_id = i.id ORDER BY id DESC LIMIT 1), 'new') AS status
    FROM (
        SELECT interaction_id, count(*) AS reports, max(created_at) AS last_report_at,
            min(CASE WHEN corrected_answer IS NOT NULL THEN id END) AS first_correction
        FROM feedback GROUP BY interaction_id
    ) f JOIN interactions i ON i.id = f.interaction_id`;

function reportConditions(filter: ReportFilter): {where: string, parameters: unknown[]} {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const add = (condition: string, value: unknown): void => {
        conditions.push(condition);
        parameters.push(value);
    };
    if (filter.status != null) add("status = ?", filter.status);
    if (filter.since != null) add("created_at >= ?", filter.since.toISOString());
    if (filter.until != null) add("created_at < ?", filter.until.toISOString());
    if (filter.platform != null) add("platform = ?", filter.platform);
    if (filter.profile != null) add("profile = ?", filter.profile);
    // The conditions apply to the grouped rows (status is computed per interaction), around the query.
    return {where: conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "", parameters};
}

function evalRunFrom(row: Row): EvalRunRecord {
    const record = camelize(row);
    const parsed: Row = {...record, modes: String(record["modes"]).split(",")};
    return parsed as EvalRunRecord;
}

function now(): string {
    return new Date().toISOString();
}

function camelize(row: Row): Row {
    return Object.fromEntries(Object.entries(row).map(([key, value]) => [
        key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase()),
        value
    ]));
}

/**
 * Creates the database's folder (0700) and an empty database file (0600) when they do not exist yet, so
 * other users of the host cannot read the questions: SQLite would create the file 0644, and gives its
 * -wal and -shm files the database file's mode. Existing files keep theirs (`kotae doctor` warns).
 */
function createPrivately(file: string): void {
    fs.mkdirSync(path.dirname(path.resolve(file)), {recursive: true, mode: 0o700});
    try {
        fs.closeSync(fs.openSync(file, "wx", 0o600)); // an empty file is a new database to SQLite
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST")
            throw error;
    }
}
