import BetterSqlite3 from 'better-sqlite3';
import { DatabaseConnection, type RawStatement } from '../base/connection';
import type { DatabaseBackend } from '../base/backend';
import type { ConnectionOptions, ConnectionSettings, RunResult } from '../base/types';
import { translateSqliteError } from './errors';
import { registerFunctions } from './functions';

const STATEMENT_CACHE_SIZE = 512;

/**
 * One better-sqlite3 connection in WAL mode, with foreign keys enforced, threadorm's SQL functions registered
 * and a bounded cache of prepared statements (keyed by mode and SQL).
 */
export class SqliteConnection extends DatabaseConnection {
  private readonly db: BetterSqlite3.Database;
  /**
   * Prepared statements by mode, then by SQL. One map per mode rather than one keyed by `mode + sql`:
   * building that key concatenated (and then hashed) the whole SQL text on every call.
   */
  private readonly statements = { raw: new Map<string, BetterSqlite3.Statement>(), 'raw-safe': new Map<string, BetterSqlite3.Statement>(), run: new Map<string, BetterSqlite3.Statement>() };

  constructor(backend: DatabaseBackend, settings: ConnectionSettings, options: ConnectionOptions) {
    super(backend, options);
    this.db = new BetterSqlite3(settings.databasePath);
    this.db.pragma('journal_mode = WAL');
    // A throwaway database (':memory:' is backed by a temporary file) trades durability for speed.
    this.db.pragma(`synchronous = ${settings.ephemeral ? 'OFF' : 'NORMAL'}`);
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 10000');
    if (this.queryOnly) this.db.pragma('query_only = ON');
    registerFunctions(this.db);
  }

  protected driverSelect(sql: string, params: readonly unknown[], safeIntegers: boolean): unknown[][] {
    return this.statement(sql, safeIntegers ? 'raw-safe' : 'raw').all(...params) as unknown[][];
  }

  /** It gets a statement of its own, since a cached one may be busy iterating already. */
  protected driverIterate(sql: string, params: readonly unknown[], safeIntegers: boolean): IterableIterator<unknown[]> {
    return this.db.prepare(sql).raw(true).safeIntegers(safeIntegers).iterate(...params) as IterableIterator<unknown[]>;
  }

  protected driverRun(sql: string, params: readonly unknown[]): RunResult {
    return this.statement(sql, 'run').run(...params);
  }

  protected driverExec(sql: string): void {
    this.db.exec(sql);
  }

  protected translateError(error: unknown, sql: string): unknown {
    return translateSqliteError(error, sql);
  }

  /**
   * A writer takes the write lock as its transaction opens, so a transaction that reads first never fails to
   * upgrade later; a query-only connection opens a read transaction, which holds nothing a writer waits for.
   */
  protected get beginSql(): string {
    return this.queryOnly ? 'BEGIN' : 'BEGIN IMMEDIATE';
  }

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  prepareRaw(sql: string): RawStatement {
    let statement: BetterSqlite3.Statement;
    try {
      statement = this.db.prepare(sql);
    } catch (error) {
      throw this.translateError(error, sql);
    }
    return {
      columns: statement.reader ? statement.columns().map((column) => column.name) : null,
      selectRows: (params) => this.selectRows(sql, params),
    };
  }

  close(): void {
    for (const cache of Object.values(this.statements)) cache.clear();
    if (this.db.open) this.db.close();
  }

  private statement(sql: string, mode: 'raw' | 'raw-safe' | 'run'): BetterSqlite3.Statement {
    const cache = this.statements[mode];
    let statement = cache.get(sql);
    if (statement) return statement;
    statement = this.db.prepare(sql);
    if (mode !== 'run') statement.raw(true).safeIntegers(mode === 'raw-safe');
    if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(sql, statement);
    return statement;
  }
}
