/**
 * The `data` of each event of a `text/event-stream` body, as the WHATWG HTML standard defines the format
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation): lines end
 * in CRLF, LF or CR; a blank line dispatches the event; `data:` lines join with a newline, one space after
 * the colon is dropped; comment lines (`:`) and other fields are ignored. OpenAI-compatible servers send one
 * JSON document per event and `[DONE]` last.
 */
export async function* serverSentEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
    const decoder = new TextDecoder();
    let buffered = "";
    let data: string[] = [];
    for await (const bytes of body) {
        buffered += decoder.decode(bytes, {stream: true});
        let lineEnd: RegExpExecArray | null;
        // A CR at the very end may be the first half of a CRLF split across reads: wait for the next one.
        while ((lineEnd = /\r\n|\n|\r(?!$)/.exec(buffered)) != null) {
            const line = buffered.slice(0, lineEnd.index);
            buffered = buffered.slice(lineEnd.index + lineEnd[0].length);
            if (line === "") {
                if (data.length > 0)
                    yield data.join("\n");
                data = [];
            } else if (line.startsWith("data:")) {
                data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
            }
        }
    }
    // The standard discards an event the stream ended in the middle of.
}
