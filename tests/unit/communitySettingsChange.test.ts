import {describe, expect, it} from "vitest";
import {CommunitySettingsActions} from "../../src/app/CommunitySettingsActions.js";
import {loadConfig} from "../../src/config/loadConfig.js";
import {ErrorCode} from "../../src/errors/ErrorCode.js";
import {ProfileRegistry} from "../../src/profiles/ProfileRegistry.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import {readRows} from "../support/readRows.js";
import {alice, temporaryDirectory, temporaryStore} from "../support/testRuntime.js";

// The one settings use case behind Discord's and Slack's /kotae settings and Slack's App Home.

const events = (store: KotaeStore) => readRows<{kind: string, detail: string | null}>(store, "SELECT kind, detail FROM interaction_events ORDER BY id");

const channelIds = (text: string) => text.split(/\s+/).filter((word) => /^c\d+$/.test(word));

function settingsActions(store: KotaeStore): CommunitySettingsActions {
    return new CommunitySettingsActions(store, loadConfig({env: {}, cwd: temporaryDirectory()}), new ProfileRegistry());
}

const moderator = {requester: alice, isModerator: true};

describe("CommunitySettingsActions.change", () => {
    it("stores a moderator's change and logs it with what was asked", () => {
        using store = temporaryStore();
        const outcome = settingsActions(store).change(moderator, {mode: "cot", channels: "c1 c2", solvesPerHour: 4}, channelIds);
        expect(outcome).toMatchObject({changed: true, settings: {defaultMode: "cot", allowedChannels: ["c1", "c2"], solvesPerHour: 4}});
        expect(store.community.get("discord", "g1")).toMatchObject({defaultMode: "cot", allowedChannels: ["c1", "c2"], solvesPerHour: 4});
        expect(events(store)).toEqual([{kind: "settings_changed", detail: JSON.stringify({mode: "cot", channels: "c1 c2", solvesPerHour: 4})}]);
    });

    it("refuses anyone but a moderator, and a change without a community, logging settings_refused and storing nothing", () => {
        using store = temporaryStore();
        const settings = settingsActions(store);
        const {workspaceId: _unused, ...withoutCommunity} = alice;
        expect(settings.change({requester: alice, isModerator: false}, {theme: "dark"}, channelIds)).toMatchObject({refusal: {code: ErrorCode.NotPermitted}});
        expect(settings.change({requester: withoutCommunity, isModerator: true}, {theme: "dark"}, channelIds)).toMatchObject({refusal: {code: ErrorCode.NotPermitted}});
        expect(store.community.get("discord", "g1")).toBeUndefined();
        expect(events(store)).toEqual([{kind: "settings_refused", detail: null}, {kind: "settings_refused", detail: null}]);
    });

    it("refuses an unknown mode or profile with its error and stores nothing; an empty change only shows", () => {
        using store = temporaryStore();
        const settings = settingsActions(store);
        expect(settings.change(moderator, {mode: "magic"}, channelIds)).toMatchObject({refusal: {code: ErrorCode.ModeUnsupported}});
        expect(settings.change(moderator, {profile: "nope"}, channelIds)).toMatchObject({refusal: {code: ErrorCode.ProfileUnknown}});
        expect(settings.change(moderator, {}, channelIds)).toMatchObject({changed: false});
        expect(store.community.get("discord", "g1")).toBeUndefined();
        expect(events(store)).toEqual([]);
    });
});
