/** Low-level binding; use it through threadorm's PostgreSQL driver (src/db/backends/postgresql/driver). */
export declare class Connection {
  /** Connects at once (blocking). `conninfo` is a postgresql:// URL or a libpq key=value string. */
  constructor(conninfo: string);
  readonly backendPid: number;
  readonly serverVersion: number;
  /** Pass to cancel() from any thread of this process. */
  readonly cancelToken: number;
  readonly transactionStatus: 'idle' | 'active' | 'inTransaction' | 'inFailedTransaction' | 'lost' | 'closed';
  /** One statement, $1.. placeholders; parameters are text (string), binary (Buffer) or null. */
  query(sql: string, params?: readonly (string | Buffer | null | undefined)[]): Result;
  prepare(name: string, sql: string): void;
  execute(name: string, params?: readonly (string | Buffer | null | undefined)[]): Result;
  /** Several statements, no parameters. */
  exec(sql: string): void;
  /**
   * Statements in one round trip (pipeline mode), each with its own sync point: [sql or name, params,
   * isPrepared]. One entry per statement: its result, or the error it failed with (not thrown).
   */
  queryBatch(statements: ReadonlyArray<readonly [string, readonly (string | Buffer | null | undefined)[] | undefined, boolean]>): Array<Result | Error>;
  close(): void;
}
export interface Result {
  columns: string[];
  types: number[];
  rows: unknown[][];
  rowCount: number;
}
/** The error classes to throw: server errors, and errors meaning the connection is gone. */
export declare function init(errorClass: new (message: string) => Error, connectionErrorClass: new (message: string) => Error): void;
/** Sends a cancel request for the statement the token's connection is running; false when it is running none. */
export declare function cancel(token: number): boolean;
export declare function libpqVersion(): number;
