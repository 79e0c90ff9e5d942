import Database from "better-sqlite3";
import type {KotaeStore} from "../../storage/KotaeStore.js";

/**
 * The rows of a query on the store's database file, through a read-only connection of the test's own:
 * the store offers no raw SQL, so what a test checks beyond its methods it reads as an operator's tool would.
 */
export function readRows<T>(store: KotaeStore, sql: string, ...parameters: unknown[]): T[] {
    const database = new Database(store.file, {readonly: true, fileMustExist: true});
    try {
        return database.prepare(sql).all(...parameters) as T[];
    } finally {
        database.close();
    }
}
