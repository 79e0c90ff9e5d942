import {describe, expect, it} from "vitest";
import {changeCommunitySettings} from "../../src/app/changeCommunitySettings.js";
import {ErrorCode} from "../../src/errors/ErrorCode.js";
import {ProfileRegistry} from "../../src/profiles/ProfileRegistry.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import {readRows} from "../support/readRows.js";
import {alice, temporaryStore} from "../support/testRuntime.js";

// The one settings use case behind Discord's and Slack's /kotae settings and Slack's App Home.

const events = (store: KotaeStore) => readRows<{kind: string, detail: string | null}>(store, "SELECT kind, detail FROM interaction_events ORDER BY id");

const channelIds = (text: string) => text.split(/\s+/).filter((word) => /^c\d+$/.test(word));

describe("changeCommunitySettings", () => {
    it("stores a moderator's change and logs it with what was asked", () => {
        using store = temporaryStore();
        const outcome = changeCommunitySettings({store, profiles: new ProfileRegistry()}, {
            requester: alice, workspaceId: "g1", isModerator: true, change: {mode: "cot", channels: "c1 c2", solvesPerHour: 4}, channelIds
        });
        expect(outcome).toMatchObject({status: "applied", changed: true, settings: {defaultMode: "cot", allowedChannels: ["c1", "c2"], solvesPerHour: 4}});
        expect(store.community.get("discord", "g1")).toMatchObject({defaultMode: "cot", allowedChannels: ["c1", "c2"], solvesPerHour: 4});
        expect(events(store)).toEqual([{kind: "settings_changed", detail: JSON.stringify({mode: "cot", channels: "c1 c2", solvesPerHour: 4})}]);
    });

    it("refuses anyone but a moderator, and a change without a community, logging settings_refused and storing nothing", () => {
        using store = temporaryStore();
        const services = {store, profiles: new ProfileRegistry()};
        expect(changeCommunitySettings(services, {requester: alice, workspaceId: "g1", isModerator: false, change: {theme: "dark"}, channelIds})).toEqual({status: "refused"});
        expect(changeCommunitySettings(services, {requester: alice, workspaceId: undefined, isModerator: true, change: {theme: "dark"}, channelIds})).toEqual({status: "refused"});
        expect(store.community.get("discord", "g1")).toBeUndefined();
        expect(events(store)).toEqual([{kind: "settings_refused", detail: null}, {kind: "settings_refused", detail: null}]);
    });

    it("refuses an unknown mode or profile with its error and stores nothing; an empty change only shows", () => {
        using store = temporaryStore();
        const services = {store, profiles: new ProfileRegistry()};
        const mode = changeCommunitySettings(services, {requester: alice, workspaceId: "g1", isModerator: true, change: {mode: "magic"}, channelIds});
        const profile = changeCommunitySettings(services, {requester: alice, workspaceId: "g1", isModerator: true, change: {profile: "nope"}, channelIds});
        expect(mode).toMatchObject({status: "invalid", error: {code: ErrorCode.ModeUnsupported}});
        expect(profile).toMatchObject({status: "invalid", error: {code: ErrorCode.ProfileUnknown}});
        expect(changeCommunitySettings(services, {requester: alice, workspaceId: "g1", isModerator: true, change: {}, channelIds})).toMatchObject({status: "applied", changed: false});
        expect(store.community.get("discord", "g1")).toBeUndefined();
        expect(events(store)).toEqual([]);
    });
});
