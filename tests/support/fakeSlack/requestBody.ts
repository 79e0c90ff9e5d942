import type {IncomingMessage} from "node:http";
import {SlackApiError} from "./SlackApiError.js";

/** A file part of a multipart request, or the whole body of a raw upload. */
export type ReceivedFile = {readonly field: string, readonly filename: string, readonly contentType: string, readonly bytes: Buffer};

export type ReceivedBody = {
    /** Form fields or JSON properties; the query string's too (Slack reads both). */
    readonly args: Record<string, unknown>,
    readonly files: readonly ReceivedFile[],
    readonly contentType: string
};

/**
 * Arguments @slack/web-api JSON-encodes inside a form body (it stringifies every non-scalar value);
 * decoded here so that recorded calls and handlers see objects, as Slack does.
 */
const jsonArguments = new Set(["blocks", "attachments", "view", "files", "metadata", "user_auth_blocks"]);

/**
 * Reads a request to the fake the way Slack would: `application/x-www-form-urlencoded` (what
 * @slack/web-api sends), `application/json` (what a bot sending JSON with a bearer token sends),
 * `multipart/form-data` (parsed with the runtime's own parser, undici's behind Response), or any
 * other type as raw bytes, which the upload host accepts.
 */
export async function readRequestBody(request: IncomingMessage, query: URLSearchParams): Promise<ReceivedBody> {
    const chunks: Buffer[] = [];
    for await (const chunk of request)
        chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const contentType = request.headers["content-type"] ?? "";
    const args: Record<string, unknown> = Object.fromEntries(query);
    const files: ReceivedFile[] = [];
    if (raw.length > 0)
        await parseInto(raw, contentType, args, files);
    for (const key of jsonArguments) {
        const value = args[key];
        if (typeof value === "string")
            args[key] = parseJson(value, key === "blocks" ? "invalid_blocks_format" : "invalid_arguments");
    }
    return {args, files, contentType};
}

async function parseInto(raw: Buffer, contentType: string, args: Record<string, unknown>, files: ReceivedFile[]): Promise<void> {
    if (contentType.startsWith("application/x-www-form-urlencoded")) {
        for (const [key, value] of new URLSearchParams(raw.toString("utf8")))
            args[key] = value;
    } else if (contentType.startsWith("application/json")) {
        const parsed = parseJson(raw.toString("utf8"), "invalid_json");
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
            throw new SlackApiError("invalid_json");
        Object.assign(args, parsed);
    } else if (contentType.startsWith("multipart/form-data")) {
        const form = await new Response(raw, {headers: {"content-type": contentType}}).formData();
        for (const [field, value] of form) {
            if (typeof value === "string")
                args[field] = value;
            else
                files.push({field, filename: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer())});
        }
    } else {
        files.push({field: "", filename: "", contentType, bytes: raw});
    }
}

function parseJson(text: string, error: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        throw new SlackApiError(error);
    }
}
