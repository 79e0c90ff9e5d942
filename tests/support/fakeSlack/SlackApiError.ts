/**
 * A Web API failure as Slack answers it: HTTP 200 with `{ok: false, error}`, plus the
 * `[ERROR] … [json-pointer:…]` lines Slack puts in `response_metadata.messages` for malformed blocks and
 * views, which @slack/web-api hands to the bot on the thrown error's `data`.
 */
export class SlackApiError extends Error {
    readonly error: string;
    readonly messages: readonly string[];

    constructor(error: string, messages: readonly string[] = []) {
        super(messages.length === 0 ? error : `${error}: ${messages.join("; ")}`);
        this.error = error;
        this.messages = messages;
    }

    get body(): Record<string, unknown> {
        return {ok: false, error: this.error, ...(this.messages.length === 0 ? {} : {response_metadata: {messages: this.messages}})};
    }
}
