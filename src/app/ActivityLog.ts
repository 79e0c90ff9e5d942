import type {NewEvent} from "../domain/InteractionEvent.js";
import type {Requester} from "../domain/Requester.js";
import type {KotaeStore} from "../../storage/KotaeStore.js";

/**
 * What happened at a platform's edge that no use case did, in the interaction log: a reply that could not
 * be delivered, a thread that could not be opened, an interaction Kotae does not know.
 */
export class ActivityLog {
    public constructor(private readonly store: KotaeStore) {}

    public record(event: NewEvent): void {
        this.store.interactions.recordEvent(event);
    }

    /** `forget-me`: deletes everything stored about the requester; returns how many interactions went. */
    public forgetMe(requester: Requester): number {
        return this.store.dataset.forgetUser(requester).deletedInteractions;
    }
}
