import BetterSqlite3 from 'better-sqlite3';
import { driverErrorClasses, IntegrityError, ThreadormError } from '../../../errors';
import { registerFunctions } from './functions';
import { isObserved, notifyExecuted } from '../../observers';

import type { RunResult } from '../base/types';

export interface ConnectionOptions {
  /** Shown in the debug log and in captured statements. */
  label: string;
  readonly?: boolean;
  /** Durability can be traded for speed for throwaway databases (`':memory:'` is backed by a temp file). */
  synchronous?: 'NORMAL' | 'OFF' | 'FULL';
}

const STATEMENT_CACHE_SIZE = 512;

driverErrorClasses.SqliteError = BetterSqlite3.SqliteError;

/**
 * One better-sqlite3 connection: a bounded cache of prepared statements (keyed by mode and SQL),
 * statement observation, SQLite errors turned into threadorm errors, and atomic blocks with savepoints.
 */
export class Connection {
  /** @internal The driver handle; left out of the published declarations, which then need no driver types. */
  readonly db: BetterSqlite3.Database;
  readonly label: string;
  /**
   * Prepared statements by mode, then by SQL. One map per mode rather than one keyed by `mode + sql`:
   * building that key concatenated (and then hashed) the whole SQL text on every call.
   */
  private readonly statements = { raw: new Map<string, BetterSqlite3.Statement>(), 'raw-safe': new Map<string, BetterSqlite3.Statement>(), run: new Map<string, BetterSqlite3.Statement>() };
  /** Open atomic blocks, outermost first: '' for the transaction, then savepoint names. */
  private readonly savepoints: string[] = [];
  private savepointCounter = 0;
  private commitCallbacks: Array<{ depth: number; callback: () => void }> = [];

  constructor(
    readonly path: string,
    options: ConnectionOptions,
  ) {
    this.label = options.label;
    this.db = new BetterSqlite3(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    if (!options.readonly) this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 10000');
    registerFunctions(this.db);
  }

  /** Rows as arrays of column values, the fast path every SELECT takes. */
  selectRows(sql: string, params: readonly unknown[], safeIntegers = false): unknown[][] {
    const statement = this.statement(sql, safeIntegers ? 'raw-safe' : 'raw');
    if (!isObserved()) {
      try {
        return statement.all(...params) as unknown[][];
      } catch (error) {
        throw translateError(error, sql);
      }
    }
    return this.observed(sql, params, () => statement.all(...params) as unknown[][]);
  }

  /** A lazy row iterator; it gets a statement of its own, since a cached one may be busy iterating already. */
  *iterateRows(sql: string, params: readonly unknown[], safeIntegers = false): Generator<unknown[]> {
    const statement = this.guard(sql, () => this.db.prepare(sql)).raw(true).safeIntegers(safeIntegers);
    if (isObserved()) notifyExecuted({ sql, params: [...params], durationMs: 0, connection: this.label });
    yield* this.guard(sql, () => statement.iterate(...params) as IterableIterator<unknown[]>);
  }

  run(sql: string, params: readonly unknown[] = []): RunResult {
    const statement = this.statement(sql, 'run');
    if (isObserved()) return this.observed(sql, params, () => statement.run(...params));
    try {
      return statement.run(...params);
    } catch (error) {
      throw translateError(error, sql);
    }
  }

  /** Several statements without parameters (DDL). */
  exec(sql: string): void {
    if (!isObserved()) return this.guard(sql, () => void this.db.exec(sql));
    this.observed(sql, [], () => void this.db.exec(sql));
  }

  /** Runs `fn` in a transaction, or in a savepoint when a transaction is already open. */
  atomic<T>(fn: () => T): T {
    this.enterAtomic();
    let result: T;
    try {
      result = fn();
      if (result instanceof Promise) {
        throw new ThreadormError(
          'atomic() got a function that returned a Promise; the sync transaction would end before it settles. ' +
            'Use `await aatomic(async () => ...)` for async work.',
        );
      }
    } catch (error) {
      this.exitAtomic(false);
      throw error;
    }
    this.exitAtomic(true);
    return result;
  }

  /** Opens a transaction (outermost) or a savepoint; the async layer uses this to keep one open across tasks. */
  enterAtomic(): void {
    if (this.savepoints.length === 0) this.exec(this.db.readonly ? 'BEGIN' : 'BEGIN IMMEDIATE');
    else this.exec(`SAVEPOINT s${++this.savepointCounter}`);
    this.savepoints.push(this.savepoints.length === 0 ? '' : `s${this.savepointCounter}`);
  }

  /** Closes the innermost atomic block: commit / release, or roll back. */
  exitAtomic(commit: boolean): void {
    const savepoint = this.savepoints.pop();
    if (savepoint === undefined) throw new ThreadormError('exitAtomic() without an open atomic block.');
    const depth = this.savepoints.length;
    if (savepoint) {
      if (commit) {
        this.exec(`RELEASE ${savepoint}`);
        for (const entry of this.commitCallbacks) if (entry.depth > depth) entry.depth = depth;
      } else {
        this.commitCallbacks = this.commitCallbacks.filter((entry) => entry.depth <= depth);
        this.exec(`ROLLBACK TO ${savepoint}`);
        this.exec(`RELEASE ${savepoint}`);
      }
      return;
    }
    if (!commit) {
      this.commitCallbacks = [];
      if (this.db.inTransaction) this.exec('ROLLBACK');
      return;
    }
    try {
      this.exec('COMMIT');
    } catch (error) {
      this.commitCallbacks = [];
      if (this.db.inTransaction) this.exec('ROLLBACK');
      throw error;
    }
    const callbacks = this.commitCallbacks;
    this.commitCallbacks = [];
    for (const { callback } of callbacks) callback();
  }

  get inAtomicBlock(): boolean {
    return this.savepoints.length > 0;
  }

  /** Open atomic blocks: 0 outside a transaction, 1 in one, one more per savepoint. */
  get atomicDepth(): number {
    return this.savepoints.length;
  }

  /** Django's `transaction.on_commit`: run `callback` after the outermost commit, or now outside a transaction. */
  onCommit(callback: () => void): void {
    if (this.savepoints.length === 0) callback();
    else this.commitCallbacks.push({ depth: this.savepoints.length, callback });
  }

  close(): void {
    for (const cache of Object.values(this.statements)) cache.clear();
    if (this.db.open) this.db.close();
  }

  private statement(sql: string, mode: 'raw' | 'raw-safe' | 'run'): BetterSqlite3.Statement {
    const cache = this.statements[mode];
    let statement = cache.get(sql);
    if (statement) return statement;
    statement = this.guard(sql, () => this.db.prepare(sql));
    if (mode !== 'run') statement.raw(true).safeIntegers(mode === 'raw-safe');
    if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(sql, statement);
    return statement;
  }

  private observed<T>(sql: string, params: readonly unknown[], fn: () => T): T {
    const start = performance.now();
    try {
      return this.guard(sql, fn);
    } finally {
      notifyExecuted({ sql, params: [...params], durationMs: performance.now() - start, connection: this.label });
    }
  }

  private guard<T>(sql: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw translateError(error, sql);
    }
  }
}

/** SQLite constraint failures become IntegrityError; everything else passes through with the SQL attached. */
export function translateError(error: unknown, sql: string): unknown {
  // Not `instanceof Error`: the native addon is loaded once per process, so under jest (one vm realm per
  // test file) its errors may come from another realm's Error class.
  if (typeof error !== 'object' || error === null || error instanceof ThreadormError) return error;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !code || typeof message !== 'string') return error;
  if (code.startsWith('SQLITE_CONSTRAINT')) return new IntegrityError(message);
  (error as { message: string }).message = `${message} (while running: ${sql})`;
  return error;
}
