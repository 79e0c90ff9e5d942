import {Writable} from "node:stream";
import {afterEach, beforeEach, describe, expect, it, vi} from "vitest";
import {EventStreamWriter} from "../../src/platforms/web/EventStreamWriter.js";

/** A response that records each write it was given. */
function recordingResponse(): {response: Writable, writes: string[], ended: () => boolean} {
    const writes: string[] = [];
    const response = new Writable({write(chunk: Buffer, _encoding, done) { writes.push(chunk.toString("utf8")); done(); }});
    return {response, writes, ended: () => response.writableEnded};
}

const sse = (event: object) => `data: ${JSON.stringify(event)}\n\n`;

describe("EventStreamWriter", () => {
    beforeEach(() => { vi.useFakeTimers({toFake: ["setTimeout", "clearTimeout", "performance"]}); });
    afterEach(() => { vi.useRealTimers(); });

    it("writes the first token at once, then the tokens of each interval joined into one event, not one per token", () => {
        const {response, writes} = recordingResponse();
        const events = new EventStreamWriter(response, 25);
        const tokens = Array.from({length: 100}, (_, index) => ({type: "text", sample: 0, text: `t${index}`}));
        events.write({type: "phase", phase: "generating"}); // other events do not hold the first token back
        for (const token of tokens) events.write(token);
        expect(writes).toEqual([sse({type: "phase", phase: "generating"}), sse(tokens[0]!)]);
        vi.advanceTimersByTime(24);
        expect(writes).toHaveLength(2);
        vi.advanceTimersByTime(1);
        expect(writes[2]).toBe(sse({type: "text", sample: 0, text: tokens.slice(1).map((token) => token.text).join("")}));
        // Within the interval after that write, a token waits for the rest of it, not for a whole new one.
        vi.advanceTimersByTime(10);
        events.write({type: "text", sample: 0, text: "u"});
        vi.advanceTimersByTime(14);
        expect(writes).toHaveLength(3);
        vi.advanceTimersByTime(1);
        expect(writes[3]).toBe(sse({type: "text", sample: 0, text: "u"}));
        // A token after a quiet spell longer than the interval is not held at all.
        vi.advanceTimersByTime(40);
        events.write({type: "text", sample: 0, text: "v"});
        expect(writes[4]).toBe(sse({type: "text", sample: 0, text: "v"}));
    });

    it("joins held tokens per sample and kind, so each sample's text and thinking read back in order", () => {
        const {response, writes} = recordingResponse();
        const events = new EventStreamWriter(response, 25);
        const written = [
            {type: "thinking", sample: 0, text: "a"}, {type: "text", sample: 1, text: "x"}, {type: "thinking", sample: 0, text: "b"},
            {type: "text", sample: 0, text: "c"}, {type: "text", sample: 1, text: "y"}, {type: "text", sample: 0, text: "d"},
            {type: "thinking", sample: 0, text: "e"}
        ];
        events.write({type: "text", sample: 0, text: "first"}); // goes out at once; the rest is held
        for (const event of written) events.write(event);
        vi.advanceTimersByTime(25);
        expect(writes.slice(1)).toEqual([[
            {type: "thinking", sample: 0, text: "ab"}, {type: "text", sample: 1, text: "xy"}, {type: "text", sample: 0, text: "cd"},
            {type: "thinking", sample: 0, text: "e"}
        ].map(sse).join("")]);
        // A follow-up's tokens carry no sample: they join too.
        events.write({type: "text", text: "f"});
        events.write({type: "text", text: "g"});
        events.end();
        expect(writes[2]).toBe(sse({type: "text", text: "fg"}));
    });

    it("sends any other event at once, after the text held before it, in order", () => {
        const {response, writes} = recordingResponse();
        const events = new EventStreamWriter(response, 25);
        events.write({type: "thinking", sample: 0, text: "0"}); // goes out at once; what follows is held
        events.write({type: "thinking", sample: 0, text: "a"});
        events.write({type: "code", sample: 0, n: 1, max: 4, code: "print(1)"});
        expect(writes.slice(1)).toEqual([sse({type: "thinking", sample: 0, text: "a"}) + sse({type: "code", sample: 0, n: 1, max: 4, code: "print(1)"})]);
        events.write({type: "text", sample: 0, text: "b"});
        vi.advanceTimersByTime(10);
        events.write({type: "done", result: {}});
        expect(writes.slice(2)).toEqual([sse({type: "text", sample: 0, text: "b"}) + sse({type: "done", result: {}})]);
        vi.advanceTimersByTime(100);
        expect(writes).toHaveLength(3); // the text's timer was cleared by the flush: nothing written twice
    });

    it("end() writes what is held and ends the response", () => {
        const {response, writes, ended} = recordingResponse();
        const events = new EventStreamWriter(response, 25);
        events.write({type: "text", sample: 0, text: "first"});
        events.write({type: "text", sample: 0, text: "last"});
        events.end();
        expect(writes).toEqual([sse({type: "text", sample: 0, text: "first"}), sse({type: "text", sample: 0, text: "last"})]);
        expect(ended()).toBe(true);
    });
});
