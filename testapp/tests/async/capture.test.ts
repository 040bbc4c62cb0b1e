/**
 * captureQueries() reports the statements run on behalf of its callback, on the main thread and in
 * pool workers alike, labelled with the connection (and so the thread) that ran them.
 */
import { threadId } from 'node:worker_threads';
import { captureQueries, close, configure, createSchema, type CapturedQuery } from '../../../src';
import { Box, Pizza, Topping } from '../../models';
import { MODELS, resetAndSeed } from './helpers';
import { boxWithPizza } from './units';
import { dropTestDatabase, testDatabase } from '../test-database';

jest.setTimeout(60_000);

beforeAll(async () => {
  configure({ database: testDatabase(), models: MODELS, workers: 2 });
  createSchema();
  resetAndSeed();
  await Box.aobjects.count();
});

afterAll(async () => {
  await close();
  dropTestDatabase();
});

const TRANSACTION_CONTROL = /^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/i;
const statements = (queries: CapturedQuery[]) => queries.map((query) => query.sql).filter((sql) => !TRANSACTION_CONTROL.test(sql));
const shape = (sql: string) => `${sql.split(' ')[0]} ${[...sql.matchAll(/(?:FROM|JOIN|INTO|UPDATE) "(\w+)"/gi)].map((match) => match[1]).join(',')}`;
const threadOf = (query: CapturedQuery) => Number(/-(\d+)$/.exec(query.connection)?.[1]);

test('sync calls are captured on the main connection', () => {
  const queries = captureQueries(() => Pizza.objects.filter({ name: 'Hawaii' }).count());
  expect(queries).toHaveLength(1);
  expect(queries[0]!.connection).toBe('main');
  expect(queries[0]!.sql).toMatch(/^SELECT COUNT/);
  expect(queries[0]!.params).toEqual(['Hawaii']);
});

test('an async read is captured with the reader that ran it', async () => {
  const queries = await captureQueries(() => Pizza.aobjects.filter({ name: 'Hawaii' }).count());
  expect(queries).toHaveLength(1);
  expect(queries[0]!.sql).toMatch(/^SELECT COUNT/);
  expect(queries[0]!.params).toEqual(['Hawaii']);
  expect(queries[0]!.connection).toMatch(/^reader-\d+$/);
  expect(threadOf(queries[0]!)).not.toBe(threadId);
  expect(threadOf(queries[0]!)).toBeGreaterThan(0);
  expect(queries[0]!.durationMs).toEqual(expect.any(Number));
});

test('an async write is captured on the writer', async () => {
  const queries = await captureQueries(() => Box.aobjects.create({ name: 'captured' }));
  expect(statements(queries)).toEqual([expect.stringMatching(/^INSERT INTO "box"/i)]);
  expect(queries.every((query) => /^writer-\d+$/.test(query.connection))).toBe(true);
  expect(queries.find((query) => /^INSERT/.test(query.sql))!.params).toEqual(['captured']);
});

test('the same statements as the sync API, call for call', async () => {
  const cases: Array<[string, () => unknown, () => Promise<unknown>]> = [
    ['eval', () => Pizza.objects.filter({ box__name: 'large' }).eval(), () => Pizza.aobjects.filter({ box__name: 'large' }).eval()],
    ['get by pk', () => Pizza.objects.get({ pk: 1 }), () => Pizza.aobjects.get({ pk: 1 })],
    ['get', () => Pizza.objects.get({ name: 'Funghi' }), () => Pizza.aobjects.get({ name: 'Funghi' })],
    ['prefetchRelated', () => Pizza.objects.prefetchRelated('toppings').eval(), () => Pizza.aobjects.prefetchRelated('toppings').eval()],
    ['selectRelated', () => Pizza.objects.selectRelated('box').first(), () => Pizza.aobjects.selectRelated('box').first()],
    ['aggregate', () => Topping.objects.aggregate({}), () => Topping.aobjects.aggregate({})],
    ['inBulk', () => Topping.objects.inBulk([1, 2]), () => Topping.aobjects.inBulk([1, 2])],
    ['update', () => Topping.objects.filter({ name: 'ham' }).update({ vegetarian: false }), () => Topping.aobjects.filter({ name: 'ham' }).update({ vegetarian: false })],
  ];
  for (const [name, sync, run] of cases) {
    const syncQueries: CapturedQuery[] = captureQueries(sync);
    const asyncQueries = await captureQueries(run);
    // Same number of statements, of the same kind over the same tables (a keyed get may use `IN (?)`).
    expect([name, statements(asyncQueries).map(shape)]).toEqual([name, statements(syncQueries).map(shape)]);
    expect(asyncQueries.every((query) => query.connection !== 'main')).toBe(true);
  }
  // As Django, aggregate() without aggregates is {} and runs no statement, on either side.
  expect(await captureQueries(() => Topping.aobjects.aggregate({}))).toEqual([]);
  expect(await Topping.aobjects.aggregate({})).toEqual({});
});

test('prefetchRelated runs two statements in the worker', async () => {
  const queries = await captureQueries(() => Pizza.aobjects.prefetchRelated('toppings').eval());
  expect(queries).toHaveLength(2);
  expect(new Set(queries.map((query) => query.connection)).size).toBe(1);
});

test('several awaited calls, sync calls and a syncToAsync unit inside one capture', async () => {
  const queries = await captureQueries(async () => {
    await Pizza.aobjects.filter({ name: 'Hawaii' }).eval();
    Pizza.objects.count();
    await boxWithPizza('unit', 'Unit', '2.00');
    await Box.aobjects.filter({ name: 'unit' }).exists();
  });
  const connections = queries.map((query) => query.connection.replace(/-\d+$/, ''));
  expect(connections).toContain('main');
  expect(connections).toContain('reader');
  expect(connections).toContain('writer');
  const sql = statements(queries);
  expect(sql.filter((text) => /^INSERT/.test(text))).toHaveLength(3); // box, price, pizza of the unit
  expect(sql.length).toBe(1 + 1 + 4 + 1);
});

test('calls made outside the callback at the same time are not captured', async () => {
  const [queries] = await Promise.all([
    captureQueries(() => Pizza.aobjects.filter({ name: 'Funghi' }).count()),
    Box.aobjects.filter({ name: 'outside' }).count(),
    Box.aobjects.create({ name: 'outside' }),
    Topping.aobjects.get({ pk: 1 }),
  ]);
  expect(queries).toHaveLength(1);
  expect(queries[0]!.params).toEqual(['Funghi']);
});

test('captures nest', async () => {
  let inner: CapturedQuery[] = [];
  const outer = await captureQueries(async () => {
    await Box.aobjects.count();
    inner = await captureQueries(() => Topping.aobjects.count());
  });
  expect(inner).toHaveLength(1);
  expect(inner[0]!.sql).toMatch(/"topping"/i);
  expect(outer.length).toBeGreaterThanOrEqual(1);
  expect(outer[0]!.sql).toMatch(/"box"/i);
});
