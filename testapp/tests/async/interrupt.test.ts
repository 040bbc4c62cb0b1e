/**
 * Cancelling a running statement on PostgreSQL: a cancelled or timed-out call has its statement stopped on
 * the server (libpq's cancel, SQLSTATE 57014), rejects with QueryCancelled, and the same thread serves the
 * next call. A thread that is not in a statement cannot be interrupted and is ended instead, as on SQLite.
 */
import { aatomic, close, configure, createSchema, QueryCancelled, TransactionManagementError } from '../../../src';
import { getConnection } from '../../../src/db/connections';
import { Box } from '../../models';
import { MODELS, rejection } from './helpers';
import { ignoreInterruption, spin, whichThread, writerThread } from './units';
import { dropTestDatabase, onPostgresql, testDatabase } from '../test-database';

// Below the sleeping statement's 100 s: a statement that is not really cancelled fails the test by its time limit.
jest.setTimeout(60_000);

const postgresqlTest: jest.It = onPostgresql ? test : test.skip;

/** Long enough that only an interruption ends it before the test's own time limit. */
const SLEEPING_SQL = "SELECT 1 AS id, 'slept' AS name FROM pg_sleep(100)";

beforeAll(async () => {
  // One reader and one writer: "the same thread answers next" then means the thread was kept. Units take
  // no options of their own: the default limit is what cuts off the spinning one.
  configure({ database: testDatabase(), models: MODELS, workers: 1, writers: 1, queryTimeoutMs: 3_000 });
  createSchema();
  await Promise.all([whichThread(), writerThread()]);
});

afterAll(async () => {
  await close();
  dropTestDatabase();
});

/** Sessions of this database (other than the main thread's) running the sleeping statement. */
function sleepingSessions(): number {
  const rows = getConnection('test').selectRows(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%pg_sleep(100)%'",
    [],
  );
  return Number(rows[0]![0]);
}

/** Waits until the server shows the statement running: a barrier on the database's state, not on time. */
async function untilSleeping(): Promise<void> {
  for (let attempt = 0; sleepingSessions() === 0; attempt++) {
    if (attempt > 3000) throw new Error('the sleeping statement never started');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

postgresqlTest('{ timeoutMs }: the statement is cancelled on the server and the reader thread serves the next call', async () => {
  const before = await whichThread();
  const error = await rejection(Box.aobjects.raw(SLEEPING_SQL, [], { timeoutMs: 200 }));
  expect(error).toBeInstanceOf(QueryCancelled);
  expect(error.message).toMatch(/raw\(\) timed out after 200 ms/);
  // The next call reaches the one reader only once the interrupted task answered, so the statement is gone.
  expect(await whichThread()).toBe(before);
  expect(sleepingSessions()).toBe(0);
});

postgresqlTest('{ signal }: aborting a running statement cancels it on the server; the thread stays', async () => {
  const before = await whichThread();
  const controller = new AbortController();
  const sleeping = Box.aobjects.raw(SLEEPING_SQL, [], { signal: controller.signal });
  await untilSleeping();
  controller.abort();
  expect(await rejection(sleeping)).toBeInstanceOf(QueryCancelled);
  expect(await whichThread()).toBe(before);
  expect(sleepingSessions()).toBe(0);
});

postgresqlTest('the other reads sent with a cancelled one are answered right', async () => {
  await Box.aobjects.create({ name: 'counted' });
  const before = await whichThread();
  const [first, cancelled, last] = await Promise.allSettled([
    Box.aobjects.filter({ name: 'counted' }).count(),
    Box.aobjects.raw(SLEEPING_SQL, [], { timeoutMs: 200 }),
    Box.aobjects.filter({ name: 'counted' }).count(),
  ]);
  expect(first).toEqual({ status: 'fulfilled', value: 1 });
  expect(cancelled.status).toBe('rejected');
  expect((cancelled as PromiseRejectedResult).reason).toBeInstanceOf(QueryCancelled);
  expect(last).toEqual({ status: 'fulfilled', value: 1 });
  expect(await whichThread()).toBe(before);
  await Box.aobjects.filter({ name: 'counted' }).delete();
});

postgresqlTest('inside aatomic(): a timeout cancels the statement on the writer, the block rolls back, the writer stays', async () => {
  const before = await writerThread();
  const seen: unknown[] = [];
  const error = await rejection(
    aatomic(async () => {
      await Box.aobjects.create({ name: 'doomed' });
      seen.push(await rejection(Box.aobjects.raw(SLEEPING_SQL, [], { timeoutMs: 200 })));
      seen.push(await rejection(Box.aobjects.create({ name: 'refused' })));
    }),
  );
  expect(error).toBeInstanceOf(TransactionManagementError);
  expect(seen[0]).toBeInstanceOf(QueryCancelled);
  expect(seen[1]).toBeInstanceOf(TransactionManagementError);
  // The block's rollback ran after the interrupted task answered.
  expect(sleepingSessions()).toBe(0);
  expect(Box.objects.filter({ name__in: ['doomed', 'refused'] }).count()).toBe(0);
  expect(await writerThread()).toBe(before);
  expect((await Box.aobjects.create({ name: 'after' })).name).toBe('after');
});

test('a reader busy outside any statement cannot be interrupted: its thread is ended and replaced', async () => {
  const before = await whichThread();
  const error = await rejection(spin(60_000));
  expect(error).toBeInstanceOf(QueryCancelled);
  expect(error.message).toMatch(/timed out after 3000 ms/);
  expect(await whichThread()).not.toBe(before);
});

postgresqlTest('a reader that does not answer within the grace period after its statement was cancelled is ended', async () => {
  const before = await whichThread();
  const error = await rejection(ignoreInterruption(SLEEPING_SQL, 60_000));
  expect(error).toBeInstanceOf(QueryCancelled);
  expect(error.message).toMatch(/timed out after 3000 ms/);
  // The statement was cancelled (the unit went on spinning), then the thread was ended and replaced.
  expect(await whichThread()).not.toBe(before);
  expect(sleepingSessions()).toBe(0);
});
