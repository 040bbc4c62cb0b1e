/**
 * Lookups across relations (sync API): forward, reverse and many-to-many traversal to any depth,
 * instance / key / mixed values, isnull, querysets as `__in` values, and Django's multi-valued semantics.
 */
import { F, FieldError, Q } from '../../../src';
import { Box, Pizza, Price, Topping } from '../../models';
import { Author, Band, Membership, Musician, Person, Review } from '../../relations';
import { useRelationsDatabase } from './setup';

let large: Box;
let small: Box;
let empty: Box;
let cheese: Topping;
let ham: Topping;
let pineapple: Topping;
let salami: Topping;
let basil: Topping;
let margherita: Pizza;
let hawaii: Pizza;
let salamiPizza: Pizza;
let plain: Pizza;
let orphanPrice: Price;

useRelationsDatabase();

beforeAll(() => {
  large = Box.objects.create({ name: 'large' });
  small = Box.objects.create({ name: 'small' });
  empty = Box.objects.create({ name: 'empty' });
  cheese = Topping.objects.create({ name: 'cheese', vegetarian: true });
  ham = Topping.objects.create({ name: 'ham', vegetarian: false });
  pineapple = Topping.objects.create({ name: 'pineapple', vegetarian: true });
  salami = Topping.objects.create({ name: 'salami', vegetarian: false });
  basil = Topping.objects.create({ name: 'basil', vegetarian: true });
  margherita = Pizza.objects.create({ name: 'margherita', box: small, price: Price.objects.create({ amount: '8.00' }) });
  hawaii = Pizza.objects.create({ name: 'hawaii', box: large, price: Price.objects.create({ amount: '11.50' }) });
  salamiPizza = Pizza.objects.create({ name: 'salami', box: large, price: Price.objects.create({ amount: '10.00' }) });
  plain = Pizza.objects.create({ name: 'plain', price: Price.objects.create({ amount: '5.00', currency: 'eur' }) });
  orphanPrice = Price.objects.create({ amount: '99.00' });
  margherita.toppings.add(cheese, basil);
  hawaii.toppings.add(cheese, ham, pineapple);
  salamiPizza.toppings.add(salami, cheese);
});


function names(objects: Iterable<{ name: string }>): string[] {
  return [...objects].map((object) => object.name).sort();
}

describe('forward traversal', () => {
  test('FK: box__name, with and without a lookup', () => {
    expect(names(Pizza.objects.filter({ box__name: 'large' }))).toEqual(['hawaii', 'salami']);
    expect(names(Pizza.objects.filter({ box__name__startswith: 'sm' }))).toEqual(['margherita']);
    expect(names(Pizza.objects.filter({ box__name__in: ['small', 'large'] }))).toEqual(['hawaii', 'margherita', 'salami']);
  });

  test('one-to-one: price__amount, compared numerically', () => {
    expect(names(Pizza.objects.filter({ price__amount__gte: '10' }))).toEqual(['hawaii', 'salami']);
    expect(names(Pizza.objects.filter({ price__amount__lt: 9 }))).toEqual(['margherita', 'plain']);
    expect(names(Pizza.objects.filter({ price__currency: 'eur' }))).toEqual(['plain']);
  });

  test('M2M: toppings__name and toppings__vegetarian', () => {
    expect(names(Pizza.objects.filter({ toppings__name: 'ham' }))).toEqual(['hawaii']);
    expect(names(Pizza.objects.filter({ toppings__vegetarian: false }))).toEqual(['hawaii', 'salami']);
  });

  test('a to-many join repeats rows, distinct() folds them (as Django)', () => {
    expect(Pizza.objects.filter({ toppings__vegetarian: true }).count()).toBe(5);
    expect(names(Pizza.objects.filter({ toppings__vegetarian: true }).distinct())).toEqual(['hawaii', 'margherita', 'salami']);
    expect(Pizza.objects.filter({ toppings__vegetarian: true }).distinct().count()).toBe(3);
  });

  test('ordering across a relation', () => {
    expect(Pizza.objects.orderBy('-price__amount').eval().map((p) => p.name)).toEqual(['hawaii', 'salami', 'margherita', 'plain']);
    expect(Pizza.objects.filter({ box__isnull: false }).orderBy('box__name', 'name').eval().map((p) => p.name)).toEqual([
      'hawaii',
      'salami',
      'margherita',
    ]);
  });

  test('F() across a relation', () => {
    const box = Box.objects.create({ name: 'salami' });
    try {
      const pizza = Pizza.objects.get({ pk: salamiPizza.pk });
      pizza.box = box;
      pizza.save();
      expect(names(Pizza.objects.filter({ name: F('box__name') }))).toEqual(['salami']);
    } finally {
      Pizza.objects.filter({ pk: salamiPizza.pk }).update({ box: large });
      box.delete();
    }
  });
});

describe('reverse traversal', () => {
  test('reverse FK: pizza__name from Box', () => {
    expect(names(Box.objects.filter({ pizza__name: 'hawaii' }))).toEqual(['large']);
    expect(names(Box.objects.filter({ pizza__name__in: ['hawaii', 'margherita'] }).distinct())).toEqual(['large', 'small']);
  });

  test('reverse one-to-one: pizza__name from Price', () => {
    expect(Price.objects.filter({ pizza__name: 'hawaii' }).get().amount).toBe('11.50');
    expect(Price.objects.filter({ pizza__box__name: 'large' }).orderBy('amount').valuesList('amount', { flat: true }).eval()).toEqual([
      '10.00',
      '11.50',
    ]);
  });

  test('reverse M2M: pizza__name from Topping', () => {
    expect(names(Topping.objects.filter({ pizza__name: 'salami' }))).toEqual(['cheese', 'salami']);
  });

  test('reverse traversal repeats rows like a join (as Django)', () => {
    expect(Box.objects.filter({ pizza__toppings__vegetarian: true }).count()).toBe(5);
    expect(names(Box.objects.filter({ pizza__toppings__vegetarian: true }).distinct())).toEqual(['large', 'small']);
  });
});

describe('any depth', () => {
  test('box__pizza__toppings__name from Pizza', () => {
    // pizzas whose box holds some pizza with ham
    expect(names(Pizza.objects.filter({ box__pizza__toppings__name: 'ham' }))).toEqual(['hawaii', 'salami']);
  });

  test('pizza__toppings__name from Box; pizza__box__name and pizza__price__amount from Topping', () => {
    expect(names(Box.objects.filter({ pizza__toppings__name: 'basil' }))).toEqual(['small']);
    expect(names(Topping.objects.filter({ pizza__box__name: 'large' }).distinct())).toEqual(['cheese', 'ham', 'pineapple', 'salami']);
    expect(names(Topping.objects.filter({ pizza__price__amount__gt: '10.5' }))).toEqual(['cheese', 'ham', 'pineapple']);
  });

  test('pizza__toppings__pizza__name from Topping (M2M there and back)', () => {
    // toppings that share a pizza with basil
    expect(names(Topping.objects.filter({ pizza__toppings__name: 'basil' }))).toEqual(['basil', 'cheese']);
  });

  test('price__pizza__box__pizza__name from Pizza (O2O, reverse O2O, FK, reverse FK)', () => {
    expect(names(Pizza.objects.filter({ price__pizza__box__pizza__name: 'hawaii' }))).toEqual(['hawaii', 'salami']);
  });
});

describe('values of relation lookups', () => {
  test('by instance and by key', () => {
    expect(names(Pizza.objects.filter({ box: large }))).toEqual(['hawaii', 'salami']);
    expect(names(Pizza.objects.filter({ box: large.pk }))).toEqual(['hawaii', 'salami']);
    expect(names(Pizza.objects.filter({ box__pk: large.pk }))).toEqual(['hawaii', 'salami']);
    expect(names(Pizza.objects.filter({ box__id: large.pk }))).toEqual(['hawaii', 'salami']);
    expect(names(Pizza.objects.filter({ price: plain.priceId }))).toEqual(['plain']);
    expect(names(Pizza.objects.filter({ toppings: ham }))).toEqual(['hawaii']);
    expect(names(Pizza.objects.filter({ toppings: basil.pk }))).toEqual(['margherita']);
    expect(names(Box.objects.filter({ pizza: hawaii }))).toEqual(['large']);
    expect(names(Topping.objects.filter({ pizza: margherita }))).toEqual(['basil', 'cheese']);
    expect(Price.objects.filter({ pizza: plain }).get().currency).toBe('eur');
  });

  test('__in with a mix of instances and keys', () => {
    expect(names(Pizza.objects.filter({ box__in: [small, large.pk] }))).toEqual(['hawaii', 'margherita', 'salami']);
    expect(names(Pizza.objects.filter({ toppings__in: [ham, basil.pk] }))).toEqual(['hawaii', 'margherita']);
    expect(names(Box.objects.filter({ pizza__in: [hawaii, margherita.pk] }))).toEqual(['large', 'small']);
    expect(Pizza.objects.filter({ box__in: [] }).count()).toBe(0);
  });

  test('an instance of the wrong model in __in is a TypeError', () => {
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Pizza.objects.filter({ box__in: [large, cheese] })).toThrow(TypeError);
  });
});

describe('isnull on relations', () => {
  test('forward FK', () => {
    expect(names(Pizza.objects.filter({ box__isnull: true }))).toEqual(['plain']);
    expect(names(Pizza.objects.filter({ box__isnull: false }))).toEqual(['hawaii', 'margherita', 'salami']);
    expect(names(Pizza.objects.filter({ box: null }))).toEqual(['plain']);
  });

  test('M2M and reverse relations', () => {
    expect(names(Pizza.objects.filter({ toppings__isnull: true }))).toEqual(['plain']);
    expect(names(Pizza.objects.filter({ toppings__isnull: false }).distinct())).toEqual(['hawaii', 'margherita', 'salami']);
    expect(names(Box.objects.filter({ pizza__isnull: true }))).toEqual(['empty']);
    expect(Price.objects.filter({ pizza__isnull: true }).valuesList('pk', { flat: true }).eval()).toEqual([orphanPrice.pk]);
    expect(names(Topping.objects.filter({ pizza__isnull: true }))).toEqual([]);
  });
});

describe('a queryset as the right-hand side of __in', () => {
  test('over the related model', () => {
    const boxes = Box.objects.filter({ name__startswith: 'l' });
    expect(names(Pizza.objects.filter({ box__in: boxes }))).toEqual(['hawaii', 'salami']);
    const meaty = Topping.objects.filter({ vegetarian: false });
    expect(names(Pizza.objects.filter({ toppings__in: meaty }))).toEqual(['hawaii', 'salami']);
  });

  test('runs as one statement with a subquery', () => {
    const qs = Pizza.objects.filter({ box__in: Box.objects.filter({ name: 'small' }) });
    expect(qs.toSql().sql).toMatch(/IN \(SELECT/);
  });

  test('a values() queryset selects the compared column', () => {
    const ids = Box.objects.filter({ name: 'small' }).values('pk');
    expect(names(Pizza.objects.filter({ box__in: ids }))).toEqual(['margherita']);
    const pizzaBoxes = Pizza.objects.filter({ toppings__name: 'ham' }).values('box');
    expect(names(Box.objects.filter({ pk__in: pizzaBoxes }))).toEqual(['large']);
  });

  test('a queryset of the wrong model is refused', () => {
    expect(() => Pizza.objects.filter({ box__in: Topping.objects.all() })).toThrow(TypeError);
  });
});

describe('multi-valued relations (Django semantics)', () => {
  test('conditions in one filter() call must hold for the same related row', () => {
    // cheese is vegetarian, so no pizza has a non-vegetarian topping named cheese
    expect(names(Pizza.objects.filter({ toppings__name: 'cheese', toppings__vegetarian: false }))).toEqual([]);
    expect(names(Pizza.objects.filter({ toppings__name: 'ham', toppings__vegetarian: false }))).toEqual(['hawaii']);
  });

  test('conditions in separate filter() calls may hold for different related rows', () => {
    // a pizza with cheese, and (maybe another topping) that is not vegetarian
    expect(names(Pizza.objects.filter({ toppings__name: 'cheese' }).filter({ toppings__vegetarian: false }))).toEqual(['hawaii', 'salami']);
  });

  test('the same holds for reverse relations', () => {
    expect(names(Box.objects.filter({ pizza__name: 'hawaii', pizza__toppings__name: 'salami' }))).toEqual([]);
    expect(names(Box.objects.filter({ pizza__name: 'hawaii' }).filter({ pizza__toppings__name: 'salami' }))).toEqual(['large']);
  });

  test('Q objects in one filter() call share the join too', () => {
    expect(names(Pizza.objects.filter(Q({ toppings__name: 'cheese' }), Q({ toppings__vegetarian: false })))).toEqual([]);
    expect(names(Pizza.objects.filter(Q({ box__name: 'small' }).or(Q({ toppings__name: 'ham' }))).distinct())).toEqual([
      'hawaii',
      'margherita',
    ]);
  });

  test('exclude() across an M2M means "no related row matches"', () => {
    expect(names(Pizza.objects.exclude({ toppings__name: 'cheese' }))).toEqual(['plain']);
    expect(names(Pizza.objects.exclude({ toppings__vegetarian: false }))).toEqual(['margherita', 'plain']);
    expect(names(Pizza.objects.filter(Q({ toppings__name: 'ham' }).not()))).toEqual(['margherita', 'plain', 'salami']);
  });

  test('exclude() across a reverse FK means "no related row matches"', () => {
    expect(names(Box.objects.exclude({ pizza__name: 'hawaii' }))).toEqual(['empty', 'small']);
    expect(names(Box.objects.exclude({ pizza__toppings__name: 'cheese' }))).toEqual(['empty']);
  });

  test('exclude() across a nullable FK keeps rows with no related object', () => {
    expect(names(Pizza.objects.exclude({ box__name: 'large' }))).toEqual(['margherita', 'plain']);
  });
});

describe('null and negation on relations', () => {
  test('filter({ relation: null }) on an M2M and a reverse FK means "none related"', () => {
    expect(names(Pizza.objects.filter({ toppings: null }))).toEqual(['plain']);
    expect(names(Box.objects.filter({ pizza: null }))).toEqual(['empty']);
  });

  test('exclude({ box: obj }) keeps the rows with a null key', () => {
    expect(names(Pizza.objects.exclude({ box: large }))).toEqual(['margherita', 'plain']);
    expect(names(Pizza.objects.filter(Q({ box: large }).not()))).toEqual(['margherita', 'plain']);
    expect(names(Pizza.objects.exclude({ box: null }))).toEqual(['hawaii', 'margherita', 'salami']);
  });

  test('exclude() of a single-valued path keeps rows whose related row is missing', () => {
    expect(names(Pizza.objects.exclude({ box__name__startswith: 's' }))).toEqual(['hawaii', 'plain', 'salami']);
  });
});

describe('values() and ordering over to-many paths', () => {
  test('values("toppings") gives one row per link, keyed by the target pk', () => {
    const rows = Pizza.objects.filter({ name: 'margherita' }).values('name', 'toppings').orderBy('toppings').eval();
    expect(rows).toEqual(
      [
        { name: 'margherita', toppings: cheese.pk },
        { name: 'margherita', toppings: basil.pk },
      ].sort((a, b) => a.toppings - b.toppings),
    );
  });

  test('a values() queryset of a relation key as __in', () => {
    const withHam = Topping.objects.filter({ name: 'ham' }).values('pizza');
    expect(names(Pizza.objects.filter({ pk__in: withHam }))).toEqual(['hawaii']);
  });

  test('ordering by an M2M field repeats rows like Django', () => {
    const hawaiiByTopping = Pizza.objects.filter({ name: 'hawaii' }).orderBy('toppings__name');
    expect(hawaiiByTopping.eval()).toHaveLength(3);
    // count() drops the ordering, and with it the join it needed (Django: len(qs) 3, qs.count() 1)
    expect(Pizza.objects.filter({ name: 'hawaii' }).orderBy('toppings__name').count()).toBe(1);
    expect(
      Pizza.objects.filter({ toppings__isnull: false }).orderBy('toppings__name', 'name').valuesList('name', 'toppings__name').eval(),
    ).toEqual([
      ['margherita', 'basil'],
      ['hawaii', 'cheese'],
      ['margherita', 'cheese'],
      ['salami', 'cheese'],
      ['hawaii', 'ham'],
      ['hawaii', 'pineapple'],
      ['salami', 'salami'],
    ]);
  });

  test('an ordering given before the filter shares its join too (ordering is resolved last, as Django)', () => {
    expect(Pizza.objects.orderBy('toppings__name', 'name').filter({ toppings__name: 'cheese' }).eval().map((p) => p.name)).toEqual([
      'hawaii',
      'margherita',
      'salami',
    ]);
  });

  test('a filter and an ordering on the same M2M path share the join (one row per match)', () => {
    expect(Pizza.objects.filter({ toppings__name: 'cheese' }).orderBy('toppings__name', 'name').eval().map((p) => p.name)).toEqual([
      'hawaii',
      'margherita',
      'salami',
    ]);
  });
});

describe('self-referential and through-model lookups', () => {
  let yoda: Person;
  let luke: Person;
  let leia: Person;
  beforeAll(() => {
    yoda = Person.objects.create({ name: 'Yoda' });
    luke = Person.objects.create({ name: 'Luke', mentor: yoda });
    leia = Person.objects.create({ name: 'Leia', mentor: luke });
    luke.friends.add(leia);
    leia.following.add(yoda);
    const beatles = Band.objects.create({ name: 'Beatles' });
    const wings = Band.objects.create({ name: 'Wings' });
    const paul = Musician.objects.create({ name: 'Paul' });
    const ringo = Musician.objects.create({ name: 'Ringo' });
    beatles.members.add(paul, { throughDefaults: { role: 'bass' } });
    beatles.members.add(ringo, { throughDefaults: { role: 'drums' } });
    wings.members.add(paul, { throughDefaults: { role: 'vocals' } });
  });

  test('FK to self, both directions, to depth', () => {
    expect(names(Person.objects.filter({ mentor__name: 'Yoda' }))).toEqual(['Luke']);
    expect(names(Person.objects.filter({ mentor__mentor__name: 'Yoda' }))).toEqual(['Leia']);
    expect(names(Person.objects.filter({ mentees__name: 'Leia' }))).toEqual(['Luke']);
    expect(names(Person.objects.filter({ mentees__mentees__name: 'Leia' }))).toEqual(['Yoda']);
    expect(names(Person.objects.filter({ mentor__isnull: true }))).toEqual(['Yoda']);
    expect(names(Person.objects.filter({ mentor: yoda }))).toEqual(['Luke']);
  });

  test('symmetrical and asymmetrical M2M to self', () => {
    expect(names(Person.objects.filter({ friends__name: 'Leia' }))).toEqual(['Luke']);
    expect(names(Person.objects.filter({ friends__name: 'Luke' }))).toEqual(['Leia']);
    expect(names(Person.objects.filter({ following: yoda }))).toEqual(['Leia']);
    expect(names(Person.objects.filter({ followers: leia }))).toEqual(['Yoda']);
    expect(names(Person.objects.filter({ followers__isnull: true }))).toEqual(['Leia', 'Luke']);
  });

  test('through a model with extra columns', () => {
    expect(names(Band.objects.filter({ members__name: 'Ringo' }))).toEqual(['Beatles']);
    expect(names(Musician.objects.filter({ bands__name: 'Wings' }))).toEqual(['Paul']);
    expect(names(Band.objects.filter({ membership__role: 'vocals' }))).toEqual(['Wings']);
    expect(names(Band.objects.filter({ membership__role: 'bass', membership__musician__name: 'Paul' }))).toEqual(['Beatles']);
    expect(names(Musician.objects.filter({ membership__role: 'drums', bands__name: 'Beatles' }))).toEqual(['Ringo']);
    expect(Membership.objects.filter({ band__name: 'Beatles', musician__name: 'Paul' }).get().role).toBe('bass');
  });

  test('relatedQueryName and toField', () => {
    const ann = Author.objects.create({ name: 'Ann', handle: 'ann' });
    Review.objects.create({ author: ann, stars: 4 });
    expect(Author.objects.filter({ reviews__stars__gte: 4 }).get().handle).toBe('ann');
    expect(Review.objects.filter({ author__handle: 'ann' }).count()).toBe(1);
    expect(Review.objects.filter({ author__in: Author.objects.filter({ name: 'Ann' }) }).count()).toBe(1);
  });
});

describe('errors', () => {
  test('an unknown field after a relation names the model reached and the choices', () => {
    let error: unknown;
    try {
      // @ts-expect-error misuse on purpose: the run-time check is under test
      Pizza.objects.filter({ box__colour: 'red' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FieldError);
    const message = (error as Error).message;
    expect(message).toContain('colour');
    expect(message).toContain('Box');
    expect(message).toMatch(/Choices are:.*name/);
    expect(message).toMatch(/Choices are:.*pizza/);
  });

  test('the same after an M2M or a reverse relation names the related model', () => {
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Pizza.objects.filter({ toppings__spicy: true })).toThrow(/Topping has no field 'spicy'.*Choices are:.*vegetarian/);
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Box.objects.filter({ pizza__crust: 'thin' })).toThrow(/Pizza has no field 'crust'.*Choices are:.*toppings/);
  });

  test('an unknown field after an M2M / reverse relation is a FieldError before any SQL', () => {
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Pizza.objects.filter({ toppings__spicy: true })).toThrow(FieldError);
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Box.objects.filter({ pizza__crust: 'thin' })).toThrow(FieldError);
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Pizza.objects.filter({ box__pizza__toppings__nope: 1 })).toThrow(/nope/);
  });

  test('an unknown lookup after a relation is a FieldError', () => {
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Pizza.objects.filter({ box__name__sounds_like: 'x' })).toThrow(FieldError);
  });

  test('exclude() and Q() report unknown relation fields too', () => {
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Pizza.objects.exclude({ toppings__nope: 1 })).toThrow(FieldError);
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Pizza.objects.filter(Q({ box__nope: 1 }).not())).toThrow(FieldError);
  });
});
