/** A row as better-sqlite3 returns it: snake_case columns. */
export type Row = Record<string, unknown>;

/** The row with camelCase keys, the shape of the domain's records. */
export function camelize(row: Row): Row {
    return Object.fromEntries(Object.entries(row).map(([key, value]) => [
        key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase()),
        value
    ]));
}

/** A flag column (0 or 1; null when unknown) as a boolean. */
export function flagOf(value: unknown): boolean | null {
    return value == null ? null : value === 1;
}

/** The time written into created_at and updated_at columns. */
export function now(): string {
    return new Date().toISOString();
}
