/**
 * Loading relations eagerly (sync API): selectRelated (joins) and prefetchRelated (one query per level),
 * with query counts that rule out N+1 access.
 */
import { captureQueries, FieldError, Prefetch } from '../../../src';
import { Box, Choice, Pizza, Price, Question, Topping } from '../../models';
import { Band, Membership, Musician, Person } from '../../relations';
import { useRelationsDatabase } from './setup';

let large: Box;
let small: Box;
let cheese: Topping;
let ham: Topping;
let basil: Topping;
let orphanPrice: Price;

useRelationsDatabase();

beforeAll(() => {
  large = Box.objects.create({ name: 'large' });
  small = Box.objects.create({ name: 'small' });
  Box.objects.create({ name: 'empty' });
  cheese = Topping.objects.create({ name: 'cheese' });
  ham = Topping.objects.create({ name: 'ham', vegetarian: false });
  basil = Topping.objects.create({ name: 'basil' });
  const make = (name: string, box: Box | null, amount: string) =>
    Pizza.objects.create({ name, box, price: Price.objects.create({ amount }) });
  make('margherita', small, '8.00').toppings.add(cheese, basil);
  make('hawaii', large, '11.50').toppings.add(cheese, ham);
  make('salami', large, '10.00').toppings.add(ham);
  make('plain', null, '5.00');
  orphanPrice = Price.objects.create({ amount: '1.00' });

  const question = Question.objects.create({ questionText: 'Best?', pubDate: new Date('2024-01-01T00:00:00Z') });
  question.choiceSet.create({ choiceText: 'a' });
  question.choiceSet.create({ choiceText: 'b' });

  const yoda = Person.objects.create({ name: 'Yoda' });
  const luke = Person.objects.create({ name: 'Luke', mentor: yoda });
  const leia = Person.objects.create({ name: 'Leia', mentor: luke });
  luke.friends.add(leia, yoda);

  const beatles = Band.objects.create({ name: 'Beatles' });
  const wings = Band.objects.create({ name: 'Wings' });
  const paul = Musician.objects.create({ name: 'Paul' });
  const ringo = Musician.objects.create({ name: 'Ringo' });
  beatles.members.add(paul, ringo);
  wings.members.add(paul, { throughDefaults: { role: 'vocals' } });
});


function names(objects: Iterable<{ name: string }>): string[] {
  return [...objects].map((object) => object.name);
}

describe('selectRelated', () => {
  test('one query for pizzas and their boxes; no query on access', () => {
    let pizzas: Pizza[] = [];
    const load = captureQueries(() => {
      pizzas = Pizza.objects.selectRelated('box').eval();
    });
    expect(load).toHaveLength(1);
    expect(load[0]!.sql).toMatch(/LEFT OUTER JOIN "box"/);
    const access = captureQueries(() => pizzas.map((pizza) => pizza.box?.name ?? null));
    expect(access).toHaveLength(0);
    expect(pizzas.map((pizza) => [pizza.name, pizza.box?.name ?? null])).toEqual([
      ['hawaii', 'large'],
      ['margherita', 'small'],
      ['plain', null],
      ['salami', 'large'],
    ]);
  });

  test('a nullable FK uses a LEFT JOIN, so rows with a null key are kept', () => {
    const pizzas = Pizza.objects.selectRelated('box').filter({ name: 'plain' }).eval();
    expect(pizzas).toHaveLength(1);
    expect(captureQueries(() => expect(pizzas[0]!.box).toBeNull())).toHaveLength(0);
    expect(Pizza.objects.selectRelated('box').count()).toBe(4);
  });

  test('a non-null FK / one-to-one may use an INNER JOIN', () => {
    const { sql } = Pizza.objects.selectRelated('price').toSql();
    expect(sql).toMatch(/JOIN "price"/);
    const pizzas = Pizza.objects.selectRelated('price').eval();
    expect(captureQueries(() => pizzas.map((pizza) => pizza.price.amount))).toHaveLength(0);
    expect(pizzas.map((pizza) => pizza.price.amount)).toEqual(['11.50', '8.00', '5.00', '10.00']);
  });

  test('several paths in one query', () => {
    let pizzas: Pizza[] = [];
    expect(captureQueries(() => (pizzas = Pizza.objects.selectRelated('box', 'price').eval()))).toHaveLength(1);
    expect(captureQueries(() => pizzas.forEach((pizza) => void [pizza.box, pizza.price]))).toHaveLength(0);
  });

  test('selectRelated() with no names follows the non-null foreign keys only', () => {
    const pizzas = Pizza.objects.selectRelated().eval();
    expect(captureQueries(() => pizzas.map((pizza) => pizza.price.amount))).toHaveLength(0);
    const hawaii = pizzas.find((pizza) => pizza.name === 'hawaii')!;
    expect(captureQueries(() => hawaii.box)).toHaveLength(1);
  });

  test('a chain of nullable self-references: mentor__mentor', () => {
    let people: Person[] = [];
    expect(captureQueries(() => (people = Person.objects.selectRelated('mentor__mentor').eval()))).toHaveLength(1);
    const chains = captureQueries(() => {
      const byName = Object.fromEntries(people.map((person) => [person.name, person]));
      expect(byName.Leia!.mentor?.name).toBe('Luke');
      expect(byName.Leia!.mentor?.mentor?.name).toBe('Yoda');
      expect(byName.Luke!.mentor?.name).toBe('Yoda');
      expect(byName.Luke!.mentor?.mentor).toBeNull();
      expect(byName.Yoda!.mentor).toBeNull();
    });
    expect(chains).toHaveLength(0);
    expect(people).toHaveLength(3);
  });

  test('FK chains through several models: Membership → band, musician; Choice → question', () => {
    let memberships: Membership[] = [];
    expect(captureQueries(() => (memberships = Membership.objects.selectRelated('band', 'musician').eval()))).toHaveLength(1);
    const pairs = captureQueries(() => {
      expect(memberships.map((m) => `${m.band.name}/${m.musician.name}`).sort()).toEqual(['Beatles/Paul', 'Beatles/Ringo', 'Wings/Paul']);
    });
    expect(pairs).toHaveLength(0);
    const choices = Choice.objects.selectRelated('question').eval();
    expect(captureQueries(() => choices.map((c) => c.question.questionText))).toHaveLength(0);
  });

  test('reverse one-to-one: Price.selectRelated("pizza"), keeping prices without a pizza', () => {
    let prices: Price[] = [];
    expect(captureQueries(() => (prices = Price.objects.selectRelated('pizza').orderBy('amount').eval()))).toHaveLength(1);
    expect(prices).toHaveLength(5);
    const access = captureQueries(() => {
      const orphan = prices.find((price) => price.pk === orphanPrice.pk)!;
      expect(() => orphan.pizza).toThrow(Pizza.DoesNotExist);
      expect(prices.filter((price) => price.pk !== orphanPrice.pk).map((price) => price.pizza.name)).toEqual([
        'plain',
        'margherita',
        'salami',
        'hawaii',
      ]);
    });
    expect(access).toHaveLength(0);
  });

  test('selectRelated combined with a filter on the same relation', () => {
    const pizzas = Pizza.objects.selectRelated('box').filter({ box__name: 'large' }).eval();
    expect(names(pizzas)).toEqual(['hawaii', 'salami']);
    expect(captureQueries(() => pizzas.map((pizza) => pizza.box!.name))).toHaveLength(0);
  });

  test('a reverse one-to-one followed by a forward FK: price → pizza → box', () => {
    let prices: Price[] = [];
    expect(captureQueries(() => (prices = Price.objects.selectRelated('pizza__box').filter({ pizza__name: 'hawaii' }).eval()))).toHaveLength(1);
    expect(captureQueries(() => expect(prices[0]!.pizza.box?.name).toBe('large'))).toHaveLength(0);
  });

  test('selectRelated of a to-many relation or a non-relation is a FieldError', () => {
    expect(() => Pizza.objects.selectRelated('toppings').eval()).toThrow(FieldError);
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Pizza.objects.selectRelated('name').eval()).toThrow(FieldError);
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Box.objects.selectRelated('pizzaSet').eval()).toThrow(FieldError);
  });

  test('get() and first() honour selectRelated', () => {
    const pizza = Pizza.objects.selectRelated('box').get({ name: 'hawaii' });
    expect(captureQueries(() => pizza.box?.name)).toHaveLength(0);
    const first = Pizza.objects.selectRelated('box').filter({ box__isnull: false }).first()!;
    expect(captureQueries(() => first.box?.name)).toHaveLength(0);
  });
});

describe('prefetchRelated', () => {
  test('M2M: two queries for all pizzas and their toppings; .all() uses the cache', () => {
    let pizzas: Pizza[] = [];
    const load = captureQueries(() => {
      pizzas = Pizza.objects.prefetchRelated('toppings').eval();
    });
    expect(load).toHaveLength(2);
    const access = captureQueries(() => {
      const toppings = Object.fromEntries(pizzas.map((pizza) => [pizza.name, names(pizza.toppings.all())]));
      expect(toppings).toEqual({
        hawaii: ['cheese', 'ham'],
        margherita: ['basil', 'cheese'],
        plain: [],
        salami: ['ham'],
      });
    });
    expect(access).toHaveLength(0);
  });

  test('the manager itself, and all().count() / exists(), use the cache', () => {
    const pizzas = Pizza.objects.prefetchRelated('toppings').eval();
    const access = captureQueries(() => {
      for (const pizza of pizzas) {
        void pizza.toppings.eval();
        void [...pizza.toppings.all()];
        void pizza.toppings.all().count();
        void pizza.toppings.all().exists();
      }
    });
    expect(access).toHaveLength(0);
  });

  test('manager.count() / exists() / contains() use the prefetch cache (as Django)', () => {
    const pizzas = Pizza.objects.prefetchRelated('toppings').eval();
    let counts: number[] = [];
    let exists: boolean[] = [];
    let withHam: boolean[] = [];
    const access = captureQueries(() => {
      counts = pizzas.map((pizza) => pizza.toppings.count());
      exists = pizzas.map((pizza) => pizza.toppings.exists());
      withHam = pizzas.map((pizza) => pizza.toppings.contains(ham));
    });
    expect(counts).toEqual([2, 2, 0, 1]);
    expect(exists).toEqual([true, true, false, true]);
    expect(withHam).toEqual([true, false, false, true]);
    expect(access).toHaveLength(0);
    // without a prefetch they query
    const plain = Pizza.objects.get({ name: 'hawaii' });
    expect(captureQueries(() => expect(plain.toppings.count()).toBe(2))).toHaveLength(1);
  });

  test('filtering a prefetched manager queries the database', () => {
    const pizzas = Pizza.objects.prefetchRelated('toppings').eval();
    const hawaii = pizzas.find((pizza) => pizza.name === 'hawaii')!;
    let veg: string[] = [];
    const queries = captureQueries(() => {
      veg = names(hawaii.toppings.filter({ vegetarian: true }));
    });
    expect(queries).toHaveLength(1);
    expect(veg).toEqual(['cheese']);
  });

  test('reverse M2M: topping.pizzaSet', () => {
    let toppings: Topping[] = [];
    expect(captureQueries(() => (toppings = Topping.objects.prefetchRelated('pizzaSet').eval()))).toHaveLength(2);
    const access = captureQueries(() => {
      expect(Object.fromEntries(toppings.map((t) => [t.name, names(t.pizzaSet.all())]))).toEqual({
        basil: ['margherita'],
        cheese: ['hawaii', 'margherita'],
        ham: ['hawaii', 'salami'],
      });
    });
    expect(access).toHaveLength(0);
  });

  test('reverse FK: box.pizzaSet, and each pizza knows its box', () => {
    let boxes: Box[] = [];
    expect(captureQueries(() => (boxes = Box.objects.prefetchRelated('pizzaSet').orderBy('name').eval()))).toHaveLength(2);
    const access = captureQueries(() => {
      expect(boxes.map((box) => [box.name, names(box.pizzaSet.all())])).toEqual([
        ['empty', []],
        ['large', ['hawaii', 'salami']],
        ['small', ['margherita']],
      ]);
      for (const box of boxes) for (const pizza of box.pizzaSet.all()) expect(pizza.box).toBe(box);
    });
    expect(access).toHaveLength(0);
  });

  test('forward FK: prefetchRelated("box") loads the boxes in one query', () => {
    let pizzas: Pizza[] = [];
    expect(captureQueries(() => (pizzas = Pizza.objects.prefetchRelated('box').eval()))).toHaveLength(2);
    const access = captureQueries(() => pizzas.map((pizza) => pizza.box?.name ?? null));
    expect(access).toHaveLength(0);
    expect(pizzas.map((pizza) => pizza.box?.name ?? null)).toEqual(['large', 'small', null, 'large']);
  });

  test('reverse one-to-one: prefetchRelated("pizza") caches the pizza, or its absence', () => {
    let prices: Price[] = [];
    expect(captureQueries(() => (prices = Price.objects.prefetchRelated('pizza').orderBy('amount').eval()))).toHaveLength(2);
    const access = captureQueries(() => {
      expect(() => prices[0]!.pizza).toThrow(Pizza.DoesNotExist);
      expect(prices.slice(1).map((price) => price.pizza.name)).toEqual(['plain', 'margherita', 'salami', 'hawaii']);
    });
    expect(access).toHaveLength(0);
  });

  test('Prefetch(…, { toAttr }) on a forward FK', () => {
    const pizzas = Pizza.objects.prefetchRelated(Prefetch('box', { toAttr: 'container' })).eval();
    const container = (pizza: Pizza) => (pizza as unknown as { container: Box | null }).container;
    expect(pizzas.map((pizza) => container(pizza)?.name ?? null)).toEqual(['large', 'small', null, 'large']);
  });

  test('nested: pizzaSet__toppings is one query per level', () => {
    let boxes: Box[] = [];
    expect(captureQueries(() => (boxes = Box.objects.prefetchRelated('pizzaSet__toppings').orderBy('name').eval()))).toHaveLength(3);
    const access = captureQueries(() => {
      const large = boxes.find((box) => box.name === 'large')!;
      expect(large.pizzaSet.all().eval().map((pizza) => [pizza.name, names(pizza.toppings.all())])).toEqual([
        ['hawaii', ['cheese', 'ham']],
        ['salami', ['ham']],
      ]);
    });
    expect(access).toHaveLength(0);
  });

  test('nested through a forward FK: box__pizzaSet from Pizza', () => {
    let pizzas: Pizza[] = [];
    expect(captureQueries(() => (pizzas = Pizza.objects.prefetchRelated('box__pizzaSet').eval()))).toHaveLength(3);
    const access = captureQueries(() => {
      const hawaii = pizzas.find((pizza) => pizza.name === 'hawaii')!;
      expect(names(hawaii.box!.pizzaSet.all())).toEqual(['hawaii', 'salami']);
    });
    expect(access).toHaveLength(0);
  });

  test('several lookups sharing a prefix do not repeat the shared level', () => {
    const queries = captureQueries(() => Box.objects.prefetchRelated('pizzaSet', 'pizzaSet__toppings').eval());
    expect(queries).toHaveLength(3);
  });

  test('Prefetch(lookup, { queryset }) filters the cached set', () => {
    const pizzas = Pizza.objects.prefetchRelated(Prefetch('toppings', { queryset: Topping.objects.filter({ vegetarian: true }) })).eval();
    const access = captureQueries(() => {
      expect(Object.fromEntries(pizzas.map((pizza) => [pizza.name, names(pizza.toppings.all())]))).toEqual({
        hawaii: ['cheese'],
        margherita: ['basil', 'cheese'],
        plain: [],
        salami: [],
      });
    });
    expect(access).toHaveLength(0);
  });

  test('Prefetch(lookup, { queryset, toAttr }) stores a list on the instance and leaves the manager alone', () => {
    let boxes: Box[] = [];
    const load = captureQueries(() => {
      boxes = Box.objects
        .prefetchRelated(Prefetch('pizzaSet', { queryset: Pizza.objects.filter({ price__amount__gte: '10' }).orderBy('-name'), toAttr: 'pricey' }))
        .orderBy('name')
        .eval();
    });
    expect(load).toHaveLength(2);
    const pricey = (box: Box) => (box as unknown as { pricey: Pizza[] }).pricey;
    expect(boxes.map((box) => [box.name, names(pricey(box))])).toEqual([
      ['empty', []],
      ['large', ['salami', 'hawaii']],
      ['small', []],
    ]);
    const small = boxes.find((box) => box.name === 'small')!;
    expect(captureQueries(() => expect(names(small.pizzaSet.all())).toEqual(['margherita']))).toHaveLength(1);
  });

  test('a later lookup continues from a Prefetch with a queryset', () => {
    let boxes: Box[] = [];
    const load = captureQueries(() => {
      boxes = Box.objects
        .prefetchRelated(Prefetch('pizzaSet', { queryset: Pizza.objects.filter({ name__startswith: 'h' }) }), 'pizzaSet__toppings')
        .orderBy('name')
        .eval();
    });
    expect(load).toHaveLength(3);
    const access = captureQueries(() => {
      expect(boxes.map((box) => box.pizzaSet.all().eval().map((p) => [p.name, names(p.toppings.all())]))).toEqual([
        [],
        [['hawaii', ['cheese', 'ham']]],
        [],
      ]);
    });
    expect(access).toHaveLength(0);
  });

  test('a later lookup may continue through a toAttr list (as Django)', () => {
    let boxes: Box[] = [];
    const load = captureQueries(() => {
      // A toAttr name is made at run time, so the path through it is passed unchecked (`as string`).
      // @ts-expect-error misuse on purpose: the run-time check is under test
      boxes = Box.objects.prefetchRelated(Prefetch('pizzaSet', { toAttr: 'pizzas' }), 'pizzas__toppings' as string).orderBy('name').eval();
    });
    expect(load).toHaveLength(3);
    const pizzas = (box: Box) => (box as unknown as { pizzas: Pizza[] }).pizzas;
    const access = captureQueries(() => {
      expect(boxes.map((box) => pizzas(box).map((p) => [p.name, names(p.toppings.all())]))).toEqual([
        [],
        [
          ['hawaii', ['cheese', 'ham']],
          ['salami', ['ham']],
        ],
        [['margherita', ['basil', 'cheese']]],
      ]);
    });
    expect(access).toHaveLength(0);
  });

  test('a Prefetch queryset may itself selectRelated', () => {
    let boxes: Box[] = [];
    const load = captureQueries(() => {
      boxes = Box.objects.prefetchRelated(Prefetch('pizzaSet', { queryset: Pizza.objects.selectRelated('price') })).eval();
    });
    expect(load).toHaveLength(2);
    const access = captureQueries(() => boxes.flatMap((box) => box.pizzaSet.all().eval().map((pizza) => pizza.price.amount)));
    expect(access).toHaveLength(0);
  });

  test('a Prefetch queryset over the wrong model is refused', () => {
    expect(() => Pizza.objects.prefetchRelated(Prefetch('toppings', { queryset: Box.objects.all() })).eval()).toThrow(TypeError);
  });

  test('selectRelated and prefetchRelated together', () => {
    let pizzas: Pizza[] = [];
    expect(captureQueries(() => (pizzas = Pizza.objects.selectRelated('box', 'price').prefetchRelated('toppings').eval()))).toHaveLength(2);
    const access = captureQueries(() => pizzas.map((pizza) => [pizza.box?.name, pizza.price.amount, pizza.toppings.all().count()]));
    expect(access).toHaveLength(0);
  });

  test('self-references and explicit through models prefetch too', () => {
    let people: Person[] = [];
    expect(captureQueries(() => (people = Person.objects.prefetchRelated('friends', 'mentees').eval()))).toHaveLength(3);
    const access = captureQueries(() => {
      expect(people.map((p) => [p.name, names(p.friends.all()), names(p.mentees.all())])).toEqual([
        ['Leia', ['Luke'], []],
        ['Luke', ['Leia', 'Yoda'], ['Leia']],
        ['Yoda', ['Luke'], ['Luke']],
      ]);
    });
    expect(access).toHaveLength(0);
    let bands: Band[] = [];
    expect(captureQueries(() => (bands = Band.objects.prefetchRelated('members', 'membershipSet').eval()))).toHaveLength(3);
    const bandAccess = captureQueries(() => {
      expect(bands.map((b) => [b.name, names(b.members.all()), b.membershipSet.all().eval().map((m) => m.role)])).toEqual([
        ['Beatles', ['Paul', 'Ringo'], ['member', 'member']],
        ['Wings', ['Paul'], ['vocals']],
      ]);
    });
    expect(bandAccess).toHaveLength(0);
  });

  test('writes through the manager drop the stale cache', () => {
    const pizza = Pizza.objects.prefetchRelated('toppings').get({ name: 'salami' });
    expect(names(pizza.toppings.all())).toEqual(['ham']);
    pizza.toppings.add(basil);
    try {
      expect(names(pizza.toppings.all())).toEqual(['basil', 'ham']);
    } finally {
      pizza.toppings.remove(basil);
    }
    expect(names(pizza.toppings.all())).toEqual(['ham']);
  });

  test('an unknown prefetch lookup is a FieldError naming it and the choices', () => {
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Pizza.objects.prefetchRelated('sauces').eval()).toThrow(FieldError);
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Pizza.objects.prefetchRelated('sauces').eval()).toThrow(/sauces.*Choices are:.*toppings/);
  });

  test('prefetching an empty result runs only the main query', () => {
    expect(captureQueries(() => Pizza.objects.filter({ name: 'none' }).prefetchRelated('toppings').eval())).toHaveLength(1);
  });

  test('iterator() prefetches per chunk', () => {
    const queries = captureQueries(() => {
      const seen: Array<[string, number]> = [];
      for (const pizza of Pizza.objects.prefetchRelated('toppings').iterator({ chunkSize: 2 })) {
        seen.push([pizza.name, pizza.toppings.all().count()]);
      }
      expect(seen).toEqual([
        ['hawaii', 2],
        ['margherita', 2],
        ['plain', 0],
        ['salami', 1],
      ]);
    });
    expect(queries).toHaveLength(3);
  });
});
