/** A file the bot uploaded in a multipart request (`files[n]`), bytes as sent. */
export type RecordedFile = {
    /** The form field, `files[n]`. */
    readonly field: string,
    /** n of `files[n]`: the id the body's `attachments` refer to it by. */
    readonly index: number | undefined,
    readonly filename: string,
    readonly contentType: string,
    readonly data: Buffer
};

/** One REST call the bot made, as the fake saw and answered it. */
export type RecordedRequest<Body = unknown> = {
    /** performance.now() when the request arrived: for asserting how long a client waited before it. */
    readonly receivedAt: number,
    readonly method: string,
    /** After `/api/v10`, percent-decoded: `/webhooks/1/tok/messages/@original`. */
    readonly path: string,
    /** The matched route, `PATCH /webhooks/:webhook/:token/messages/:message`; undefined: no such route (answered 404). */
    readonly route: string | undefined,
    readonly params: Readonly<Record<string, string>>,
    readonly query: URLSearchParams,
    readonly authorization: string | undefined,
    /** The JSON body, or a multipart body's `payload_json`; undefined when there was none. */
    readonly body: Body,
    readonly files: readonly RecordedFile[],
    /** The status the fake answered with. */
    readonly status: number,
    /** Whether the answer was a failure injected with `failNext`. */
    readonly injected: boolean
};

export function succeeded(request: RecordedRequest): boolean {
    return request.status >= 200 && request.status < 300;
}

export function summarizeRequest(request: RecordedRequest): string {
    return `${request.method} ${request.path}${request.query.size > 0 ? `?${request.query}` : ""} → ${request.status}${request.injected ? " (injected)" : ""}`;
}
