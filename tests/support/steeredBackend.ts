import type {CompletionRequest, CompletionResult, LlmBackend} from "../../src/llm/LlmBackend.js";

/**
 * The real node-llama-cpp backend, steered by a GBNF grammar per generation (greedy): a tiny model cannot
 * write Python or a \boxed{} answer, but under a grammar it does, so the real generation path runs with
 * predictable content. The n-th completion uses `grammars[n]`, then `otherwise` (or no grammar).
 */
export function steeredBy(backend: LlmBackend, grammars: readonly string[], otherwise?: string): LlmBackend & {requests: CompletionRequest[]} {
    const requests: CompletionRequest[] = [];
    return {
        model: backend.model,
        parallelism: backend.parallelism,
        requests,
        formatChat: (messages, template) => backend.formatChat(messages, template),
        countTokens: (prompt) => backend.countTokens(prompt),
        dispose: async () => {},
        complete: (request): Promise<CompletionResult> => {
            const grammar = grammars[requests.length] ?? otherwise;
            requests.push(request);
            return backend.complete({...request, temperature: 0, ...(grammar != null ? {grammar} : {})});
        }
    };
}
