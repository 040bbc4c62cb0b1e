/**
 * Expressions over relations (sync API): aggregates across joins (Count with distinct / filter, Sum, Avg,
 * Min, Max), annotate with the right GROUP BY, values() grouping, Exists, Subquery and OuterRef.
 */
import { Avg, Count, Exists, F, FieldError, Max, Min, OuterRef, Q, Subquery, Sum } from '../../../src';
import { Box, Pizza, Price, Question, Topping } from '../../models';
import { Band, Musician } from '../../relations';
import { useRelationsDatabase } from './setup';

useRelationsDatabase();

beforeAll(() => {
  const large = Box.objects.create({ name: 'large' });
  const small = Box.objects.create({ name: 'small' });
  Box.objects.create({ name: 'empty' });
  const cheese = Topping.objects.create({ name: 'cheese' });
  const ham = Topping.objects.create({ name: 'ham', vegetarian: false });
  const pineapple = Topping.objects.create({ name: 'pineapple' });
  const basil = Topping.objects.create({ name: 'basil' });
  Topping.objects.create({ name: 'unused' });
  const make = (name: string, box: Box | null, amount: string) =>
    Pizza.objects.create({ name, box, price: Price.objects.create({ amount }) });
  make('margherita', small, '8.00').toppings.add(cheese, basil);
  make('hawaii', large, '11.50').toppings.add(cheese, ham, pineapple);
  make('salami', large, '10.25').toppings.add(ham, cheese);
  make('plain', null, '5.00');

  const question = Question.objects.create({ questionText: 'Q', pubDate: new Date('2024-01-01T00:00:00Z') });
  question.choiceSet.create({ choiceText: 'a', votes: 3 });
  question.choiceSet.create({ choiceText: 'b', votes: 4 });
  Question.objects.create({ questionText: 'R', pubDate: new Date('2024-01-02T00:00:00Z') });

  const beatles = Band.objects.create({ name: 'Beatles' });
  const wings = Band.objects.create({ name: 'Wings' });
  const paul = Musician.objects.create({ name: 'Paul' });
  const ringo = Musician.objects.create({ name: 'Ringo' });
  Musician.objects.create({ name: 'Solo' });
  beatles.members.add(paul, ringo);
  wings.members.add(paul);
});


/** `{ name: annotation }` for each row. */
function byName<T extends { name: string }>(rows: Iterable<T>, key: string): Record<string, unknown> {
  return Object.fromEntries([...rows].map((row) => [row.name, (row as unknown as Record<string, unknown>)[key]]));
}

describe('annotate with aggregates across relations', () => {
  test('Count over an M2M, with zero for rows without links', () => {
    const pizzas = Pizza.objects.annotate({ n: Count('toppings') }).eval();
    expect(byName(pizzas, 'n')).toEqual({ hawaii: 3, margherita: 2, plain: 0, salami: 2 });
  });

  test('Count over a reverse M2M and a reverse FK', () => {
    expect(byName(Topping.objects.annotate({ n: Count('pizza') }), 'n')).toEqual({ basil: 1, cheese: 3, ham: 2, pineapple: 1, unused: 0 });
    expect(byName(Box.objects.annotate({ n: Count('pizza') }), 'n')).toEqual({ empty: 0, large: 2, small: 1 });
    const questions = Question.objects.annotate({ n: Count('choice') }).eval();
    expect(Object.fromEntries(questions.map((q) => [q.questionText, (q as unknown as { n: number }).n]))).toEqual({ Q: 2, R: 0 });
  });

  test('Count(…, { distinct: true }) undoes the fan-out of a second to-many join', () => {
    const boxes = Box.objects
      .annotate({ pizzas: Count('pizza', { distinct: true }), toppings: Count('pizza__toppings', { distinct: true }) })
      .eval();
    expect(byName(boxes, 'pizzas')).toEqual({ empty: 0, large: 2, small: 1 });
    expect(byName(boxes, 'toppings')).toEqual({ empty: 0, large: 3, small: 2 });
    // without distinct the pizza count counts joined rows, as in Django
    expect(byName(Box.objects.annotate({ pizzas: Count('pizza'), t: Count('pizza__toppings') }), 'pizzas')).toEqual({
      empty: 0,
      large: 5,
      small: 2,
    });
  });

  test('Count(…, { filter }) counts only matching related rows', () => {
    const pizzas = Pizza.objects.annotate({ veg: Count('toppings', { filter: Q({ toppings__vegetarian: true }) }) }).eval();
    expect(byName(pizzas, 'veg')).toEqual({ hawaii: 2, margherita: 2, plain: 0, salami: 1 });
  });

  test('Sum / Avg / Min / Max of a decimal across FK and reverse FK, as exact strings', () => {
    const boxes = Box.objects
      .annotate({
        total: Sum('pizza__price__amount'),
        average: Avg('pizza__price__amount'),
        cheapest: Min('pizza__price__amount'),
        dearest: Max('pizza__price__amount'),
      })
      .orderBy('name')
      .values('name', 'total', 'average', 'cheapest', 'dearest')
      .eval();
    expect(boxes).toEqual([
      { name: 'empty', total: null, average: null, cheapest: null, dearest: null },
      { name: 'large', total: '21.75', average: '10.88', cheapest: '10.25', dearest: '11.50' },
      { name: 'small', total: '8.00', average: '8.00', cheapest: '8.00', dearest: '8.00' },
    ]);
  });

  test('the reverse accessor name (pizzaSet) is not a query path: the query name is (pizza)', () => {
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Box.objects.annotate({ total: Sum('pizzaSet__price__amount') })).toThrow(FieldError);
  });

  test('aggregate() across relations', () => {
    expect(Pizza.objects.aggregate({ total: Sum('price__amount') })).toEqual({ total: '34.75' });
    expect(Pizza.objects.filter({ box__name: 'large' }).aggregate({ total: Sum('price__amount') })).toEqual({ total: '21.75' });
    expect(Topping.objects.aggregate({ used: Count('pizza', { distinct: true }) })).toEqual({ used: 3 });
    expect(Box.objects.aggregate({ links: Count('pizza__toppings') })).toEqual({ links: 7 });
  });

  test('filtering on an aggregate annotation becomes HAVING', () => {
    const qs = Pizza.objects.annotate({ n: Count('toppings') }).filter({ n__gte: 2 });
    expect(qs.toSql().sql).toMatch(/GROUP BY .* HAVING/);
    expect(qs.eval().map((p) => p.name)).toEqual(['hawaii', 'margherita', 'salami']);
    expect(qs.count()).toBe(3);
  });

  test('ordering by an aggregate annotation', () => {
    const pizzas = Pizza.objects.annotate({ n: Count('toppings') }).orderBy('-n', 'name').eval();
    expect(pizzas.map((p) => p.name)).toEqual(['hawaii', 'margherita', 'salami', 'plain']);
  });

  test('filter() before annotate() restricts the aggregated rows (Django)', () => {
    // only the pizzas whose name starts with 'h' are counted
    const boxes = Box.objects.filter({ pizza__name__startswith: 'h' }).annotate({ n: Count('pizza') }).eval();
    expect(byName(boxes, 'n')).toEqual({ large: 1 });
  });

  test('filter() after annotate() does not change the aggregate (Django)', () => {
    const boxes = Box.objects.annotate({ n: Count('pizza') }).filter({ pizza__name__startswith: 'h' }).eval();
    expect(byName(boxes, 'n')).toEqual({ large: 2 });
  });

  test('annotate with selectRelated groups by the main row and still loads the relation', () => {
    const pizzas = Pizza.objects.selectRelated('box', 'price').annotate({ n: Count('toppings') }).eval();
    expect(pizzas.map((p) => [p.name, p.box?.name ?? null, p.price.amount, (p as unknown as { n: number }).n])).toEqual([
      ['hawaii', 'large', '11.50', 3],
      ['margherita', 'small', '8.00', 2],
      ['plain', null, '5.00', 0],
      ['salami', 'large', '10.25', 2],
    ]);
  });

  test('an explicit through model aggregates like an auto one', () => {
    expect(byName(Band.objects.annotate({ n: Count('members') }), 'n')).toEqual({ Beatles: 2, Wings: 1 });
    expect(byName(Musician.objects.annotate({ n: Count('bands') }), 'n')).toEqual({ Paul: 2, Ringo: 1, Solo: 0 });
    expect(byName(Band.objects.annotate({ n: Count('membership', { filter: Q({ membership__role: 'member' }) }) }), 'n')).toEqual({
      Beatles: 2,
      Wings: 1,
    });
  });
});

describe('values() grouping across relations', () => {
  test('values(relation path).annotate() groups by that path', () => {
    const rows = Pizza.objects.values('box__name').annotate({ n: Count('pk'), total: Sum('price__amount') }).orderBy(F('box__name').asc({ nullsFirst: true })).eval();
    expect(rows).toEqual([
      { box__name: null, n: 1, total: '5.00' },
      { box__name: 'large', n: 2, total: '21.75' },
      { box__name: 'small', n: 1, total: '8.00' },
    ]);
  });

  test('grouping by the raw key', () => {
    const rows = Pizza.objects.filter({ box__isnull: false }).values('box').annotate({ n: Count('toppings') }).orderBy('box').eval();
    const large = Box.objects.get({ name: 'large' });
    const small = Box.objects.get({ name: 'small' });
    expect(rows).toEqual([
      { box: large.pk, n: 5 },
      { box: small.pk, n: 2 },
    ].sort((a, b) => a.box - b.box));
  });

  test('values() over an M2M path lists one row per link', () => {
    const rows = Pizza.objects.filter({ name: 'hawaii' }).values('name', 'toppings__name').orderBy('toppings__name').eval();
    expect(rows).toEqual([
      { name: 'hawaii', toppings__name: 'cheese' },
      { name: 'hawaii', toppings__name: 'ham' },
      { name: 'hawaii', toppings__name: 'pineapple' },
    ]);
  });
});

describe('F, Exists, Subquery and OuterRef across relations', () => {
  test('F() of a related field as an annotation', () => {
    const pizzas = Pizza.objects.annotate({ boxName: F('box__name'), amount: F('price__amount') }).eval();
    expect(byName(pizzas, 'boxName')).toEqual({ hawaii: 'large', margherita: 'small', plain: null, salami: 'large' });
    expect(byName(pizzas, 'amount')).toEqual({ hawaii: '11.50', margherita: '8.00', plain: '5.00', salami: '10.25' });
  });

  test('Exists() with OuterRef as an annotation and as a filter', () => {
    const hasHam = Exists(Topping.objects.filter({ pizza: OuterRef('pk'), name: 'ham' }));
    expect(byName(Pizza.objects.annotate({ hasHam }), 'hasHam')).toEqual({ hawaii: true, margherita: false, plain: false, salami: true });
    expect(Pizza.objects.alias({ hasHam }).filter({ hasHam: true }).eval().map((p) => p.name)).toEqual(['hawaii', 'salami']);
    expect(Pizza.objects.alias({ hasHam }).filter({ hasHam: false }).eval().map((p) => p.name)).toEqual(['margherita', 'plain']);
  });

  test('Exists() over a reverse relation', () => {
    const hasPizza = Exists(Pizza.objects.filter({ box: OuterRef('pk') }));
    expect(Box.objects.alias({ hasPizza }).filter({ hasPizza: false }).eval().map((b) => b.name)).toEqual(['empty']);
  });

  test('Subquery() picks a value of the first related row', () => {
    const cheapest = Subquery(Pizza.objects.filter({ box: OuterRef('pk') }).orderBy('price__amount').values('name').slice(0, 1));
    const boxes = Box.objects.annotate({ cheapest }).eval();
    expect(byName(boxes, 'cheapest')).toEqual({ empty: null, large: 'salami', small: 'margherita' });
  });

  test('Subquery() of an aggregate per outer row', () => {
    const toppingCount = Subquery(
      Topping.objects.filter({ pizza__box: OuterRef('pk') }).values('pizza__box').annotate({ c: Count('pk', { distinct: true }) }).values('c'),
    );
    const boxes = Box.objects.annotate({ toppingCount }).eval();
    expect(byName(boxes, 'toppingCount')).toEqual({ empty: null, large: 3, small: 2 });
  });

  test('OuterRef() of a related field of the outer row', () => {
    const boxmates = Subquery(
      Pizza.objects.filter({ box__name: OuterRef('box__name') }).exclude({ pk: OuterRef('pk') }).values('name').slice(0, 1),
    );
    const pizzas = Pizza.objects.annotate({ boxmate: boxmates }).eval();
    expect(byName(pizzas, 'boxmate')).toEqual({ hawaii: 'salami', margherita: null, plain: null, salami: 'hawaii' });
  });

  test('a filter on a subquery annotation', () => {
    const price = Subquery(Price.objects.filter({ pizza: OuterRef('pk') }).values('amount'));
    const pizzas = Pizza.objects.annotate({ price2: price }).filter({ price2__gt: '9' }).eval();
    expect(pizzas.map((p) => p.name)).toEqual(['hawaii', 'salami']);
  });
});

describe('aggregate() over a sliced, distinct or grouped queryset', () => {
  beforeEach(() => {
    Pizza.objects.all().delete();
    Price.objects.all().delete();
    Box.objects.all().delete();
    const box = Box.objects.create({ name: 'agg' });
    for (const [name, amount] of [['a', '1.00'], ['b', '2.50'], ['c', '4.00'], ['d', '8.25']] as const) {
      Pizza.objects.create({ name, box: name === 'd' ? null : box, price: Price.objects.create({ amount }) });
    }
  });

  it('aggregates only the rows of a slice', () => {
    const firstTwo = Price.objects.orderBy('amount').slice(0, 2);
    expect(firstTwo.aggregate({ total: Sum('amount'), n: Count('*'), top: Max('amount') })).toEqual({ total: '3.50', n: 2, top: '2.50' });
  });

  it('counts distinct rows once', () => {
    const boxes = Box.objects.filter({ pizza__name__in: ['a', 'b', 'c'] }).distinct();
    expect(boxes.aggregate({ n: Count('*') })).toEqual({ n: 1 });
  });

  it('aggregates over grouped annotations', () => {
    const perBox = Pizza.objects.values('box').annotate({ pizzas: Count('id') });
    expect(perBox.aggregate({ most: Max('pizzas'), groups: Count('*') })).toEqual({ most: 3, groups: 2 });
  });

  it('refuses an aggregate with a filter there, naming the call', () => {
    expect(() => Price.objects.slice(0, 2).aggregate({ n: Count('id', { filter: Q({ amount__gt: 1 }) }) })).toThrow(/aggregate\(\): 'n'/);
  });
});

describe('a boolean expression as a filter', () => {
  it('filter(Exists(...)) and exclude(Exists(...))', () => {
    Pizza.objects.all().delete();
    Box.objects.all().delete();
    const full = Box.objects.create({ name: 'full' });
    Box.objects.create({ name: 'empty' });
    Pizza.objects.create({ name: 'p', box: full, price: Price.objects.create({ amount: '1.00' }) });
    const hasPizza = Exists(Pizza.objects.filter({ box: OuterRef('pk') }));
    expect(Box.objects.filter(hasPizza).valuesList('name', { flat: true }).eval()).toEqual(['full']);
    expect(Box.objects.exclude(hasPizza).valuesList('name', { flat: true }).eval()).toEqual(['empty']);
    expect(() => Box.objects.filter(F('name'))).toThrow(/boolean expression/);
  });
});
