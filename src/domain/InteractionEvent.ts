import type {Requester} from "./Requester.js";

/** Something that happened around an interaction: a button press, a report, a refused settings change, a failed delivery. */
export type NewEvent = {
    readonly interactionId?: number,
    readonly requester: Requester,
    readonly kind: string,
    readonly detail?: Readonly<Record<string, unknown>>
};

export type EventRecord = {
    readonly id: number,
    readonly interactionId: number | null,
    readonly createdAt: string,
    readonly platform: string,
    readonly workspaceId: string | null,
    readonly userPseudonym: string | null,
    readonly kind: string,
    readonly detail: Record<string, unknown> | null
};
