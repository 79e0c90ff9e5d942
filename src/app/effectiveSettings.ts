import type {KotaeConfig} from "../config/KotaeConfig.js";
import {unsetCommunitySettings, type CommunitySettings} from "../domain/CommunitySettings.js";
import type {ThemeName} from "../render/RenderTheme.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";

export type EffectiveSettings = {
    /** What the preconditions check: the stored choices, the configured hourly limit where none was chosen. */
    readonly stored: CommunitySettings,
    readonly theme: ThemeName,
    readonly followUpsNeedMention: boolean,
    readonly mode: string | undefined,
    readonly profile: string | undefined
};

/** A community's settings with Kotae's configured defaults filled in where its moderators chose nothing. */
export function effectiveSettings(store: KotaeStore, config: KotaeConfig, where: {
    platform: string, workspaceId: string | null | undefined,
    /** The platform's default when moderators have not chosen whether follow-ups need an @mention. */
    mentionByDefault: boolean
}): EffectiveSettings {
    const stored = where.workspaceId != null ? store.community.get(where.platform, where.workspaceId) : undefined;
    return {
        stored: {...stored ?? unsetCommunitySettings, solvesPerHour: stored?.solvesPerHour ?? config.solvesPerHour},
        theme: stored?.theme ?? config.theme,
        followUpsNeedMention: stored?.followUpsNeedMention ?? where.mentionByDefault,
        mode: stored?.defaultMode ?? undefined,
        profile: stored?.profile ?? undefined
    };
}
