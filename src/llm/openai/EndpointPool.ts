import {ErrorCode, KotaeError} from "../../errors/ErrorCode.js";
import type {EndpointStatus} from "../LlmBackend.js";
import type {EndpointFailure} from "./EndpointFailure.js";
import type {OpenAiEndpoint} from "./OpenAiEndpoint.js";

export type EndpointPoolOptions = {
    /** Milliseconds between health checks of every endpoint (default 5000). */
    readonly healthIntervalMs?: number
};

type Waiter = {
    readonly affinity: string,
    readonly exclude: OpenAiEndpoint | undefined,
    readonly resolve: (endpoint: OpenAiEndpoint) => void,
    readonly reject: (error: unknown) => void
};

/** Prompts remembered per endpoint for prefix affinity, per slot. */
const rememberedPromptsPerSlot = 2;

/**
 * The servers behind the openai backend and their slots. A completion takes a free slot on a ready server,
 * preferring the one that last saw the longest prefix of its prompt: a tool-using solution's continuation
 * (the same prompt plus what was generated and run) and the samples of one vote land where the server's
 * prefix cache (vLLM's automatic prefix caching, llama-server's `cache_prompt`) already holds that prefix.
 * Health checks take dead or loading servers out and bring them back.
 */
export class EndpointPool {
    private readonly waiters: Waiter[] = [];
    private readonly recentPrompts = new Map<OpenAiEndpoint, string[]>();
    private readonly timer: NodeJS.Timeout;
    private checking: Promise<void> | undefined;

    public constructor(public readonly endpoints: readonly OpenAiEndpoint[], options: EndpointPoolOptions = {}) {
        this.timer = setInterval(() => void this.checkAll(), options.healthIntervalMs ?? 5000);
        this.timer.unref();
    }

    /** Slots over all endpoints, ready or not: what the queue may run at once. */
    public get slots(): number {
        return this.endpoints.reduce((sum, endpoint) => sum + endpoint.slots, 0);
    }

    public statuses(): EndpointStatus[] {
        return this.endpoints.map((endpoint) => endpoint.status());
    }

    /** Checks every endpoint now (one round at a time), then hands freed capacity to waiting completions. */
    public checkAll(): Promise<void> {
        this.checking ??= Promise.all(this.endpoints.map((endpoint) => endpoint.check())).then(() => {
            this.checking = undefined;
            this.serveWaiters();
        });
        return this.checking;
    }

    /**
     * A slot for a completion whose prompt starts with `affinity`, never on `exclude` (the server a retried
     * completion failed on). Waits while every ready server is busy; fails with model_unavailable when none is ready.
     */
    public acquire(affinity: string, exclude?: OpenAiEndpoint, signal?: AbortSignal): Promise<OpenAiEndpoint> {
        return new Promise((resolve, reject) => {
            const waiter: Waiter = {affinity, exclude, resolve, reject};
            // A cancelled request stops waiting for a slot (only possible while servers are out and slots are short).
            signal?.addEventListener("abort", () => {
                const index = this.waiters.indexOf(waiter);
                if (index >= 0) {
                    this.waiters.splice(index, 1);
                    reject(signal.reason);
                }
            }, {once: true});
            this.waiters.push(waiter);
            this.serveWaiters();
        });
    }

    public release(endpoint: OpenAiEndpoint): void {
        endpoint.active--;
        this.serveWaiters();
    }

    /** Takes a failed server out until a health check finds it ready, and checks soon. */
    public markFailed(endpoint: OpenAiEndpoint, failure: EndpointFailure): void {
        endpoint.mark(failure.state, failure.message);
        this.serveWaiters();
        void this.checkAll();
    }

    public dispose(): void {
        clearInterval(this.timer);
        for (const waiter of this.waiters.splice(0))
            waiter.reject(new KotaeError(ErrorCode.ShuttingDown, "The backend is shutting down"));
    }

    private serveWaiters(): void {
        for (const waiter of [...this.waiters]) {
            const candidates = this.endpoints.filter((endpoint) => endpoint.state === "ready" && endpoint !== waiter.exclude);
            if (candidates.length === 0) {
                this.waiters.splice(this.waiters.indexOf(waiter), 1);
                waiter.reject(noEndpoint(this.endpoints));
                continue;
            }
            const chosen = this.bestFree(candidates, waiter.affinity);
            if (chosen == null)
                continue;
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            chosen.active++;
            this.remember(chosen, waiter.affinity);
            waiter.resolve(chosen);
        }
    }

    /** The free endpoint that shares the longest prefix with the prompt, then the least busy. */
    private bestFree(candidates: readonly OpenAiEndpoint[], affinity: string): OpenAiEndpoint | undefined {
        let best: {endpoint: OpenAiEndpoint, shared: number} | undefined;
        for (const endpoint of candidates) {
            if (endpoint.active >= endpoint.slots)
                continue;
            const shared = Math.max(0, ...(this.recentPrompts.get(endpoint) ?? []).map((prompt) => sharedPrefixLength(prompt, affinity)));
            if (best == null || shared > best.shared || (shared === best.shared && endpoint.active < best.endpoint.active))
                best = {endpoint, shared};
        }
        return best?.endpoint;
    }

    private remember(endpoint: OpenAiEndpoint, prompt: string): void {
        const prompts = this.recentPrompts.get(endpoint) ?? [];
        prompts.unshift(prompt);
        prompts.length = Math.min(prompts.length, endpoint.slots * rememberedPromptsPerSlot);
        this.recentPrompts.set(endpoint, prompts);
    }
}

function sharedPrefixLength(a: string, b: string): number {
    const length = Math.min(a.length, b.length);
    let index = 0;
    while (index < length && a.charCodeAt(index) === b.charCodeAt(index))
        index++;
    return index;
}

/** model_unavailable for users; the message names every server and why it is out, for the log and operators. */
export function noEndpoint(endpoints: readonly OpenAiEndpoint[]): KotaeError {
    const reasons = endpoints.map((endpoint) => `${endpoint.url}: ${endpoint.problem ?? endpoint.state}`).join("; ");
    return new KotaeError(ErrorCode.ModelUnavailable,
        `No inference server of KOTAE_BACKEND_URLS is ready (${reasons}). Start or fix the server(s); Kotae checks them every few seconds.`);
}
