/**
 * configure({ queryTimeoutMs }) is the default limit of every async call (querysets, instances and
 * syncToAsync units); a per-call { timeoutMs } overrides it, 0 meaning none.
 */
import { QueryCancelled, close, configure, createSchema } from '../../../src';
import { Box } from '../../models';
import { MODELS, rejection } from './helpers';
import { longWriteStatement, slowWrite, spin } from './units';

jest.setTimeout(120_000);

const DEFAULT_TIMEOUT = 1_000;
const SLOW_SQL = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000) SELECT max(x) AS id FROM c';
const NO_LIMIT = { timeoutMs: 0 };

beforeAll(async () => {
  configure({ database: ':memory:', models: MODELS, workers: 2, queryTimeoutMs: DEFAULT_TIMEOUT });
  createSchema();
  // Starting workers (ts-node) can take longer than the default limit on a busy machine.
  await Promise.all([Box.aobjects.create({ name: 'committed' }, NO_LIMIT), Box.aobjects.count(NO_LIMIT), Box.aobjects.count(NO_LIMIT)]);
});

afterAll(async () => {
  await close();
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

test('the default applies to syncToAsync units (reader and writer); a cancelled transaction is rolled back', async () => {
  expect(await rejection(spin(20_000))).toBeInstanceOf(QueryCancelled);
  const error = await rejection(slowWrite('never committed', 20_000));
  expect(error).toBeInstanceOf(QueryCancelled);
  await expectHealthy();
  expect(await Box.aobjects.filter({ name: 'never committed' }).exists(NO_LIMIT)).toBe(false);
});

test('a per-call timeoutMs overrides the default; 0 means no limit', async () => {
  const rows = await Box.aobjects.raw(SLOW_SQL, [], NO_LIMIT);
  expect(rows[0]!.pk).toBe(10_000_000);
  const error = await rejection(Box.aobjects.raw(SLOW_SQL, [], { timeoutMs: 100 }));
  expect(error.message).toMatch(/timed out after 100 ms/);
  expect(await Box.aobjects.count({ timeoutMs: 60_000 })).toBe(1);
});

test('writes after a cancelled long write statement wait for its lock instead of failing with SQLITE_BUSY', async () => {
  // The statement outlives the cancellation by more than SQLite's busy timeout (10 s): a write sent to
  // the replacement writer at once would fail with "database is locked".
  const error = await rejection(longWriteStatement(80_000_000));
  expect(error).toBeInstanceOf(QueryCancelled);
  const started = Date.now();
  const box = await Box.aobjects.create({ name: 'after the long write' }, NO_LIMIT);
  expect(box.pk).toEqual(expect.any(Number));
  expect(Date.now() - started).toBeGreaterThan(1_000); // it did wait for the old thread
  await expectHealthy();
});
