/**
 * configure({ queryTimeoutMs }) is the default limit of every async call (querysets, instances and
 * syncToAsync units); a per-call { timeoutMs } overrides it, 0 meaning none.
 */
import { QueryCancelled, close, configure, createSchema } from '../../../src';
import { Box } from '../../models';
import { MODELS, rejection } from './helpers';
import { slowWrite, spin } from './units';
import { dropTestDatabase, testDatabase } from '../test-database';

jest.setTimeout(120_000);

const DEFAULT_TIMEOUT = 1_000;
const SLOW_SQL = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000) SELECT max(x) AS id FROM c';
const NO_LIMIT = { timeoutMs: 0 };

beforeAll(async () => {
  configure({ database: testDatabase(), models: MODELS, workers: 2, queryTimeoutMs: DEFAULT_TIMEOUT });
  createSchema();
  // Deadlines count from dispatch, but these calls also warm the pool before the tests time anything.
  await Promise.all([Box.aobjects.create({ name: 'committed' }, NO_LIMIT), Box.aobjects.count(NO_LIMIT), Box.aobjects.count(NO_LIMIT)]);
});

afterAll(async () => {
  await close();
  dropTestDatabase();
});

async function expectHealthy(): Promise<void> {
  expect(await Box.aobjects.filter({ name: 'committed' }).count(NO_LIMIT)).toBe(1);
  const box = await Box.aobjects.create({ name: 'after' }, NO_LIMIT);
  expect(await Box.aobjects.filter({ pk: box.pk }).exists(NO_LIMIT)).toBe(true);
  await box.adelete(NO_LIMIT);
}

test('the default applies to a slow query', async () => {
  const started = Date.now();
  const error = await rejection(Box.aobjects.raw(SLOW_SQL));
  expect(error).toBeInstanceOf(QueryCancelled);
  expect(error.message).toMatch(new RegExp(`timed out after ${DEFAULT_TIMEOUT} ms`));
  expect(Date.now() - started).toBeLessThan(DEFAULT_TIMEOUT + 1_500);
  await expectHealthy();
});

test('the default cuts off a reader unit; a write running past it is not cut off and keeps its true result', async () => {
  expect(await rejection(spin(20_000))).toBeInstanceOf(QueryCancelled);
  // Exactly once: a write that has started is never cut off, so it commits and the caller learns it did.
  const pk = await slowWrite('committed late', DEFAULT_TIMEOUT * 2);
  expect(await Box.aobjects.filter({ pk, name: 'committed late' }).exists(NO_LIMIT)).toBe(true);
  await expectHealthy();
});

test('a per-call timeoutMs overrides the default; 0 means no limit', async () => {
  const rows = await Box.aobjects.raw(SLOW_SQL, [], NO_LIMIT);
  expect(rows[0]!.pk).toBe(10_000_000);
  const error = await rejection(Box.aobjects.raw(SLOW_SQL, [], { timeoutMs: 100 }));
  expect(error.message).toMatch(/timed out after 100 ms/);
  expect(await Box.aobjects.filter({ name: 'committed' }).count({ timeoutMs: 60_000 })).toBe(1);
});

test('a cancelled write that is still queued never runs; one already sent settles with its true outcome', async () => {
  const queuedSignal = new AbortController();
  const queued = Box.aobjects.create({ name: 'queued, then cancelled' }, { signal: queuedSignal.signal });
  queuedSignal.abort();
  expect(await rejection(queued)).toBeInstanceOf(QueryCancelled);

  const sentSignal = new AbortController();
  const long = slowWrite('ahead of it', 300);
  const sent = Box.aobjects.create({ name: 'sent, then cancelled' }, { signal: sentSignal.signal });
  // setImmediate callbacks run in order: the batch (both writes) has been sent when this one aborts.
  setImmediate(() => sentSignal.abort());
  expect(await sent).toBeInstanceOf(Box);
  await long;
  expect(await Box.aobjects.filter({ name: 'queued, then cancelled' }).exists(NO_LIMIT)).toBe(false);
  expect(await Box.aobjects.filter({ name: 'sent, then cancelled' }).count(NO_LIMIT)).toBe(1);
  await expectHealthy();
});
