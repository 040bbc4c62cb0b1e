import { randomUUID } from 'node:crypto';
import { getPool, send } from './executor';
import { currentTransaction, runInTransaction } from './transaction-context';

/**
 * Async Django `atomic`: every ORM call awaited inside `fn` (however deeply) runs on the writer lane
 * inside one transaction; commit when `fn` resolves, rollback when it rejects. Nested calls use savepoints.
 * Calls made outside `fn` meanwhile wait for the lane and never join the transaction.
 */
export async function aatomic<T>(fn: () => Promise<T> | T): Promise<T> {
  const outer = currentTransaction();
  if (outer) return runBlock({ id: outer.id, depth: outer.depth + 1 }, fn);
  const id = randomUUID();
  const pool = getPool('aatomic()');
  await pool.acquireWriter(id);
  try {
    return await runBlock({ id, depth: 1 }, fn);
  } finally {
    pool.releaseWriter(id);
  }
}

async function runBlock<T>(context: { id: string; depth: number }, fn: () => Promise<T> | T): Promise<T> {
  return runInTransaction(context, async () => {
    await send({ kind: 'transaction', op: 'begin' }, true);
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      await send({ kind: 'transaction', op: 'rollback' }, true).catch(() => undefined);
      throw error;
    }
    await send({ kind: 'transaction', op: 'commit' }, true);
    return result;
  });
}
