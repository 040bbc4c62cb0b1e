/**
 * The async method table (src/models/async-methods.ts) is the one source of what the async API runs in a
 * worker: every method in it is reachable through `aobjects`, the async related managers and the twins, and
 * nothing else is; each call takes the lane the table says; its options are taken off where the table says;
 * and a worker refuses what the table does not allow, before anything of the call runs.
 */
import { captureQueries, close, configure, Count, createSchema, Manager, Model, QueryCancelled, QuerySet, type CapturedQuery } from '../../../src';
import { ASYNC_METHODS, type AsyncMethod, type AsyncTarget } from '../../../src/models/async-methods';
import { ManyRelatedManager, ReverseManyToOneManager } from '../../../src/models/related-managers';
import { AsyncQuerySet } from '../../../src/async/queryset';
import { encode } from '../../../src/async/codec';
import { send } from '../../../src/async/executor';
import { isChainMethod, splitQueryOptions } from '../../../src/async/methods';
import type { CallPayload } from '../../../src/async/protocol';
import { Box, Choice, Pizza, Question, Topping } from '../../models';
import { MODELS, rejection, resetAndSeed, snapshot } from './helpers';
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

const METHODS: AsyncMethod[] = Object.values(ASYNC_METHODS);
const TRANSACTION_CONTROL = /^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/i;
/** The lane of each statement a call ran, transaction control left out. */
const lanes = (queries: CapturedQuery[]) =>
  [...new Set(queries.filter((query) => !TRANSACTION_CONTROL.test(query.sql)).map((query) => /^(\w+)-\d+$/.exec(query.connection)?.[1] ?? query.connection))];

const margherita = () => Pizza.objects.get({ name: 'Margherita' });
const toppings = (...names: string[]) => Topping.objects.filter({ name__in: names }).eval();

type Side = 'async' | 'twin';

/**
 * One call per method and kind of object it is installed on (`'queryset'` covers managers and related
 * managers, which inherit it): what it is called on through each API, and its arguments (built after the
 * data set is reset, so that writes find it as seeded).
 */
interface Case {
  on: (side: Side) => any;
  args: () => unknown[];
}

const onPizzas = (side: Side) => (side === 'async' ? Pizza.aobjects : Pizza.objects);
const onBoxes = (side: Side) => (side === 'async' ? Box.aobjects : Box.objects);
const onToppingsOfMargherita = (side: Side) => (side === 'async' ? margherita().a.toppings : margherita().toppings);

const CASES: Record<string, Case> = {
  'eval on queryset': { on: (side) => onPizzas(side).filter({ box__name: 'large' }), args: () => [] },
  'get on queryset': { on: onPizzas, args: () => [{ pk: 1 }] },
  'create on queryset': { on: onBoxes, args: () => [{ name: 'created' }] },
  'getOrCreate on queryset': { on: onBoxes, args: () => [{ name: 'got or created' }] },
  'updateOrCreate on queryset': { on: onBoxes, args: () => [{ name: 'small' }, { defaults: { name: 'updated' } }] },
  'bulkCreate on queryset': { on: onBoxes, args: () => [[new Box({ name: 'bulk 1' }), new Box({ name: 'bulk 2' })]] },
  'bulkUpdate on queryset': {
    on: (side) => (side === 'async' ? Topping.aobjects : Topping.objects),
    args: () => {
      const ham = Topping.objects.get({ name: 'ham' });
      ham.vegetarian = true;
      return [[ham], ['vegetarian']];
    },
  },
  'count on queryset': { on: (side) => onPizzas(side).filter({ box: null }), args: () => [] },
  'inBulk on queryset': { on: onPizzas, args: () => [[1, 2]] },
  'latest on queryset': { on: (side) => (side === 'async' ? Question.aobjects : Question.objects), args: () => ['pubDate'] },
  'earliest on queryset': { on: (side) => (side === 'async' ? Question.aobjects : Question.objects), args: () => ['pubDate'] },
  'first on queryset': { on: onPizzas, args: () => [] },
  'last on queryset': { on: onPizzas, args: () => [] },
  'aggregate on queryset': { on: onPizzas, args: () => [{ n: Count('id') }] },
  'exists on queryset': { on: (side) => onPizzas(side).filter({ name: 'Funghi' }), args: () => [] },
  'contains on queryset': { on: onPizzas, args: () => [margherita()] },
  'update on queryset': { on: (side) => onBoxes(side).filter({ name: 'empty' }), args: () => [{ name: 'filled' }] },
  'delete on queryset': { on: (side) => (side === 'async' ? Choice.aobjects : Choice.objects).filter({ votes: 0 }), args: () => [] },
  'explain on queryset': { on: onPizzas, args: () => [] },
  'at on queryset': { on: onPizzas, args: () => [1] },
  'raw on manager': { on: onBoxes, args: () => [`SELECT * FROM "${Box._meta.dbTable}"`] },
  'add on related': { on: onToppingsOfMargherita, args: () => toppings('ham') },
  'remove on related': { on: onToppingsOfMargherita, args: () => toppings('cheese') },
  'clear on related': { on: onToppingsOfMargherita, args: () => [] },
  'set on related': { on: onToppingsOfMargherita, args: () => [toppings('ham', 'olive')] },
  'save on instance': {
    on: () => {
      const box = Box.objects.get({ name: 'small' });
      box.name = 'renamed';
      return box;
    },
    args: () => [],
  },
  'delete on instance': { on: () => Choice.objects.get({ votes: 0 }), args: () => [] },
  'refreshFromDb on instance': { on: () => Box.objects.get({ name: 'small' }), args: () => [] },
};

/** The kinds of object a method is installed on: querysets (managers and related managers inherit it), else its own. */
function homes(method: AsyncMethod): AsyncTarget[] {
  if (!method.on.includes('queryset')) return [...method.on];
  return method.on.filter((target) => target === 'queryset' || target === 'instance');
}

const cases = METHODS.flatMap((method) => homes(method).map((home) => ({ method, home, name: `${method.name} on ${home}` })));

/** The APIs a case runs through: the async objects by the method's name, the sync ones by its twin's; instances only have twins. */
function sides(method: AsyncMethod, home: AsyncTarget): Side[] {
  if (home === 'instance') return ['twin'];
  return method.twin ? ['async', 'twin'] : ['async'];
}

/**
 * One case's call through one API, with `options` at the method's options slot when given; its target and
 * arguments are built now (sync queries on this thread), the call is made when the returned function runs.
 */
function prepare(method: AsyncMethod, home: AsyncTarget, side: Side, options?: object): () => Promise<unknown> {
  const c = CASES[`${method.name} on ${home}`]!;
  const target = c.on(side);
  let args = c.args();
  if (options) {
    // Alone, or merged into the method's own options object when the case passes one there.
    const slot = method.options === 'last' ? args.length : (method.options as number);
    const own = args[slot];
    const merged = own !== null && typeof own === 'object' && !Array.isArray(own) ? { ...own, ...options } : options;
    args = [...Array.from({ length: slot }, (_, i) => args[i]), merged];
  }
  return () => target[side === 'async' ? method.name : method.twinName](...args);
}

test('every method of the table has a case here, and every case a method', () => {
  expect(Object.keys(CASES).sort()).toEqual(cases.map((c) => c.name).sort());
});

test('the sync core has each method of the table where the table allows it', () => {
  const prototypes: Record<AsyncTarget, object[]> = {
    manager: [Manager.prototype],
    queryset: [QuerySet.prototype],
    related: [ManyRelatedManager.prototype, ReverseManyToOneManager.prototype],
    instance: [Model.prototype],
  };
  for (const method of METHODS) {
    for (const target of method.on) {
      for (const prototype of prototypes[target]) expect([method.name, target, typeof (prototype as Record<string, unknown>)[method.name]]).toEqual([method.name, target, 'function']);
    }
  }
});

test('the async API and the twins have exactly the methods of the table, on exactly the objects it allows', () => {
  resetAndSeed();
  const pizza = margherita();
  const objects: Array<[AsyncTarget, Side, object]> = [
    ['manager', 'async', Pizza.aobjects],
    ['manager', 'twin', Pizza.objects],
    ['queryset', 'async', Pizza.aobjects.filter({ name: 'x' })],
    ['queryset', 'twin', Pizza.objects.filter({ name: 'x' })],
    ['related', 'async', pizza.a.toppings],
    ['related', 'twin', pizza.toppings],
    ['related', 'async', Box.objects.get({ name: 'large' }).a.pizzaSet],
    ['related', 'twin', Box.objects.get({ name: 'large' }).pizzaSet],
    ['instance', 'twin', pizza],
  ];
  for (const [target, side, object] of objects) {
    for (const method of METHODS) {
      const name = side === 'async' ? method.name : method.twinName;
      const expected = method.on.includes(target) && (side === 'async' || method.twin);
      expect([target, side, name, typeof (object as Record<string, unknown>)[name]]).toEqual([target, side, name, expected ? 'function' : 'undefined']);
    }
  }
});

describe.each(cases)('$name', ({ method, home }) => {
  test.each(sides(method, home))(`through the %s API: runs, on the ${method.writes ? 'writer' : 'readers'}`, async (side) => {
    resetAndSeed();
    const run = prepare(method, home, side);
    const queries = await captureQueries(run);
    expect(lanes(queries)).toEqual([method.writes ? 'writer' : 'reader']);
  });

  if (method.options !== null) {
    test.each(sides(method, home))(`through the %s API: { signal } at its options slot reaches the pool`, async (side) => {
      resetAndSeed();
      const before = snapshot();
      const controller = new AbortController();
      controller.abort();
      const run = prepare(method, home, side, { signal: controller.signal });
      let error: Error | undefined;
      const queries = await captureQueries(async () => {
        error = await rejection(run);
      });
      expect(error).toBeInstanceOf(QueryCancelled);
      expect(error!.message).toMatch(/was cancelled before it started/);
      expect(queries).toEqual([]);
      expect(snapshot()).toEqual(before);
    });
  }
});

describe('a worker refuses what the table does not allow, before anything runs', () => {
  beforeEach(() => resetAndSeed());

  const query = (queryset: QuerySet<any, any>, method: string, args: unknown[] = []): CallPayload => ({
    kind: 'query',
    queryset: encode(queryset),
    method,
    args: encode(args),
  });

  /** The error a forged payload gets, the statements it ran (none, if refused first) and whether the data changed. */
  async function forge(payload: CallPayload, write: boolean): Promise<{ error: Error; queries: CapturedQuery[]; changed: boolean }> {
    const before = snapshot();
    let error: Error | undefined;
    const queries = await captureQueries(async () => {
      error = await rejection(send(payload, write));
    });
    return { error: error!, queries, changed: JSON.stringify(snapshot()) !== JSON.stringify(before) };
  }

  test.each(['constructor', '__proto__', '_clone', 'hydrate', 'evalRows', 'withQuery', 'toString', 'named'])('an unknown queryset method: %s', async (name) => {
    for (const write of [false, true]) {
      const { error, queries } = await forge(query(Pizza.objects.filter({ name: 'Hawaii' }), name), write);
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe(`A pool worker refused '${name}' on a queryset: it is not a method of the async method table.`);
      expect(queries).toEqual([]);
    }
  });

  test.each(['constructor', '__proto__', 'fullClean', 'clean', 'toJSON', 'count'])('an unknown instance method: %s', async (name) => {
    const pizza = margherita();
    const { error, queries } = await forge({ kind: 'instance', instance: encode(pizza), method: name, args: encode([]) }, true);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(new RegExp(`^A pool worker refused '${name}' on a model instance: `));
    expect(queries).toEqual([]);
  });

  test.each([
    ['delete', 'a queryset', () => Pizza.objects.filter({ name: 'Hawaii' }), () => []],
    ['update', 'a queryset', () => Pizza.objects.filter({ name: 'Hawaii' }), () => [{ name: 'x' }]],
    ['create', 'a model manager', () => Box.objects, () => [{ name: 'x' }]],
    ['bulkCreate', 'a model manager', () => Box.objects, () => [[new Box({ name: 'x' })]]],
    ['clear', 'a related manager', () => margherita().toppings, () => []],
  ] as const)('a write sent as a read: %s on %s', async (name, target, on, args) => {
    const { error, queries, changed } = await forge(query(on(), name, args()), false);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(`A pool worker refused '${name}' on ${target}: it writes, and was sent to a read-only reader.`);
    expect(queries).toEqual([]);
    expect(changed).toBe(false);
  });

  test('an instance write sent as a read', async () => {
    const box = Box.objects.get({ name: 'small' });
    box.name = 'renamed';
    const { error, queries, changed } = await forge({ kind: 'instance', instance: encode(box), method: 'save', args: encode([]) }, false);
    expect(error.message).toBe(`A pool worker refused 'save' on a model instance: it writes, and was sent to a read-only reader.`);
    expect(queries).toEqual([]);
    expect(changed).toBe(false);
  });

  test.each([
    ['add', 'a model manager', () => Pizza.objects, 'a related manager'],
    ['clear', 'a queryset', () => Pizza.objects.filter({ name: 'Hawaii' }), 'a related manager'],
    ['raw', 'a queryset', () => Box.objects.filter({ name: 'x' }), 'a model manager'],
    ['save', 'a model manager', () => Box.objects, 'a model instance'],
    ['refreshFromDb', 'a model manager', () => Box.objects, 'a model instance'],
  ] as const)('a method on the wrong target: %s on %s', async (name, target, on, allowed) => {
    const { error, queries, changed } = await forge(query(on(), name), true);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(`A pool worker refused '${name}' on ${target}: the async method table allows it only on ${allowed}.`);
    expect(queries).toEqual([]);
    expect(changed).toBe(false);
  });

  test('a forged chain step is refused before the chain is replayed', async () => {
    for (const step of ['delete', 'constructor', 'hydrate', 'update']) {
      const encoded = encode(Pizza.objects.filter({ name: 'Hawaii' })) as { steps: unknown[] };
      const payload: CallPayload = { kind: 'query', queryset: { ...encoded, steps: [...encoded.steps, [step, encode([{ name: 'x' }])]] }, method: 'count', args: [] };
      for (const write of [false, true]) {
        const { error, queries, changed } = await forge(payload, write);
        expect(error).toBeInstanceOf(TypeError);
        expect(error.message).toBe(`Refused to replay '${step}' in a queryset chain: it is not a chaining method.`);
        expect(queries).toEqual([]);
        expect(changed).toBe(false);
      }
    }
  });

  test('a refused call fails alone: the calls batched with it run', async () => {
    const [refusedRead, count, created, refusedWrite] = await Promise.allSettled([
      send(query(Pizza.objects.all(), 'constructor'), false),
      Pizza.aobjects.count(),
      Box.aobjects.create({ name: 'next to a refused write' }),
      send(query(Box.objects.all(), 'hydrate'), true),
    ]);
    expect([refusedRead.status, refusedWrite.status]).toEqual(['rejected', 'rejected']);
    expect(count).toEqual({ status: 'fulfilled', value: 5 });
    expect(created.status).toBe('fulfilled');
    expect(Box.objects.filter({ name: 'next to a refused write' }).count()).toBe(1);
  });
});

test('options are taken off at the slot only, keeping the keys of a method\'s own options and the arguments after it', () => {
  const signal = new AbortController().signal;
  const plain = [{ name: 'x' }, { defaults: { name: 'y' } }];
  expect(splitQueryOptions(plain, 1)[0]).toBe(plain); // not copied without options
  expect(splitQueryOptions([{ name: 'x' }, { defaults: { name: 'y' }, timeoutMs: 5 }], 1)).toEqual([[{ name: 'x' }, { defaults: { name: 'y' } }], { timeoutMs: 5 }]);
  expect(splitQueryOptions([{ name: 'x' }, { signal }], 1)).toEqual([[{ name: 'x' }], { signal }]);
  expect(splitQueryOptions([{ timeoutMs: 5 }, 'after'], 0)).toEqual([[{}, 'after'], { timeoutMs: 5 }]);
  // Elsewhere than the slot, an object with those keys is an argument like any other (a lookups object, a value).
  expect(splitQueryOptions([{ timeoutMs: 5 }], 1)).toEqual([[{ timeoutMs: 5 }], {}]);
  expect(splitQueryOptions(['pubDate', { timeoutMs: 5 }], null)).toEqual([['pubDate', { timeoutMs: 5 }], {}]);
  expect(splitQueryOptions([{ pk: 1 }, { signal }], 'last')).toEqual([[{ pk: 1 }], { signal }]);
  expect(splitQueryOptions([], 'last')).toEqual([[], {}]);
});

test('every chaining method of the async queryset is one a worker replays', () => {
  const evaluation = new Set(METHODS.map((method) => method.name));
  const notChaining = new Set(['constructor', 'query', 'model', 'wrap', 'unchecked', 'then', 'iterator', 'aiterator']);
  const chaining = Object.getOwnPropertyNames(AsyncQuerySet.prototype).filter((name) => !evaluation.has(name) && !notChaining.has(name));
  expect(chaining.length).toBeGreaterThan(20);
  for (const name of chaining) {
    expect([name, isChainMethod(name)]).toEqual([name, true]);
    expect([name, typeof (QuerySet.prototype as unknown as Record<string, unknown>)[name]]).toEqual([name, 'function']);
  }
});
