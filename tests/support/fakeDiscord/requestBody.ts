import type {IncomingMessage} from "node:http";
import {discordErrors} from "./DiscordHttpError.js";
import type {RecordedFile} from "./RecordedRequest.js";

export type RequestBody = {body: unknown, files: RecordedFile[]};

/**
 * A REST request's body: JSON, or multipart as discord.js sends uploads (the JSON in `payload_json`,
 * each file in `files[n]`). Parsed with the runtime's own multipart parser (undici's, behind Response).
 */
export async function readRequestBody(request: IncomingMessage): Promise<RequestBody> {
    const chunks: Buffer[] = [];
    for await (const chunk of request)
        chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    if (raw.length === 0)
        return {body: undefined, files: []};
    const contentType = request.headers["content-type"] ?? "";
    if (!contentType.startsWith("multipart/form-data"))
        return {body: parseJson(raw.toString("utf8")), files: []};
    const form = await new Response(raw, {headers: {"content-type": contentType}}).formData();
    const files: RecordedFile[] = [];
    let body: unknown;
    for (const [field, value] of form) {
        if (typeof value === "string") {
            if (field === "payload_json")
                body = parseJson(value);
            continue;
        }
        const index = /^files\[(\d+)\]$/.exec(field)?.[1];
        files.push({field, index: index === undefined ? undefined : Number(index), filename: value.name, contentType: value.type, data: Buffer.from(await value.arrayBuffer())});
    }
    return {body, files};
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        throw discordErrors.invalidJson();
    }
}
