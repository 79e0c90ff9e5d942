import {ErrorCode, KotaeError, toKotaeError} from "../errors/ErrorCode.js";
import {NoticeCode} from "../errors/NoticeCode.js";
import type {LlmBackend} from "../llm/LlmBackend.js";
import type {Prompt} from "../llm/Prompt.js";
import type {ModelProfile, ToolTags} from "../profiles/ModelProfile.js";
import {renderPrompt} from "../profiles/renderPrompt.js";
import type {CodeSandbox} from "../sandbox/CodeSandbox.js";
import {CotSolver} from "./CotSolver.js";
import type {ExecutionRecord, SolutionOutcome} from "./SolutionOutcome.js";
import type {SolveMode, SolvePath} from "./SolveMode.js";
import type {SolutionListener} from "./SolutionStream.js";
import {TirSolver, type TirLimits, type TirOutcome} from "./TirSolver.js";

/** Why auto mode followed a tool-using attempt with a text one. */
export type FallbackReason = "code_failing" | "no_answer";

/** One finished attempt, reported as soon as it ends so it can be logged. */
export type Attempt = {
    readonly attempt: number,
    readonly mode: "tir" | "cot",
    readonly prompt: Prompt,
    readonly outcome: SolutionOutcome,
    readonly fallbackReason?: FallbackReason
};

export type HybridListener = SolutionListener & {
    readonly onCode?: (n: number, max: number, code: string) => void,
    readonly onExecution?: (execution: ExecutionRecord) => void,
    readonly onNotice?: (code: NoticeCode) => void,
    readonly onAttempt?: (attempt: Attempt) => void
};

export type HybridRequest = {
    readonly problem: string,
    readonly profile: ModelProfile,
    /** The explanation style (default: the profile's). */
    readonly style?: string,
    readonly mode: SolveMode,
    readonly maxTokens: number,
    readonly tirLimits: TirLimits,
    /** In auto mode, consecutive failed executions after which the attempt switches to text reasoning. */
    readonly failuresBeforeFallback: number,
    readonly seed?: number,
    readonly signal?: AbortSignal,
    readonly listener: HybridListener
};

export type HybridOutcome = {
    /** The last attempt, whose answer counts. */
    readonly outcome: SolutionOutcome,
    readonly path: SolvePath,
    /** Tokens over every attempt (a fallback's first attempt cost tokens too). */
    readonly promptTokens: number,
    readonly completionTokens: number
};

/**
 * Solves one sample in the requested mode. `cot` reasons in text; `tir` writes and runs Python; `auto`
 * (MAmmoTH's hybrid decoding) tries tool use first and falls back to text reasoning when the code keeps
 * failing, no answer comes out, or the sandbox is not available on this host.
 */
export class HybridSolver {
    public constructor(
        private readonly backend: LlmBackend,
        /** The sandbox, started on first use; rejects with tir_unavailable when the host cannot run it. */
        private readonly sandbox: () => Promise<CodeSandbox>
    ) {}

    public async solve(request: HybridRequest): Promise<HybridOutcome> {
        const {profile, mode, listener} = request;
        const tools = profile.tools;
        if (mode === "cot" || tools == null)
            return only(await this.solveInText(request, 0), "cot");

        let sandbox: CodeSandbox;
        try {
            sandbox = await this.sandbox();
        } catch (error) {
            if (mode === "tir")
                throw toKotaeError(error, ErrorCode.TirUnavailable);
            listener.onNotice?.(NoticeCode.TirUnavailableFallback);
            return only(await this.solveInText(request, 0), "cot");
        }

        const prompt = renderPrompt(profile, {style: request.style, withTools: true}, request.problem, this.backend);
        const tir = await this.solveWithCode(request, {...profile, tools}, sandbox, prompt);
        const fallbackReason = mode === "auto" && request.signal?.aborted !== true ? fallbackReasonOf(tir) : undefined;
        listener.onAttempt?.({attempt: 0, mode: "tir", prompt, outcome: tir, ...(fallbackReason != null ? {fallbackReason} : {})});
        if (fallbackReason == null)
            return only(tir, "tir");

        listener.onNotice?.(NoticeCode.TirFallback);
        const cot = await this.solveInText(request, 1);
        return {
            outcome: cot,
            path: "tir_then_cot",
            promptTokens: tir.promptTokens + cot.promptTokens,
            completionTokens: tir.completionTokens + cot.completionTokens
        };
    }

    private async solveWithCode(request: HybridRequest, profile: ModelProfile & {tools: ToolTags}, sandbox: CodeSandbox, prompt: Prompt): Promise<TirOutcome> {
        await using session = await sandbox.openSession();
        return await new TirSolver(this.backend).solve({ // awaited here, or the session would be disposed mid-solve
            prompt,
            profile,
            session,
            maxTokens: request.maxTokens,
            limits: {
                ...request.tirLimits,
                ...(request.mode === "auto" ? {giveUpAfterFailures: request.failuresBeforeFallback} : {})
            },
            ...(request.seed != null ? {seed: request.seed} : {}),
            ...(request.signal != null ? {signal: request.signal} : {}),
            ...request.listener
        });
    }

    private async solveInText(request: HybridRequest, attempt: number): Promise<SolutionOutcome> {
        const prompt = renderPrompt(request.profile, {style: request.style, withTools: false}, request.problem, this.backend);
        const outcome = await new CotSolver(this.backend).solve({
            prompt,
            profile: request.profile,
            maxTokens: request.maxTokens,
            ...(request.seed != null ? {seed: request.seed} : {}),
            ...(request.signal != null ? {signal: request.signal} : {}),
            ...request.listener
        });
        request.listener.onAttempt?.({attempt, mode: "cot", prompt, outcome});
        return outcome;
    }
}

function only(outcome: SolutionOutcome, path: SolvePath): HybridOutcome {
    return {outcome, path, promptTokens: outcome.promptTokens, completionTokens: outcome.completionTokens};
}

function fallbackReasonOf(outcome: TirOutcome): FallbackReason | undefined {
    if (outcome.gaveUp) return "code_failing";
    if (outcome.answer == null) return "no_answer";
    return undefined;
}

/** For a profile without code tags, `tir` cannot work: refuse it up front rather than silently reason in text. */
export function assertModeSupported(profile: ModelProfile, mode: SolveMode): void {
    if (mode === "tir" && profile.tools == null)
        throw new KotaeError(ErrorCode.ModeUnsupported, `Profile "${profile.name}" has no code tags, so it cannot use mode tir`, {params: {mode}});
}
