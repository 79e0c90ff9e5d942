import type {Requester} from "../src/domain/Requester.js";
import type {KotaeDatabase} from "./KotaeDatabase.js";
import type {Pseudonymizer} from "./Pseudonymizer.js";
import {now} from "./rows.js";

const sql = {
    theme: "SELECT theme FROM user_preferences WHERE user_pseudonym = ?",
    saveTheme: `
        INSERT INTO user_preferences (user_pseudonym, theme, updated_at) VALUES (?, ?, ?)
        ON CONFLICT (user_pseudonym) DO UPDATE SET theme = excluded.theme, updated_at = excluded.updated_at`
};

/** What one user chose for themselves (the theme of their /tex images), remembered under their pseudonym. */
export class PreferenceRepository {
    private readonly statements;

    public constructor(database: KotaeDatabase, private readonly pseudonymizer: Pseudonymizer) {
        this.statements = database.prepareAll(sql);
    }

    /** The theme this user chose last; undefined when they never chose one. */
    public theme(requester: Pick<Requester, "platform" | "userId">): "light" | "dark" | undefined {
        const row = this.statements.theme.get(this.pseudonymizer.pseudonymOf(requester)) as {theme: "light" | "dark" | null} | undefined;
        return row?.theme ?? undefined;
    }

    public saveTheme(requester: Pick<Requester, "platform" | "userId">, theme: "light" | "dark"): void {
        this.statements.saveTheme.run(this.pseudonymizer.pseudonymOf(requester), theme, now());
    }
}
