import type {SettingsCommandRequest} from "../../commands/kotae.js";
import {unsetCommunitySettings, type CommunitySettings} from "../domain/CommunitySettings.js";
import type {Requester} from "../domain/Requester.js";
import {isKotaeError, type KotaeError} from "../errors/ErrorCode.js";
import {checkPreconditions, moderatorOnly} from "../preconditions/preconditions.js";
import type {ProfileRegistry} from "../profiles/ProfileRegistry.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import {applySettingsChange} from "../adapters/shared/applySettingsChange.js";

/**
 * What became of a settings change: refused (not a moderator, or no community), invalid (an unknown mode
 * or profile: nothing stored), or applied (`settings` as they are now; stored when the change asked for anything).
 */
export type SettingsChangeOutcome =
    | {readonly status: "refused"}
    | {readonly status: "invalid", readonly error: KotaeError}
    | {readonly status: "applied", readonly settings: CommunitySettings, readonly changed: boolean};

/**
 * A moderator's change to their community's settings, wherever it was made (a command, a form, Slack's
 * App Home): only moderators of a known community may change them (anyone else is refused and the
 * attempt logged `settings_refused`); each option is validated before anything is stored; a stored
 * change is logged `settings_changed` with what was asked.
 */
export function changeCommunitySettings(services: {store: KotaeStore, profiles: ProfileRegistry}, request: {
    readonly requester: Requester,
    /** The community whose settings change (the requester's workspace or server). */
    readonly workspaceId: string | undefined,
    /** Whether the platform says the requester manages the community (Slack: admin or owner; Discord: Manage Server). */
    readonly isModerator: boolean,
    readonly change: SettingsCommandRequest,
    /** The platform's channel ids in a `channels` text (mentions or ids). */
    readonly channelIds: (text: string) => string[]
}): SettingsChangeOutcome {
    const {store, profiles} = services;
    const {requester, workspaceId} = request;
    const refusal = checkPreconditions({requester, channelId: requester.channelId, settings: undefined, isModerator: request.isModerator}, moderatorOnly);
    if (refusal != null || workspaceId == null) {
        store.interactions.recordEvent({requester, kind: "settings_refused"});
        return {status: "refused"};
    }
    const current = store.community.get(requester.platform, workspaceId) ?? unsetCommunitySettings;
    let next: CommunitySettings;
    try {
        next = applySettingsChange(profiles, current, request.change, request.channelIds);
    } catch (error) {
        if (!isKotaeError(error)) throw error;
        return {status: "invalid", error};
    }
    const changed = Object.keys(request.change).length > 0;
    if (changed) {
        store.community.save(requester.platform, workspaceId, next, requester);
        store.interactions.recordEvent({requester, kind: "settings_changed", detail: {...request.change}});
    }
    return {status: "applied", settings: next, changed};
}
