import type {KotaeConfig} from "../config/KotaeConfig.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import {effectiveSettings, type EffectiveSettings} from "./effectiveSettings.js";
import {channelListApplies, communityOf, type RequestPlace} from "./RequestPlace.js";

/**
 * The settings a request is solved under where it was asked: its community's (Kotae's defaults where
 * moderators chose nothing), Kotae's bot-wide defaults where it belongs to no community, and never a
 * channel list where that list cannot name the place (a DM is always allowed; its limits still apply).
 */
export function settingsAt(store: KotaeStore, config: KotaeConfig, where: {
    platform: string, place: RequestPlace,
    /** The platform's default when moderators have not chosen whether follow-ups need an @mention. */
    mentionByDefault: boolean
}): EffectiveSettings {
    const settings = effectiveSettings(store, config, {platform: where.platform, workspaceId: communityOf(where.place), mentionByDefault: where.mentionByDefault});
    return channelListApplies(where.place) ? settings : {...settings, stored: {...settings.stored, allowedChannels: null}};
}
