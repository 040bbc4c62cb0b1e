/** A value as it crosses into a database driver: the common denominator of every backend's parameters. */
export type SqlValue = string | number | bigint | Buffer | null;

/** What a statement that returns no rows reports. */
export interface RunResult {
  changes: number;
  /**
   * The key of the row an INSERT wrote, as the driver reports it without being asked (SQLite's rowid), or null
   * from a driver that reports none: there the key comes back through `INSERT … RETURNING`
   * (`operations.insertKeyReport`), read with `selectRows`.
   */
  lastInsertRowid: number | bigint | null;
}

/** Where connections go: the part of the configuration a backend needs to open one. */
export interface ConnectionSettings {
  /** The database every connection of this configuration opens: a SQLite file, a server URL. */
  readonly databasePath: string;
  /** A throwaway database (`':memory:'`): a backend may trade durability for speed. */
  readonly ephemeral: boolean;
}

export interface ConnectionOptions {
  /** Shown in the debug log and in captured statements: `main`, `reader-<thread>`, `writer-<thread>`. */
  label: string;
  /**
   * Refuse every write (the pool's readers). Such a connection opens plain read transactions, so it never
   * holds a lock a writer waits for.
   */
  queryOnly?: boolean;
}
