import type {NewTurn, TurnRecord} from "../src/domain/ConversationTurn.js";
import type {KotaeDatabase} from "./KotaeDatabase.js";
import type {Pseudonymizer} from "./Pseudonymizer.js";
import {camelize, now, type Row} from "./rows.js";

const sql = {
    nextTurnIndex: "SELECT coalesce(max(turn_index) + 1, 0) AS next FROM conversation_turns WHERE interaction_id = ?",
    insert: `
        INSERT INTO conversation_turns (interaction_id, turn_index, created_at, role, user_pseudonym, content,
            status, error_code, prompt_tokens, completion_tokens, total_ms)
        VALUES (@interactionId, @turnIndex, @now, @role, @userPseudonym, @content,
            @status, @errorCode, @promptTokens, @completionTokens, @totalMs)`,
    list: "SELECT * FROM conversation_turns WHERE interaction_id = ? ORDER BY turn_index"
};

/** The follow-up conversation in an answer's thread, turn by turn. */
export class ConversationRepository {
    private readonly statements;

    public constructor(private readonly database: KotaeDatabase, private readonly pseudonymizer: Pseudonymizer) {
        this.statements = database.prepareAll(sql);
    }

    /** Appends a turn after the interaction's last one; returns its index. */
    public add(turn: NewTurn): number {
        return this.database.immediately(() => {
            const {next} = this.statements.nextTurnIndex.get(turn.interactionId) as {next: number};
            this.statements.insert.run({
                interactionId: turn.interactionId,
                turnIndex: next,
                now: now(),
                role: turn.role,
                userPseudonym: turn.requester != null ? this.pseudonymizer.pseudonymOf(turn.requester) : null,
                content: turn.content,
                status: turn.status ?? null,
                errorCode: turn.errorCode ?? null,
                promptTokens: turn.promptTokens ?? null,
                completionTokens: turn.completionTokens ?? null,
                totalMs: turn.totalMs ?? null
            });
            return next;
        });
    }

    public turns(interactionId: number): TurnRecord[] {
        return (this.statements.list.all(interactionId) as Row[]).map((row) => camelize(row) as TurnRecord);
    }
}
