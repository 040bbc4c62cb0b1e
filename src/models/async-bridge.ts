import { ImproperlyConfigured } from '../errors';
import type { AsyncMethod } from './async-methods';
import type { QuerySet } from './queryset';

/** Options every async evaluation accepts as its last argument. */
export interface QueryOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * How the sync core reaches the async layer without importing it: the async layer registers an executor
 * that runs `queryset.<method>(...args)` in a pool worker, `method` being an entry of the async method table
 * (async-methods.ts). The Django-style twins (`acount`, `aget`, ...) go through it.
 */
export interface AsyncExecutor {
  evaluate(queryset: QuerySet<any, any>, method: AsyncMethod, args: readonly unknown[]): Promise<unknown>;
  /** Streams the rows of `queryset` from workers, `chunkSize` at a time (`aiterator()`). */
  iterate<R>(queryset: QuerySet<any, R>, options: { chunkSize?: number } & QueryOptions): AsyncIterable<R>;
}

let executor: AsyncExecutor | null = null;

export function setAsyncExecutor(value: AsyncExecutor | null): void {
  executor = value;
}

export function asyncExecutor(call: string): AsyncExecutor {
  if (!executor) {
    throw new ImproperlyConfigured(`${call} needs the worker pool: call configure({ database, models }) from 'threadorm' first.`);
  }
  return executor;
}
