/**
 * Related access under configure({ mainThread: 'forbid' }): what was loaded eagerly can be read
 * synchronously; anything else throws a clear error pointing at selectRelated / prefetchRelated / `a.`.
 * The data is written with 'allow' into a file database, then the configuration is switched to 'forbid'.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  close,
  configure,
  createSchema,
  SynchronousOnlyOperation,
  UnprefetchedRelatedModelAccessError,
} from '../../../src';
import { Box, Pizza, Price, Topping } from '../../models';
import { Person } from '../../relations';

const models = [require.resolve('../../models'), require.resolve('../../relations')];
let directory: string;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'threadorm-relations-policy-'));
  const database = join(directory, 'policy.sqlite3');
  configure({ database, models, mainThread: 'allow', workers: 1 });
  createSchema();
  const box = Box.objects.create({ name: 'large' });
  const cheese = Topping.objects.create({ name: 'cheese' });
  const ham = Topping.objects.create({ name: 'ham', vegetarian: false });
  Pizza.objects.create({ name: 'hawaii', box, price: Price.objects.create({ amount: '11.50' }) }).toppings.add(cheese, ham);
  Pizza.objects.create({ name: 'plain', price: Price.objects.create({ amount: '5.00' }) });
  Price.objects.create({ amount: '1.00', currency: 'orphan' });
  const yoda = Person.objects.create({ name: 'Yoda' });
  Person.objects.create({ name: 'Luke', mentor: yoda });
  await close();
  configure({ database, models, mainThread: 'forbid', workers: 1 });
  // starting the worker (which compiles the model modules on a first start) can take a moment
  await Pizza.aobjects.count();
}, 60_000);

afterAll(async () => {
  await close();
  rmSync(directory, { recursive: true, force: true });
});

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

test('the sync API cannot query on the main thread', () => {
  expect(() => Pizza.objects.count()).toThrow(SynchronousOnlyOperation);
});

test('reading an unfetched forward FK throws UnprefetchedRelatedModelAccessError with guidance', async () => {
  const pizza = await Pizza.aobjects.get({ name: 'hawaii' });
  const error = caught(() => pizza.box);
  expect(error).toBeInstanceOf(UnprefetchedRelatedModelAccessError);
  const message = (error as Error).message;
  expect(message).toContain('Pizza.box');
  expect(message).toContain('selectRelated');
  expect(message).toContain('prefetchRelated');
  expect(message).toContain('await pizza.a.box');
});

test('a forward one-to-one and a FK to self behave the same', async () => {
  const pizza = await Pizza.aobjects.get({ name: 'plain' });
  expect(caught(() => pizza.price)).toBeInstanceOf(UnprefetchedRelatedModelAccessError);
  expect((caught(() => pizza.price) as Error).message).toContain('Pizza.price');
  const luke = await Person.aobjects.get({ name: 'Luke' });
  expect((caught(() => luke.mentor) as Error).message).toContain('Person.mentor');
});

test('a null key needs no query: the accessor gives null', async () => {
  const pizza = await Pizza.aobjects.get({ name: 'plain' });
  expect(pizza.box).toBeNull();
});

test('an unfetched reverse one-to-one throws the same error, naming Price.pizza', async () => {
  const price = await Price.aobjects.get({ amount: '11.50' });
  const error = caught(() => price.pizza);
  expect(error).toBeInstanceOf(UnprefetchedRelatedModelAccessError);
  expect((error as Error).message).toContain('Price.pizza');
});

test('selectRelated loads what the sync accessors then read', async () => {
  const pizza = await Pizza.aobjects.selectRelated('box', 'price').get({ name: 'hawaii' });
  expect(pizza.box?.name).toBe('large');
  expect(pizza.price.amount).toBe('11.50');
  const prices = await Price.aobjects.selectRelated('pizza').orderBy('amount').eval();
  expect(prices.map((price) => price.currency)).toEqual(['orphan', 'usd', 'usd']);
  expect(() => prices[0]!.pizza).toThrow(Pizza.DoesNotExist);
  expect(prices[2]!.pizza.name).toBe('hawaii');
  const luke = await Person.aobjects.selectRelated('mentor').get({ name: 'Luke' });
  expect(luke.mentor?.name).toBe('Yoda');
});

test('prefetchRelated loads what the related managers then read from their cache', async () => {
  const pizzas = await Pizza.aobjects.prefetchRelated('toppings', 'box').eval();
  const hawaii = pizzas.find((pizza) => pizza.name === 'hawaii')!;
  expect(hawaii.toppings.all().eval().map((t) => t.name)).toEqual(['cheese', 'ham']);
  expect(hawaii.toppings.eval().map((t) => t.name)).toEqual(['cheese', 'ham']);
  expect(hawaii.toppings.count()).toBe(2);
  expect(hawaii.box?.name).toBe('large');
  const boxes = await Box.aobjects.prefetchRelated('pizzaSet').eval();
  expect(boxes[0]!.pizzaSet.all().eval().map((p) => p.name)).toEqual(['hawaii']);
});

test('an unfetched related manager cannot be evaluated synchronously', async () => {
  const box = await Box.aobjects.get({ name: 'large' });
  expect(() => box.pizzaSet.eval()).toThrow(SynchronousOnlyOperation);
  const pizza = await Pizza.aobjects.get({ name: 'hawaii' });
  expect(() => pizza.toppings.count()).toThrow(SynchronousOnlyOperation);
  // filtering a prefetched manager needs the database too
  const prefetched = await Pizza.aobjects.prefetchRelated('toppings').get({ name: 'hawaii' });
  expect(() => prefetched.toppings.filter({ name: 'ham' }).eval()).toThrow(SynchronousOnlyOperation);
});

test('the async accessors work where the sync ones refuse', async () => {
  const pizza = await Pizza.aobjects.get({ name: 'hawaii' });
  expect((await pizza.a.box)?.name).toBe('large');
  // once awaited, the instance is cached for the sync accessor too
  expect(pizza.box?.name).toBe('large');
  const price = await Price.aobjects.get({ currency: 'orphan' });
  await expect(price.a.pizza).rejects.toBeInstanceOf(Pizza.DoesNotExist);
  const box = await Box.aobjects.get({ name: 'large' });
  expect(await box.a.pizzaSet.count()).toBe(1);
  expect((await pizza.a.toppings.eval()).map((t) => t.name)).toEqual(['cheese', 'ham']);
});
