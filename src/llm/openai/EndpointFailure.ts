import type {EndpointStatus} from "../LlmBackend.js";

/**
 * A server that could not serve a completion through no fault of the request: unreachable, still loading
 * (503) or gone mid-stream. The pool takes it out of rotation and the request is retried on another server.
 */
export class EndpointFailure extends Error {
    public constructor(
        public readonly url: string,
        /** What the endpoint should be marked as until the next health check says otherwise. */
        public readonly state: Exclude<EndpointStatus["state"], "ready">,
        message: string,
        options: {cause?: unknown} = {}
    ) {
        super(message, options.cause !== undefined ? {cause: options.cause} : undefined);
        this.name = "EndpointFailure";
    }
}
