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
