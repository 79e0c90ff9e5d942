import type Database from "better-sqlite3";
import {SchemaTooNewError} from "./SchemaTooNewError.js";

export type Migration = {
    readonly version: number,
    readonly description: string,
    readonly sql: string
};

/** Append-only: a released migration is never edited, a change is a new version. */
export const migrations: readonly Migration[] = [{
    version: 1,
    description: "interactions, conversation turns, feedback, model file digests",
    sql: `
        CREATE TABLE interactions (
            id                INTEGER PRIMARY KEY,
            created_at        TEXT    NOT NULL,
            updated_at        TEXT    NOT NULL,
            platform          TEXT    NOT NULL,
            workspace_id      TEXT,
            channel_id        TEXT,
            thread_id         TEXT,
            user_pseudonym    TEXT    NOT NULL,
            locale            TEXT,
            question          TEXT    NOT NULL,
            mode              TEXT    NOT NULL,
            profile           TEXT    NOT NULL,
            parent_id         INTEGER REFERENCES interactions(id) ON DELETE SET NULL,
            model_name        TEXT,
            model_file        TEXT,
            model_sha256      TEXT,
            prompt            TEXT,
            raw_output        TEXT,
            thinking          TEXT,
            shown_solution    TEXT,
            answer            TEXT,
            answer_canonical  TEXT,
            answer_method     TEXT,
            status            TEXT    NOT NULL CHECK (status IN
                                  ('queued', 'running', 'answered', 'no_answer', 'failed', 'cancelled', 'rejected')),
            stop_reason       TEXT,
            error_code        TEXT,
            error_message     TEXT,
            prompt_tokens     INTEGER,
            completion_tokens INTEGER,
            queue_ms          INTEGER,
            generation_ms     INTEGER,
            total_ms          INTEGER
        ) STRICT;
        CREATE INDEX interactions_status ON interactions(status, created_at);
        CREATE INDEX interactions_user ON interactions(user_pseudonym, created_at);
        CREATE INDEX interactions_place ON interactions(platform, workspace_id, created_at);

        CREATE TABLE conversation_turns (
            id                INTEGER PRIMARY KEY,
            interaction_id    INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
            turn_index        INTEGER NOT NULL,
            created_at        TEXT    NOT NULL,
            role              TEXT    NOT NULL CHECK (role IN ('user', 'assistant')),
            user_pseudonym    TEXT,
            content           TEXT    NOT NULL,
            status            TEXT,
            error_code        TEXT,
            prompt_tokens     INTEGER,
            completion_tokens INTEGER,
            total_ms          INTEGER,
            UNIQUE (interaction_id, turn_index)
        ) STRICT;

        CREATE TABLE feedback (
            id                 INTEGER PRIMARY KEY,
            interaction_id     INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
            created_at         TEXT    NOT NULL,
            user_pseudonym     TEXT    NOT NULL,
            kind               TEXT    NOT NULL CHECK (kind IN ('wrong_answer', 'helpful', 'other')),
            corrected_answer   TEXT,
            comment            TEXT,
            correction_equals_model_answer INTEGER,
            reviewer_status    TEXT    NOT NULL DEFAULT 'new' CHECK (reviewer_status IN
                                   ('new', 'model_wrong', 'model_right', 'unclear', 'resolved'))
        ) STRICT;
        CREATE INDEX feedback_interaction ON feedback(interaction_id);
        CREATE INDEX feedback_review ON feedback(reviewer_status, created_at);

        CREATE TABLE model_files (
            path     TEXT    NOT NULL,
            size     INTEGER NOT NULL,
            mtime_ms INTEGER NOT NULL,
            sha256   TEXT    NOT NULL,
            PRIMARY KEY (path, size, mtime_ms)
        ) STRICT;
    `
}, {
    version: 2,
    description: "tool-integrated reasoning and self-consistency: solutions per sample and attempt, code executions",
    sql: `
        ALTER TABLE interactions ADD COLUMN solve_path TEXT;
        ALTER TABLE interactions ADD COLUMN sample_count INTEGER;
        ALTER TABLE interactions ADD COLUMN agreement_votes INTEGER;
        ALTER TABLE interactions ADD COLUMN representative_sample INTEGER;

        CREATE TABLE solutions (
            interaction_id    INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
            sample_index      INTEGER NOT NULL,
            attempt           INTEGER NOT NULL,
            created_at        TEXT    NOT NULL,
            mode              TEXT    NOT NULL CHECK (mode IN ('tir', 'cot')),
            seed              INTEGER,
            prompt            TEXT    NOT NULL,
            raw_output        TEXT    NOT NULL,
            thinking          TEXT    NOT NULL,
            shown_solution    TEXT    NOT NULL,
            answer            TEXT,
            answer_canonical  TEXT,
            answer_method     TEXT,
            stop_reason       TEXT    NOT NULL,
            fallback_reason   TEXT,
            prompt_tokens     INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            generation_ms     INTEGER NOT NULL,
            PRIMARY KEY (interaction_id, sample_index, attempt)
        ) STRICT;

        CREATE TABLE executions (
            id                INTEGER PRIMARY KEY,
            interaction_id    INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
            sample_index      INTEGER NOT NULL,
            execution_index   INTEGER NOT NULL,
            created_at        TEXT    NOT NULL,
            code              TEXT    NOT NULL,
            output            TEXT    NOT NULL,
            status            TEXT    NOT NULL CHECK (status IN ('ok', 'error', 'timeout')),
            truncated         INTEGER NOT NULL,
            restarted         INTEGER NOT NULL,
            duration_ms       INTEGER NOT NULL,
            UNIQUE (interaction_id, sample_index, execution_index)
        ) STRICT;
    `
}, {
    version: 3,
    description: "chat communities: per-server settings, and every button press, report and delivery problem",
    sql: `
        CREATE TABLE community_settings (
            platform               TEXT    NOT NULL,
            workspace_id           TEXT    NOT NULL,
            allowed_channels       TEXT,
            default_mode           TEXT,
            profile                TEXT,
            theme                  TEXT    CHECK (theme IN ('light', 'dark')),
            solves_per_hour        INTEGER CHECK (solves_per_hour > 0),
            followups_need_mention INTEGER,
            updated_at             TEXT    NOT NULL,
            updated_by             TEXT    NOT NULL,
            PRIMARY KEY (platform, workspace_id)
        ) STRICT;

        CREATE TABLE interaction_events (
            id                INTEGER PRIMARY KEY,
            interaction_id    INTEGER REFERENCES interactions(id) ON DELETE CASCADE,
            created_at        TEXT    NOT NULL,
            platform          TEXT    NOT NULL,
            workspace_id      TEXT,
            user_pseudonym    TEXT,
            kind              TEXT    NOT NULL,
            detail            TEXT
        ) STRICT;
        CREATE INDEX interaction_events_interaction ON interaction_events(interaction_id, created_at);
        CREATE INDEX interactions_thread ON interactions(platform, thread_id);
    `
}, {
    version: 4,
    description: "auditing: an append-only review trail per reported interaction, and users who asked to be forgotten",
    sql: `
        CREATE TABLE reviews (
            id                 INTEGER PRIMARY KEY,
            interaction_id     INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
            created_at         TEXT    NOT NULL,
            reviewer           TEXT    NOT NULL,
            status             TEXT    NOT NULL CHECK (status IN ('model_wrong', 'model_right', 'unclear', 'resolved')),
            canonical_answer   TEXT,
            corrected_solution TEXT,
            note               TEXT
        ) STRICT;
        CREATE INDEX reviews_interaction ON reviews(interaction_id, id);
        CREATE INDEX feedback_created ON feedback(created_at);

        CREATE TABLE forgotten_users (
            user_pseudonym       TEXT    PRIMARY KEY,
            forgotten_at         TEXT    NOT NULL,
            deleted_interactions INTEGER NOT NULL
        ) STRICT;
    `
}, {
    version: 5,
    description: "accuracy evaluation (kotae eval): runs with their settings, and each problem × mode graded, linked to its interaction",
    sql: `
        CREATE TABLE eval_runs (
            id             INTEGER PRIMARY KEY,
            created_at     TEXT    NOT NULL,
            updated_at     TEXT    NOT NULL,
            dataset        TEXT    NOT NULL,
            dataset_sha256 TEXT    NOT NULL,
            item_count     INTEGER NOT NULL,
            modes          TEXT    NOT NULL,
            samples        INTEGER NOT NULL,
            profile        TEXT    NOT NULL,
            model_file     TEXT,
            model_sha256   TEXT,
            item_limit     INTEGER,
            seed           INTEGER NOT NULL,
            status         TEXT    NOT NULL CHECK (status IN ('running', 'interrupted', 'failed', 'finished')),
            wall_ms        INTEGER NOT NULL DEFAULT 0
        ) STRICT;

        CREATE TABLE eval_items (
            run_id             INTEGER NOT NULL REFERENCES eval_runs(id) ON DELETE CASCADE,
            item_index         INTEGER NOT NULL,
            mode               TEXT    NOT NULL,
            interaction_id     INTEGER REFERENCES interactions(id) ON DELETE SET NULL,
            created_at         TEXT    NOT NULL,
            question           TEXT    NOT NULL,
            expected           TEXT    NOT NULL,
            status             TEXT    NOT NULL,
            answer             TEXT,
            correct            INTEGER NOT NULL,
            sample_answers     TEXT    NOT NULL,
            correct_samples    INTEGER NOT NULL,
            samples            INTEGER NOT NULL,
            agreement_votes    INTEGER NOT NULL,
            prompt_tokens      INTEGER NOT NULL,
            completion_tokens  INTEGER NOT NULL,
            generation_ms      INTEGER NOT NULL,
            executions_ok      INTEGER NOT NULL,
            executions_error   INTEGER NOT NULL,
            executions_timeout INTEGER NOT NULL,
            PRIMARY KEY (run_id, item_index, mode)
        ) STRICT;
    `
}, {
    version: 6,
    description: "the explanation style a problem was solved in (null: the profile's default), so follow-ups and rechecks keep it",
    sql: `
        ALTER TABLE interactions ADD COLUMN style TEXT;
    `
}, {
    version: 7,
    description: "the process that owns a queued or running request (pid and start mark), so a start marks only a gone process's rows",
    sql: `
        ALTER TABLE interactions ADD COLUMN owner_pid INTEGER;
        ALTER TABLE interactions ADD COLUMN owner_start_mark TEXT;
    `
}, {
    version: 8,
    description: "each user's own choices (the theme of their /tex images), keyed by their pseudonym",
    sql: `
        CREATE TABLE user_preferences (
            user_pseudonym TEXT    PRIMARY KEY,
            theme          TEXT    CHECK (theme IN ('light', 'dark')),
            updated_at     TEXT    NOT NULL
        ) STRICT;
    `
}, {
    version: 9,
    description: "indexes that answer the audit queue from themselves: reports by interaction with their time, reviews with their status",
    sql: `
        CREATE INDEX feedback_reported ON feedback(interaction_id, created_at);
        DROP INDEX feedback_interaction;
        CREATE INDEX reviews_status ON reviews(interaction_id, id, status);
        DROP INDEX reviews_interaction;
    `
}];

/**
 * Brings the schema to the newest version, one transaction per migration, tracked in `user_version`.
 * Processes sharing the file (a bot beside `kotae solve`, several bots on one host) may start together
 * on a new database: each migration looks at the version again once it holds the write lock, and skips
 * what another process has just done.
 */
export function migrate(database: Database.Database, available: readonly Migration[] = migrations): number {
    const current = assertSchemaKnown(database, available);
    const newest = available.at(-1)?.version ?? 0;

    for (const migration of available.filter((candidate) => candidate.version > current)) {
        database.transaction(() => {
            if ((database.pragma("user_version", {simple: true}) as number) >= migration.version)
                return;
            database.exec(migration.sql);
            database.pragma(`user_version = ${migration.version}`);
        }).immediate();
    }
    return newest;
}

/** The schema version, refusing (without writing anything) a database a newer Kotae wrote. */
export function assertSchemaKnown(database: Database.Database, available: readonly Migration[] = migrations): number {
    const current = database.pragma("user_version", {simple: true}) as number;
    const newest = available.at(-1)?.version ?? 0;
    if (current > newest)
        throw new SchemaTooNewError(current, newest);
    return current;
}
