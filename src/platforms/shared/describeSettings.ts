import type {CommunitySettings} from "../../domain/CommunitySettings.js";

/** The settings as lines to show a moderator, defaults filled in. */
export function describeSettings(settings: CommunitySettings, defaults: {mode: string, profile: string, theme: string, solvesPerHour: number, followUpsNeedMention: boolean}, channel: (id: string) => string): string[] {
    return [
        `channels: ${settings.allowedChannels == null ? "all" : settings.allowedChannels.map(channel).join(" ")}`,
        `mode: ${settings.defaultMode ?? defaults.mode}`,
        `profile: ${settings.profile ?? defaults.profile}`,
        `theme: ${settings.theme ?? defaults.theme}`,
        `solves_per_hour: ${settings.solvesPerHour ?? defaults.solvesPerHour}`,
        `followups_need_mention: ${settings.followUpsNeedMention ?? defaults.followUpsNeedMention}`
    ];
}
