import type {NoticeCode} from "../errors/NoticeCode.js";
import type {HybridListener} from "../solver/HybridSolver.js";
import type {EngineEvent} from "./EngineEvent.js";
import type {SolveLifecycle} from "./SolveLifecycle.js";

/**
 * The solver listeners of one request's samples: each sample's progress reported as events tagged with
 * it, its attempts and code runs logged with the request, and each notice said once per request however
 * many samples hit it. Returns the listener for sample `sample` drawn with `seed`.
 */
export function sampleListeners(log: Pick<SolveLifecycle, "recordAttempt" | "recordExecution">, report: (event: EngineEvent) => void):
    (sample: number, seed: number | undefined) => HybridListener {
    const noticed = new Set<NoticeCode>();
    return (sample, seed) => ({
        onThinking: (text) => report({type: "thinking", sample, text}),
        onText: (text) => report({type: "text", sample, text}),
        onCode: (n, max, code) => report({type: "code", sample, n, max, code}),
        onExecution: (execution) => {
            log.recordExecution(sample, execution);
            report({type: "codeResult", sample, n: execution.index, status: execution.status, output: execution.output, durationMs: execution.durationMs});
        },
        onNotice: (code) => {
            if (noticed.has(code)) return;
            noticed.add(code);
            report({type: "notice", sample, code});
        },
        onAttempt: (attempt) => log.recordAttempt(sample, seed, attempt)
    });
}
