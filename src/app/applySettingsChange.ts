import type {SettingsCommandRequest} from "../../commands/kotae.js";
import type {CommunitySettings} from "../domain/CommunitySettings.js";
import {ErrorCode, KotaeError} from "../errors/ErrorCode.js";
import type {ProfileRegistry} from "../profiles/ProfileRegistry.js";
import {isSolveMode} from "../solver/SolveMode.js";

/**
 * A community's settings after a moderator's change; each given option is validated (an unknown mode or
 * profile is refused with its error, never stored). `channels` is "all" or channel ids/mentions.
 */
export function applySettingsChange(profiles: ProfileRegistry, current: CommunitySettings, change: SettingsCommandRequest, channelIds: (text: string) => string[]): CommunitySettings {
    if (change.mode != null && !isSolveMode(change.mode))
        throw new KotaeError(ErrorCode.ModeUnsupported, `Unknown mode ${change.mode}`, {params: {mode: change.mode}});
    if (change.profile != null)
        profiles.get(change.profile); // throws profile_unknown
    const channels = change.channels?.trim();
    return {
        allowedChannels: channels == null || channels === "" ? current.allowedChannels
            : /^(all|すべて|全部)$/i.test(channels) ? null
            : channelIds(channels),
        defaultMode: change.mode ?? current.defaultMode,
        profile: change.profile ?? current.profile,
        theme: change.theme === "light" || change.theme === "dark" ? change.theme : current.theme,
        solvesPerHour: change.solvesPerHour ?? current.solvesPerHour,
        followUpsNeedMention: change.followUpsNeedMention ?? current.followUpsNeedMention
    };
}
