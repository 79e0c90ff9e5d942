import type {EngineEvent} from "../src/engine/EngineEvent.js";

/** Passes a solve's events through unchanged, letting a benchmark note when each one arrived. */
export async function* observeEvents(events: AsyncIterable<EngineEvent>, see: (event: EngineEvent) => void): AsyncGenerator<EngineEvent> {
    for await (const event of events) {
        see(event);
        yield event;
    }
}
