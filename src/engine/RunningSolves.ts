import type {Requester} from "../domain/Requester.js";

/** What `Engine.cancel` did: stopped the solve, found none under way, or refused someone who did not ask it. */
export type CancelOutcome = "cancelled" | "not_running" | "not_yours";

type RunningSolve = {readonly asker: Pick<Requester, "platform" | "userId">, readonly cancel: () => void};

/**
 * The solves under way (queued or generating), by interaction id, with who asked each and how to stop it,
 * so a cancel button on any platform reaches the engine with an id alone. Only the asker may cancel.
 */
export class RunningSolves {
    private readonly solves = new Map<number, RunningSolve>();

    /** Tracks a solve until the returned handle is disposed (when its lifecycle ends). */
    public track(interactionId: number, asker: Pick<Requester, "platform" | "userId">, cancel: () => void): Disposable {
        const solve = {asker: {platform: asker.platform, userId: asker.userId}, cancel};
        this.solves.set(interactionId, solve);
        return {
            [Symbol.dispose]: () => {
                if (this.solves.get(interactionId) === solve) this.solves.delete(interactionId);
            }
        };
    }

    public cancel(interactionId: number, requester: Pick<Requester, "platform" | "userId">): CancelOutcome {
        const solve = this.solves.get(interactionId);
        if (solve == null)
            return "not_running";
        if (solve.asker.platform !== requester.platform || solve.asker.userId !== requester.userId)
            return "not_yours";
        solve.cancel();
        return "cancelled";
    }
}
