import {StringDecoder} from "node:string_decoder";

/**
 * running: waiting for more; ended: the record with this capture's nonce arrived; flooded: more raw
 * bytes than allowed; garbled: a record that is too long or not JSON.
 */
export type CaptureState = "running" | "ended" | "flooded" | "garbled";

/** Longest record accepted (a clipped traceback is a few KiB). */
const maxRecordBytes = 64 * 1024;

/**
 * Reads one block's share of a kernel's output pipe: the block's output, then the kernel's record
 * `\0kotae:<nonce>:<JSON>\n` (see kernel.py). Everything it holds is bounded whatever the bytes are:
 * the first `keepChars` characters of output, a count of the rest, and at most one record.
 */
export class ExecutionCapture {
    readonly #marker: Buffer;
    readonly #keepChars: number;
    readonly #maxBytes: number;
    readonly #decoder = new StringDecoder("utf8");
    #state: CaptureState = "running";
    /** The last bytes of output, held back while they could be the start of the marker. */
    #held: Buffer = Buffer.alloc(0);
    #recordChunks: Buffer[] | undefined;
    #recordBytes = 0;
    #record: unknown;
    #outputBytes = 0;
    #kept = "";
    #keptChars = 0;
    #cutChars = 0;
    #decoded = false;

    public constructor(nonce: string, keepChars: number, maxBytes: number) {
        this.#marker = Buffer.from(`\0kotae:${nonce}:`);
        this.#keepChars = keepChars;
        this.#maxBytes = maxBytes;
    }

    public get state(): CaptureState {
        return this.#state;
    }

    /** The record's JSON value, once ended. */
    public get record(): unknown {
        return this.#record;
    }

    public push(chunk: Buffer): void {
        if (this.#state !== "running")
            return;
        if (this.#recordChunks != null)
            return this.#pushRecord(chunk);

        const data = this.#held.length > 0 ? Buffer.concat([this.#held, chunk]) : chunk;
        const at = data.indexOf(this.#marker);
        if (at >= 0) {
            this.#pushOutput(data.subarray(0, at));
            this.#held = Buffer.alloc(0);
            this.#recordChunks = [];
            this.#pushRecord(data.subarray(at + this.#marker.length));
            return;
        }
        const held = Math.min(data.length, this.#marker.length - 1);
        this.#pushOutput(data.subarray(0, data.length - held));
        this.#held = Buffer.from(data.subarray(data.length - held)); // a copy, so the chunk is not kept alive
    }

    /**
     * The output as the model sees it: the first `keepChars` characters, then a cut marker counting the
     * rest (`droppedChars` more were dropped before they reached the pipe). Ends the output: bytes
     * held back as a possible marker, or an incomplete character, are output after all.
     */
    public output(droppedChars = 0): {readonly text: string, readonly truncated: boolean} {
        if (!this.#decoded) {
            this.#decoded = true;
            if (this.#recordChunks == null)
                this.#addText(this.#decoder.write(this.#held));
            this.#addText(this.#decoder.end());
        }
        const cut = this.#cutChars + droppedChars;
        if (cut === 0 && this.#state !== "flooded")
            return {text: this.#kept, truncated: false};
        const more = this.#state === "flooded" ? `over ${cut}` : String(cut);
        return {text: `${this.#kept}\n... <output cut: ${more} more characters>`, truncated: true};
    }

    #pushOutput(bytes: Buffer): void {
        this.#outputBytes += bytes.length;
        if (this.#outputBytes > this.#maxBytes) {
            this.#state = "flooded";
            return;
        }
        this.#addText(this.#decoder.write(bytes));
    }

    #pushRecord(bytes: Buffer): void {
        const end = bytes.indexOf(0x0a);
        const part = end >= 0 ? bytes.subarray(0, end) : bytes;
        this.#recordBytes += part.length;
        if (this.#recordBytes > maxRecordBytes) {
            this.#state = "garbled";
            return;
        }
        this.#recordChunks?.push(Buffer.from(part));
        if (end < 0)
            return;
        try {
            this.#record = JSON.parse(Buffer.concat(this.#recordChunks ?? []).toString("utf8"));
            this.#state = "ended";
        } catch {
            this.#state = "garbled";
        }
    }

    #addText(text: string): void {
        const room = this.#keepChars - this.#keptChars;
        const fits = room > 0 ? prefixOfCodePoints(text, room) : 0;
        this.#kept += text.slice(0, fits);
        this.#keptChars += countCodePoints(text, 0, fits);
        this.#cutChars += countCodePoints(text, fits, text.length);
    }
}

/** How many UTF-16 units hold the first `codePoints` characters of `text` (never half a surrogate pair). */
function prefixOfCodePoints(text: string, codePoints: number): number {
    if (text.length <= codePoints)
        return text.length;
    let units = 0;
    for (let points = 0; points < codePoints && units < text.length; points++)
        units += isSurrogatePairAt(text, units) ? 2 : 1;
    return units;
}

function countCodePoints(text: string, start: number, end: number): number {
    let points = 0;
    for (let index = start; index < end; index += isSurrogatePairAt(text, index) ? 2 : 1)
        points++;
    return points;
}

function isSurrogatePairAt(text: string, index: number): boolean {
    const unit = text.charCodeAt(index);
    return unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length;
}
