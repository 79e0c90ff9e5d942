/** Polls until `probe` returns something (not undefined or null), for state an end-to-end test cannot await directly. */
export async function waitFor<T>(probe: () => T | undefined | null, timeoutMs = 15_000): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
        const value = probe();
        if (value !== undefined && value !== null) return value;
        if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${probe.toString().slice(0, 160)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}
