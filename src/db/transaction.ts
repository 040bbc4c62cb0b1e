import { activeAlias, getConnection } from './connections';

export interface AtomicOptions {
  /** The database alias whose connection the transaction is on; default 'default' (or the routed call's). */
  using?: string;
}

/**
 * Runs `fn` in a transaction: commits when it returns, rolls back when it throws. Nested calls use
 * savepoints, so an inner failure caught by the caller keeps the outer work.
 */
export function atomic<T>(fn: () => T, options: AtomicOptions = {}): T {
  return getConnection('atomic()', options.using ?? activeAlias()).atomic(fn);
}

/** Runs `callback` after the outermost transaction commits (at once outside a transaction; never on rollback). */
export function onCommit(callback: () => void, options: AtomicOptions = {}): void {
  getConnection('onCommit()', options.using ?? activeAlias()).onCommit(callback);
}
