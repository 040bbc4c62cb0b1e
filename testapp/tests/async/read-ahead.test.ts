/**
 * aiterator() asks for the next page while the current one is consumed (iterate() in src/async/executor.ts,
 * with or without prefetches),
 * and that request leaves as soon as the consuming code yields, not with the rest of the event-loop turn's
 * calls: a `for await` loop over a page runs in microtasks only, so its turn ends only once the page is used
 * up, and a request held until then would leave the reader idle the whole time.
 */
import { close, configure, createSchema } from '../../../src';
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
