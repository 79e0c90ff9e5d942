import type {
    APIDMInteraction,
    APIGuildInteraction,
    APIInteractionResponse,
    APIMessage,
    RESTPatchAPIWebhookWithTokenMessageJSONBody,
    RESTPostAPIWebhookWithTokenJSONBody
} from "discord.js";
import type {Observed} from "../Observed.js";
import {succeeded, type RecordedRequest} from "./RecordedRequest.js";
import {interactionCallbackRoute, webhookExecuteRoute, webhookMessageEditRoute} from "./RestRoutes.js";

const defaultTimeoutMs = 5_000;

export type Edit = RecordedRequest<RESTPatchAPIWebhookWithTokenMessageJSONBody>;
export type FollowUp = RecordedRequest<RESTPostAPIWebhookWithTokenJSONBody>;

/**
 * An interaction the fake sent to the bot, and what the bot did with it, read from the recorded REST
 * calls: the callback (defer, reply, modal, update), edits of the original response, follow-ups.
 * Only calls Discord accepted count; `fake.requests` has every attempt (a 429 included).
 */
export class FakeInteraction<Payload extends APIGuildInteraction | APIDMInteraction = APIGuildInteraction | APIDMInteraction> {
    /** The INTERACTION_CREATE data as dispatched. */
    readonly payload: Payload;
    readonly #requests: Observed<RecordedRequest>;
    readonly #original: () => APIMessage | undefined;

    constructor(payload: Payload, requests: Observed<RecordedRequest>, original: () => APIMessage | undefined) {
        this.payload = payload;
        this.#requests = requests;
        this.#original = original;
    }

    get id(): string {
        return this.payload.id;
    }

    get token(): string {
        return this.payload.token;
    }

    /** The first (and only) accepted callback: `{type: 5, data: {flags}}` for deferReply, `{type: 9, data: modal}` … */
    async callback(timeoutMs = defaultTimeoutMs): Promise<APIInteractionResponse> {
        const request = await this.#waitFor((candidate) => this.#isCallback(candidate), () => true, timeoutMs, `the callback of interaction ${this.id}`);
        return request.body as APIInteractionResponse;
    }

    /** Accepted edits of the original response (`editReply`), in order. */
    get edits(): Edit[] {
        return this.#matching((request) => this.#isEdit(request));
    }

    waitForEdit(predicate: (edit: Edit) => boolean = () => true, timeoutMs = defaultTimeoutMs): Promise<Edit> {
        return this.#waitFor((request) => this.#isEdit(request), predicate, timeoutMs, `an edit of interaction ${this.id}'s original response`);
    }

    /** Accepted follow-up messages (`followUp`), in order. */
    get followUps(): FollowUp[] {
        return this.#matching((request) => this.#isFollowUp(request));
    }

    waitForFollowUp(predicate: (followUp: FollowUp) => boolean = () => true, timeoutMs = defaultTimeoutMs): Promise<FollowUp> {
        return this.#waitFor((request) => this.#isFollowUp(request), predicate, timeoutMs, `a follow-up of interaction ${this.id}`);
    }

    /**
     * The original response as it is now (content, embeds, components, attachments), once there is one:
     * the reply, the deferred message, or for a component's update the message the component is on.
     * Pass it as `message` to `fake.button()` to click one of its buttons.
     */
    original(): APIMessage | undefined {
        return this.#original();
    }

    /** The requests of one kind; `kind` checks the route, which fixes the body's type. */
    #matching<T extends RecordedRequest>(kind: (request: RecordedRequest) => boolean): T[] {
        return this.#requests.items.filter(kind) as T[];
    }

    #waitFor<T extends RecordedRequest>(kind: (request: RecordedRequest) => boolean, predicate: (request: T) => boolean, timeoutMs: number, what: string): Promise<T> {
        return this.#requests.waitFor((request) => kind(request) && predicate(request as T), timeoutMs, what) as Promise<T>;
    }

    #isCallback(request: RecordedRequest): boolean {
        return request.route === interactionCallbackRoute && request.params["interaction"] === this.id && succeeded(request);
    }

    #isEdit(request: RecordedRequest): boolean {
        const message = request.params["message"];
        return request.route === webhookMessageEditRoute && request.params["token"] === this.token && succeeded(request)
            && (message === "@original" || message === this.#original()?.id);
    }

    #isFollowUp(request: RecordedRequest): boolean {
        return request.route === webhookExecuteRoute && request.params["token"] === this.token && succeeded(request);
    }
}
