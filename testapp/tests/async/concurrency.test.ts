/**
 * Many concurrent async calls: every write lands exactly once, no SQLITE_BUSY (or any error) reaches the
 * caller, concurrent increments are not lost, and one failing call does not take its batch down.
 */
import { F, IntegrityError, close, configure, createSchema } from '../../../src';
import { Box, Choice, Question, Topping } from '../../models';
import { MODELS } from './helpers';
import { dropTestDatabase, testDatabase } from '../test-database';

jest.setTimeout(120_000);

beforeAll(async () => {
  configure({ database: testDatabase(), models: MODELS, workers: 2 });
  createSchema();
  await Box.aobjects.count(); // start the pool
});

afterAll(async () => {
  await close();
  dropTestDatabase();
});

test('2,000 concurrent acreate() / asave() calls all land, with reads in between', async () => {
  const creates = Array.from({ length: 1000 }, (_, i) => Box.aobjects.create({ name: `box ${i}` }));
  const toppings = Array.from({ length: 1000 }, (_, i) => new Topping({ name: `topping ${i}`, vegetarian: i % 2 === 0 }));
  const saves = toppings.map((topping) => topping.asave());
  const reads = Array.from({ length: 50 }, () => Box.aobjects.count());
  const settled = await Promise.allSettled([...creates, ...saves, ...reads]);
  const failures = settled.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  expect(failures.map((failure) => String(failure.reason))).toEqual([]);

  const boxes = await Promise.all(creates);
  expect(boxes.every((box) => box instanceof Box && typeof box.pk === 'number')).toBe(true);
  expect(new Set(boxes.map((box) => box.pk)).size).toBe(1000);
  expect(new Set(toppings.map((topping) => topping.pk)).size).toBe(1000);
  expect(toppings.every((topping) => typeof topping.pk === 'number' && !topping._state.adding)).toBe(true);

  expect(await Box.aobjects.count()).toBe(1000);
  expect(await Topping.aobjects.count()).toBe(1000);
  expect(await Topping.aobjects.filter({ vegetarian: true }).count()).toBe(500);
  // every row is the one its call wrote
  const stored = await Box.aobjects.inBulk(boxes.map((box) => box.pk));
  for (const box of boxes) expect(stored.get(box.pk)!.name).toBe(box.name);
  const storedToppings = await Topping.aobjects.inBulk(toppings.map((topping) => topping.pk));
  for (const topping of toppings) expect(storedToppings.get(topping.pk)!.name).toBe(topping.name);
  // the sync API (another connection) sees the same rows
  expect(Box.objects.count()).toBe(1000);
});

test('concurrent F() increments are not lost; concurrent asave() updates of different rows all stick', async () => {
  const question = await Question.aobjects.create({ questionText: 'Busy?', pubDate: new Date() });
  const choice = await question.a.choiceSet.create({ choiceText: 'yes' });
  const bumps = Array.from({ length: 500 }, () => Choice.aobjects.filter({ pk: choice.pk }).update({ votes: F('votes').add(1) }));
  expect(await Promise.all(bumps)).toEqual(Array(500).fill(1));
  await choice.arefreshFromDb();
  expect(choice.votes).toBe(500);

  const boxes = await Box.aobjects.filter({ name__startswith: 'box ' }).orderBy('id').slice(0, 300);
  for (const box of boxes) box.name = `renamed ${box.pk}`;
  await Promise.all(boxes.map((box) => box.asave()));
  expect(await Box.aobjects.filter({ name__startswith: 'renamed ' }).count()).toBe(300);
});

test('one failing write does not fail the other calls of its batch', async () => {
  const calls = [
    ...Array.from({ length: 100 }, (_, i) => Topping.aobjects.create({ name: `batch ${i}` })),
    Topping.aobjects.create({ name: 'batch 50' }), // duplicate of a name created in the same tick
    ...Array.from({ length: 100 }, (_, i) => Topping.aobjects.create({ name: `batch ${100 + i}` })),
  ];
  const settled = await Promise.allSettled(calls);
  const rejected = settled.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  expect(rejected).toHaveLength(1);
  expect(rejected[0]!.reason).toBeInstanceOf(IntegrityError);
  expect(settled[100]!.status).toBe('rejected');
  expect(await Topping.aobjects.filter({ name__startswith: 'batch ' }).count()).toBe(200);
});

test('reads and writes interleaved across many turns of the event loop', async () => {
  const results = await Promise.all(
    Array.from({ length: 200 }, async (_, i) => {
      await new Promise((resolve) => setImmediate(resolve));
      const box = await Box.aobjects.create({ name: `turn ${i}` });
      const read = await Box.aobjects.get({ pk: box.pk });
      return read.name === `turn ${i}`;
    }),
  );
  expect(results.every(Boolean)).toBe(true);
  expect(await Box.aobjects.filter({ name__startswith: 'turn ' }).count()).toBe(200);
});

test('concurrent get() calls of one turn (coalesced by key) each get their own row or DoesNotExist', async () => {
  const boxes = await Box.aobjects.filter({ name__startswith: 'turn ' }).orderBy('id').slice(0, 50);
  const missing = [1_000_001, 1_000_002];
  const keys = [...boxes.map((box) => box.pk), ...missing, boxes[0]!.pk, String(boxes[1]!.pk)];
  const settled = await Promise.allSettled(keys.map((pk) => Box.aobjects.get({ pk })));
  settled.forEach((result, index) => {
    const key = keys[index];
    if (missing.includes(key as number)) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(Box.DoesNotExist);
      expect((result as PromiseRejectedResult).reason.message).toBe('Box matching query does not exist.');
      return;
    }
    expect(result.status).toBe('fulfilled');
    const box = (result as PromiseFulfilledResult<Box>).value;
    expect(box).toBeInstanceOf(Box);
    expect(box.pk).toBe(Number(key));
  });
  const byName = await Promise.all(['topping 1', 'topping 2', 'batch 7'].map((name) => Topping.aobjects.get({ name })));
  expect(byName.map((topping) => topping.name)).toEqual(['topping 1', 'topping 2', 'batch 7']);
});
