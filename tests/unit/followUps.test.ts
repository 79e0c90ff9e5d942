import {describe, expect, it} from "vitest";
import type {Requester} from "../../src/domain/Requester.js";
import {ErrorCode, KotaeError} from "../../src/errors/ErrorCode.js";
import type {FollowUpEvent} from "../../src/engine/EngineEvent.js";
import {localize} from "../../src/i18n/messages.js";
import {channelAllowed, checkPreconditions, moderatorOnly, withinRateLimit} from "../../src/preconditions/preconditions.js";
import {acroCardPromptFor, acroCardTurn} from "../support/modelCards.js";
import {ScriptedBackend} from "../support/ScriptedBackend.js";
import {scriptedBackends} from "../support/scriptedBackends.js";
import {alice, bob, collect, testEngine} from "../support/testRuntime.js";

const problem = "1から100までの自然数の和を求めてください";
const solution = "<think>\n組にします。\n</think>\n両端を組にすると 101 × 50 = 5050。\\boxed{5050}";

function followUp(engine: ReturnType<typeof testEngine>["engine"], question: string, requester: Requester = alice, interactionId = 1): Promise<FollowUpEvent[]> {
    return collect(engine.followUp({interactionId, question, requester}));
}

describe.each(scriptedBackends)("follow-up questions in a thread (%s)", (_backendName, ScriptedModel) => {
    async function solved(scripts: string[]) {
        const backend = new ScriptedModel([solution, ...scripts]);
        const {engine, store} = testEngine(backend);
        await collect(engine.solve({problem, requester: alice}));
        return {backend, engine, store};
    }

    it("answers with the problem, the shown solution and earlier answered turns as context, in the profile's format", async () => {
        const {backend, engine, store} = await solved(["<think>考えます</think>\n101 が 50 組だからです。", "はい、等差数列の和の公式です。"]);
        const first = await followUp(engine, "なぜ50組なのですか？");
        expect(first.at(-1)).toMatchObject({type: "replied", interactionId: 1, turnIndex: 1, text: "101 が 50 組だからです。"});
        await followUp(engine, "公式はありますか？", bob);

        const prompt = backend.requests[2]!.prompt.toText();
        expect(prompt).toBe(acroCardPromptFor(problem) + "両端を組にすると 101 × 50 = 5050。\\boxed{5050}"
            + acroCardTurn("なぜ50組なのですか？") + "101 が 50 組だからです。" + acroCardTurn("公式はありますか？"));
        expect(prompt).not.toContain("<think>"); // the thinking of earlier answers stays out of the context
        expect(store.conversations.turns(1).map((turn) => [turn.role, turn.status, turn.content])).toEqual([
            ["user", null, "なぜ50組なのですか？"], ["assistant", "answered", "101 が 50 組だからです。"],
            ["user", null, "公式はありますか？"], ["assistant", "answered", "はい、等差数列の和の公式です。"]
        ]);
        expect(store.conversations.turns(1)[2]!.userPseudonym).toBe(store.pseudonymOf(bob));
    });

    it("uses the chat template for a chat profile", async () => {
        const backend = new ScriptedModel(["つるかめ算で \\boxed{7}", "かめが7ひきです。"]);
        const {engine} = testEngine(backend);
        await collect(engine.solve({problem: "つるかめ算", requester: alice, profile: "sansu"}));
        await followUp(engine, "どうして？");
        expect(backend.requests[1]!.prompt.toText()).toMatch(/<\|im_start\|>user\nつるかめ算<\|im_end\|>\n<\|im_start\|>assistant\nつるかめ算で \\boxed\{7\}<\|im_end\|>\n<\|im_start\|>user\nどうして？<\|im_end\|>\n<\|im_start\|>assistant\n$/);
    });

    it("logs the question even when it cannot be answered, and leaves failed turns out of later context", async () => {
        const {backend, engine, store} = await solved(["二回目の答え"]);
        expect((await followUp(engine, "   ")).at(-1)).toMatchObject({type: "failed", code: ErrorCode.ProblemEmpty});
        expect((await followUp(engine, "質問", alice, 99)).at(-1)).toMatchObject({type: "failed", code: ErrorCode.ConversationUnknown});
        await followUp(engine, "次の質問");
        expect(store.conversations.turns(1).map((turn) => turn.status)).toEqual([null, "rejected", null, "answered"]);
        expect(backend.requests[1]!.prompt.toText()).not.toContain("   \n");
    });
});

describe("refusals and preconditions", () => {
    const context = {requester: alice, channelId: "c1", settings: undefined, isModerator: false};
    const settings = {allowedChannels: ["c2"], defaultMode: null, profile: null, theme: null, solvesPerHour: 2, followUpsNeedMention: null};

    it("logs a refused request as rejected and returns the failed event, which words it in the asker's language", () => {
        const {engine, store} = testEngine(new ScriptedBackend([solution]));
        const refused = engine.refuse({problem, requester: bob}, new KotaeError(ErrorCode.RateLimited, "limit", {params: {seconds: 42}}));
        expect(refused).toEqual({type: "failed", interactionId: 1, code: ErrorCode.RateLimited, params: {seconds: 42}, detail: "limit"});
        expect(localize(refused.code, bob.locale, refused.params)).toBe("Please slow down a little: you can ask again in about 42 seconds.");
        expect(store.interactions.get(refused.interactionId)).toMatchObject({status: "rejected", errorCode: "rate_limited", question: problem});
    });

    it("keeps Kotae to the allowed channels, except for moderators", () => {
        expect(channelAllowed(context)).toBeUndefined();
        expect(channelAllowed({...context, settings})?.code).toBe(ErrorCode.ChannelNotAllowed);
        expect(channelAllowed({...context, settings, channelId: "c2"})).toBeUndefined();
        expect(channelAllowed({...context, settings, isModerator: true})).toBeUndefined();
    });

    it("limits solves per hour from the database, saying when to retry", async () => {
        const {engine, store} = testEngine(new ScriptedBackend([solution]));
        const now = new Date(Date.now() + 10 * 60 * 1000); // ten minutes after the solves below
        const limited = withinRateLimit(store, () => now);
        expect(limited({...context, settings})).toBeUndefined();
        await collect(engine.solve({problem, requester: alice}));
        engine.refuse({problem, requester: alice}, new KotaeError(ErrorCode.QueueFull, "full")); // refusals do not count
        expect(limited({...context, settings})).toBeUndefined();
        await collect(engine.solve({problem, requester: alice}));
        const refusal = limited({...context, settings});
        expect(refusal?.code).toBe(ErrorCode.RateLimited);
        expect(Number(refusal?.params["seconds"])).toBeGreaterThan(49 * 60);
        expect(Number(refusal?.params["seconds"])).toBeLessThanOrEqual(50 * 60 + 1);
        expect(limited({...context, settings, requester: bob})).toBeUndefined();
        expect(limited({...context, settings, isModerator: true})).toBeUndefined();
    });

    it("runs checks in order and stops at the first refusal", () => {
        expect(checkPreconditions({...context, settings}, moderatorOnly, channelAllowed)?.code).toBe(ErrorCode.NotPermitted);
        expect(checkPreconditions({...context, isModerator: true}, moderatorOnly, channelAllowed)).toBeUndefined();
    });
});
