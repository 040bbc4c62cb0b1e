import { getConnection } from './connections';

/**
 * Runs `fn` in a transaction: commits when it returns, rolls back when it throws. Nested calls use
 * savepoints, so an inner failure caught by the caller keeps the outer work.
 */
export function atomic<T>(fn: () => T): T {
  return getConnection('atomic()').atomic(fn);
}

/** Runs `callback` after the outermost transaction commits (at once outside a transaction; never on rollback). */
export function onCommit(callback: () => void): void {
  getConnection('onCommit()').onCommit(callback);
}
