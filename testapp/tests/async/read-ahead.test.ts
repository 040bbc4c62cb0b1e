/**
 * aiterator() asks for the next page while the current one is consumed (iterate() in src/async/executor.ts,
 * with or without prefetches),
 * and that request leaves as soon as the consuming code yields, not with the rest of the event-loop turn's
 * calls: a `for await` loop over a page runs in microtasks only, so its turn ends only once the page is used
 * up, and a request held until then would leave the reader idle the whole time.
 */
import { aatomic, close, configure, createSchema, QueryCancelled } from '../../../src';
import { getPool } from '../../../src/async/executor';
import { Box } from '../../models';
import { MODELS } from './helpers';
import { dropTestDatabase, testDatabase } from '../test-database';

jest.setTimeout(60_000);

const PAGE = 10;
const PAGES = 3;

beforeAll(() => {
  configure({ database: testDatabase(), models: MODELS, workers: 1 });
  createSchema();
  Box.objects.bulkCreate(Array.from({ length: PAGE * PAGES }, (_, index) => new Box({ name: `box ${index}` })));
});

afterAll(async () => {
  await close();
  dropTestDatabase();
});

/** Tasks the default pool's readers hold, sent and not yet answered (internal: the lane's count). */
function readerTasksInFlight(): number {
  return (getPool('read-ahead test') as unknown as { readers: { running: number } }).readers.running;
}

test.each([
  ['unordered (pages by primary key)', () => Box.aobjects.all()],
  ['ordered (pages by offset)', () => Box.aobjects.orderBy('-name')],
  ['with prefetchRelated (each page evaluated in the worker)', () => Box.aobjects.orderBy('id').prefetchRelated('pizzaSet')],
])('%s: the next page is with a reader while the loop is still on the last row of the page before', async (_shape, queryset) => {
  const inFlightAtLastRow: number[] = [];
  const seen = new Set<number>();
  let row = 0;
  for await (const box of queryset().aiterator({ chunkSize: PAGE })) {
    seen.add(box.pk as number);
    if (++row % PAGE === 0) inFlightAtLastRow.push(readerTasksInFlight());
  }
  expect(seen.size).toBe(PAGE * PAGES);
  // After each full page the next one was asked for (after the third, the empty fourth), and had left.
  expect(inFlightAtLastRow).toEqual(Array.from({ length: PAGES }, () => 1));
});

test('a chunk read ahead that fails while the loop is still busy is no unhandled rejection; the loop gets the error', async () => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', record);
  try {
    for (const queryset of [() => Box.aobjects.all(), () => Box.aobjects.prefetchRelated('pizzaSet')]) {
      const controller = new AbortController();
      let rows = 0;
      const loop = (async () => {
        for await (const _box of queryset().aiterator({ chunkSize: PAGE, signal: controller.signal })) {
          // The next chunk is on its way: cancel it, then let the event loop turn while this row is handled.
          if (++rows === 1) controller.abort();
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      await expect(loop).rejects.toBeInstanceOf(QueryCancelled);
      expect(rows).toBe(PAGE);
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', record);
  }
});

test('inside aatomic() nothing is read ahead: a loop left early and a later abort of its signal leave the block intact', async () => {
  for (const queryset of [() => Box.aobjects.all(), () => Box.aobjects.prefetchRelated('pizzaSet')]) {
    const controller = new AbortController();
    const name = `after an early break ${Math.random()}`;
    await aatomic(async () => {
      for await (const _box of queryset().aiterator({ chunkSize: PAGE, signal: controller.signal })) break;
      controller.abort();
      await Box.aobjects.create({ name });
    });
    expect(await Box.aobjects.filter({ name }).count()).toBe(1);
  }
});

test('an unordered queryset with prefetches is paged in primary-key order: every row once', async () => {
  const seen: number[] = [];
  for await (const box of Box.aobjects.prefetchRelated('pizzaSet').aiterator({ chunkSize: 7 })) seen.push(box.pk as number);
  expect(seen).toEqual([...seen].sort((a, b) => a - b));
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen.length).toBe(await Box.aobjects.count());
});
