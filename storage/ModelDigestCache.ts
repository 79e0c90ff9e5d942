import type {KotaeDatabase} from "./KotaeDatabase.js";

/** A model file as its digest is cached: a change of size or mtime means new bytes. */
export type ModelFileKey = {readonly path: string, readonly size: number, readonly mtimeMs: number};

const sql = {
    get: "SELECT sha256 FROM model_files WHERE path = ? AND size = ? AND mtime_ms = ?",
    put: "INSERT OR REPLACE INTO model_files (path, size, mtime_ms, sha256) VALUES (?, ?, ?, ?)"
};

/** Model files' SHA-256 digests, so that only the first start after a model change reads gigabytes to hash them. */
export class ModelDigestCache {
    private readonly statements;

    public constructor(database: KotaeDatabase) {
        this.statements = database.prepareAll(sql);
    }

    public get(file: ModelFileKey): string | undefined {
        const row = this.statements.get.get(file.path, file.size, Math.trunc(file.mtimeMs)) as {sha256: string} | undefined;
        return row?.sha256;
    }

    public save(file: ModelFileKey, sha256: string): void {
        this.statements.put.run(file.path, file.size, Math.trunc(file.mtimeMs), sha256);
    }
}
