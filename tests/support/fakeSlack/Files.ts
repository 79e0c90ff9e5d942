import {extname} from "node:path";
import {opaque, slackId} from "./ids.js";
import {SlackApiError} from "./SlackApiError.js";
import type {FakeSlackChannel, RecordedSlackMessage, SlackFile, Workspace} from "./Workspace.js";

/** A file the app uploaded and completed (files.uploadV2), with the bytes it sent to the upload URL. */
export type RecordedUpload = {
    readonly fileId: string,
    readonly filename: string,
    readonly title: string,
    readonly bytes: Buffer,
    readonly altText: string | undefined,
    /** Where it was shared; undefined for a file completed without channel_id (private to the app). */
    readonly channelId: string | undefined,
    readonly threadTs: string | undefined,
    readonly initialComment: string | undefined,
    /** The message that shares it. */
    readonly message: RecordedSlackMessage | undefined
};

type Pending = {readonly id: string, readonly filename: string, readonly altText: string | undefined, bytes: Buffer | undefined};

const mimeTypes: Record<string, string> = {png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", svg: "image/svg+xml", pdf: "application/pdf", txt: "text/plain"};

/**
 * Slack's three-step upload: files.getUploadURLExternal hands out a file id and an upload URL (here on
 * the fake, `/upload/v1/…`), the bytes are POSTed there, and files.completeUploadExternal shares the
 * files, as a message in the channel or thread, with the initial comment as its text.
 */
export class Files {
    readonly uploads: RecordedUpload[] = [];
    readonly #workspace: Workspace;
    readonly #baseUrl: string;
    readonly #pending = new Map<string, Pending>();
    readonly #byUploadPath = new Map<string, Pending>();
    readonly #completed = new Map<string, RecordedUpload>();
    /** Ids of files deleted with files.delete. */
    readonly deleted = new Set<string>();

    constructor(workspace: Workspace, baseUrl: string) {
        this.#workspace = workspace;
        this.#baseUrl = baseUrl;
    }

    /** files.getUploadURLExternal: `invalid_arguments` without a filename or a positive length. */
    reserve(args: Record<string, unknown>): {upload_url: string, file_id: string} {
        const length = Number(args.length);
        if (typeof args.filename !== "string" || args.filename === "" || !Number.isInteger(length) || length <= 0)
            throw new SlackApiError("invalid_arguments", ["[ERROR] filename and a positive integer length are required"]);
        const pending: Pending = {id: slackId("F"), filename: args.filename, altText: typeof args.alt_text === "string" ? args.alt_text : undefined, bytes: undefined};
        const path = `/upload/v1/${opaque()}`;
        this.#pending.set(pending.id, pending);
        this.#byUploadPath.set(path, pending);
        return {upload_url: this.#baseUrl + path, file_id: pending.id};
    }

    /** The upload host: false for a URL the fake did not hand out (answered 404). */
    receive(path: string, bytes: Buffer): boolean {
        const pending = this.#byUploadPath.get(path);
        if (pending === undefined)
            return false;
        pending.bytes = bytes;
        return true;
    }

    /**
     * files.completeUploadExternal: `file_not_found` for an id not handed out or whose bytes never
     * arrived; shares the files in one message when given a channel.
     */
    complete(args: Record<string, unknown>, channel: FakeSlackChannel | undefined): {files: {id: string, title: string}[]} {
        if (!Array.isArray(args.files) || args.files.length === 0)
            throw new SlackApiError("invalid_arguments", ["[ERROR] files is required"]);
        const requested = (args.files as {id?: unknown, title?: unknown}[]).map((file) => {
            const pending = typeof file.id === "string" ? this.#pending.get(file.id) : undefined;
            if (pending?.bytes === undefined)
                throw new SlackApiError("file_not_found");
            return {pending: {...pending, bytes: pending.bytes}, title: typeof file.title === "string" ? file.title : pending.filename};
        });
        const files = requested.map(({pending, title}) => this.#fileObject(pending, title, channel));
        const initialComment = typeof args.initial_comment === "string" ? args.initial_comment : undefined;
        const threadTs = typeof args.thread_ts === "string" ? args.thread_ts : undefined;
        const message = channel === undefined ? undefined : this.#workspace.post({channel, user: this.#workspace.bot, text: initialComment ?? "", files, threadTs});
        for (const {pending, title} of requested) {
            this.#pending.delete(pending.id);
            const upload: RecordedUpload = {
                fileId: pending.id, filename: pending.filename, title, bytes: pending.bytes, altText: pending.altText,
                channelId: channel?.id, threadTs: message?.thread_ts, initialComment, message
            };
            this.uploads.push(upload);
            this.#completed.set(pending.id, upload);
        }
        return {files: requested.map(({pending, title}) => ({id: pending.id, title}))};
    }

    /** A completed file's bytes, for its url_private; undefined for an unknown or deleted id. */
    download(fileId: string): RecordedUpload | undefined {
        return this.deleted.has(fileId) ? undefined : this.#completed.get(fileId);
    }

    /**
     * files.delete: `file_not_found` for an id never completed, `file_deleted` for one already deleted.
     * The bot deletes only what it uploaded here, so `cant_delete_file` (someone else's file) never arises.
     * https://docs.slack.dev/reference/methods/files.delete
     */
    delete(fileId: unknown): void {
        if (typeof fileId !== "string" || !this.#completed.has(fileId))
            throw new SlackApiError("file_not_found");
        if (this.deleted.has(fileId))
            throw new SlackApiError("file_deleted");
        this.deleted.add(fileId);
    }

    #fileObject(pending: Pending & {bytes: Buffer}, title: string, channel: FakeSlackChannel | undefined): SlackFile {
        const filetype = extname(pending.filename).slice(1).toLowerCase();
        const url = `${this.#baseUrl}/files-pri/${this.#workspace.team.id}-${pending.id}/${encodeURIComponent(pending.filename)}`;
        return {
            id: pending.id,
            created: Math.floor(Date.now() / 1000),
            name: pending.filename,
            title,
            mimetype: mimeTypes[filetype] ?? "application/octet-stream",
            filetype: filetype === "" ? "binary" : filetype,
            user: this.#workspace.bot.id,
            size: pending.bytes.length,
            is_public: channel !== undefined && !channel.isPrivate,
            url_private: url,
            url_private_download: `${url}?download=1`,
            permalink: `https://${this.#workspace.team.domain}.slack.com/files/${this.#workspace.bot.id}/${pending.id}/${encodeURIComponent(pending.filename)}`,
            ...(pending.altText === undefined ? {} : {alt_txt: pending.altText})
        };
    }
}
