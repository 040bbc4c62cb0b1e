/**
 * Parity: every evaluation method gives the same result through Model.objects (sync, main thread),
 * Model.aobjects (async, pool worker) and the Django-style twins on sync querysets (`acount()` ...).
 * Reads run on one data set; each write runs on an equal fresh data set per API, and the results,
 * the arguments afterwards and the whole database are compared.
 */
import {
  Avg,
  Concat,
  Count,
  Exists,
  F,
  Lower,
  Max,
  Min,
  OuterRef,
  Q,
  Sum,
  Value,
  close,
  configure,
  createSchema,
} from '../../../src';
import { Box, Choice, Pizza, Price, Question, Topping } from '../../models';
import { MODELS, norm, outcome, resetAndSeed, snapshot } from './helpers';
import { dropTestDatabase, testDatabase } from '../test-database';

jest.setTimeout(60_000);

type Side = 'sync' | 'async' | 'twin';

interface Case {
  name: string;
  /** Default Pizza. */
  model?: { objects: unknown; aobjects: unknown };
  /** Where the chain starts for each API (default: model.objects / model.aobjects). */
  root?: (side: Side) => any;
  chain?: (root: any) => any;
  method: string;
  args?: () => unknown[];
  /** No Django-style twin exists (e.g. raw()). */
  noTwin?: boolean;
}

/** Django 4.1 spelling: `a` + the name (`aeval`, `acount`, `agetOrCreate`). */
const capitalised = (name: string) => `a${name}`;

function rootFor(c: Case, side: Side): any {
  if (c.root) return c.root(side);
  const model = (c.model ?? Pizza) as { objects: unknown; aobjects: unknown };
  return side === 'async' ? model.aobjects : model.objects;
}

/** Runs a case through one API; returns its outcome and the arguments as they are afterwards. */
async function run(c: Case, side: Side): Promise<{ result: unknown; args: unknown }> {
  let args: unknown[] = [];
  const result = await outcome(() => {
    const queryset = c.chain ? c.chain(rootFor(c, side)) : rootFor(c, side);
    args = c.args ? c.args() : [];
    const name = side === 'twin' ? capitalised(c.method) : c.method;
    const method = queryset[name];
    if (typeof method !== 'function') throw new Error(`${side}: no method ${name}()`);
    const value = method.apply(queryset, args);
    if (side !== 'sync' && !(value instanceof Promise)) throw new Error(`${side}: ${name}() did not return a Promise`);
    return value;
  });
  return { result, args: norm(args) };
}

const margherita = () => Pizza.objects.get({ name: 'Margherita' });
const diavola = () => Pizza.objects.get({ name: 'Diavola' });
const largeBox = () => Box.objects.get({ name: 'large' });
const topping = (name: string) => Topping.objects.get({ name });
/** A relation of a (freshly loaded) instance: the sync manager, or `obj.a.<relation>` for the async API. */
const related = (load: () => any, name: string) => (side: Side) => (side === 'async' ? load().a[name] : load()[name]);

const readCases: Case[] = [
  // instances
  { name: 'eval() with default ordering', method: 'eval' },
  { name: 'filter + orderBy', chain: (q) => q.filter({ name__startswith: 'M' }).orderBy('-name'), method: 'eval' },
  { name: 'exclude', chain: (q) => q.exclude({ box: null }), method: 'eval' },
  { name: 'filter across a FK', chain: (q) => q.filter({ box__name__icontains: 'LARGE' }), method: 'eval' },
  { name: 'filter across M2M + distinct', chain: (q) => q.filter({ toppings__vegetarian: true }).distinct(), method: 'eval' },
  {
    name: 'Q tree (or / not)',
    chain: (q) => q.filter(Q({ name: 'Funghi' }).or(Q({ name__endswith: 'a' })).and(Q({ box: null }).not())),
    method: 'eval',
  },
  { name: 'filter by instance and by key', chain: (q) => q.filter({ box__in: [largeBox(), 1] }), method: 'eval' },
  { name: '__in with a queryset', chain: (q) => q.filter({ id__in: q.filter({ box: null }).values('id') }), method: 'eval' },
  { name: 'reverse one-to-one lookup', model: Price, chain: (q) => q.filter({ pizza__isnull: true }), method: 'eval' },
  { name: 'reverse FK lookup + distinct', model: Box, chain: (q) => q.filter({ pizza__toppings__name: 'cheese' }).distinct().orderBy('name'), method: 'eval' },
  { name: 'DecimalField ordering', model: Price, chain: (q) => q.filter({ amount__gte: '9' }).orderBy('-amount'), method: 'eval' },
  { name: 'DateTimeField __year', model: Question, chain: (q) => q.filter({ pubDate__year: 2024 }), method: 'eval' },
  { name: 'F() comparison', model: Choice, chain: (q) => q.filter({ votes__gt: F('id') }), method: 'eval' },
  { name: 'annotate Count', chain: (q) => q.annotate({ n: Count('toppings') }).orderBy('-n', 'name'), method: 'eval' },
  {
    name: 'annotate Exists(OuterRef)',
    chain: (q) => q.annotate({ cheap: Exists(Price.objects.filter({ pizza: OuterRef('pk'), amount__lt: '9' })) }),
    method: 'eval',
  },
  { name: 'selectRelated', chain: (q) => q.selectRelated('box', 'price'), method: 'eval' },
  { name: 'prefetchRelated (M2M)', chain: (q) => q.prefetchRelated('toppings'), method: 'eval' },
  { name: 'prefetchRelated (reverse FK)', model: Box, chain: (q) => q.prefetchRelated('pizzaSet').orderBy('id'), method: 'eval' },
  { name: 'only()', chain: (q) => q.only('name'), method: 'eval' },
  { name: 'defer()', chain: (q) => q.defer('box'), method: 'eval' },
  { name: 'slice(1, 3)', chain: (q) => q.slice(1, 3), method: 'eval' },
  { name: 'slice(2)', chain: (q) => q.slice(2), method: 'eval' },
  { name: 'union', chain: (q) => q.filter({ name: 'Funghi' }).union(q.filter({ box: null })).orderBy('name'), method: 'eval' },
  { name: 'none()', chain: (q) => q.none(), method: 'eval' },
  { name: 'reverse()', model: Choice, chain: (q) => q.reverse(), method: 'eval' },
  // values / valuesList
  { name: 'values()', method: 'eval', chain: (q) => q.values() },
  { name: 'values(names across relations)', chain: (q) => q.values('name', 'box__name', 'price__amount'), method: 'eval' },
  { name: 'values + annotate Lower/Concat', chain: (q) => q.annotate({ lower: Lower('name'), label: Concat('name', Value(' #'), 'id') }).values('lower', 'label'), method: 'eval' },
  { name: 'values + aggregate annotation (GROUP BY)', model: Choice, chain: (q) => q.values('question').annotate({ total: Sum('votes') }).orderBy('question'), method: 'eval' },
  { name: 'valuesList tuples', chain: (q) => q.valuesList('id', 'name'), method: 'eval' },
  { name: 'valuesList flat', chain: (q) => q.valuesList('name', { flat: true }), method: 'eval' },
  { name: 'valuesList named', chain: (q) => q.valuesList('name', 'price__amount', { named: true }), method: 'eval' },
  { name: 'valuesList distinct flat', model: Choice, chain: (q) => q.orderBy('question').valuesList('question', { flat: true }).distinct(), method: 'eval' },
  { name: 'values of a DateTimeField', model: Question, chain: (q) => q.valuesList('pubDate', { flat: true }), method: 'eval' },
  // single objects and scalars
  { name: 'get()', method: 'get', args: () => [{ name: 'Hawaii' }] },
  { name: 'get() with a Q', method: 'get', args: () => [Q({ name: 'Funghi' })] },
  { name: 'get() missing', method: 'get', args: () => [{ name: 'Calzone' }] },
  { name: 'get() by pk', method: 'get', args: () => [{ pk: 3 }] },
  { name: 'get() by id as a string', method: 'get', args: () => [{ id: '4' }] },
  { name: 'get() by a unique field', model: Topping, method: 'get', args: () => [{ name: 'olive' }] },
  { name: 'get() by pk, missing', method: 'get', args: () => [{ pk: 999 }] },
  { name: 'get() several', method: 'get', args: () => [{ name__contains: 'a' }] },
  { name: 'count()', method: 'count' },
  { name: 'count() filtered', chain: (q) => q.filter({ toppings__name: 'cheese' }), method: 'count' },
  { name: 'exists() true', chain: (q) => q.filter({ name: 'Hawaii' }), method: 'exists' },
  { name: 'exists() false', chain: (q) => q.filter({ name: 'Calzone' }), method: 'exists' },
  { name: 'first()', method: 'first' },
  { name: 'first() of an unordered model', model: Box, method: 'first' },
  { name: 'first() empty', chain: (q) => q.none(), method: 'first' },
  { name: 'last()', method: 'last' },
  { name: 'latest() by meta.getLatestBy', model: Question, method: 'latest' },
  { name: 'earliest(field)', model: Question, method: 'earliest', args: () => ['pubDate'] },
  { name: 'at(0)', method: 'at', args: () => [0] },
  { name: 'at(3) of a filtered queryset', chain: (q) => q.filter({ box__isnull: false }), method: 'at', args: () => [2] },
  { name: 'at() out of range', method: 'at', args: () => [100] },
  { name: 'at() of a slice', chain: (q) => q.slice(0, 5), method: 'at', args: () => [1] },
  { name: 'at() of values()', chain: (q) => q.values('name'), method: 'at', args: () => [1] },
  { name: 'contains() true', method: 'contains', args: () => [margherita()] },
  { name: 'contains() false', chain: (q) => q.filter({ box: null }), method: 'contains', args: () => [margherita()] },
  { name: 'aggregate()', method: 'aggregate', args: () => [{ total: Sum('price__amount'), n: Count('id'), last: Max('name'), first: Min('name') }] },
  { name: 'aggregate() of a filtered queryset', model: Choice, chain: (q) => q.filter({ question__questionText__startswith: 'Best' }), method: 'aggregate', args: () => [{ mean: Avg('votes'), most: Max('votes') }] },
  { name: 'aggregate() Count distinct', method: 'aggregate', args: () => [{ boxes: Count('box', { distinct: true }) }] },
  { name: 'inBulk() all', method: 'inBulk' },
  { name: 'inBulk(ids)', method: 'inBulk', args: () => [[1, 3, 99]] },
  { name: 'inBulk(fieldName)', model: Topping, method: 'inBulk', args: () => [['ham', 'olive'], { fieldName: 'name' }] },
  { name: 'explain()', method: 'explain', chain: (q) => q.filter({ name: 'Hawaii' }) },
  { name: 'raw()', method: 'raw', args: () => [`SELECT * FROM "${Pizza._meta.dbTable}" WHERE "name" LIKE ? ORDER BY "id"`, ['%a%']], noTwin: true },
  // errors raised while chaining or evaluating
  { name: 'unknown field (FieldError)', chain: (q) => q.filter({ colour: 'red' }), method: 'eval' },
  { name: 'unknown lookup (FieldError)', chain: (q) => q.filter({ name__sounds: 'x' }), method: 'count' },
  { name: 'unknown orderBy field (FieldError)', chain: (q) => q.orderBy('colour'), method: 'eval' },
  { name: 'negative at()', method: 'at', args: () => [-1] },
  // related managers (obj.a.<relation> for the async API)
  { name: 'M2M manager eval', root: related(diavola, 'toppings'), method: 'eval' },
  { name: 'M2M manager filter + values', root: related(diavola, 'toppings'), chain: (q) => q.filter({ vegetarian: true }).valuesList('name', { flat: true }), method: 'eval' },
  { name: 'reverse M2M manager count', root: related(() => topping('cheese'), 'pizzaSet'), method: 'count' },
  { name: 'reverse FK manager eval', root: related(largeBox, 'pizzaSet'), method: 'eval' },
  { name: 'reverse FK manager get', root: related(largeBox, 'pizzaSet'), method: 'get', args: () => [{ name: 'Hawaii' }] },
  { name: 'reverse FK manager get() of another box', root: related(largeBox, 'pizzaSet'), method: 'get', args: () => [{ name: 'Margherita' }] },
  { name: 'reverse FK manager (choices) aggregate', root: related(() => Question.objects.get({ questionText: 'Best pizza?' }), 'choiceSet'), method: 'aggregate', args: () => [{ votes: Sum('votes') }] },
];

const writeCases: Case[] = [
  { name: 'create()', model: Box, method: 'create', args: () => [{ name: 'jumbo' }] },
  { name: 'create() with relation instances', method: 'create', args: () => [{ name: 'Quattro', price: Price.objects.get({ amount: '15.00' }), box: Box.objects.get({ name: 'empty' }) }] },
  { name: 'create() duplicate unique (IntegrityError)', model: Topping, method: 'create', args: () => [{ name: 'ham' }] },
  { name: 'create() too long (ValidationError)', model: Box, method: 'create', args: () => [{ name: 'x'.repeat(51) }] },
  { name: 'create() unknown field (TypeError)', model: Box, method: 'create', args: () => [{ colour: 'red' }] },
  { name: 'getOrCreate() existing', model: Topping, method: 'getOrCreate', args: () => [{ name: 'ham' }, { defaults: { vegetarian: true } }] },
  { name: 'getOrCreate() new', model: Topping, method: 'getOrCreate', args: () => [{ name: 'basil' }, { defaults: { vegetarian: false } }] },
  { name: 'getOrCreate() several (MultipleObjectsReturned)', model: Box, method: 'getOrCreate', args: () => [{ name__contains: 'l' }] },
  { name: 'updateOrCreate() existing', model: Topping, method: 'updateOrCreate', args: () => [{ name: 'ham' }, { defaults: { vegetarian: true } }] },
  { name: 'updateOrCreate() new', model: Topping, method: 'updateOrCreate', args: () => [{ name: 'rocket' }, { defaults: { vegetarian: false } }] },
  { name: 'bulkCreate()', model: Topping, method: 'bulkCreate', args: () => [[new Topping({ name: 'anchovy', vegetarian: false }), new Topping({ name: 'garlic' })]] },
  { name: 'bulkCreate() ignoreConflicts', model: Topping, method: 'bulkCreate', args: () => [[new Topping({ name: 'ham' }), new Topping({ name: 'chili' })], { ignoreConflicts: true }] },
  {
    name: 'bulkUpdate()',
    model: Choice,
    method: 'bulkUpdate',
    args: () => {
      const choices = Choice.objects.filter({ votes__gt: 3 }).eval();
      for (const choice of choices) choice.votes += 100;
      return [choices, ['votes']];
    },
  },
  { name: 'update()', chain: (q) => q.filter({ box__name: 'large' }), method: 'update', args: () => [{ name: 'Grande' }] },
  { name: 'update() with F()', model: Choice, chain: (q) => q.filter({ votes__lt: 5 }), method: 'update', args: () => [{ votes: F('votes').add(1) }] },
  { name: 'update() of nothing', chain: (q) => q.filter({ name: 'Calzone' }), method: 'update', args: () => [{ name: 'x' }] },
  { name: 'update() unknown field (FieldError)', method: 'update', args: () => [{ colour: 'red' }] },
  { name: 'delete() with M2M rows', chain: (q) => q.filter({ box__name: 'large' }), method: 'delete' },
  { name: 'delete() CASCADE through a one-to-one', model: Price, chain: (q) => q.filter({ amount__lt: '9' }), method: 'delete' },
  { name: 'delete() SET_NULL', model: Box, chain: (q) => q.filter({ name__endswith: 'large' }), method: 'delete' },
  { name: 'delete() CASCADE to choices', model: Question, method: 'delete' },
  { name: 'delete() of nothing', chain: (q) => q.filter({ name: 'Calzone' }), method: 'delete' },
  // M2M related manager writes
  { name: 'M2M add() instances', root: related(margherita, 'toppings'), method: 'add', args: () => [topping('ham'), topping('olive')] },
  { name: 'M2M add() keys', root: related(margherita, 'toppings'), method: 'add', args: () => [2, 3] },
  { name: 'M2M add() wrong model (TypeError)', root: related(margherita, 'toppings'), method: 'add', args: () => [largeBox()] },
  { name: 'M2M remove()', root: related(diavola, 'toppings'), method: 'remove', args: () => [topping('olive')] },
  { name: 'M2M clear()', root: related(diavola, 'toppings'), method: 'clear' },
  { name: 'M2M set()', root: related(diavola, 'toppings'), method: 'set', args: () => [[topping('ham'), topping('cheese')]] },
  { name: 'M2M set() clear', root: related(diavola, 'toppings'), method: 'set', args: () => [[topping('mushroom')], { clear: true }] },
  { name: 'M2M create()', root: related(margherita, 'toppings'), method: 'create', args: () => [{ name: 'basil' }] },
  { name: 'M2M getOrCreate() existing', root: related(margherita, 'toppings'), method: 'getOrCreate', args: () => [{ name: 'ham' }] },
  { name: 'M2M getOrCreate() new', root: related(margherita, 'toppings'), method: 'getOrCreate', args: () => [{ name: 'rocket' }] },
  { name: 'M2M updateOrCreate()', root: related(margherita, 'toppings'), method: 'updateOrCreate', args: () => [{ name: 'ham' }, { defaults: { vegetarian: true } }] },
  { name: 'reverse M2M add()', root: related(() => topping('mushroom'), 'pizzaSet'), method: 'add', args: () => [margherita(), diavola()] },
  // reverse FK related manager writes
  { name: 'reverse FK add()', root: related(largeBox, 'pizzaSet'), method: 'add', args: () => [margherita(), Pizza.objects.get({ name: 'Marinara' })] },
  { name: 'reverse FK add() bulk: false', root: related(largeBox, 'pizzaSet'), method: 'add', args: () => [margherita(), { bulk: false }] },
  { name: 'reverse FK remove()', root: related(largeBox, 'pizzaSet'), method: 'remove', args: () => [Pizza.objects.get({ name: 'Funghi' })] },
  { name: 'reverse FK remove() unrelated (TypeError)', root: related(largeBox, 'pizzaSet'), method: 'remove', args: () => [margherita()] },
  { name: 'reverse FK clear()', root: related(largeBox, 'pizzaSet'), method: 'clear' },
  { name: 'reverse FK set()', root: related(largeBox, 'pizzaSet'), method: 'set', args: () => [[margherita(), Pizza.objects.get({ name: 'Funghi' })]] },
  { name: 'reverse FK create()', root: related(largeBox, 'pizzaSet'), method: 'create', args: () => [{ name: 'Calzone', price: Price.objects.get({ amount: '15.00' }) }] },
  { name: 'reverse FK getOrCreate()', root: related(() => Question.objects.get({ questionText: 'Best pizza?' }), 'choiceSet'), method: 'getOrCreate', args: () => [{ choiceText: 'Funghi' }, { defaults: { votes: 2 } }] },
  { name: 'reverse FK updateOrCreate()', root: related(() => Question.objects.get({ questionText: 'Best pizza?' }), 'choiceSet'), method: 'updateOrCreate', args: () => [{ choiceText: 'Hawaii' }, { defaults: { votes: 42 } }] },
  { name: 'reverse FK filtered update()', root: related(() => Question.objects.get({ questionText: 'Best pizza?' }), 'choiceSet'), chain: (q) => q.filter({ votes__gte: 7 }), method: 'update', args: () => [{ votes: 0 }] },
  { name: 'reverse FK delete()', root: related(() => Question.objects.get({ questionText: 'Best pizza?' }), 'choiceSet'), method: 'delete' },
  { name: 'reverse FK (not nullable) clear() (TypeError)', root: related(() => Question.objects.get({ questionText: 'Best pizza?' }), 'choiceSet'), method: 'clear' },
];

/** Twins exist on querysets for the evaluation methods and on related managers for add/remove/clear/set. */
function hasTwin(c: Case): boolean {
  return !c.noTwin;
}

beforeAll(() => {
  configure({ database: testDatabase(), models: MODELS, workers: 2 });
  createSchema();
});

afterAll(async () => {
  await close();
  dropTestDatabase();
});

describe('reads give the same results through objects, aobjects and the a-twins', () => {
  beforeAll(() => resetAndSeed());

  test.each(readCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const sync = await run(c, 'sync');
    const viaAobjects = await run(c, 'async');
    expect(viaAobjects).toEqual(sync);
    if (hasTwin(c)) expect(await run(c, 'twin')).toEqual(sync);
  });

  test('the read cases exercise real data (not only empty results and errors)', async () => {
    const outcomes = await Promise.all(readCases.map((c) => run(c, 'async')));
    const failures = readCases.filter((_, index) => !('ok' in (outcomes[index]!.result as object))).map((c) => c.name);
    expect(failures).toEqual([
      'get() missing',
      'get() by pk, missing',
      'get() several',
      'unknown field (FieldError)',
      'unknown lookup (FieldError)',
      'unknown orderBy field (FieldError)',
      'negative at()',
      'reverse FK manager get() of another box',
    ]);
    expect(await Pizza.aobjects.count()).toBe(5);
  });

  test('for await over aobjects streams the same instances (ordered: by offset)', async () => {
    const streamed: Pizza[] = [];
    for await (const pizza of Pizza.aobjects.filter({ box__isnull: false })) streamed.push(pizza);
    expect(streamed.every((pizza) => pizza instanceof Pizza)).toBe(true);
    expect(norm(streamed)).toEqual(norm([...Pizza.objects.filter({ box__isnull: false })]));
    expect(streamed.map((pizza) => pizza.name)).toEqual(['Diavola', 'Funghi', 'Hawaii', 'Margherita']);
  });

  test('for await over iterator({ chunkSize }) (unordered: by primary key, several chunks)', async () => {
    const streamed: Box[] = [];
    for await (const box of Box.aobjects.iterator({ chunkSize: 1 })) streamed.push(box);
    expect(norm(streamed)).toEqual(norm([...Box.objects.iterator({ chunkSize: 1 })]));
    expect(streamed).toHaveLength(4);
    const choices: unknown[] = [];
    for await (const row of Choice.aobjects.valuesList('choiceText', 'votes').iterator({ chunkSize: 2 })) choices.push(row);
    expect(choices).toEqual([...Choice.objects.valuesList('choiceText', 'votes').iterator({ chunkSize: 2 })]);
  });

  test('for await over values() and over a slice', async () => {
    const rows: unknown[] = [];
    for await (const row of Pizza.aobjects.values('name', 'box__name')) rows.push(row);
    expect(rows).toEqual(Pizza.objects.values('name', 'box__name').eval());
    const sliced: string[] = [];
    for await (const pizza of Pizza.aobjects.slice(1, 4)) sliced.push(pizza.name);
    expect(sliced).toEqual(Pizza.objects.slice(1, 4).eval().map((pizza) => pizza.name));
  });

  test('for await over a related manager', async () => {
    const box = Box.objects.get({ name: 'large' });
    const names: string[] = [];
    for await (const pizza of box.a.pizzaSet) names.push(pizza.name);
    expect(names.sort()).toEqual(['Funghi', 'Hawaii']);
    const toppings: string[] = [];
    for await (const topping of Pizza.objects.get({ name: 'Diavola' }).a.toppings.iterator({ chunkSize: 1 })) toppings.push(topping.name);
    expect(toppings).toEqual(['cheese', 'olive', 'pepperoni']);
  });

  test('relation caches that point back survive the trip (prefetched reverse FK)', async () => {
    const boxes = await Box.aobjects.prefetchRelated('pizzaSet').orderBy('id');
    const large = boxes.find((box) => box.name === 'large')!;
    const pizzas = large._state.prefetched.pizzaSet as Pizza[];
    expect(pizzas.map((pizza) => pizza.name).sort()).toEqual(['Funghi', 'Hawaii']);
    expect(pizzas.every((pizza) => pizza.box === large)).toBe(true);
    // and such an instance can be sent back (asave) and evaluated against (contains)
    large.name = 'large';
    await large.asave();
    expect(await Box.aobjects.contains(large)).toBe(true);
    expect(await Pizza.aobjects.filter({ box: large }).count()).toBe(2);
  });

  test('a queryset is thenable: await qs is await qs.eval()', async () => {
    const awaited = await Pizza.aobjects.filter({ name__contains: 'a' });
    expect(awaited.every((pizza) => pizza instanceof Pizza)).toBe(true);
    expect(norm(awaited)).toEqual(norm(Pizza.objects.filter({ name__contains: 'a' }).eval()));
    const names = await Pizza.aobjects.valuesList('name', { flat: true }).filter({ box: null });
    expect(names).toEqual(['Marinara']);
    // and it works with Promise helpers
    const [all, none] = await Promise.all([Box.aobjects.all(), Box.aobjects.none()]);
    expect(all).toHaveLength(4);
    expect(none).toEqual([]);
  });

  test('instances from aobjects are real model instances with working methods', async () => {
    const [question] = await Question.aobjects.filter({ questionText: 'Best pizza?' });
    expect(question).toBeInstanceOf(Question);
    expect(question!.pubDate).toBeInstanceOf(Date);
    expect(question!.wasPublishedRecently(new Date('2023-12-25T00:00:00Z'))).toBe(true);
    expect(question!.choiceSet.count()).toBe(3);
    const price = await Price.aobjects.get({ amount: '8.50' });
    expect(price.amount).toBe('8.50');
    expect(typeof price.amount).toBe('string');
  });
});

describe('writes give the same results and the same database on equal fresh data sets', () => {
  test.each(writeCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const sides: Side[] = hasTwin(c) ? ['sync', 'async', 'twin'] : ['sync', 'async'];
    const runs: Array<{ result: unknown; args: unknown; database: unknown }> = [];
    for (const side of sides) {
      resetAndSeed();
      const { result, args } = await run(c, side);
      runs.push({ result, args, database: snapshot() });
    }
    const [sync, ...others] = runs;
    for (const other of others) {
      expect(other.result).toEqual(sync!.result);
      expect(other.args).toEqual(sync!.args);
      expect(other.database).toEqual(sync!.database);
    }
  });

  test('the write cases really wrote (the fresh data sets differ from the seed)', async () => {
    resetAndSeed();
    const before = snapshot();
    await Box.aobjects.create({ name: 'jumbo' });
    await Pizza.aobjects.filter({ box__name: 'large' }).delete();
    expect(snapshot()).not.toEqual(before);
  });
});
