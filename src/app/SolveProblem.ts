import type {Requester} from "../domain/Requester.js";
import type {Engine, SolveRequest} from "../engine/Engine.js";
import type {EngineEvent} from "../engine/EngineEvent.js";
import type {KotaeError} from "../errors/ErrorCode.js";
import {channelAllowed, checkPreconditions, withinRateLimit} from "../preconditions/preconditions.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import type {CommunitySettingsActions} from "./CommunitySettingsActions.js";
import type {RequestPlace} from "./RequestPlace.js";

/** Who asks, as the platform knows them: the person, and whether they may manage the community. */
export type Asker = {
    readonly requester: Requester,
    /** Discord: Manage Server; Slack: workspace admin; web: the operator with the admin token. */
    readonly isModerator: boolean,
    /** Where they asked (a DM, a user install elsewhere); default: a channel of the requester's community. */
    readonly place?: RequestPlace
};

/** A problem as a platform parsed it; the community's default mode and profile fill what it leaves open. */
export type ProblemInput = Omit<SolveRequest, "requester" | "signal">;

/**
 * A platform's own admission after the community's rules (the web's per-address limit): a refusal, or how
 * to give its place back when the solve ends.
 */
export type AdmissionGate = () => {readonly refusal: KotaeError} | {readonly release: () => void};

/**
 * Solving a problem for a platform: admission first (allowed channels, the hourly limit, a platform's own
 * gate), then the engine. A refusal is logged and comes back as the solve's only event, an ordinary
 * `failed` with its code, so every platform tells it privately like the engine's own refusals.
 */
export class SolveProblem {
    public constructor(private readonly engine: Engine, private readonly store: KotaeStore, private readonly communitySettings: CommunitySettingsActions) {}

    public async* solve(input: ProblemInput, asker: Asker, options: {readonly signal?: AbortSignal, readonly gate?: AdmissionGate} = {}): AsyncIterable<EngineEvent> {
        const {requester, isModerator} = asker;
        const settings = asker.place != null ? this.communitySettings.at(requester.platform, asker.place) : this.communitySettings.effective(requester);
        const request: SolveRequest = {
            ...input,
            ...(input.mode == null && settings.mode != null ? {mode: settings.mode} : {}),
            ...(input.profile == null && settings.profile != null ? {profile: settings.profile} : {}),
            requester,
            ...(options.signal != null ? {signal: options.signal} : {})
        };
        const refusal = checkPreconditions(
            {requester, channelId: requester.channelId, settings: settings.stored, isModerator},
            channelAllowed, withinRateLimit(this.store)
        );
        if (refusal != null) {
            yield this.engine.refuse(request, refusal);
            return;
        }
        const gate = options.gate?.();
        if (gate != null && "refusal" in gate) {
            yield this.engine.refuse(request, gate.refusal);
            return;
        }
        try {
            yield* this.engine.solve(request);
        } finally {
            gate?.release();
        }
    }
}
