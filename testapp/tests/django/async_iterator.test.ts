/**
 * Ports of the aiterator() cases of Django's tests/async/test_async_queryset.py, on this app's models:
 * Django's SimpleModel is Box, its RelatedModel (a foreign key to SimpleModel) is Pizza.
 */
import { captureQueries, close, configure, createSchema, Prefetch } from '../../../src';
import { Box, Pizza, Price } from '../../models';
import { MODELS, resetDatabase } from '../async/helpers';
import { dropTestDatabase, testDatabase } from '../test-database';

jest.setTimeout(60_000);

let s1: Box, s2: Box, s3: Box;
let r1: Pizza, r2: Pizza, r3: Pizza;

beforeAll(() => {
  configure({ database: testDatabase(), models: MODELS, workers: 2 });
  createSchema();
});

afterAll(async () => {
  await close();
  dropTestDatabase();
});

// AsyncQuerySetTest.setUpTestData
beforeEach(() => {
  resetDatabase();
  [s1, s2, s3] = ['one', 'two', 'three'].map((name) => Box.objects.create({ name })) as [Box, Box, Box];
  [r1, r2, r3] = [s1, s2, s3].map((box, i) => Pizza.objects.create({ name: `r${i + 1}`, box, price: Price.objects.create({ amount: '1.00' }) })) as [
    Pizza,
    Pizza,
    Pizza,
  ];
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const results: T[] = [];
  for await (const item of iterable) results.push(item);
  return results;
}

const pks = (objects: ReadonlyArray<{ pk: unknown }>) => objects.map((object) => object.pk);

// async.test_async_queryset.AsyncQuerySetTest.test_aiterator
test('aiterator() yields every instance', async () => {
  const results = await collect(Box.aobjects.aiterator());
  expect(results.every((box) => box instanceof Box)).toBe(true);
  expect(pks(results).sort()).toEqual(pks([s1, s2, s3]).sort());
});

// async.test_async_queryset.AsyncQuerySetTest.test_aiterator (as Django spells it: on the sync manager)
test('Model.objects.aiterator() streams through the pool too', async () => {
  const queries = await captureQueries(async () => {
    const results = await collect(Box.objects.aiterator());
    expect(pks(results).sort()).toEqual(pks([s1, s2, s3]).sort());
  });
  expect(queries.length).toBeGreaterThan(0);
  expect(queries.every((query) => !query.connection.startsWith('main'))).toBe(true);
});

// async.test_async_queryset.AsyncQuerySetTest.test_aiterator_prefetch_related
test('aiterator() with prefetchRelated()', async () => {
  const results: Pizza[][] = [];
  for await (const box of Box.aobjects.prefetchRelated(Prefetch('pizzaSet', { toAttr: 'prefetchedPizzas' })).aiterator()) {
    results.push((box as Box & { prefetchedPizzas: Pizza[] }).prefetchedPizzas);
  }
  expect(results.map(pks).sort()).toEqual([[r1.pk], [r2.pk], [r3.pk]].sort());
});

// async.test_async_queryset.AsyncQuerySetTest.test_aiterator_invalid_chunk_size
// Refused at the call already (Django refuses when the iteration starts): the loop never begins.
test.each([0, -1])('aiterator({ chunkSize: %d }) is refused', async (size) => {
  const iterate = async (source: () => AsyncIterable<Box>) => {
    for await (const box of source()) throw new Error(`iterated over ${box.name}`);
  };
  const message = `aiterator() on Box: chunkSize must be a strictly positive integer; got ${size}.`;
  await expect(iterate(() => Box.aobjects.aiterator({ chunkSize: size }))).rejects.toThrow(new TypeError(message));
  await expect(iterate(() => Box.objects.aiterator({ chunkSize: size }))).rejects.toThrow(new TypeError(message));
  expect(() => Box.aobjects.aiterator({ chunkSize: 1.5 })).toThrow(TypeError);
});

test('aiterator() pages by chunkSize, on a chained queryset and on a related manager', async () => {
  for (let i = 0; i < 4; i++) Pizza.objects.create({ name: `extra ${i}`, box: s1, price: Price.objects.create({ amount: '2.00' }) });
  const queries = await captureQueries(async () => {
    const names = (await collect(Pizza.aobjects.filter({ box: s1 }).orderBy('name').aiterator({ chunkSize: 2 }))).map((pizza) => pizza.name);
    expect(names).toEqual(['extra 0', 'extra 1', 'extra 2', 'extra 3', 'r1']);
  });
  expect(queries.filter((query) => /^\s*SELECT/i.test(query.sql))).toHaveLength(3); // 2 + 2 + 1 rows
  const related = await collect(s1.a.pizzaSet.aiterator({ chunkSize: 2 }));
  expect(related).toHaveLength(5);
  expect(await collect(s1.pizzaSet.filter({ name: 'r1' }).aiterator())).toEqual([expect.objectContaining({ pk: r1.pk })]);
});

test('iterator() and for await are the same streaming as aiterator()', async () => {
  const viaIterator = await collect(Box.aobjects.orderBy('name').iterator({ chunkSize: 1 }));
  const viaAiterator = await collect(Box.aobjects.orderBy('name').aiterator({ chunkSize: 1 }));
  const viaForAwait = await collect(Box.aobjects.orderBy('name'));
  expect(pks(viaIterator)).toEqual(pks(viaAiterator));
  expect(pks(viaForAwait)).toEqual(pks(viaAiterator));
});
