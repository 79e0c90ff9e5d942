import type {Requester} from "../domain/Requester.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";
import {texMode} from "../domain/Interaction.js";

/** `deleted`: the platform may remove the image; `not_yours`: someone else pressed the button; `unknown`: no such /tex. */
export type TexDeletion = "deleted" | "not_yours" | "unknown";

/**
 * The 「削除」 button under a /tex image: only the person who wrote the TeX may remove it. Every press is
 * logged with the interaction; the row itself stays (it is the log), only the posted image goes.
 */
export function deleteTex(store: KotaeStore, interactionId: number, requester: Requester): TexDeletion {
    const original = store.interactions.get(interactionId);
    const outcome: TexDeletion = original?.mode !== texMode ? "unknown"
        : original.userPseudonym !== store.pseudonymOf(requester) ? "not_yours"
        : "deleted";
    store.interactions.recordEvent({...(outcome !== "unknown" ? {interactionId} : {}), requester, kind: `tex_delete:${outcome}`});
    return outcome;
}
