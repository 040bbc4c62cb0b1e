/**
 * A synchronous PostgreSQL client for the sync core: one blocking connection per thread, usable on the main
 * thread and in any number of worker threads of one process at once (the binding is a context-aware
 * Node-API addon over libpq: packages/threadorm-pg-native).
 *
 * Values come back decoded by type OID (in the binding's to_js(), the one place that does it):
 *   int2, int4, oid      → number
 *   int8                 → number, or bigint beyond ±(2^53 − 1): an integer is always exact, and counts and
 *                          bigserial keys stay plain numbers as on SQLite (Django returns int for the same reason)
 *   float4, float8       → number (NaN and ±Infinity included)
 *   bool                 → boolean
 *   numeric              → string, exact (the ORM's decimals are strings)
 *   bytea                → Buffer
 *   json, jsonb          → the parsed value
 *   date, time, timestamp, timestamptz, interval → the server's ISO text ('2024-01-02 03:04:05.123456+00'):
 *                          a Date would drop microseconds and invent a time zone for naive values; the ORM's
 *                          fields convert
 *   text, varchar, uuid and every other type → string
 *   one-dimensional and nested arrays of bool, int2/4/8, float4/8, text, varchar, numeric, uuid, jsonb → arrays
 *
 * Threads: a connection belongs to the thread that opened it (it cannot be posted to another). To stop a
 * statement from elsewhere, post the connection's cancelToken to that thread and call cancel(token) there.
 * Worker.terminate() cannot interrupt a thread blocked in a statement: cancel first, then terminate; the
 * thread's connections are closed when its environment is torn down.
 */
import type { PgDriverError } from './errors';
import { loadNative, nativeUnavailableReason, type NativeConnection } from './native';

export { PgConnectionError, PgDriverError } from './errors';

export interface PgResult {
  columns: string[];
  /** Type OID of each column (see PgType). */
  types: number[];
  rows: unknown[][];
  /** Rows returned, or rows affected by INSERT / UPDATE / DELETE. */
  rowCount: number;
}

export type TransactionStatus = 'idle' | 'active' | 'inTransaction' | 'inFailedTransaction' | 'lost' | 'closed';

export interface SyncPgConnection {
  readonly backendPid: number;
  /** e.g. 150020 for 15.2 */
  readonly serverVersion: number;
  /** Hand it to another thread of this process, which may then call cancel(token). */
  readonly cancelToken: number;
  /** True inside BEGIN … COMMIT, including a transaction that failed and waits for ROLLBACK. */
  readonly inTransaction: boolean;
  readonly transactionStatus: TransactionStatus;
  /** One statement with $1.. placeholders. */
  query(sql: string, params?: readonly unknown[]): PgResult;
  /** A named server-side prepared statement for this connection; parameter types are inferred by the server. */
  prepare(name: string, sql: string): void;
  execute(name: string, params?: readonly unknown[]): PgResult;
  /** Several statements separated by semicolons, no parameters, no rows. */
  exec(sql: string): void;
  /**
   * Runs the statements in one round trip (libpq pipeline mode), each exactly as query() or execute()
   * would run it alone, in order: its own implicit transaction outside BEGIN; inside a transaction, a
   * failure fails the statements after it as it would have. Each entry of the answer is the statement's
   * result or the PgDriverError it failed with (nothing is thrown for a failed statement). For many small
   * statements: all are written before any answer is read.
   */
  queryBatch(statements: readonly BatchStatement[]): Array<PgResult | PgDriverError>;
  close(): void;
}

/** A statement of queryBatch(): SQL with $1.. placeholders, or the name of a prepared statement. */
export type BatchStatement = { sql: string; params?: readonly unknown[] } | { name: string; params?: readonly unknown[] };

/** Type OIDs of the built-in types the driver decodes. */
export const PgType = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const;

type NativeParam = string | Buffer | null;

/**
 * A parameter in PostgreSQL's text format (Buffers go as binary): null/undefined → NULL, numbers and bigints
 * as decimal text, booleans as true/false, Dates as ISO 8601 UTC (for timestamptz, timestamp and date),
 * arrays as array literals (for int[] and the like), other objects as JSON text. A JSON array meant for a
 * json/jsonb parameter is sent as JSON.stringify(…).
 */
export function encodeParam(value: unknown): NativeParam {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return null;
    case 'object':
      if (value === null) return null;
      if (Buffer.isBuffer(value)) return value;
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      if (value instanceof Date) return encodeDate(value);
      if (Array.isArray(value)) return encodeArray(value);
      return JSON.stringify(value);
    default:
      throw new TypeError(`cannot send a ${typeof value} as a PostgreSQL parameter`);
  }
}

function encodeDate(value: Date): string {
  if (Number.isNaN(value.getTime())) throw new TypeError('cannot send an invalid Date as a PostgreSQL parameter');
  return value.toISOString();
}

function encodeArray(values: readonly unknown[]): string {
  const parts = values.map((item) => {
    if (item === null || item === undefined) return 'NULL';
    if (Array.isArray(item)) return encodeArray(item);
    const encoded = encodeParam(item);
    const text = Buffer.isBuffer(encoded) ? `\\x${encoded.toString('hex')}` : (encoded as string);
    return `"${text.replace(/[\\"]/g, '\\$&')}"`;
  });
  return `{${parts.join(',')}}`;
}

/** The parameter list as the binding takes it; the caller's own array when it needs no encoding. */
function encodeParams(params: readonly unknown[] | undefined): readonly NativeParam[] | undefined {
  if (params === undefined || params.length === 0) return undefined;
  for (let i = 0; i < params.length; i++) {
    const value = params[i];
    if (typeof value !== 'string' && value !== null) return params.map(encodeParam);
  }
  return params as readonly NativeParam[];
}

class PgConnection implements SyncPgConnection {
  private readonly native: NativeConnection;

  constructor(native: NativeConnection) {
    this.native = native;
  }

  get backendPid(): number {
    return this.native.backendPid;
  }

  get serverVersion(): number {
    return this.native.serverVersion;
  }

  get cancelToken(): number {
    return this.native.cancelToken;
  }

  get transactionStatus(): TransactionStatus {
    return this.native.transactionStatus as TransactionStatus;
  }

  get inTransaction(): boolean {
    const status = this.native.transactionStatus;
    return status === 'inTransaction' || status === 'inFailedTransaction';
  }

  query(sql: string, params?: readonly unknown[]): PgResult {
    return this.native.query(sql, encodeParams(params)) as PgResult;
  }

  prepare(name: string, sql: string): void {
    this.native.prepare(name, sql);
  }

  execute(name: string, params?: readonly unknown[]): PgResult {
    return this.native.execute(name, encodeParams(params)) as PgResult;
  }

  exec(sql: string): void {
    this.native.exec(sql);
  }

  queryBatch(statements: readonly BatchStatement[]): Array<PgResult | PgDriverError> {
    const wire = statements.map((statement) =>
      'name' in statement
        ? ([statement.name, encodeParams(statement.params), true] as const)
        : ([statement.sql, encodeParams(statement.params), false] as const),
    );
    return this.native.queryBatch(wire) as Array<PgResult | PgDriverError>;
  }

  close(): void {
    this.native.close();
  }
}

/**
 * Opens a connection (blocking). `url` is postgresql://user:password@host:port/db?param=… (postgres:// too;
 * any libpq connection parameter may be given as a query parameter) or a libpq key=value string.
 * Text is always exchanged as UTF-8 and dates in ISO style.
 */
export function connectSync(url: string): SyncPgConnection {
  const native = loadNative();
  return new PgConnection(new native.Connection(url));
}

/**
 * Cancels the statement that the connection with this token (SyncPgConnection.cancelToken) is running,
 * from any thread of the same process: the thread blocked in it gets a PgDriverError with code 57014.
 * Returns false when that connection is closed or is between statements (nothing is sent then). Like any
 * PostgreSQL cancel request it may arrive after the statement finished, and then does nothing.
 */
export function cancel(token: number): boolean {
  return loadNative().cancel(token);
}

/**
 * Cancels the statement the backend `pid` is running, over a short-lived connection of its own
 * (pg_cancel_backend): for a canceller in another process, which has no token. Costs a connection setup.
 */
export function cancelBackend(url: string, pid: number): boolean {
  const connection = connectSync(url);
  try {
    return connection.query('SELECT pg_cancel_backend($1)', [pid]).rows[0]?.[0] === true;
  } finally {
    connection.close();
  }
}

/** Why PostgreSQL cannot be used in this process (driver not installed or not built), or null when it can. */
export function driverUnavailableReason(): string | null {
  return nativeUnavailableReason();
}

