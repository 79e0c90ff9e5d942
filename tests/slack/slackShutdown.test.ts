import {describe, expect, it} from "vitest";
import {waitFor} from "../support/waitFor.js";
import {problem, solution, world} from "./slackWorld.js";

// What `kotae serve` does on SIGTERM: it closes the adapter (then the runtime). A student whose solve
// was running must learn Kotae is restarting, never that they pressed cancel.

describe("Slack adapter at shutdown", () => {
    it("tells the asker of a running solve that Kotae is restarting, and logs it as cancelled with shutting_down", async () => {
        const {fake, runtime, adapter} = await world([solution.repeat(30)], {chunkDelayMs: 40});
        await fake.slashCommand({command: "/solve", text: problem});
        const progress = await fake.waitForCall("chat.update", (call) => JSON.stringify(call.args.blocks ?? []).includes("kotae:cancel"), 10_000);
        await adapter.close();
        // The notice went out before close() returned: nothing is left for a later, disconnected moment.
        const [message] = fake.messagesIn(fake.channel.id);
        expect(message?.ts).toBe(progress.args.ts);
        expect(fake.shown(message!).shown).toBe("ただいま再起動中です。少し待ってから、もう一度お試しください。");
        expect(fake.calls.some((call) => JSON.stringify(call.args).includes("キャンセルしました"))).toBe(false);
        await waitFor(() => runtime.store.interactions.get(1)?.status === "cancelled" || undefined);
        expect(runtime.store.interactions.get(1)).toMatchObject({status: "cancelled", errorCode: "shutting_down"});
    });
});
