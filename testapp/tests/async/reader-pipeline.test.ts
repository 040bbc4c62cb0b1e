/**
 * Keyed gets queue behind each other on a reader (the reader pipeline, see ReaderLane in src/async/pool.ts):
 * a burst is cut into tasks that wait in one reader's port while it runs the first. Every caller still gets
 * its own row, a cancelled get rejects alone wherever its task waits, a reader that dies holding several
 * tasks fails each of their calls once and is replaced, and a read that is not a keyed get is never held up
 * behind a stream of them.
 */
import { QueryCancelled, WorkerCrashed, close, configure, createSchema } from '../../../src';
import { getPool } from '../../../src/async/executor';
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { Box } from '../../models';
import { MODELS } from './helpers';
import { dropTestDatabase, testDatabase } from '../test-database';

jest.setTimeout(120_000);

const BOXES = 300;

beforeAll(async () => {
  configure({ database: testDatabase(), models: MODELS, workers: 1 });
  createSchema();
  await Box.aobjects.bulkCreate(Array.from({ length: BOXES }, (_, index) => new Box({ name: `box ${index}` })));
});

afterAll(async () => {
  await close();
  dropTestDatabase();
});

/** The keys of every box, in order. */
async function boxKeys(): Promise<number[]> {
  return (await Box.aobjects.orderBy('id').valuesList('id', { flat: true })) as number[];
}

test('a burst of keyed gets larger than one task: every caller gets its own row, a missing key its DoesNotExist', async () => {
  const keys = await boxKeys();
  const asked = [...keys, ...keys.slice(0, 40).reverse(), 10_000_001];
  const settled = await Promise.allSettled(asked.map((pk) => Box.aobjects.get({ pk })));
  settled.forEach((result, index) => {
    if (asked[index] === 10_000_001) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(Box.DoesNotExist);
      return;
    }
    expect(result.status).toBe('fulfilled');
    expect((result as PromiseFulfilledResult<Box>).value.pk).toBe(asked[index]);
  });
});

test('a keyed get cancelled after its burst was sent rejects alone, the rest of the burst is served, and its reader stays', async () => {
  const keys = await boxKeys();
  const reader = readerThreads()[0]!.threadId;
  for (const position of [0, 100, 250, keys.length - 1]) {
    const controller = new AbortController();
    const calls = keys.map((pk, index) => (index === position ? Box.aobjects.get({ pk }, { signal: controller.signal }) : Box.aobjects.get({ pk })));
    // After the lane's flush of this turn (scheduled by the first call): the burst has left for the reader.
    setImmediate(() => controller.abort());
    const settled = await Promise.allSettled(calls);
    settled.forEach((result, index) => {
      if (index === position) {
        // It may have been answered before the abort arrived; if not, it is cancelled, never anything else.
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(QueryCancelled);
        else expect(result.value.pk).toBe(keys[index]);
        return;
      }
      expect(result.status).toBe('fulfilled');
      expect((result as PromiseFulfilledResult<Box>).value.pk).toBe(keys[index]);
    });
  }
  // A keyed get is not cut off (its task takes microseconds): the reader was not ended for it.
  expect(readerThreads().map((thread) => thread.threadId)).toEqual([reader]);
  expect(await Box.aobjects.count()).toBe(BOXES);
});

test('a read that is not a keyed get is not held up behind a stream of keyed gets', async () => {
  const keys = await boxKeys();
  let counted = false;
  let served = 0;
  const callers = Array.from({ length: 64 }, async (_, caller) => {
    for (let index = caller; !counted; index = (index + 64) % keys.length) {
      await Box.aobjects.get({ pk: keys[index]! });
      served++;
    }
  });
  // Wait until the stream runs, then ask for a count while the gets keep the reader's pipeline full.
  while (served < 500) await new Promise((resolve) => setImmediate(resolve));
  const count = await Box.aobjects.filter({ name__startswith: 'box ' }).count();
  counted = true;
  await Promise.all(callers);
  expect(count).toBe(BOXES);
});

/** The reader threads of the default database's pool (internal: for injecting faults). */
function readerThreads(): readonly Worker[] {
  return (getPool('reader-pipeline test') as unknown as { readers: { workers: { workerThreads: readonly Worker[] } } }).readers.workers.workerThreads;
}

test('a reader that dies holding several tasks of keyed gets: each call settles once, right or WorkerCrashed, and a new reader serves', async () => {
  const keys = await boxKeys();
  let crashedInAll = 0;
  for (let round = 0; round < 5; round++) {
    const reader = readerThreads()[0]!;
    const exited = once(reader, 'exit');
    // Each key four times: enough tasks that the reader is still at work when it is ended.
    const asked = [...keys, ...keys, ...keys, ...keys];
    const calls = asked.map((pk) => Box.aobjects.get({ pk }));
    // After the burst has left for the reader (the lane flushes in the turn's check phase, before this).
    setImmediate(() => void reader.terminate());
    const settled = await Promise.allSettled(calls);
    let crashed = 0;
    settled.forEach((result, index) => {
      if (result.status === 'fulfilled') return expect(result.value.pk).toBe(asked[index]);
      expect(result.reason).toBeInstanceOf(WorkerCrashed);
      crashed++;
    });
    crashedInAll += crashed;
    // The reader may have answered every get before it was ended; a get sent then would go down with it.
    await exited;
    expect((await Box.aobjects.get({ pk: keys[round]! })).pk).toBe(keys[round]);
  }
  // The thread is ended in the turn the burst left, well before a reader answers 1,200 gets: the fault landed.
  expect(crashedInAll).toBeGreaterThan(0);
});

test('close() while a reader holds several tasks of keyed gets: every call is answered first', async () => {
  const keys = await boxKeys();
  const calls = keys.map((pk) => Box.aobjects.get({ pk }));
  const closed = new Promise<void>((resolve, reject) => setImmediate(() => close().then(resolve, reject)));
  const boxes = await Promise.all(calls);
  expect(boxes.map((box) => box.pk)).toEqual(keys);
  await closed;
  // close() then configure() starts clean, with a new pool (on a new, empty database).
  configure({ database: testDatabase(), models: MODELS, workers: 1 });
  createSchema();
  expect(await Box.aobjects.count()).toBe(0);
});
