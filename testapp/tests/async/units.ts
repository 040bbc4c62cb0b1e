/**
 * Units of work for the async tests, defined at module level with syncToAsync so pool workers can
 * import them (a test file cannot host them: workers do not load test files).
 */
import { threadId } from 'node:worker_threads';
import { atomic, syncToAsync } from '../../../src';
import { getConnection } from '../../../src/db/connections';
import { Box, Pizza, Price } from '../../models';

/** Kills the worker thread that runs it: the call must reject with WorkerCrashed. */
export const crashWriter = syncToAsync(function crashWriter(): never {
  process.exit(1);
});

/** The same on a reader. */
export const crashReader = syncToAsync(
  function crashReader(): never {
    process.exit(1);
  },
  { readOnly: true },
);

/** Which thread ran the call. */
export const whichThread = syncToAsync(() => threadId, { readOnly: true });

/** A multi-query unit of work in one hop: a box with a pizza, in one transaction. */
export const boxWithPizza = syncToAsync(function boxWithPizza(boxName: string, pizzaName: string, amount: string) {
  return atomic(() => {
    const box = Box.objects.create({ name: boxName });
    const price = Price.objects.create({ amount });
    const pizza = Pizza.objects.create({ name: pizzaName, box, price });
    return { box, pizza, count: Box.objects.count() };
  });
});

/** Busy-waits in a worker for `ms` (a slow unit of work for cancellation tests). */
export const spin = syncToAsync(
  function spin(ms: number): number {
    const end = Date.now() + ms;
    let n = 0;
    while (Date.now() < end) n++;
    return n;
  },
  { readOnly: true },
);

/** Reads through relations in a worker; a missing pizza is Pizza.DoesNotExist raised inside the unit. */
export const priceOf = syncToAsync((pizzaName: string) => Pizza.objects.get({ name: pizzaName }).price.amount, { readOnly: true });

/** A slow write on the writer lane: in one transaction, creates a box, then busy-waits. Cancelled, the box must not stay. */
export const slowWrite = syncToAsync(function slowWrite(name: string, ms: number): number {
  return atomic(() => {
    const box = Box.objects.create({ name });
    const end = Date.now() + ms;
    while (Date.now() < end);
    return box.pk as number;
  });
});

/** Writes a box, then fails: the call must reject having taken no effect. */
export const writeThenFail = syncToAsync(function writeThenFail(name: string): never {
  Box.objects.create({ name });
  throw new Error(`${name}: failing after the write`);
});

/** Which writer thread ran the call (it takes the writer lane, as any unit not marked read-only). */
export const writerThread = syncToAsync(function writerThread(): number {
  return threadId;
});

/**
 * Runs `sql`; if its statement is interrupted, carries on busy in JavaScript for `ms`: a thread that does not
 * answer after its statement was cancelled (the pool must end it after its grace period).
 */
export const ignoreInterruption = syncToAsync(
  function ignoreInterruption(sql: string, ms: number): string {
    try {
      getConnection('ignoreInterruption').selectRows(sql, []);
      return 'finished';
    } catch {
      const end = Date.now() + ms;
      while (Date.now() < end);
      return 'spun';
    }
  },
  { readOnly: true },
);
