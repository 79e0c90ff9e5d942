import {KotaeRuntime} from "../src/app/KotaeRuntime.js";
import type {KotaeConfig} from "../src/config/KotaeConfig.js";
import type {EngineEvent} from "../src/engine/EngineEvent.js";
import type {LlmBackend} from "../src/llm/LlmBackend.js";

/** Passes a solve's events through unchanged, letting a benchmark note when each one arrived. */
export async function* observeEvents(events: AsyncIterable<EngineEvent>, see: (event: EngineEvent) => void): AsyncGenerator<EngineEvent> {
    for await (const event of events) {
        see(event);
        yield event;
    }
}

/**
 * A runtime whose engine lets the benchmark see every solve's events. A chat adapter's close() shuts the
 * engine down (as `serve` stops), so a benchmark that stops an adapter midway starts a fresh runtime.
 */
export async function observedRuntime(config: KotaeConfig, backend: LlmBackend, see: (event: EngineEvent) => void): Promise<KotaeRuntime> {
    const runtime = KotaeRuntime.start(config, {backend});
    await runtime.renderer.warmUp();
    const solve = runtime.engine.solve.bind(runtime.engine);
    runtime.engine.solve = (request) => observeEvents(solve(request), see);
    return runtime;
}
