import type {KotaeDatabase} from "./KotaeDatabase.js";
import {isProcessAlive, type ProcessOwner} from "./ProcessOwner.js";

/** The row belongs to the owner given as @ownerPid and @ownerStartMark (IS: rows from before owners have nulls). */
export const ownedBy = "owner_pid IS @ownerPid AND owner_start_mark IS @ownerStartMark";
/** The row is still this process's to change: unfinished, and not marked interrupted by another process meanwhile. */
export const stillOwned = `status IN ('queued', 'running') AND ${ownedBy}`;

/** The owner columns as a statement's @ownerPid and @ownerStartMark parameters. */
export type OwnerColumns = {readonly ownerPid: number | null, readonly ownerStartMark: string | null};

const sql = {
    unfinishedOwners: `
        SELECT DISTINCT owner_pid AS pid, owner_start_mark AS startMark FROM interactions
        WHERE status IN ('queued', 'running')`
};

/**
 * Which process owns each queued or running interaction: this process stamps the rows it writes, and
 * marks interrupted only the rows of processes that are gone, never those of one that still runs.
 */
export class RowOwnership {
    private readonly statements;

    /** @param owner the process this store writes for (tests pretend to be another). */
    public constructor(private readonly database: KotaeDatabase, private readonly owner: ProcessOwner) {
        this.statements = database.prepareAll(sql);
    }

    /** This process, as the owner columns of the rows it writes and may still change. */
    public columns(): {ownerPid: number, ownerStartMark: string} {
        return {ownerPid: this.owner.pid, ownerStartMark: this.owner.startMark};
    }

    /** Runs `abandon` for each owner of unfinished rows whose process is gone (or unknown: rows from before owners were kept). */
    public abandonGoneOwners(abandon: (owner: OwnerColumns) => number): number {
        return this.database.immediately(() => {
            let abandoned = 0;
            for (const {pid, startMark} of this.statements.unfinishedOwners.all() as Array<{pid: number | null, startMark: string | null}>)
                if (pid == null || startMark == null || !isProcessAlive({pid, startMark}))
                    abandoned += abandon({ownerPid: pid, ownerStartMark: startMark});
            return abandoned;
        });
    }
}
