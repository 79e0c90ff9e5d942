import {TokenMeter} from "node-llama-cpp";
import {vi} from "vitest";

/**
 * Counts the prompt tokens node-llama-cpp really evaluates, per context sequence: every sequence meters
 * the tokens it decodes (`TokenMeter.useTokens`, "input" for tokens without logits), so a prompt whose
 * prefix was reused from the KV cache shows up as only the tokens after that prefix.
 */
export function meterEvaluatedTokens(): {
    /** A point to count from. */
    mark(): number,
    /** Input tokens each sequence evaluated since the mark, one number per sequence that evaluated any. */
    inputTokensPerSequenceSince(mark: number): number[],
    restore(): void
} {
    const metered = vi.spyOn(TokenMeter.prototype, "useTokens");
    return {
        mark: () => metered.mock.calls.length,
        inputTokensPerSequenceSince: (mark) => {
            const perSequence = new Map<TokenMeter, number>();
            metered.mock.calls.slice(mark).forEach(([tokens, type], offset) => {
                const meter = metered.mock.contexts[mark + offset] as TokenMeter;
                if (type === "input")
                    perSequence.set(meter, (perSequence.get(meter) ?? 0) + tokens);
            });
            return [...perSequence.values()];
        },
        restore: () => metered.mockRestore()
    };
}
