import type {ReportFilter} from "../src/domain/ReportQueue.js";

/** A column a report or export filter narrows. */
export type FilteredColumn = "status" | "created_at" | "platform" | "profile";

/**
 * The SQL conditions of a report or export filter, each with its parameter in order. `column` names each
 * filtered column in the query at hand (the report queue's grouped rows, or the export's joined tables).
 */
export function filterConditions(filter: ReportFilter, column: (name: FilteredColumn) => string): {conditions: string[], parameters: unknown[]} {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const add = (name: FilteredColumn, operator: string, value: unknown): void => {
        conditions.push(`${column(name)} ${operator} ?`);
        parameters.push(value);
    };
    if (filter.status != null) add("status", "=", filter.status);
    if (filter.since != null) add("created_at", ">=", filter.since.toISOString());
    if (filter.until != null) add("created_at", "<", filter.until.toISOString());
    if (filter.platform != null) add("platform", "=", filter.platform);
    if (filter.profile != null) add("profile", "=", filter.profile);
    return {conditions, parameters};
}
