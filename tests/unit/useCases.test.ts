import {describe, expect, it} from "vitest";
import {ActivityLog} from "../../src/app/ActivityLog.js";
import {AnswerActions} from "../../src/app/AnswerActions.js";
import {AuditActions} from "../../src/app/AuditActions.js";
import {CommunitySettingsActions} from "../../src/app/CommunitySettingsActions.js";
import {FollowUps} from "../../src/app/FollowUps.js";
import {SolveProblem, type Asker} from "../../src/app/SolveProblem.js";
import {loadConfig} from "../../src/config/loadConfig.js";
import type {EngineEvent} from "../../src/engine/EngineEvent.js";
import {ErrorCode, KotaeError} from "../../src/errors/ErrorCode.js";
import {ProfileRegistry} from "../../src/profiles/ProfileRegistry.js";
import type {Renderer} from "../../src/render/Renderer.js";
import {readRows} from "../support/readRows.js";
import {ScriptedBackend} from "../support/ScriptedBackend.js";
import {alice, bob, collect, temporaryDirectory, testEngine} from "../support/testRuntime.js";

const problem = "1から100までの自然数の和を求めてください";
const solution = "両端を組にすると 101 × 50 = 5050。\\boxed{5050}";

/** The use cases over a real engine (scripted model) and a real SQLite store; the renderer is never reached here. */
function world(scripts: string[] = [solution], options: {chunkDelayMs?: number, solvesPerHour?: number} = {}) {
    const {engine, store} = testEngine(new ScriptedBackend(scripts, 1, options.chunkDelayMs != null ? {chunkDelayMs: options.chunkDelayMs} : {}));
    const config = {...loadConfig({env: {}, cwd: temporaryDirectory()}), ...(options.solvesPerHour != null ? {solvesPerHour: options.solvesPerHour} : {})};
    const profiles = new ProfileRegistry();
    const settings = new CommunitySettingsActions(store, config, profiles);
    const answers = new AnswerActions(engine, store, profiles, undefined as unknown as Renderer);
    return {
        engine, store, settings, answers,
        solve: new SolveProblem(engine, store, settings),
        followUps: new FollowUps(engine, store, answers),
        audit: new AuditActions(store, engine),
        activity: new ActivityLog(store)
    };
}

const student: Asker = {requester: alice, isModerator: false};
const moderator: Asker = {requester: {...bob, channelId: "c9"}, isModerator: true};
const eventKinds = (store: ReturnType<typeof world>["store"], interactionId?: number) =>
    interactionId != null ? store.interactions.events(interactionId).map((event) => event.kind) : [];

describe("SolveProblem: admission inside the solve", () => {
    it("refuses a channel the moderators did not allow with one failed event, logged as rejected; a moderator may solve anywhere", async () => {
        const {solve, settings, store} = world([solution, solution]);
        expect(settings.change(moderator, {channels: "c2"}, (text) => text.split(" "))).toMatchObject({changed: true});
        const refused = await collect(solve.solve({problem}, student));
        expect(refused).toEqual([expect.objectContaining({type: "failed", code: ErrorCode.ChannelNotAllowed, interactionId: 1})]);
        expect(store.interactions.get(1)).toMatchObject({status: "rejected", errorCode: ErrorCode.ChannelNotAllowed, question: problem});
        expect((await collect(solve.solve({problem}, moderator))).at(-1)).toMatchObject({type: "done"});
        expect((await collect(solve.solve({problem}, {requester: {...alice, channelId: "c2"}, isModerator: false}))).at(-1)).toMatchObject({type: "done"});
    });

    it("refuses past the community's hourly limit with the seconds to wait; moderators are not limited", async () => {
        const {solve} = world([solution, solution, solution], {solvesPerHour: 1});
        expect((await collect(solve.solve({problem}, student))).at(-1)).toMatchObject({type: "done"});
        const refused = await collect(solve.solve({problem}, student));
        expect(refused).toHaveLength(1);
        expect(refused[0]).toMatchObject({type: "failed", code: ErrorCode.RateLimited, params: {seconds: expect.any(Number)}});
        expect((await collect(solve.solve({problem}, {...student, isModerator: true}))).at(-1)).toMatchObject({type: "done"});
    });

    it("fills in the community's default mode and profile where the problem names none", async () => {
        const {solve, settings, store} = world();
        settings.change(moderator, {profile: "sansu"}, () => []);
        await collect(solve.solve({problem}, student));
        expect(store.interactions.get(1)).toMatchObject({profile: "sansu"});
    });

    it("asks a platform's own gate after the community's rules, and gives its place back when the solve ends", async () => {
        const {solve} = world([solution]);
        const released: string[] = [];
        const refused = await collect(solve.solve({problem}, student, {gate: () => ({refusal: new KotaeError(ErrorCode.TooManyPending, "busy")})}));
        expect(refused).toEqual([expect.objectContaining({type: "failed", code: ErrorCode.TooManyPending})]);
        const events: EngineEvent[] = [];
        for await (const event of solve.solve({problem}, student, {gate: () => ({release: () => released.push("released")})})) {
            events.push(event);
            expect(released).toEqual([]); // held while the solve runs
        }
        expect(events.at(-1)).toMatchObject({type: "done"});
        expect(released).toEqual(["released"]);
    });
});

describe("AnswerActions: the answer's buttons, the same rules on every platform", () => {
    it("logs each press, and tells of an interaction Kotae does not know", async () => {
        const {solve, answers, store} = world();
        await collect(solve.solve({problem}, student));
        expect(answers.press("show", 1, bob)).toMatchObject({original: {id: 1}});
        expect(answers.press("report", 1, bob)).toMatchObject({original: {id: 1}}); // anyone who sees an answer may report it
        expect(answers.press("retry", 99, alice)).toEqual({refusal: ErrorCode.ConversationUnknown});
        expect(eventKinds(store, 1)).toEqual(["button:show", "button:report"]);
    });

    it("lets only the asker cancel a solve under way: anyone else is told not_yours and the solve goes on", async () => {
        const {solve, answers, store} = world([solution.repeat(20)], {chunkDelayMs: 2});
        const pressed: unknown[] = [];
        let texts = 0;
        for await (const event of solve.solve({problem}, student)) {
            if (event.type !== "text") continue;
            texts++;
            if (texts === 1) pressed.push(answers.press("cancel", 1, bob));
            if (texts === 5) pressed.push("refusal" in answers.press("cancel", 1, alice) ? "refused" : "cancelled");
        }
        expect(pressed).toEqual([{refusal: "not_yours"}, "cancelled"]);
        expect(store.interactions.get(1)).toMatchObject({status: "cancelled"});
    });

    it("solves again as a fresh sample of the same problem, linked to the original", async () => {
        const {solve, answers} = world();
        await collect(solve.solve({problem, mode: "cot"}, student));
        const original = answers.interaction(1)!;
        const retry = answers.retryOf(original);
        expect(retry).toMatchObject({problem, mode: "cot", parentId: 1, seed: expect.any(Number)});
        expect(answers.retryOf(original).seed).not.toBe(retry.seed);
    });

    it("stores a report with whether the correction equals the model's answer", async () => {
        const {solve, answers, store} = world();
        await collect(solve.solve({problem}, student));
        expect(answers.report({interactionId: 1, requester: bob, correctedAnswer: " 5,050 ", comment: "合っているかも"})).toBe(true);
        expect(answers.report({interactionId: 1, requester: bob, correctedAnswer: "", comment: ""})).toBeUndefined();
        expect(store.feedback.list(1).map((report) => [report.correctedAnswer, report.correctionEqualsModelAnswer])).toEqual([["5,050", true], [null, null]]);
    });

    it("finds an interaction as someone's own only for the same platform and user", async () => {
        const {solve, answers} = world();
        await collect(solve.solve({problem}, student));
        expect(answers.ownInteraction(1, alice)?.id).toBe(1);
        expect(answers.ownInteraction(1, bob)).toBeUndefined();
        expect(answers.ownInteraction(1, {platform: "slack", userId: alice.userId})).toBeUndefined();
    });
});

describe("CommunitySettingsActions: moderators only", () => {
    it("refuses a student and logs the refusal; saves and logs a moderator's change", () => {
        const {settings, store} = world();
        expect(settings.change(student, {theme: "dark"}, () => [])).toMatchObject({refusal: {code: ErrorCode.NotPermitted}});
        expect(settings.view(student)).toMatchObject({refusal: {code: ErrorCode.NotPermitted}});
        expect(store.community.get("discord", "g1")).toBeUndefined();
        expect(settings.change(moderator, {theme: "dark", solvesPerHour: 3}, () => [])).toMatchObject({settings: {theme: "dark", solvesPerHour: 3}, changed: true});
        expect(settings.view(moderator)).toMatchObject({settings: {theme: "dark", solvesPerHour: 3}});
        expect(settings.effective(alice)).toMatchObject({theme: "dark", stored: {solvesPerHour: 3}});
        const kinds = readRows<{kind: string}>(store, "SELECT kind FROM interaction_events ORDER BY id").map((row) => row.kind);
        expect(kinds).toEqual(["settings_refused", "settings_refused", "settings_changed"]);
    });

    it("refuses an unknown mode or profile without saving, and a change outside any server (a DM)", () => {
        const {settings, store} = world();
        expect(settings.change(moderator, {mode: "magic"}, () => [])).toMatchObject({refusal: {code: ErrorCode.ModeUnsupported}});
        expect(settings.change(moderator, {profile: "nope"}, () => [])).toMatchObject({refusal: {code: ErrorCode.ProfileUnknown}});
        const {workspaceId: _none, ...inDm} = moderator.requester;
        expect(settings.change({requester: inDm, isModerator: true}, {theme: "dark"}, () => [])).toMatchObject({refusal: {code: ErrorCode.NotPermitted}});
        expect(store.community.get("discord", "g1")).toBeUndefined();
    });
});

describe("FollowUps, forget-me and audit", () => {
    it("finds an answer by the thread a platform opened for it, and answers a follow-up there", async () => {
        const {solve, followUps} = world([solution, "101 が 50 組だからです。"]);
        await collect(solve.solve({problem}, student));
        expect(followUps.answerInThread("discord", "t1")).toBeUndefined();
        followUps.threadOpened(1, "t1");
        expect(followUps.answerInThread("discord", "t1")?.id).toBe(1);
        expect(followUps.answerInThread("slack", "t1")).toBeUndefined();
        expect(await followUps.answer({interactionId: 1, profile: "llmjp-math-cot", question: "なぜ？", requester: bob, theme: "light"}))
            .toEqual({text: "101 が 50 組だからです。", images: []});
    });

    it("forgets a requester's interactions", async () => {
        const {solve, activity, store} = world([solution, solution]);
        await collect(solve.solve({problem}, student));
        await collect(solve.solve({problem}, {requester: bob, isModerator: false}));
        expect(activity.forgetMe(alice)).toBe(1);
        expect(store.interactions.get(1)).toBeUndefined();
        expect(store.interactions.get(2)).toBeDefined();
    });

    it("lists reported answers, shows one with each correction checked, and appends reviews", async () => {
        const {solve, answers, audit} = world();
        await collect(solve.solve({problem}, student));
        answers.report({interactionId: 1, requester: bob, correctedAnswer: "5050", comment: ""});
        expect(audit.queue({}, {limit: 10, offset: 0})).toMatchObject({total: 1, reports: [{interactionId: 1, status: "new"}]});
        expect(audit.detail(1)).toMatchObject({interaction: {id: 1}, feedback: [{correctedAnswer: "5050", correctionEqualsModelAnswer: true}]});
        expect(audit.detail(2)).toBeUndefined();
        expect(audit.review({interactionId: 1, reviewer: "先生", status: "model_right"})).toBe(true);
        expect(audit.review({interactionId: 2, reviewer: "先生", status: "model_right"})).toBe(false);
        expect(audit.queue({status: "model_right"}, {limit: 10, offset: 0}).total).toBe(1);
    });
});
