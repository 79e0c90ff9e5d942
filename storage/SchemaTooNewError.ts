/** The database was written by a newer Kotae: this one must not read or migrate it (its rows may mean something else). */
export class SchemaTooNewError extends Error {
    public constructor(public readonly version: number, public readonly newestKnown: number) {
        super(`The database schema is version ${version}, newer than this Kotae (${newestKnown}). Upgrade Kotae or use another KOTAE_DB.`);
        this.name = "SchemaTooNewError";
    }
}
