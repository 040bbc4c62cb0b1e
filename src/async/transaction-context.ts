import { AsyncLocalStorage } from 'node:async_hooks';

/** The async transaction a call belongs to: set for everything awaited inside an aatomic() callback. */
export interface TransactionContext {
  id: string;
  depth: number;
}

const storage = new AsyncLocalStorage<TransactionContext>();

export function currentTransaction(): TransactionContext | undefined {
  return storage.getStore();
}

export function runInTransaction<T>(context: TransactionContext, fn: () => T): T {
  return storage.run(context, fn);
}
