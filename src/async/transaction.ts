import { getPool, sendStep } from './executor';
import { DEFAULT_DB_ALIAS } from '../db/connections';
import { currentBlock, innermostBlock, runInBlock, Transaction, type Block } from './transaction-context';

/**
 * Async Django `atomic`: every ORM call awaited inside `fn` (however deeply) runs on the writer inside one
 * transaction; commit when `fn` resolves, rollback when it rejects. Nested calls use savepoints, and nested
 * blocks started side by side take turns (see Transaction). Calls made outside `fn` meanwhile wait for the
 * writer and never join the transaction.
 *
 * `using` names the database (default 'default'): its writer is pinned; calls on other databases made inside
 * `fn` are not part of the transaction (they join an aatomic() block of their own database, if one is open).
 *
 * All or nothing: when the transaction is lost (a call in it was cancelled while it ran, or the writer
 * stopped), every later call of the block is refused and the block rejects with TransactionManagementError
 * (or with the error `fn` threw); none of its work commits.
 */
export async function aatomic<T>(fn: () => Promise<T> | T, options: { using?: string } = {}): Promise<T> {
  const alias = options.using ?? DEFAULT_DB_ALIAS;
  const parent = currentBlock(alias);
  if (parent) return runBlock(parent.transaction.child(parent), fn);
  // A transaction on another database may be open here: this one is separate, and calls on that one still join it.
  const transaction = new Transaction(alias, innermostBlock());
  const pool = getPool('aatomic()', alias);
  await pool.acquireWriter(transaction);
  try {
    return await runBlock(transaction.root, fn);
  } finally {
    pool.releaseWriter(transaction);
  }
}

async function runBlock<T>(block: Block, fn: () => Promise<T> | T): Promise<T> {
  const transaction = block.transaction;
  return runInBlock(block, async () => {
    await sendStep(block, 'begin');
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      await end(block, false).catch(() => undefined);
      throw error;
    }
    if (transaction.broken) {
      await end(block, false).catch(() => undefined);
      throw transaction.broken;
    }
    await end(block, true);
    return result;
  });
}

/** Commits or rolls back the block; a lost transaction only has its outermost rollback sent (to close it). */
function end(block: Block, commit: boolean): Promise<unknown> {
  block.closing = true;
  if (block.transaction.broken && block.depth > 1) return Promise.resolve();
  return sendStep(block, commit && !block.transaction.broken ? 'commit' : 'rollback');
}
