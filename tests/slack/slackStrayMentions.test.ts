import {describe, expect, it} from "vitest";
import {waitFor} from "../support/waitFor.js";
import {world} from "./slackWorld.js";

const hint = "数学の問題は /solve で送ってください（例: /solve 1から100までの和は？）。答えのスレッドでは続けて質問できます。";

describe("Slack adapter and @mentions outside an answer's thread", () => {
    it("tells the mentioner privately how to ask, once per message even when Slack redelivers it, without the model", async () => {
        const {fake, backend} = await world([]);
        const {appMention} = await fake.message({text: "これ解いて 2+3", mentionsBot: true});
        await fake.redeliver(appMention!, {num: 1, reason: "http_timeout"});
        // A later mention, in a thread that is no answer's: its hint comes after any duplicate would have
        // (the duplicate check runs on arrival, before any await), so one hint before it proves there was none.
        const {message: chatter} = await fake.message({text: "雑談"});
        await fake.message({text: "もう一回", mentionsBot: true, threadTs: chatter.ts});
        await waitFor(() => fake.ephemerals.find((ephemeral) => ephemeral.text === hint && ephemeral.threadTs === chatter.ts));
        const hints = fake.ephemerals.filter((ephemeral) => ephemeral.via === "chat.postEphemeral" && ephemeral.text === hint);
        expect(hints.map((told) => [told.user, told.threadTs])).toEqual([[fake.student.id, undefined], [fake.student.id, chatter.ts]]);
        expect(fake.messagesIn(fake.channel.id)).toEqual([]);
        expect(backend.requests).toHaveLength(0);
    });
});
