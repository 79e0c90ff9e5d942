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

    it("drops the writes still waiting for their channel's turn after the grace, with one warning line, and logs every solve", async () => {
        const logLines: string[] = [];
        const {fake, runtime, adapter} = await world([solution.repeat(30)], {chunkDelayMs: 40, logLines});
        // Ten students at once in one channel: their status lines alone take Slack's pace ten seconds.
        const students = Array.from({length: 10}, (_, index) => fake.addUser({name: `student${index}`}));
        await Promise.all(students.map((user) => fake.slashCommand({command: "/solve", text: problem, user})));
        await fake.waitForCall("chat.postMessage", undefined, 10_000);
        await adapter.close();
        const writesAtClose = fake.calls.filter((call) => call.method.startsWith("chat.")).length;
        await new Promise((resolve) => setTimeout(resolve, 2_500)); // two more turns of the channel, had the backlog lived on
        expect(fake.calls.filter((call) => call.method.startsWith("chat.")).length).toBe(writesAtClose);
        const warnings = logLines.map((line) => JSON.parse(line) as {level: number, msg: string}).filter((entry) => entry.msg.includes("dropped at shutdown"));
        expect(warnings).toHaveLength(1);
        expect(warnings[0]!.msg).toMatch(/^\d+ Slack message writes still waiting/);
        expect(logLines.filter((line) => line.includes("a solve failed"))).toEqual([]);
        const rows = Array.from({length: 10}, (_, index) => runtime.store.interactions.get(index + 1));
        expect(rows.map((row) => row?.status)).toEqual(Array(10).fill("cancelled"));
    });
});
