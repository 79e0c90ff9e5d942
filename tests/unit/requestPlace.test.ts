import {describe, expect, it} from "vitest";
import {answersPrivately, communityOf, opensThread, type RequestPlace} from "../../src/app/RequestPlace.js";
import {settingsAt} from "../../src/app/settingsAt.js";
import {loadConfig} from "../../src/config/loadConfig.js";
import {temporaryDirectory, temporaryStore} from "../support/testRuntime.js";

// Where a chat request was asked decides whose settings apply, whether replies are private and whether a
// thread opens; the platforms' end-to-end tests (tests/discord, tests/slack) show it on the wire.

const community: RequestPlace = {kind: "community", communityId: "T1"};
const slackDm: RequestPlace = {kind: "direct", communityId: "T1"};
const discordDm: RequestPlace = {kind: "direct"};
const elsewhere: RequestPlace = {kind: "elsewhere"};

describe("RequestPlace", () => {
    it("only a community's channel opens a thread; only a place Kotae is no member of answers privately", () => {
        expect([community, slackDm, discordDm, elsewhere].map(opensThread)).toEqual([true, false, false, false]);
        expect([community, slackDm, discordDm, elsewhere].map(answersPrivately)).toEqual([false, false, false, true]);
        expect([community, slackDm, discordDm, elsewhere].map(communityOf)).toEqual(["T1", "T1", undefined, undefined]);
    });

    it("settingsAt: the community's settings in its channels, its limits without its channel list in a DM, the bot-wide defaults elsewhere", () => {
        using store = temporaryStore();
        const config = loadConfig({env: {KOTAE_SOLVES_PER_HOUR: "20"}, cwd: temporaryDirectory()});
        store.community.save("slack", "T1", {
            allowedChannels: ["C1"], defaultMode: "cot", profile: null, theme: "dark", solvesPerHour: 3, followUpsNeedMention: null
        }, {platform: "slack", userId: "U1"});
        const at = (place: RequestPlace) => settingsAt(store, config, {platform: "slack", place, mentionByDefault: false});
        expect(at(community)).toMatchObject({stored: {allowedChannels: ["C1"], solvesPerHour: 3}, theme: "dark", mode: "cot"});
        expect(at(slackDm)).toMatchObject({stored: {allowedChannels: null, solvesPerHour: 3}, theme: "dark", mode: "cot"});
        expect(at(elsewhere)).toMatchObject({stored: {allowedChannels: null, solvesPerHour: 20}, theme: config.theme, mode: undefined});
    });
});
