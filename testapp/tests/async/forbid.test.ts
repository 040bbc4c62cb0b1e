/**
 * mainThread: 'forbid': every sync call that would touch the database from the main thread throws
 * SynchronousOnlyOperation, unfetched relations throw UnprefetchedRelatedModelAccessError, and the async
 * API (aobjects, asave, a.<relation>, twins, aatomic, syncToAsync) works the same.
 */
import {
  Count,
  SynchronousOnlyOperation,
  UnprefetchedRelatedModelAccessError,
  aatomic,
  acreateSchema,
  captureQueries,
  close,
  configure,
  createSchema,
} from '../../../src';
import { Box, Pizza, Price, Topping } from '../../models';
import { MODELS, norm, rejection, thrown } from './helpers';
import { boxWithPizza } from './units';
import { dropTestDatabase, testDatabase } from '../test-database';

jest.setTimeout(60_000);

beforeAll(async () => {
  configure({ database: testDatabase(), models: MODELS, workers: 2, mainThread: 'forbid' });
  await acreateSchema();
  const [cheese, ham] = await Promise.all([Topping.aobjects.create({ name: 'cheese' }), Topping.aobjects.create({ name: 'ham' })]);
  const large = await Box.aobjects.create({ name: 'large' });
  for (const [name, amount] of [['Hawaii', '10.25'], ['Funghi', '9.00']] as const) {
    const price = await Price.aobjects.create({ amount });
    const pizza = await Pizza.aobjects.create({ name, price, box: large });
    await pizza.a.toppings.add(cheese, ...(name === 'Hawaii' ? [ham] : []));
  }
  await Price.aobjects.create({ amount: '1.00' });
});

afterAll(async () => {
  await close();
  dropTestDatabase();
});

function expectSynchronousOnly(fn: () => unknown, call?: RegExp): void {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(SynchronousOnlyOperation);
  if (call) expect(error.message).toMatch(call);
  expect(error.message).toMatch(/aobjects/);
  expect(error.message).toMatch(/asave/);
  expect(error.message).toMatch(/a\.<relation>/);
}

describe('sync calls from the main thread throw SynchronousOnlyOperation', () => {
  test('querysets: evaluation, iteration and every terminal', () => {
    expectSynchronousOnly(() => Pizza.objects.count(), /Pizza\.objects\.count\(\)/);
    expectSynchronousOnly(() => Pizza.objects.filter({ name: 'Hawaii' }).eval(), /Pizza\.objects\.eval\(\)/);
    expectSynchronousOnly(() => [...Pizza.objects.all()]);
    expectSynchronousOnly(() => Pizza.objects.get({ name: 'Hawaii' }), /get\(\)/);
    expectSynchronousOnly(() => Pizza.objects.first());
    expectSynchronousOnly(() => Pizza.objects.exists());
    expectSynchronousOnly(() => Pizza.objects.values('name').eval());
    expectSynchronousOnly(() => Pizza.objects.aggregate({ n: Count('id') }));
    expectSynchronousOnly(() => Box.objects.create({ name: 'x' }));
    expectSynchronousOnly(() => Box.objects.update({ name: 'x' }));
    expectSynchronousOnly(() => Box.objects.delete());
    expectSynchronousOnly(() => Box.objects.raw('SELECT * FROM "box"'));
    expectSynchronousOnly(() => [...Box.objects.iterator()]);
  });

  test('instances: save, delete, refreshFromDb', async () => {
    expectSynchronousOnly(() => new Box({ name: 'x' }).save(), /Box\.save\(\)/);
    const box = await Box.aobjects.get({ name: 'large' });
    expectSynchronousOnly(() => box.refreshFromDb());
    expectSynchronousOnly(() => box.delete());
    expect(await Box.aobjects.filter({ name: 'x' }).exists()).toBe(false);
  });

  test('related managers and createSchema()', async () => {
    const pizza = await Pizza.aobjects.get({ name: 'Hawaii' });
    expectSynchronousOnly(() => pizza.toppings.eval());
    expectSynchronousOnly(() => pizza.toppings.count());
    expectSynchronousOnly(() => pizza.toppings.clear());
    expectSynchronousOnly(() => createSchema());
  });

  test('chaining alone is fine (it does not touch the database)', () => {
    const queryset = Pizza.objects.filter({ name__startswith: 'H' }).orderBy('-name').values('name');
    expect(queryset.toSql().sql).toMatch(/SELECT/);
  });
});

describe('unfetched relations throw UnprefetchedRelatedModelAccessError', () => {
  test('forward FK and one-to-one, reverse one-to-one', async () => {
    const pizza = await Pizza.aobjects.get({ name: 'Hawaii' });
    const error = thrown(() => pizza.box);
    expect(error).toBeInstanceOf(UnprefetchedRelatedModelAccessError);
    expect(error.message).toMatch(/Pizza\.box/);
    expect(error.message).toMatch(/selectRelated|prefetchRelated/);
    expect(error.message).toMatch(/await pizza\.a\.box/);
    expect(thrown(() => pizza.price)).toBeInstanceOf(UnprefetchedRelatedModelAccessError);
    const price = await Price.aobjects.get({ amount: '10.25' });
    expect(thrown(() => price.pizza)).toBeInstanceOf(UnprefetchedRelatedModelAccessError);
  });

  test('a deferred field', async () => {
    const [pizza] = await Pizza.aobjects.only('id').filter({ name: 'Hawaii' });
    expect(thrown(() => pizza!.name)).toBeInstanceOf(UnprefetchedRelatedModelAccessError);
    const viaGet = await Pizza.aobjects.defer('name').get({ pk: pizza!.pk });
    expect(thrown(() => viaGet.name)).toBeInstanceOf(UnprefetchedRelatedModelAccessError);
    await viaGet.arefreshFromDb();
    expect(viaGet.name).toBe('Hawaii');
  });

  test('fetched relations read synchronously: selectRelated, prefetchRelated, a null FK', async () => {
    const pizza = await Pizza.aobjects.selectRelated('box', 'price').get({ name: 'Hawaii' });
    expect(pizza.box!.name).toBe('large');
    expect(pizza.price.amount).toBe('10.25');
    const [prefetched] = await Pizza.aobjects.prefetchRelated('toppings').filter({ name: 'Hawaii' });
    expect(prefetched!.toppings.eval().map((topping) => topping.name)).toEqual(['cheese', 'ham']);
    expect(prefetched!.toppings.all().eval()).toHaveLength(2);
    const box = await Box.aobjects.prefetchRelated('pizzaSet').get({ name: 'large' });
    expect(box.pizzaSet.eval().map((p) => p.name).sort()).toEqual(['Funghi', 'Hawaii']);
    expect(box.pizzaSet.eval()[0]!.box).toBe(box); // the prefetch caches the back reference
    const orphan = new Pizza({ name: 'orphan' });
    expect(orphan.box).toBeNull();
  });
});

describe('the async API works the same', () => {
  test('aobjects, asave, adelete, arefreshFromDb', async () => {
    expect(await Pizza.aobjects.count()).toBe(2);
    expect(norm(await Pizza.aobjects.valuesList('name', { flat: true }))).toEqual(['Funghi', 'Hawaii']);
    const box = new Box({ name: 'forbidden' });
    await box.asave();
    expect(box.pk).toEqual(expect.any(Number));
    box.name = 'renamed';
    await box.asave();
    await box.arefreshFromDb();
    expect(box.name).toBe('renamed');
    expect(await box.adelete()).toEqual([1, { Box: 1 }]);
  });

  test('a.<relation>', async () => {
    const pizza = await Pizza.aobjects.get({ name: 'Hawaii' });
    expect((await pizza.a.box)!.name).toBe('large');
    expect(pizza.box!.name).toBe('large'); // now cached: the sync accessor reads it
    expect((await pizza.a.price).amount).toBe('10.25');
    expect((await pizza.a.toppings.valuesList('name', { flat: true })).sort()).toEqual(['cheese', 'ham']);
    const price = await Price.aobjects.get({ amount: '9.00' });
    expect((await price.a.pizza).name).toBe('Funghi');
    const lonely = await Price.aobjects.get({ amount: '1.00' });
    expect(await rejection(lonely.a.pizza)).toBeInstanceOf(Pizza.DoesNotExist);
    const large = await pizza.a.box;
    expect(await large!.a.pizzaSet.count()).toBe(2);
  });

  test('twins, aatomic, syncToAsync and captureQueries', async () => {
    expect(await Pizza.objects.filter({ box__name: 'large' }).acount()).toBe(2);
    expect((await Pizza.objects.afirst())!.name).toBe('Funghi');
    const hawaii = await Pizza.objects.aget({ name: 'Hawaii' });
    await hawaii.toppings.aremove(await Topping.aobjects.get({ name: 'ham' }));
    expect(await hawaii.toppings.acount()).toBe(1);
    await rejection(
      aatomic(async () => {
        await Box.aobjects.create({ name: 'rolled back' });
        throw new Error('no');
      }),
    );
    expect(await Box.aobjects.filter({ name: 'rolled back' }).exists()).toBe(false);
    const result = await boxWithPizza('unit', 'Unit', '3.00');
    expect(result.pizza.name).toBe('Unit');
    const queries = await captureQueries(() => Box.aobjects.count());
    expect(queries).toHaveLength(1);
    expect(queries[0]!.connection).not.toBe('main');
  });
});
