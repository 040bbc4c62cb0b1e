import { DatabaseConnection, type RawStatement } from '../base/connection';
import type { DatabaseBackend } from '../base/backend';
import type { ConnectionOptions, ConnectionSettings, RunResult } from '../base/types';
import { connectSync, PgType, type PgResult, type SyncPgConnection } from './driver';
import { translatePostgresqlError } from './errors';

const STATEMENT_CACHE_SIZE = 1024;

/**
 * One libpq connection (the synchronous driver in ./driver), in UTC, read-only for the pool's readers.
 *
 * The SQL layer writes `?` placeholders; each statement text is renumbered to `$1, $2, …` once and cached.
 * Values come back in the shapes the fields read on every backend (see `convertColumn`).
 */
export class PostgresqlConnection extends DatabaseConnection {
  private readonly client: SyncPgConnection;
  /** Statement texts with `?` → their `$n` form. */
  private readonly numbered = new Map<string, string>();

  constructor(backend: DatabaseBackend, settings: ConnectionSettings, options: ConnectionOptions) {
    super(backend, options);
    this.client = connectSync(settings.databasePath);
    // Datetimes come back as '…+00' text, which convertColumn turns into the ISO form Date parses.
    const session = ["SET TIME ZONE 'UTC'"];
    if (this.queryOnly) session.push('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
    this.client.exec(session.join('; '));
  }

  /** The driver's cancel token: another thread of this process passes it to cancel() to stop the running statement. */
  override get interruptToken(): number | null {
    return this.client.cancelToken || null;
  }

  protected driverSelect(sql: string, params: readonly unknown[], _safeIntegers: boolean): unknown[][] {
    return convertRows(this.client.query(this.renumber(sql), params));
  }

  /** The driver reads whole results; the iterator walks the rows it read. */
  protected driverIterate(sql: string, params: readonly unknown[], safeIntegers: boolean): IterableIterator<unknown[]> {
    return this.driverSelect(sql, params, safeIntegers)[Symbol.iterator]();
  }

  protected driverRun(sql: string, params: readonly unknown[]): RunResult {
    const result = this.client.query(this.renumber(sql), params);
    // PostgreSQL reports no key unasked: inserts ask with RETURNING (operations.insertKeyReport).
    return { changes: result.rowCount, lastInsertRowid: null };
  }

  protected driverExec(sql: string): void {
    this.client.exec(sql);
  }

  protected translateError(error: unknown, sql: string): unknown {
    return translatePostgresqlError(error, sql);
  }

  protected get beginSql(): string {
    return 'BEGIN';
  }

  get inTransaction(): boolean {
    return this.client.inTransaction;
  }

  /**
   * A query's columns are read by running it with no rows (`LIMIT 0` around it, every parameter NULL), which
   * also reports errors in it; a statement that is not a query has no columns.
   */
  prepareRaw(sql: string): RawStatement {
    let columns: string[] | null = null;
    if (/^\s*(\(\s*)*(select|with|values|table)\b/i.test(sql)) {
      const numbered = this.renumber(sql);
      const count = (numbered.match(/\$\d+/g) ?? []).length;
      try {
        columns = this.client.query(`SELECT * FROM (${numbered}) AS raw_query LIMIT 0`, Array.from({ length: count }, () => null)).columns;
      } catch (error) {
        throw this.translateError(error, sql);
      }
    }
    return { columns, selectRows: (params) => this.selectRows(sql, params) };
  }

  close(): void {
    this.numbered.clear();
    if (this.client.transactionStatus !== 'closed') this.client.close();
  }

  private renumber(sql: string): string {
    let numbered = this.numbered.get(sql);
    if (numbered !== undefined) return numbered;
    numbered = numberPlaceholders(sql);
    if (this.numbered.size >= STATEMENT_CACHE_SIZE) this.numbered.delete(this.numbered.keys().next().value as string);
    this.numbered.set(sql, numbered);
    return numbered;
  }
}

/**
 * `?` → `$1, $2, …` outside quoted text, quoted names and comments. (The SQL layer never writes PostgreSQL's
 * `?` jsonb operators; operations use jsonb_exists and friends.)
 */
export function numberPlaceholders(sql: string): string {
  if (!sql.includes('?')) return sql;
  let out = '';
  let count = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = closingQuote(sql, i, c);
      out += sql.slice(i, end);
      i = end;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '?') {
      out += `$${++count}`;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The index after the quote that closes the one at `start` (a doubled quote is part of the text). */
function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

type Converter = (value: unknown) => unknown;

/**
 * The fields read stored values in one shape on every backend (booleans 1/0, JSON as text, datetimes as
 * ISO text with `Z`, times with six fraction digits); the driver decodes PostgreSQL's types natively, so
 * columns of those types are brought to that shape here, by the column's type OID.
 */
const CONVERTERS: Readonly<Record<number, Converter>> = {
  [PgType.bool]: (value) => (value === true ? 1 : 0),
  [PgType.json]: (value) => JSON.stringify(value),
  [PgType.jsonb]: (value) => JSON.stringify(value),
  [PgType.timestamptz]: (value) => isoDatetime(value as string),
  [PgType.timestamp]: (value) => isoDatetime(value as string),
  [PgType.time]: (value) => sixFractionDigits(value as string),
};

/**
 * '2024-01-02 03:04:05.123456+00' → '2024-01-02T03:04:05.123Z', the text `Date.toISOString()` writes (the
 * session is in UTC; a Date holds milliseconds, so further digits are dropped).
 */
function isoDatetime(text: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?(?:\+00(?::00)?)?$/.exec(text);
  if (!match) return text;
  return `${match[1]}T${match[2]}.${(match[3] ?? '').slice(0, 3).padEnd(3, '0')}Z`;
}

/** '08:05:00.25' → '08:05:00.250000'; '08:05:00' stays. */
function sixFractionDigits(text: string): string {
  const point = text.indexOf('.');
  return point === -1 ? text : text.slice(0, point + 1) + text.slice(point + 1).padEnd(6, '0');
}

function convertRows(result: PgResult): unknown[][] {
  const { rows, types } = result;
  if (!rows.length) return rows;
  let converters: Array<[number, Converter]> | null = null;
  for (let column = 0; column < types.length; column++) {
    const converter = CONVERTERS[types[column]!];
    if (converter) (converters ??= []).push([column, converter]);
  }
  if (!converters) return rows;
  for (const row of rows) {
    for (const [column, converter] of converters) {
      const value = row[column];
      if (value !== null && value !== undefined) row[column] = converter(value);
    }
  }
  return rows;
}
