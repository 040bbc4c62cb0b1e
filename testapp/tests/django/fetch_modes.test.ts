/**
 * Fetch modes (Django 6.1): FETCH_ONE, FETCH_PEERS and RAISE, through the sync API and the async one.
 * Ports of Django's fetch-mode cases, on this app's models: many_to_one's Article.reporter is Pizza.box,
 * one_to_one's Restaurant.place is Pizza.price and its reverse Place.restaurant is Price.pizza, defer's
 * Primary.value is a deferred Pizza field.
 */
import {
  acreateSchema,
  captureQueries,
  close,
  configure,
  createSchema,
  FETCH_ONE,
  FETCH_PEERS,
  FieldError,
  FieldFetchBlocked,
  Prefetch,
  RAISE,
  UnprefetchedRelatedModelAccessError,
  type CapturedQuery,
} from '../../../src';
import { Box, Pizza, Price } from '../../models';
import { MODELS, resetAndSeed } from '../async/helpers';
import { dropTestDatabase, testDatabase } from '../test-database';

jest.setTimeout(60_000);

let database = '';
/** Set by the last block, which runs under mainThread: 'forbid' (no sync reset there). */
let forbidden = false;

beforeAll(() => {
  database = testDatabase();
  configure({ database, models: MODELS, workers: 2 });
  createSchema();
});

afterAll(async () => {
  await close();
  dropTestDatabase();
});

beforeEach(() => {
  if (!forbidden) resetAndSeed();
});

/** The statements a call ran, without the transaction control around writes. */
const selects = (queries: CapturedQuery[]) => queries.filter((query) => /^\s*SELECT/i.test(query.sql));

const boxNames = (pizzas: Pizza[]) => pizzas.map((pizza) => pizza.box?.name ?? null);

describe('FETCH_PEERS, sync', () => {
  // many_to_one.tests.ManyToOneTests.test_fetch_mode_fetch_peers_forward
  test('the first read of a foreign key loads it for every peer: N+1 queries become 2', () => {
    const plain = captureQueries(() => boxNames(Pizza.objects.all().eval()));
    expect(plain).toHaveLength(1 + 4); // one per pizza that has a box

    let names: Array<string | null> = [];
    const peers = captureQueries(() => (names = boxNames(Pizza.objects.fetchMode(FETCH_PEERS).eval())));
    expect(peers).toHaveLength(2);
    expect(names).toEqual(['extra large', 'large', 'large', 'small', null]);
    expect(names).toEqual(boxNames(Pizza.objects.all().eval()));
  });

  test('after the load, the other peers read their relation with no query', () => {
    const [first, ...others] = Pizza.objects.fetchMode(FETCH_PEERS).eval();
    expect(captureQueries(() => first!.box)).toHaveLength(1);
    expect(captureQueries(() => others.map((pizza) => pizza.box))).toHaveLength(0);
  });

  // one_to_one.tests.OneToOneTests.test_fetch_mode_fetch_peers_forward
  test('a forward one-to-one loads for every peer', () => {
    const [first, ...others] = Pizza.objects.fetchMode(FETCH_PEERS).eval();
    expect(captureQueries(() => first!.price.amount)).toHaveLength(1);
    let amounts: string[] = [];
    expect(captureQueries(() => (amounts = others.map((pizza) => pizza.price.amount)))).toHaveLength(0);
    expect(amounts).toEqual(['9.00', '10.25', '8.50', '7.75']);
  });

  // one_to_one.tests.OneToOneTests.test_fetch_mode_fetch_peers_reverse
  test('a reverse one-to-one loads for every peer, and a missing one throws DoesNotExist without a query', () => {
    const prices = Price.objects.fetchMode(FETCH_PEERS).orderBy('amount').eval();
    expect(captureQueries(() => prices[0]!.pizza.name)).toHaveLength(1);
    const withoutPizza = prices.find((price) => price.currency === 'eur')!;
    let caught: unknown;
    const queries = captureQueries(() => {
      try {
        withoutPizza.pizza;
      } catch (error) {
        caught = error;
      }
    });
    expect(queries).toHaveLength(0);
    expect(caught).toBeInstanceOf(Pizza.DoesNotExist);
    expect(captureQueries(() => prices.filter((price) => price !== withoutPizza).map((price) => price.pizza.name))).toHaveLength(0);
  });

  // defer.tests.DeferTests.test_defer_fetch_mode_fetch_peers
  test('a deferred field loads for every peer', () => {
    const [first, second, ...others] = Pizza.objects.fetchMode(FETCH_PEERS).defer('name').eval();
    expect(captureQueries(() => first!.name)).toHaveLength(1);
    expect(captureQueries(() => second!.name)).toHaveLength(0);
    expect([first!.name, second!.name, ...others.map((pizza) => pizza.name)]).toEqual(['Diavola', 'Funghi', 'Hawaii', 'Margherita', 'Marinara']);
  });

  // defer.tests.DeferTests.test_only_fetch_mode_fetch_peers
  test('a field left out by only() loads for every peer', () => {
    const [first, second] = Pizza.objects.fetchMode(FETCH_PEERS).only('name').eval();
    expect(captureQueries(() => first!.boxId)).toHaveLength(1);
    expect(captureQueries(() => second!.boxId)).toHaveLength(0);
    expect(second!.boxId).toBe(Box.objects.get({ name: 'large' }).pk);
  });

  // defer.tests.DeferTests.test_defer_fetch_mode_fetch_peers_single
  test('an instance with no peers loads its deferred field alone', () => {
    const pizza = Pizza.objects.fetchMode(FETCH_PEERS).defer('name').get({ boxId: Box.objects.get({ name: 'small' }).pk });
    expect(captureQueries(() => pizza.name)).toHaveLength(1);
    expect(pizza.name).toBe('Margherita');
  });

  test('iterator() makes each chunk one result set', () => {
    const pizzas = [...Pizza.objects.fetchMode(FETCH_PEERS).iterator({ chunkSize: 2 })];
    expect(captureQueries(() => pizzas[0]!.box)).toHaveLength(1);
    expect(captureQueries(() => pizzas[1]!.box)).toHaveLength(0);
    expect(captureQueries(() => pizzas[2]!.box)).toHaveLength(1);
  });

  test('instances built by selectRelated() are peers of each other too', () => {
    const pizzas = Pizza.objects.fetchMode(FETCH_PEERS).selectRelated('box').filter({ box__isnull: false }).eval();
    expect(pizzas.map((pizza) => pizza.box!._state.fetchMode)).toEqual(pizzas.map(() => FETCH_PEERS));
    const boxes = new Set(pizzas.map((pizza) => pizza.box));
    expect(new Set(pizzas[0]!.box!._state.peers!.live())).toEqual(boxes);
  });

  test('a peer whose relation is already cached is not loaded again', () => {
    const pizzas = Pizza.objects.fetchMode(FETCH_PEERS).filter({ box__isnull: false }).eval();
    const hawaii = pizzas.find((pizza) => pizza.name === 'Hawaii')!;
    const own = Box.objects.get({ name: 'large' });
    hawaii.box = own;
    const [query] = captureQueries(() => pizzas[0]!.box);
    expect(query!.params).toHaveLength(3); // the three keys of the other pizzas: large, extra large, small
    expect(hawaii.box).toBe(own);
  });
});

describe('RAISE, sync', () => {
  // many_to_one.tests.ManyToOneTests.test_fetch_mode_raise_forward
  test('reading an unloaded foreign key throws FieldFetchBlocked naming it', () => {
    const pizza = Pizza.objects.fetchMode(RAISE).get({ name: 'Funghi' });
    let caught: unknown;
    const queries = captureQueries(() => {
      try {
        pizza.box;
      } catch (error) {
        caught = error;
      }
    });
    expect(queries).toHaveLength(0);
    expect(caught).toBeInstanceOf(FieldFetchBlocked);
    expect(caught).toBeInstanceOf(FieldError);
    expect((caught as Error).message).toBe(
      "Fetching of Pizza.box blocked (fetch mode RAISE): load it with selectRelated('box') or prefetchRelated('box'), or use fetchMode(FETCH_PEERS).",
    );
  });

  // one_to_one.tests.OneToOneTests.test_fetch_mode_raise_forward / test_fetch_mode_raise_reverse
  test('a one-to-one either way throws FieldFetchBlocked', () => {
    const pizza = Pizza.objects.fetchMode(RAISE).get({ name: 'Funghi' });
    expect(() => pizza.price).toThrow(/^Fetching of Pizza\.price blocked/);
    const price = Price.objects.fetchMode(RAISE).get({ amount: '9.00' });
    expect(() => price.pizza).toThrow(FieldFetchBlocked);
    expect(() => price.pizza).toThrow("Fetching of Price.pizza blocked (fetch mode RAISE): load it with prefetchRelated('pizza')");
  });

  // defer.tests.DeferTests.test_defer_fetch_mode_raise / test_only_fetch_mode_raise
  test('a deferred field throws FieldFetchBlocked', () => {
    const deferred = Pizza.objects.fetchMode(RAISE).defer('name').get({ name: 'Funghi' });
    expect(() => deferred.name).toThrow('Fetching of Pizza.name blocked (fetch mode RAISE): it was left out by defer()/only()');
    const only = Pizza.objects.fetchMode(RAISE).only('name').get({ name: 'Funghi' });
    expect(() => only.boxId).toThrow(FieldFetchBlocked);
    expect(only.name).toBe('Funghi');
  });

  // prefetch_related.tests.FetchModeTests.test_fetch_mode_raise (and the same for selectRelated)
  test('what selectRelated() or prefetchRelated() loaded reads without an error', () => {
    const selected = Pizza.objects.fetchMode(RAISE).selectRelated('box').get({ name: 'Funghi' });
    expect(selected.box!.name).toBe('large');
    const prefetched = Pizza.objects.fetchMode(RAISE).prefetchRelated('price').get({ name: 'Funghi' });
    expect(prefetched.price.amount).toBe('9.00');
    const marinara = Pizza.objects.fetchMode(RAISE).get({ name: 'Marinara' });
    expect(marinara.box).toBeNull(); // no key: nothing to fetch
  });

  test('the default mode is FETCH_ONE: one query per read, as before', () => {
    const [first, second] = Pizza.objects.fetchMode(FETCH_ONE).eval();
    expect(first!._state.fetchMode).toBe(FETCH_ONE);
    expect(captureQueries(() => [first!.box, second!.box])).toHaveLength(2);
  });

  test('fetchMode() takes one of the three modes only', () => {
    expect(() => (Pizza.objects.fetchMode as (mode: unknown) => unknown)('FETCH_PEERS')).toThrow(
      'Pizza.objects.fetchMode() takes FETCH_ONE, FETCH_PEERS or RAISE (exported by threadorm); got string.',
    );
  });
});

describe('the mode carries to related instances', () => {
  // many_to_one.tests.ManyToOneTests.test_fetch_mode_copied_forward_fetching_one
  test('a foreign key fetched for one instance', () => {
    const pizza = Pizza.objects.fetchMode(FETCH_PEERS).get({ name: 'Funghi' });
    expect(pizza._state.fetchMode).toBe(FETCH_PEERS);
    expect(pizza.box!._state.fetchMode).toBe(FETCH_PEERS);
  });

  // many_to_one.tests.ManyToOneTests.test_fetch_mode_copied_forward_fetching_many
  test('foreign keys fetched for peers, which are peers of each other', () => {
    const pizzas = Pizza.objects.fetchMode(FETCH_PEERS).eval();
    expect(pizzas[0]!.box!._state.fetchMode).toBe(FETCH_PEERS);
    expect(pizzas[0]!.box!._state.peers!.live().map((box) => (box as Box).name).sort()).toEqual(['extra large', 'large', 'small']);
  });

  // one_to_one.tests.OneToOneTests.test_fetch_mode_copied_reverse_fetching_one / _many
  test('a reverse one-to-one, fetched alone or for peers', () => {
    const price = Price.objects.fetchMode(RAISE).get({ amount: '9.00' });
    expect(() => price.pizza).toThrow(FieldFetchBlocked);
    const one = Price.objects.fetchMode(FETCH_PEERS).get({ amount: '9.00' });
    expect(one.pizza._state.fetchMode).toBe(FETCH_PEERS);
    const many = Price.objects.fetchMode(FETCH_PEERS).filter({ currency: 'usd' }).eval();
    expect(many[0]!.pizza._state.fetchMode).toBe(FETCH_PEERS);
  });

  // many_to_one.tests.ManyToOneTests.test_fetch_mode_copied_reverse_fetching_one
  test('the objects of a related manager', () => {
    const box = Box.objects.fetchMode(RAISE).get({ name: 'large' });
    const pizzas = box.pizzaSet.all().eval();
    expect(pizzas.map((pizza) => pizza._state.fetchMode)).toEqual([RAISE, RAISE]);
    expect(() => pizzas[0]!.price).toThrow(FieldFetchBlocked);
  });

  // many_to_many.tests.ManyToManyTests.test_fetch_mode_copied_forward_fetching_many
  test('the objects of a many-to-many manager', () => {
    const [pizza] = Pizza.objects.fetchMode(FETCH_PEERS).filter({ name: 'Diavola' }).eval();
    const toppings = pizza!.toppings.all().eval();
    expect(toppings).toHaveLength(3);
    expect(toppings.map((topping) => topping._state.fetchMode)).toEqual([FETCH_PEERS, FETCH_PEERS, FETCH_PEERS]);
  });

  // prefetch_related.tests.FetchModeTests.test_fetch_mode_copied_fetching_one
  test('prefetched objects', () => {
    const box = Box.objects.fetchMode(FETCH_PEERS).prefetchRelated('pizzaSet').get({ name: 'large' });
    const pizzas = box.pizzaSet.all().eval();
    expect(pizzas.map((pizza) => pizza._state.fetchMode)).toEqual([FETCH_PEERS, FETCH_PEERS]);
    expect(captureQueries(() => pizzas.map((pizza) => pizza.price.amount))).toHaveLength(1);
  });

  test('a Prefetch() with a queryset of its own keeps that queryset’s mode', () => {
    const box = Box.objects
      .fetchMode(FETCH_PEERS)
      .prefetchRelated(Prefetch('pizzaSet', { queryset: Pizza.objects.fetchMode(RAISE) }))
      .get({ name: 'large' });
    expect(box.pizzaSet.all().eval().map((pizza) => pizza._state.fetchMode)).toEqual([RAISE, RAISE]);
  });
});

describe('FETCH_PEERS and RAISE, async', () => {
  test('`await pizza.a.box` for all pizzas of a result set, in one tick, is one query in a worker', async () => {
    const pizzas = await Pizza.aobjects.fetchMode(FETCH_PEERS);
    let boxes: Array<Box | null> = [];
    const queries = await captureQueries(async () => {
      boxes = await Promise.all(pizzas.map((pizza) => pizza.a.box));
    });
    expect(selects(queries)).toHaveLength(1);
    expect(queries[0]!.connection).not.toMatch(/^main/);
    expect(boxes.map((box) => box?.name ?? null)).toEqual(['extra large', 'large', 'large', 'small', null]);
    expect(captureQueries(() => pizzas.map((pizza) => pizza.box))).toHaveLength(0); // cached for the sync accessor too
  });

  test('awaited one after the other, the first await loads for all peers', async () => {
    const pizzas = await Pizza.aobjects.fetchMode(FETCH_PEERS).filter({ box__isnull: false });
    const queries = await captureQueries(async () => {
      for (const pizza of pizzas) await pizza.a.box;
    });
    expect(selects(queries)).toHaveLength(1);
  });

  test('without FETCH_PEERS, one query per instance awaited one after the other, as before', async () => {
    const pizzas = await Pizza.aobjects.filter({ box__isnull: false });
    const queries = await captureQueries(async () => {
      for (const pizza of pizzas) await pizza.a.box;
    });
    expect(selects(queries)).toHaveLength(4);
  });

  test('a reverse one-to-one: one query, and a missing one rejects with DoesNotExist', async () => {
    const prices = await Price.aobjects.fetchMode(FETCH_PEERS).orderBy('amount');
    let results: unknown[] = [];
    const queries = await captureQueries(async () => {
      results = await Promise.all(prices.map((price) => price.a.pizza.then((pizza) => pizza.name, (error: unknown) => error)));
    });
    expect(selects(queries)).toHaveLength(1);
    expect(results.slice(0, 5)).toEqual(['Marinara', 'Margherita', 'Funghi', 'Hawaii', 'Diavola']);
    expect(results[5]).toBeInstanceOf(Pizza.DoesNotExist);
  });

  test('loaded related instances carry the mode', async () => {
    const pizzas = await Pizza.aobjects.fetchMode(FETCH_PEERS).filter({ box__isnull: false });
    const box = await pizzas[0]!.a.box;
    expect(box!._state.fetchMode).toBe(FETCH_PEERS);
    const alone = await Pizza.aobjects.fetchMode(FETCH_PEERS).get({ name: 'Funghi' });
    expect((await alone.a.price)._state.fetchMode).toBe(FETCH_PEERS);
  });

  test('RAISE rejects an async lazy load with FieldFetchBlocked', async () => {
    const pizza = await Pizza.aobjects.fetchMode(RAISE).get({ name: 'Funghi' });
    await expect(pizza.a.box).rejects.toThrow(FieldFetchBlocked);
    await expect(pizza.a.box).rejects.toThrow(/^Fetching of Pizza\.box blocked/);
    const price = await Price.aobjects.fetchMode(RAISE).get({ amount: '9.00' });
    await expect(price.a.pizza).rejects.toThrow(FieldFetchBlocked);
  });

  test('instances built in a worker keep their mode and their peers (get, inBulk, prefetching)', async () => {
    const single = await Pizza.aobjects.fetchMode(RAISE).get({ name: 'Funghi' });
    expect(() => single.box).toThrow(FieldFetchBlocked);
    const byKey = await Pizza.aobjects.fetchMode(FETCH_PEERS).inBulk();
    const pizzas = [...byKey.values()].filter((pizza) => pizza.boxId !== null);
    expect(captureQueries(() => pizzas[0]!.box)).toHaveLength(1);
    expect(captureQueries(() => pizzas.map((pizza) => pizza.box))).toHaveLength(0);
    const boxes = await Box.aobjects.fetchMode(FETCH_PEERS).prefetchRelated('pizzaSet').filter({ name: 'large' });
    const prefetched = boxes[0]!.pizzaSet.all().eval();
    expect(captureQueries(() => prefetched.map((pizza) => pizza.price.amount))).toHaveLength(1);
  });

  test('the sync twins and aiterator() give the mode too', async () => {
    const pizzas = await Pizza.objects.fetchMode(FETCH_PEERS).filter({ box__isnull: false }).aeval();
    expect(selects(await captureQueries(() => Promise.all(pizzas.map((pizza) => pizza.a.box))))).toHaveLength(1);
    const streamed: Pizza[] = [];
    for await (const pizza of Pizza.aobjects.fetchMode(FETCH_PEERS).aiterator({ chunkSize: 3 })) streamed.push(pizza);
    expect(streamed.map((pizza) => pizza.name)).toEqual(['Diavola', 'Funghi', 'Hawaii', 'Margherita', 'Marinara']);
    // Each chunk is one result set: the first three load together, the last two together.
    expect(captureQueries(() => streamed[0]!.price)).toHaveLength(1);
    expect(captureQueries(() => [streamed[1]!.price, streamed[2]!.price])).toHaveLength(0);
    expect(captureQueries(() => [streamed[3]!.price, streamed[4]!.price])).toHaveLength(1);
  });
});

describe("under mainThread: 'forbid'", () => {
  beforeAll(async () => {
    forbidden = true;
    await close();
    configure({ database, models: MODELS, workers: 1, mainThread: 'forbid' });
    await acreateSchema();
  });

  test('FETCH_PEERS loads through `a.`, and the sync accessor still throws UnprefetchedRelatedModelAccessError', async () => {
    const box = await Box.aobjects.create({ name: 'crate' });
    for (const name of ['a', 'b']) await Pizza.aobjects.create({ name, box, price: await Price.aobjects.create({ amount: '1.00' }) });
    const pizzas = await Pizza.aobjects.fetchMode(FETCH_PEERS).filter({ box });
    expect(pizzas).toHaveLength(2);
    expect(() => pizzas[0]!.box).toThrow(UnprefetchedRelatedModelAccessError);
    const queries = await captureQueries(() => Promise.all(pizzas.map((pizza) => pizza.a.price)));
    expect(selects(queries)).toHaveLength(1);
    expect(pizzas[1]!.price.amount).toBe('1.00'); // loaded for both: no query needed now
  });

  test('RAISE wins over the unfetched-relation rule: the error says which mode blocked the read', async () => {
    const [pizza] = await Pizza.aobjects.fetchMode(RAISE).slice(0, 1);
    expect(() => pizza!.box).toThrow(FieldFetchBlocked);
  });
});
