/** A value as it crosses into a database driver: the common denominator of every backend's parameters. */
export type SqlValue = string | number | bigint | Buffer | null;

/** What a statement that returns no rows reports. */
export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}
