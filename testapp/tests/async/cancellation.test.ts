/**
 * Cancellation ({ signal }, { timeoutMs }) and faults (a worker that dies): the call rejects with
 * QueryCancelled / WorkerCrashed, the pool answers normally afterwards, nothing committed is lost and
 * nothing uncommitted appears.
 */
import { QueryCancelled, WorkerCrashed, captureQueries, close, configure, createSchema } from '../../../src';
import { getSettings } from '../../../src/conf';
import { Box, Topping } from '../../models';
import { MODELS, rejection, sleep } from './helpers';
import { crashReader, crashWriter, slowWrite, whichThread, writeThenFail } from './units';
import { dropTestDatabase, testDatabase } from '../test-database';

jest.setTimeout(120_000);

/**
 * A query that keeps SQLite busy for a second or two. (SQLite cannot be interrupted from outside: the
 * cancelled worker is replaced at once, but the old thread only ends when the statement does, so the
 * statement is kept short enough not to hold up close().)
 */
const SLOW_SQL = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000) SELECT max(x) AS id FROM c';

const COMMITTED = 40;

beforeAll(async () => {
  configure({ database: testDatabase(), models: MODELS, workers: 2 });
  createSchema();
  await Promise.all(Array.from({ length: COMMITTED }, (_, i) => Box.aobjects.create({ name: `committed ${i}` })));
  await Promise.all([Box.aobjects.count(), Box.aobjects.count(), whichThread()]); // start every reader
});

afterAll(async () => {
  await close();
  dropTestDatabase();
});

async function expectHealthy(): Promise<void> {
  expect(await Box.aobjects.filter({ name__startswith: 'committed ' }).count()).toBe(COMMITTED);
  const box = await Box.aobjects.create({ name: 'after' });
  expect((await Box.aobjects.get({ pk: box.pk })).name).toBe('after');
  await box.adelete();
}

test('the slow query really is slow when nothing cancels it', async () => {
  const started = Date.now();
  const rows = await Box.aobjects.raw(SLOW_SQL);
  expect(rows).toHaveLength(1);
  expect(rows[0]!.pk).toBe(10_000_000);
  expect(Date.now() - started).toBeGreaterThan(300);
});

test('{ signal }: aborting a running query rejects it with QueryCancelled at once', async () => {
  const controller = new AbortController();
  const started = Date.now();
  const slow = Box.aobjects.raw(SLOW_SQL, [], { signal: controller.signal });
  setTimeout(() => controller.abort(), 100);
  const error = await rejection(slow);
  expect(error).toBeInstanceOf(QueryCancelled);
  expect(error.message).toMatch(/raw\(\)/);
  expect(Date.now() - started).toBeLessThan(1500);
  await expectHealthy();
});

test('{ signal } on an evaluation of a queryset and on the twins', async () => {
  const controller = new AbortController();
  controller.abort();
  const queries = await captureQueries(async () => {
    expect(await rejection(Box.aobjects.filter({ name: 'x' }).count({ signal: controller.signal }))).toBeInstanceOf(QueryCancelled);
    expect(await rejection(Box.aobjects.get({ pk: 1 }, { signal: controller.signal }))).toBeInstanceOf(QueryCancelled);
    expect(await rejection(Box.objects.acount({ signal: controller.signal }))).toBeInstanceOf(QueryCancelled);
    expect(await rejection(Box.aobjects.create({ name: 'never' }, { signal: controller.signal }))).toBeInstanceOf(QueryCancelled);
  });
  expect(queries).toEqual([]); // an already aborted signal never reaches a worker
  expect(await Box.aobjects.filter({ name: 'never' }).exists()).toBe(false);
  // a signal that is not aborted changes nothing
  expect(await Box.aobjects.count({ signal: new AbortController().signal })).toBe(COMMITTED);
});

test('{ timeoutMs } rejects a slow query with QueryCancelled', async () => {
  const started = Date.now();
  const error = await rejection(Box.aobjects.raw(SLOW_SQL, [], { timeoutMs: 150 }));
  expect(error).toBeInstanceOf(QueryCancelled);
  expect(error.message).toMatch(/timed out after 150 ms/);
  expect(Date.now() - started).toBeLessThan(1500);
  await expectHealthy();
});

test('cancelling one call does not fail the fast calls sent in the same batch', async () => {
  const controller = new AbortController();
  const slow = Box.aobjects.raw(SLOW_SQL, [], { signal: controller.signal });
  const fast = Array.from({ length: 6 }, () => Box.aobjects.filter({ name__startswith: 'committed ' }).count());
  setTimeout(() => controller.abort(), 100);
  expect(await rejection(slow)).toBeInstanceOf(QueryCancelled);
  expect(await Promise.all(fast)).toEqual(Array(6).fill(COMMITTED));
});

test('a call waiting behind a busy writer can be cancelled before it runs', async () => {
  const busy = slowWrite('slow but fine', 600);
  await sleep(50);
  const controller = new AbortController();
  const waiting = Box.aobjects.create({ name: 'cancelled while queued' }, { signal: controller.signal });
  controller.abort();
  expect(await rejection(waiting)).toBeInstanceOf(QueryCancelled);
  expect(await busy).toEqual(expect.any(Number));
  expect(await Box.aobjects.filter({ name: 'slow but fine' }).count()).toBe(1);
  expect(await Box.aobjects.filter({ name: 'cancelled while queued' }).exists()).toBe(false);
});

describe('a worker that dies', () => {
  test('the writer: the call rejects with WorkerCrashed and the pool goes on', async () => {
    const error = await rejection(crashWriter());
    expect(error).toBeInstanceOf(WorkerCrashed);
    expect(error.message).toMatch(/writer/);
    await expectHealthy();
  });

  test('a reader: the call rejects with WorkerCrashed and reads go on', async () => {
    const error = await rejection(crashReader());
    expect(error).toBeInstanceOf(WorkerCrashed);
    expect(error.message).toMatch(/reader/);
    expect(await Promise.all(Array.from({ length: 8 }, () => Box.aobjects.filter({ name__startswith: 'committed ' }).count()))).toEqual(
      Array(8).fill(COMMITTED),
    );
    await expectHealthy();
  });

  test('writes batched with a crash are rolled back with it, say so, and are never retried', async () => {
    const results = await Promise.allSettled([
      Topping.aobjects.create({ name: 'companion 1' }),
      crashWriter(),
      Topping.aobjects.create({ name: 'companion 2' }),
    ]);
    expect(results[1]!.status).toBe('rejected');
    // One writer takes the whole turn's writes; with several (PostgreSQL), the other writers' shares commit.
    if (getSettings().writers === 1) expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    const names = ['companion 1', null, 'companion 2'];
    for (const [index, result] of results.entries()) {
      if (result.status === 'fulfilled') {
        expect(await Topping.aobjects.filter({ name: names[index]! }).count()).toBe(1);
        continue;
      }
      const reason = result.reason as WorkerCrashed;
      expect(reason).toBeInstanceOf(WorkerCrashed);
      expect(reason.committed).toBe(false);
      expect(reason.message).toMatch(/rolled back, so the call took no effect/);
      if (names[index]) expect(await Topping.aobjects.filter({ name: names[index]! }).count()).toBe(0);
    }
    await expectHealthy();
    await Topping.aobjects.filter({ name__startswith: 'companion' }).delete();
  });

  test('repeated crashes do not exhaust the pool', async () => {
    for (let i = 0; i < 3; i++) expect(await rejection(crashWriter())).toBeInstanceOf(WorkerCrashed);
    await expectHealthy();
    expect(await Box.aobjects.count()).toBe(COMMITTED + 1); // + 'slow but fine'
  });

  test('a write that fails after writing took no effect, alone or batched with others', async () => {
    expect((await rejection(writeThenFail('failed alone'))).message).toMatch(/failing after the write/);
    const [failed, fine] = await Promise.allSettled([writeThenFail('failed in a batch'), Box.aobjects.create({ name: 'fine in a batch' })]);
    expect(failed.status).toBe('rejected');
    expect(fine.status).toBe('fulfilled');
    expect(await Box.aobjects.filter({ name__in: ['failed alone', 'failed in a batch'] }).count()).toBe(0);
    expect(await Box.aobjects.filter({ name: 'fine in a batch' }).count()).toBe(1);
  });
});
