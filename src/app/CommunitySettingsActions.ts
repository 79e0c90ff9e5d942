import type {SettingsCommandRequest} from "../../commands/kotae.js";
import type {KotaeConfig} from "../config/KotaeConfig.js";
import {unsetCommunitySettings, type CommunitySettings} from "../domain/CommunitySettings.js";
import type {Requester} from "../domain/Requester.js";
import {ErrorCode, isKotaeError, KotaeError} from "../errors/ErrorCode.js";
import {checkPreconditions, moderatorOnly} from "../preconditions/preconditions.js";
import type {ProfileRegistry} from "../profiles/ProfileRegistry.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import {applySettingsChange} from "./applySettingsChange.js";
import {effectiveSettings, type EffectiveSettings} from "./effectiveSettings.js";
import type {RequestPlace} from "./RequestPlace.js";
import {settingsAt} from "./settingsAt.js";
import type {Asker} from "./SolveProblem.js";

/** A settings action's outcome: the settings, or the error to tell (not_permitted, mode_unsupported, profile_unknown). */
export type SettingsOutcome = {readonly settings: CommunitySettings} | {readonly refusal: KotaeError};

/**
 * A community's settings (a Discord server's, a Slack workspace's): what applies, with Kotae's defaults,
 * and viewing or changing them, which only moderators may (a refusal is logged as `settings_refused`).
 */
export class CommunitySettingsActions {
    public constructor(private readonly store: KotaeStore, private readonly config: KotaeConfig, private readonly profiles: ProfileRegistry) {}

    /**
     * The settings that apply where the requester is; `mentionByDefault` (default false) is the platform's
     * answer when moderators have not chosen whether follow-ups need an @mention.
     */
    public effective(where: Pick<Requester, "platform" | "workspaceId">, mentionByDefault = false): EffectiveSettings {
        return effectiveSettings(this.store, this.config, {platform: where.platform, workspaceId: where.workspaceId, mentionByDefault});
    }

    /**
     * The settings where a request was asked (see RequestPlace): a community's, the bot-wide defaults where
     * it belongs to none, and no channel list in a DM.
     */
    public at(platform: Requester["platform"], place: RequestPlace, mentionByDefault = false): EffectiveSettings {
        return settingsAt(this.store, this.config, {platform, place, mentionByDefault});
    }

    /** The stored settings, for a moderator (nothing chosen yet: all unset). */
    public view(asker: Asker): SettingsOutcome {
        const workspaceId = this.moderatorsWorkspace(asker);
        if (workspaceId instanceof KotaeError) return {refusal: workspaceId};
        return {settings: this.store.community.get(asker.requester.platform, workspaceId) ?? unsetCommunitySettings};
    }

    /**
     * A moderator's change, validated and saved (logged as `settings_changed`); an empty change saves
     * nothing. `channelIds` reads the platform's channel ids or mentions out of the `channels` text.
     */
    public change(asker: Asker, change: SettingsCommandRequest, channelIds: (text: string) => string[]): SettingsOutcome & {readonly changed?: boolean} {
        const workspaceId = this.moderatorsWorkspace(asker);
        if (workspaceId instanceof KotaeError) return {refusal: workspaceId};
        const {requester} = asker;
        const current = this.store.community.get(requester.platform, workspaceId) ?? unsetCommunitySettings;
        let next: CommunitySettings;
        try {
            next = applySettingsChange(this.profiles, current, change, channelIds);
        } catch (error) {
            if (!isKotaeError(error)) throw error;
            return {refusal: error};
        }
        const changed = Object.keys(change).length > 0;
        if (changed) {
            this.store.community.save(requester.platform, workspaceId, next, requester);
            this.store.interactions.recordEvent({requester, kind: "settings_changed", detail: {...change}});
        }
        return {settings: next, changed};
    }

    /** The workspace a moderator manages, or the logged refusal (not a moderator, or no workspace: a DM). */
    private moderatorsWorkspace({requester, isModerator}: Asker): string | KotaeError {
        const refusal = checkPreconditions({requester, channelId: requester.channelId, settings: undefined, isModerator}, moderatorOnly);
        if (refusal == null && requester.workspaceId != null)
            return requester.workspaceId;
        this.store.interactions.recordEvent({requester, kind: "settings_refused"});
        return refusal ?? new KotaeError(ErrorCode.NotPermitted, "Settings belong to a server or workspace");
    }
}
