import type {Requester} from "../domain/Requester.js";
import type {Engine, SolveRequest} from "../engine/Engine.js";
import type {FailedEvent} from "../engine/EngineEvent.js";
import {channelAllowed, checkPreconditions, withinRateLimit} from "../preconditions/preconditions.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import type {EffectiveSettings} from "./effectiveSettings.js";

/**
 * A chat command's problem as the engine takes it, with the community's default mode and profile filled
 * in, once the community's rules allow it (channel, hourly limit). A refusal is logged and comes back as
 * the `failed` event that tells the user, for the edge to word.
 */
export function admitSolve(engine: Engine, store: KotaeStore, settings: EffectiveSettings, request: Omit<SolveRequest, "requester" | "signal">, who: {
    requester: Requester, channelId: string | undefined, isModerator: boolean
}): {request: SolveRequest} | {refusal: FailedEvent} {
    const solveRequest: SolveRequest = {
        ...request,
        ...(request.mode == null && settings.mode != null ? {mode: settings.mode} : {}),
        ...(request.profile == null && settings.profile != null ? {profile: settings.profile} : {}),
        requester: who.requester
    };
    const refusal = checkPreconditions(
        {requester: who.requester, channelId: who.channelId, settings: settings.stored, isModerator: who.isModerator},
        channelAllowed, withinRateLimit(store)
    );
    return refusal == null ? {request: solveRequest} : {refusal: engine.refuse(solveRequest, refusal)};
}
