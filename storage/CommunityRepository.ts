import type {CommunitySettings, StoredCommunitySettings} from "../src/domain/CommunitySettings.js";
import type {Requester} from "../src/domain/Requester.js";
import type {KotaeDatabase} from "./KotaeDatabase.js";
import type {Pseudonymizer} from "./Pseudonymizer.js";
import {flagOf, now, type Row} from "./rows.js";

const sql = {
    get: "SELECT * FROM community_settings WHERE platform = ? AND workspace_id = ?",
    put: `
        INSERT OR REPLACE INTO community_settings (platform, workspace_id, allowed_channels, default_mode, profile, theme,
            solves_per_hour, followups_need_mention, updated_at, updated_by)
        VALUES (@platform, @workspaceId, @allowedChannels, @defaultMode, @profile, @theme,
            @solvesPerHour, @followUpsNeedMention, @now, @updatedBy)`
};

/** What each community's moderators chose (a Discord server, a Slack workspace), with who changed it last. */
export class CommunityRepository {
    private readonly statements;

    public constructor(database: KotaeDatabase, private readonly pseudonymizer: Pseudonymizer) {
        this.statements = database.prepareAll(sql);
    }

    /** The community's settings; undefined when its moderators never changed any. */
    public get(platform: string, workspaceId: string): StoredCommunitySettings | undefined {
        const row = this.statements.get.get(platform, workspaceId) as Row | undefined;
        if (row == null)
            return undefined;
        return {
            allowedChannels: row["allowed_channels"] == null ? null : JSON.parse(String(row["allowed_channels"])) as string[],
            defaultMode: row["default_mode"] as string | null,
            profile: row["profile"] as string | null,
            theme: row["theme"] as "light" | "dark" | null,
            solvesPerHour: row["solves_per_hour"] as number | null,
            followUpsNeedMention: flagOf(row["followups_need_mention"]),
            updatedAt: String(row["updated_at"]),
            updatedBy: String(row["updated_by"])
        };
    }

    public save(platform: string, workspaceId: string, settings: CommunitySettings, by: Requester): void {
        this.statements.put.run({
            platform, workspaceId, now: now(), updatedBy: this.pseudonymizer.pseudonymOf(by),
            allowedChannels: settings.allowedChannels == null ? null : JSON.stringify(settings.allowedChannels),
            defaultMode: settings.defaultMode,
            profile: settings.profile,
            theme: settings.theme,
            solvesPerHour: settings.solvesPerHour,
            followUpsNeedMention: settings.followUpsNeedMention == null ? null : Number(settings.followUpsNeedMention)
        });
    }
}
