import {describe, expect, it} from "vitest";
import {serverSentEvents} from "../../src/llm/openai/ServerSentEvents.js";
import {StopTriggerScanner} from "../../src/llm/openai/StopTriggerScanner.js";

/** The events of a body arriving in these reads (text, or raw bytes that may split a character). */
async function eventsOf(...reads: Array<string | Uint8Array>): Promise<string[]> {
    const encoder = new TextEncoder();
    async function* body(): AsyncGenerator<Uint8Array> {
        for (const read of reads) yield typeof read === "string" ? encoder.encode(read) : read;
    }
    const events: string[] = [];
    for await (const data of serverSentEvents(body()))
        events.push(data);
    return events;
}

describe("serverSentEvents", () => {
    it("yields each event's data, whatever the line endings and however the bytes are split", async () => {
        expect(await eventsOf("data: {\"a\":1}\n\ndata: [DONE]\n\n")).toEqual(["{\"a\":1}", "[DONE]"]);
        expect(await eventsOf("data: one\r\n\r\ndata: two\r\rdata:three\n\n")).toEqual(["one", "two", "three"]);
        expect(await eventsOf("da", "ta: sp", "lit\r", "\n\r\n")).toEqual(["split"]);
        // A multi-byte character split between reads.
        const bytes = new TextEncoder().encode("data: 答え\n\n");
        expect(await eventsOf(bytes.slice(0, 8), bytes.slice(8))).toEqual(["答え"]);
    });

    it("joins multi-line data with newlines, skips comments and other fields, and drops an unfinished event", async () => {
        expect(await eventsOf(": keep-alive\n\nevent: message\nid: 3\ndata: a\ndata: b\n\ndata: cut off")).toEqual(["a\nb"]);
    });
});

describe("StopTriggerScanner", () => {
    it("holds back text that may start a trigger, so no part of the trigger that fires is emitted", () => {
        const emitted: string[] = [];
        const scanner = new StopTriggerScanner(["</llm-code>", "\n### 指示:"], (text) => emitted.push(text));
        expect(scanner.push("print(1)\n</l")).toBe(false);
        expect(emitted.join("")).toBe("print(1)\n");
        expect(scanner.push("lm-co")).toBe(false);
        expect(scanner.push("de>tail")).toBe(true);
        expect(scanner).toMatchObject({received: "print(1)\n", firedTrigger: "</llm-code>"});
        expect(emitted.join("")).toBe("print(1)\n");
    });

    it("emits held-back text once it cannot be a trigger, and on flush at the end", () => {
        const emitted: string[] = [];
        const scanner = new StopTriggerScanner(["```output"], (text) => emitted.push(text));
        scanner.push("a``");
        expect(emitted.join("")).toBe("a");
        scanner.push("`python");
        expect(emitted.join("")).toBe("a```python");
        scanner.push("``");
        scanner.flush();
        expect(emitted.join("")).toBe("a```python``");
        expect(scanner.firedTrigger).toBeUndefined();
    });
});
