import {createHash} from "node:crypto";
import fs from "node:fs";

export type DigestCache = {
    get(file: {path: string, size: number, mtimeMs: number}): string | undefined,
    save(file: {path: string, size: number, mtimeMs: number}, sha256: string): void
};

/**
 * The SHA-256 of a (multi-gigabyte) model file, streamed, and cached by path, size and mtime so that
 * only the first start after a model change pays for it.
 */
export async function fileSha256(filePath: string, cache?: DigestCache): Promise<string> {
    const {size, mtimeMs} = await fs.promises.stat(filePath);
    const key = {path: filePath, size, mtimeMs};
    const cached = cache?.get(key);
    if (cached != null)
        return cached;

    const hash = createHash("sha256");
    for await (const chunk of fs.createReadStream(filePath, {highWaterMark: 4 * 1024 * 1024}))
        hash.update(chunk as Buffer);

    const digest = hash.digest("hex");
    cache?.save(key, digest);
    return digest;
}
