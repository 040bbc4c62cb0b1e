import { ThreadormError } from '../../../errors';
import { isObserved, notifyExecuted } from '../../observers';
import type { DatabaseBackend } from './backend';
import type { ConnectionOptions, RunResult } from './types';

/**
 * One connection to a database (Django's BaseDatabaseWrapper): what is the same for every database lives here
 * (atomic blocks over a savepoint stack, onCommit callbacks, statement observation for `captureQueries` and the
 * debug log, error translation around every statement); a backend supplies the driver calls.
 *
 * Statements arrive written for this connection's backend (its placeholders, its quoting): the SQL layer
 * compiles with `backend.operations`.
 */
export abstract class DatabaseConnection {
  readonly backend: DatabaseBackend;
  readonly label: string;
  readonly queryOnly: boolean;
  /** Open atomic blocks, outermost first: '' for the transaction, then savepoint names. */
  private readonly savepoints: string[] = [];
  private savepointCounter = 0;
  private commitCallbacks: Array<{ depth: number; callback: () => void }> = [];

  protected constructor(backend: DatabaseBackend, options: ConnectionOptions) {
    this.backend = backend;
    this.label = options.label;
    this.queryOnly = options.queryOnly ?? false;
  }

  // ------------------------------------------------------------------ the driver's part

  /** Rows as arrays of column values; `safeIntegers`: integers beyond 2^53 come back exact, as bigints. */
  protected abstract driverSelect(sql: string, params: readonly unknown[], safeIntegers: boolean): unknown[][];
  /** A lazy row iterator that does not disturb other statements running on this connection meanwhile. */
  protected abstract driverIterate(sql: string, params: readonly unknown[], safeIntegers: boolean): IterableIterator<unknown[]>;
  protected abstract driverRun(sql: string, params: readonly unknown[]): RunResult;
  /** Several statements without parameters. */
  protected abstract driverExec(sql: string): void;
  /** The driver's error as threadorm's (constraint failures become IntegrityError), naming `sql` where it helps. */
  protected abstract translateError(error: unknown, sql: string): unknown;
  /** How this connection opens a transaction (SQLite's writer takes its write lock at once: `BEGIN IMMEDIATE`). */
  protected abstract get beginSql(): string;

  /** Whether the database has a transaction open on this connection (it may end one on its own after an error). */
  abstract get inTransaction(): boolean;

  /**
   * A statement of the caller's own, prepared to be looked at before it runs (Manager.raw() maps the
   * columns it returns to fields first). Errors in the statement itself are thrown here, translated.
   */
  abstract prepareRaw(sql: string): RawStatement;

  abstract close(): void;

  /**
   * What another thread passes to `backend.interruptStatement()` to stop this connection's running statement
   * (a number, so it can be posted between threads); null where the backend cannot interrupt.
   */
  get interruptToken(): number | null {
    return null;
  }

  // ------------------------------------------------------------------ statements

  /** Rows as arrays of column values, the path every SELECT takes. */
  selectRows(sql: string, params: readonly unknown[], safeIntegers = false): unknown[][] {
    if (!isObserved()) {
      try {
        return this.driverSelect(sql, params, safeIntegers);
      } catch (error) {
        throw this.translateError(error, sql);
      }
    }
    return this.observed(sql, params, () => this.driverSelect(sql, params, safeIntegers));
  }

  /** Rows one at a time (`iterator()`); observed when it starts, with no duration, since it runs as it is read. */
  *iterateRows(sql: string, params: readonly unknown[], safeIntegers = false): Generator<unknown[]> {
    let rows: IterableIterator<unknown[]>;
    try {
      rows = this.driverIterate(sql, params, safeIntegers);
    } catch (error) {
      throw this.translateError(error, sql);
    } finally {
      if (isObserved()) notifyExecuted({ sql, params: [...params], durationMs: 0, connection: this.label });
    }
    yield* rows;
  }

  run(sql: string, params: readonly unknown[] = []): RunResult {
    if (!isObserved()) {
      try {
        return this.driverRun(sql, params);
      } catch (error) {
        throw this.translateError(error, sql);
      }
    }
    return this.observed(sql, params, () => this.driverRun(sql, params));
  }

  /** Several statements without parameters (DDL). */
  exec(sql: string): void {
    if (!isObserved()) {
      try {
        return this.driverExec(sql);
      } catch (error) {
        throw this.translateError(error, sql);
      }
    }
    this.observed(sql, [], () => this.driverExec(sql));
  }

  private observed<T>(sql: string, params: readonly unknown[], fn: () => T): T {
    const start = performance.now();
    try {
      return fn();
    } catch (error) {
      throw this.translateError(error, sql);
    } finally {
      notifyExecuted({ sql, params: [...params], durationMs: performance.now() - start, connection: this.label });
    }
  }

  // ------------------------------------------------------------------ atomic blocks

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
    if (this.savepoints.length === 0) this.exec(this.beginSql);
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
      if (this.inTransaction) this.exec('ROLLBACK');
      return;
    }
    try {
      this.exec('COMMIT');
    } catch (error) {
      this.commitCallbacks = [];
      if (this.inTransaction) this.exec('ROLLBACK');
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
}

/** A caller's statement as `prepareRaw` returns it. */
export interface RawStatement {
  /** The names of the columns it returns, or null for a statement that returns no rows. */
  readonly columns: readonly string[] | null;
  /** Runs it: observed and with errors translated, as `selectRows`. */
  selectRows(params: readonly unknown[]): unknown[][];
}
