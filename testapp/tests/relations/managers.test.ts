/**
 * Related managers (sync API): QuerySet methods plus add / remove / clear / set / create / getOrCreate /
 * updateOrCreate on both sides of reverse-FK, M2M (auto and explicit through) and self-referential relations.
 */
import { captureQueries, Count, F, IntegrityError, ManyToManyField, Sum } from '../../../src';
import { Box, Choice, Pizza, Price, Question, Topping } from '../../models';
import { Band, Membership, Musician, Person } from '../../relations';
import { clearPizzeria, makePizza, useRelationsDatabase } from './setup';

useRelationsDatabase();

beforeEach(() => clearPizzeria(Question, Person, Band, Musician));

function price(amount = '10.00'): Price {
  return Price.objects.create({ amount });
}


const PizzaToppings = () => Pizza._meta.through(Pizza._meta.getField('toppings') as ManyToManyField).through;
const PersonFriends = () => Person._meta.through(Person._meta.getField('friends') as ManyToManyField).through;

function names(objects: Iterable<{ name: string }>): string[] {
  return [...objects].map((object) => object.name);
}

function boxOf(pizza: Pizza): unknown {
  return Pizza.objects.get({ pk: pizza.pk }).boxId;
}

// ====================================================================== reverse FK (nullable): box.pizzaSet

describe('reverse FK manager (nullable key): box.pizzaSet', () => {
  let box: Box;
  let other: Box;
  beforeEach(() => {
    box = Box.objects.create({ name: 'box' });
    other = Box.objects.create({ name: 'other' });
  });

  test('QuerySet methods are scoped to the related rows', () => {
    makePizza('a', box, '1.00');
    makePizza('b', box, '2.00');
    makePizza('c', box, '3.00');
    makePizza('x', other, '100.00');
    makePizza('y', null, '200.00');
    const set = box.pizzaSet;
    expect(names(set.all())).toEqual(['a', 'b', 'c']);
    expect(names(set.filter({ name__in: ['a', 'c', 'x'] }))).toEqual(['a', 'c']);
    expect(names(set.exclude({ name: 'a' }))).toEqual(['b', 'c']);
    expect(names(set.orderBy('-name'))).toEqual(['c', 'b', 'a']);
    expect(set.count()).toBe(3);
    expect(set.exists()).toBe(true);
    expect(set.first()?.name).toBe('a');
    expect(set.last()?.name).toBe('c');
    expect(set.get({ name: 'b' }).name).toBe('b');
    expect(() => set.get({ name: 'x' })).toThrow(Pizza.DoesNotExist);
    expect(set.values('name').eval()).toEqual([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    expect(set.valuesList('name', { flat: true }).eval()).toEqual(['a', 'b', 'c']);
    expect(set.aggregate({ total: Sum('price__amount') })).toEqual({ total: '6.00' });
    expect(set.at(1)?.name).toBe('b');
    expect([...set].length).toBe(3);
    expect(set.contains(Pizza.objects.get({ name: 'x' }))).toBe(false);
    expect(set.contains(Pizza.objects.get({ name: 'a' }))).toBe(true);
    expect(set.inBulk().size).toBe(3);
  });

  test('update() and delete() through the manager touch only related rows', () => {
    makePizza('a', box);
    makePizza('b', box);
    makePizza('x', other);
    expect(box.pizzaSet.filter({ name: 'a' }).update({ name: 'A' })).toBe(1);
    expect(box.pizzaSet.update({ name: F('name') })).toBe(2);
    expect(names(Pizza.objects.orderBy('name'))).toEqual(['A', 'b', 'x']);
    const [total, counts] = box.pizzaSet.delete();
    expect(total).toBe(2);
    expect(counts).toEqual({ Pizza: 2 });
    expect(names(Pizza.objects.all())).toEqual(['x']);
  });

  test('add() points the objects at the instance, in one UPDATE', () => {
    const a = makePizza('a');
    const b = makePizza('b', other);
    const queries = captureQueries(() => box.pizzaSet.add(a, b));
    expect(queries.filter((q) => /^UPDATE/i.test(q.sql))).toHaveLength(1);
    expect(a.boxId).toBe(box.pk);
    expect(b.boxId).toBe(box.pk);
    expect(boxOf(a)).toBe(box.pk);
    expect(boxOf(b)).toBe(box.pk);
    expect(names(box.pizzaSet.all())).toEqual(['a', 'b']);
    expect(other.pizzaSet.count()).toBe(0);
  });

  test('add() of an unsaved object needs { bulk: false }, which saves it', () => {
    const unsaved = new Pizza({ name: 'new', price: price() });
    expect(() => box.pizzaSet.add(unsaved)).toThrow(/save|bulk/);
    expect(Pizza.objects.count()).toBe(0);
    box.pizzaSet.add(unsaved, { bulk: false });
    expect(unsaved.pk).not.toBeNull();
    expect(boxOf(unsaved)).toBe(box.pk);
  });

  test('add() of an instance of the wrong model is a TypeError, nothing written', () => {
    const a = makePizza('a');
    const topping = Topping.objects.create({ name: 'ham' });
    expect(() => box.pizzaSet.add(a, topping as never)).toThrow(TypeError);
    expect(boxOf(a)).toBeNull();
  });

  test('remove() detaches the given objects (key set to null)', () => {
    const a = makePizza('a', box);
    const b = makePizza('b', box);
    box.pizzaSet.remove(a);
    expect(a.boxId).toBeNull();
    expect(boxOf(a)).toBeNull();
    expect(boxOf(b)).toBe(box.pk);
    expect(Pizza.objects.count()).toBe(2);
  });

  test('remove() of an object related elsewhere is refused, nothing written', () => {
    const a = makePizza('a', box);
    const x = makePizza('x', other);
    expect(() => box.pizzaSet.remove(a, x)).toThrow(/not related/);
    expect(boxOf(a)).toBe(box.pk);
    expect(boxOf(x)).toBe(other.pk);
  });

  test('clear() detaches every related object and deletes nothing', () => {
    makePizza('a', box);
    makePizza('b', box);
    makePizza('x', other);
    box.pizzaSet.clear();
    expect(box.pizzaSet.count()).toBe(0);
    expect(other.pizzaSet.count()).toBe(1);
    expect(Pizza.objects.filter({ box: null }).count()).toBe(2);
  });

  test('set() computes the difference: removes the missing, adds the new, keeps the rest', () => {
    // a box whose key cannot be mistaken for a pizza key in the statement parameters
    const big = Box.objects.create({ id: 900_000 + box.pk, name: 'big' });
    const a = makePizza('a', big);
    const b = makePizza('b', big);
    const c = makePizza('c');
    const queries = captureQueries(() => big.pizzaSet.set([a, c]));
    expect(names(big.pizzaSet.all())).toEqual(['a', 'c']);
    expect(boxOf(b)).toBeNull();
    expect(boxOf(c)).toBe(big.pk);
    // a was already related: no UPDATE names it; b and c are named
    const updatedKeys = queries.filter((q) => /^UPDATE/i.test(q.sql)).flatMap((q) => q.params);
    expect(updatedKeys).toContain(b.pk);
    expect(updatedKeys).toContain(c.pk);
    expect(updatedKeys).not.toContain(a.pk);
  });

  test('set([], …) empties the set; set(objs, { clear: true }) clears first', () => {
    const a = makePizza('a', box);
    const b = makePizza('b', box);
    box.pizzaSet.set([b], { clear: true });
    expect(names(box.pizzaSet.all())).toEqual(['b']);
    expect(boxOf(a)).toBeNull();
    box.pizzaSet.set([]);
    expect(box.pizzaSet.count()).toBe(0);
  });

  test('create() makes a related object', () => {
    const pizza = box.pizzaSet.create({ name: 'made', price: price() });
    expect(pizza.pk).not.toBeNull();
    expect(pizza.boxId).toBe(box.pk);
    expect(boxOf(pizza)).toBe(box.pk);
    expect(names(box.pizzaSet.all())).toEqual(['made']);
  });

  test('getOrCreate() looks within the related set and creates related objects', () => {
    const [made, created] = box.pizzaSet.getOrCreate({ name: 'g' }, { defaults: { price: price() } });
    expect(created).toBe(true);
    expect(made.boxId).toBe(box.pk);
    const [found, createdAgain] = box.pizzaSet.getOrCreate({ name: 'g' }, { defaults: { price: price() } });
    expect(createdAgain).toBe(false);
    expect(found.pk).toBe(made.pk);
    // the same name in another box is another object
    const [elsewhere, createdElsewhere] = other.pizzaSet.getOrCreate({ name: 'g' }, { defaults: { price: price() } });
    expect(createdElsewhere).toBe(true);
    expect(elsewhere.pk).not.toBe(made.pk);
    expect(Pizza.objects.filter({ name: 'g' }).count()).toBe(2);
  });

  test('updateOrCreate() updates the related object or creates one', () => {
    const a = makePizza('a', box);
    const p1 = price('1.00');
    const [updated, created] = box.pizzaSet.updateOrCreate({ name: 'a' }, { defaults: { price: p1 } });
    expect(created).toBe(false);
    expect(updated.pk).toBe(a.pk);
    expect(Pizza.objects.get({ pk: a.pk }).priceId).toBe(p1.pk);
    const [made, createdNew] = box.pizzaSet.updateOrCreate({ name: 'b' }, { defaults: { price: price('2.00') } });
    expect(createdNew).toBe(true);
    expect(boxOf(made)).toBe(box.pk);
  });
});

// ====================================================================== reverse FK (non-null): question.choiceSet

describe('reverse FK manager (non-null key): question.choiceSet', () => {
  let question: Question;
  let other: Question;
  beforeEach(() => {
    question = Question.objects.create({ questionText: 'Q', pubDate: new Date() });
    other = Question.objects.create({ questionText: 'R', pubDate: new Date() });
  });

  test('remove() and clear() are TypeErrors and write nothing', () => {
    const a = question.choiceSet.create({ choiceText: 'a' });
    question.choiceSet.create({ choiceText: 'b' });
    const removeQueries = captureQueries(() => expect(() => question.choiceSet.remove(a)).toThrow(TypeError));
    expect(removeQueries.filter((q) => !/^SELECT/i.test(q.sql))).toHaveLength(0);
    const clearQueries = captureQueries(() => expect(() => question.choiceSet.clear()).toThrow(TypeError));
    expect(clearQueries).toHaveLength(0);
    expect(() => question.choiceSet.clear()).toThrow(/Choice\.question.*not nullable|null/);
    expect(question.choiceSet.count()).toBe(2);
  });

  test('add() moves objects from another instance', () => {
    const c = other.choiceSet.create({ choiceText: 'c' });
    question.choiceSet.add(c);
    expect(Choice.objects.get({ pk: c.pk }).questionId).toBe(question.pk);
    expect(other.choiceSet.count()).toBe(0);
  });

  test('set() on a non-null key only adds', () => {
    const a = question.choiceSet.create({ choiceText: 'a' });
    const c = other.choiceSet.create({ choiceText: 'c' });
    question.choiceSet.set([c]);
    expect(question.choiceSet.eval().map((x) => x.pk).sort()).toEqual([a.pk, c.pk].sort());
  });

  test('create / getOrCreate / updateOrCreate', () => {
    const made = question.choiceSet.create({ choiceText: 'yes' });
    expect(made.questionId).toBe(question.pk);
    const [found, created] = question.choiceSet.getOrCreate({ choiceText: 'yes' });
    expect(created).toBe(false);
    expect(found.pk).toBe(made.pk);
    const [updated, createdNew] = question.choiceSet.updateOrCreate({ choiceText: 'yes' }, { defaults: { votes: 5 } });
    expect(createdNew).toBe(false);
    expect(updated.pk).toBe(made.pk);
    expect(Choice.objects.get({ pk: made.pk }).votes).toBe(5);
    const [fresh, freshCreated] = other.choiceSet.updateOrCreate({ choiceText: 'yes' }, { defaults: { votes: 1 } });
    expect(freshCreated).toBe(true);
    expect(fresh.questionId).toBe(other.pk);
    expect(fresh.votes).toBe(1);
  });
});

// ====================================================================== M2M, both sides

describe('many-to-many manager: pizza.toppings / topping.pizzaSet', () => {
  let pizza: Pizza;
  let cheese: Topping;
  let ham: Topping;
  let olive: Topping;
  beforeEach(() => {
    pizza = makePizza('pizza');
    cheese = Topping.objects.create({ name: 'cheese' });
    ham = Topping.objects.create({ name: 'ham', vegetarian: false });
    olive = Topping.objects.create({ name: 'olive' });
  });

  const linkCount = () => PizzaToppings().objects.count();

  test('QuerySet methods are scoped to the linked rows', () => {
    pizza.toppings.add(cheese, ham);
    const other = makePizza('other');
    other.toppings.add(olive);
    expect(names(pizza.toppings.all())).toEqual(['cheese', 'ham']);
    expect(names(pizza.toppings.filter({ vegetarian: true }))).toEqual(['cheese']);
    expect(names(pizza.toppings.exclude({ vegetarian: true }))).toEqual(['ham']);
    expect(names(pizza.toppings.orderBy('-name'))).toEqual(['ham', 'cheese']);
    expect(pizza.toppings.count()).toBe(2);
    expect(pizza.toppings.exists()).toBe(true);
    expect(other.toppings.get().name).toBe('olive');
    expect(pizza.toppings.first()?.name).toBe('cheese');
    expect(pizza.toppings.valuesList('name', { flat: true }).eval()).toEqual(['cheese', 'ham']);
    expect(pizza.toppings.contains(olive)).toBe(false);
    expect(pizza.toppings.aggregate({ n: Count('pk') })).toEqual({ n: 2 });
    expect(pizza.toppings.filter({ name: 'ham' }).update({ vegetarian: true })).toBe(1);
    expect(Topping.objects.get({ pk: ham.pk }).vegetarian).toBe(true);
  });

  test('add() accepts instances and primary keys, and is idempotent', () => {
    pizza.toppings.add(cheese, ham.pk);
    expect(names(pizza.toppings.all())).toEqual(['cheese', 'ham']);
    pizza.toppings.add(cheese, ham, cheese.pk);
    expect(linkCount()).toBe(2);
    pizza.toppings.add();
    expect(linkCount()).toBe(2);
  });

  test('add() of an instance of the wrong model is a TypeError, nothing written', () => {
    const box = Box.objects.create({ name: 'box' });
    expect(() => pizza.toppings.add(cheese, box as never)).toThrow(TypeError);
    expect(() => pizza.toppings.add(box as never)).toThrow(/Topping/);
    expect(linkCount()).toBe(0);
  });

  test('add() of an unsaved instance is refused, nothing written', () => {
    const unsaved = new Topping({ name: 'unsaved' });
    expect(() => pizza.toppings.add(cheese, unsaved)).toThrow(/unsaved/);
    expect(linkCount()).toBe(0);
  });

  test('add() of a key that points nowhere is an error, nothing written', () => {
    expect(() => pizza.toppings.add(cheese, 987_654)).toThrow();
    expect(linkCount()).toBe(0);
  });

  test('remove() accepts instances and primary keys', () => {
    pizza.toppings.add(cheese, ham, olive);
    pizza.toppings.remove(cheese, olive.pk);
    expect(names(pizza.toppings.all())).toEqual(['ham']);
    expect(Topping.objects.count()).toBe(3);
    pizza.toppings.remove(cheese); // not linked: no error, no change
    expect(linkCount()).toBe(1);
    expect(() => pizza.toppings.remove(Box.objects.create({ name: 'b' }) as never)).toThrow(TypeError);
    expect(linkCount()).toBe(1);
  });

  test('clear() removes the links of this instance only', () => {
    const other = makePizza('other');
    pizza.toppings.add(cheese, ham);
    other.toppings.add(cheese);
    pizza.toppings.clear();
    expect(pizza.toppings.count()).toBe(0);
    expect(names(other.toppings.all())).toEqual(['cheese']);
    expect(Topping.objects.count()).toBe(3);
  });

  test('set() computes the difference and keeps existing link rows', () => {
    pizza.toppings.add(cheese, ham);
    const keptRow = PizzaToppings().objects.get({ topping: cheese }).pk;
    pizza.toppings.set([cheese, olive.pk]);
    expect(names(pizza.toppings.all())).toEqual(['cheese', 'olive']);
    expect(PizzaToppings().objects.get({ topping: cheese }).pk).toBe(keptRow);
    expect(linkCount()).toBe(2);
  });

  test('set() and add() tolerate the same object given twice (instance and key)', () => {
    pizza.toppings.set([cheese, cheese.pk, ham]);
    expect(names(pizza.toppings.all())).toEqual(['cheese', 'ham']);
    pizza.toppings.set([olive, olive], { clear: true });
    expect(names(pizza.toppings.all())).toEqual(['olive']);
    pizza.toppings.add(ham, ham.pk);
    expect(linkCount()).toBe(2);
  });

  test('keys may be given as numeric strings', () => {
    pizza.toppings.add(String(cheese.pk));
    expect(names(pizza.toppings.all())).toEqual(['cheese']);
    pizza.toppings.remove(String(cheese.pk));
    expect(linkCount()).toBe(0);
  });

  test('set(objs, { clear: true }) deletes and recreates the links', () => {
    pizza.toppings.add(cheese, ham);
    const oldRow = PizzaToppings().objects.get({ topping: cheese }).pk;
    pizza.toppings.set([cheese, olive], { clear: true });
    expect(names(pizza.toppings.all())).toEqual(['cheese', 'olive']);
    expect(PizzaToppings().objects.get({ topping: cheese }).pk).not.toBe(oldRow);
  });

  test('set() with the wrong model is a TypeError and keeps the links', () => {
    pizza.toppings.add(cheese);
    expect(() => pizza.toppings.set([ham, Box.objects.create({ name: 'b' }) as never])).toThrow(TypeError);
    expect(names(pizza.toppings.all())).toEqual(['cheese']);
  });

  test('create() makes a target object and links it', () => {
    const made = pizza.toppings.create({ name: 'basil' });
    expect(made.pk).not.toBeNull();
    expect(names(pizza.toppings.all())).toEqual(['basil']);
  });

  test('getOrCreate() finds a linked object, or creates and links one', () => {
    pizza.toppings.add(cheese);
    const [found, created] = pizza.toppings.getOrCreate({ name: 'cheese' });
    expect(created).toBe(false);
    expect(found.pk).toBe(cheese.pk);
    const [made, createdNew] = pizza.toppings.getOrCreate({ name: 'basil' }, { defaults: { vegetarian: false } });
    expect(createdNew).toBe(true);
    expect(made.vegetarian).toBe(false);
    expect(names(pizza.toppings.all())).toEqual(['basil', 'cheese']);
  });

  test('updateOrCreate() updates a linked object, or creates and links one', () => {
    pizza.toppings.add(ham);
    const [updated, created] = pizza.toppings.updateOrCreate({ name: 'ham' }, { defaults: { vegetarian: true } });
    expect(created).toBe(false);
    expect(updated.pk).toBe(ham.pk);
    expect(Topping.objects.get({ pk: ham.pk }).vegetarian).toBe(true);
    const [made, createdNew] = pizza.toppings.updateOrCreate({ name: 'basil' }, { defaults: { vegetarian: true } });
    expect(createdNew).toBe(true);
    expect(pizza.toppings.contains(made)).toBe(true);
  });

  test('getOrCreate() does not pick up an object that exists but is not linked (as Django)', () => {
    // Topping.name is unique: creating a second 'olive' clashes, as Django's docs show for related managers
    expect(() => pizza.toppings.getOrCreate({ name: 'olive' })).toThrow(IntegrityError);
    expect(linkCount()).toBe(0);
    expect(Topping.objects.filter({ name: 'olive' }).count()).toBe(1);
  });

  test('updateOrCreate() never updates an object that is not linked (as Django)', () => {
    expect(() => pizza.toppings.updateOrCreate({ name: 'ham' }, { defaults: { vegetarian: true } })).toThrow(IntegrityError);
    expect(Topping.objects.get({ pk: ham.pk }).vegetarian).toBe(false);
    expect(linkCount()).toBe(0);
  });

  test('the reverse side: topping.pizzaSet add / remove / clear / set / create', () => {
    const a = makePizza('a');
    const b = makePizza('b');
    cheese.pizzaSet.add(a, b.pk);
    expect(names(cheese.pizzaSet.all())).toEqual(['a', 'b']);
    expect(names(a.toppings.all())).toEqual(['cheese']);
    cheese.pizzaSet.remove(a.pk);
    expect(names(cheese.pizzaSet.all())).toEqual(['b']);
    cheese.pizzaSet.set([a, pizza]);
    expect(names(cheese.pizzaSet.all())).toEqual(['a', 'pizza']);
    expect(b.toppings.count()).toBe(0);
    const made = cheese.pizzaSet.create({ name: 'made', price: price() });
    expect(names(made.toppings.all())).toEqual(['cheese']);
    const [found, created] = cheese.pizzaSet.getOrCreate({ name: 'made' });
    expect(created).toBe(false);
    expect(found.pk).toBe(made.pk);
    const [, updatedCreated] = cheese.pizzaSet.updateOrCreate({ name: 'made' }, { defaults: { name: 'made' } });
    expect(updatedCreated).toBe(false);
    cheese.pizzaSet.clear();
    expect(cheese.pizzaSet.count()).toBe(0);
    expect(Pizza.objects.count()).toBe(4);
    expect(() => cheese.pizzaSet.add(ham as never)).toThrow(TypeError);
  });

  test('delete() through the manager deletes the targets and their links', () => {
    pizza.toppings.add(cheese, ham);
    const [total, counts] = pizza.toppings.filter({ name: 'ham' }).delete();
    expect(counts).toEqual({ Topping: 1, Pizza_toppings: 1 });
    expect(total).toBe(2);
    expect(names(pizza.toppings.all())).toEqual(['cheese']);
  });
});

// ====================================================================== explicit through model

describe('many-to-many through an explicit model: band.members / musician.bands', () => {
  let band: Band;
  let john: Musician;
  let paul: Musician;
  let ringo: Musician;
  beforeEach(() => {
    band = Band.objects.create({ name: 'Beatles' });
    john = Musician.objects.create({ name: 'John' });
    paul = Musician.objects.create({ name: 'Paul' });
    ringo = Musician.objects.create({ name: 'Ringo' });
  });

  test('add() with throughDefaults fills the extra columns', () => {
    band.members.add(john, paul, { throughDefaults: { role: 'vocals', since: 1960 } });
    band.members.add(ringo.pk);
    expect(names(band.members.all())).toEqual(['John', 'Paul', 'Ringo']);
    const rows = Membership.objects.filter({ band }).orderBy('musician__name').values('musician__name', 'role', 'since').eval();
    expect(rows).toEqual([
      { musician__name: 'John', role: 'vocals', since: 1960 },
      { musician__name: 'Paul', role: 'vocals', since: 1960 },
      { musician__name: 'Ringo', role: 'member', since: null },
    ]);
  });

  test('the through rows are ordinary objects, reachable from both ends', () => {
    band.members.add(john, { throughDefaults: { role: 'guitar' } });
    expect(band.membershipSet.get().role).toBe('guitar');
    expect(john.membershipSet.get().band.name).toBe('Beatles');
    expect(names(john.bands.all())).toEqual(['Beatles']);
  });

  test('remove(), clear() and set() maintain the through rows', () => {
    band.members.add(john, paul, ringo);
    band.members.remove(paul);
    expect(names(band.members.all())).toEqual(['John', 'Ringo']);
    expect(Membership.objects.count()).toBe(2);
    const keptRow = Membership.objects.get({ musician: john }).pk;
    band.members.set([john, paul], { throughDefaults: { role: 'back' } });
    expect(names(band.members.all())).toEqual(['John', 'Paul']);
    expect(Membership.objects.get({ musician: john }).pk).toBe(keptRow);
    expect(Membership.objects.get({ musician: john }).role).toBe('member');
    expect(Membership.objects.get({ musician: paul }).role).toBe('back');
    band.members.clear();
    expect(Membership.objects.count()).toBe(0);
    expect(Musician.objects.count()).toBe(3);
  });

  test('create() / getOrCreate() / updateOrCreate() take throughDefaults', () => {
    const george = band.members.create({ name: 'George' }, { throughDefaults: { role: 'lead guitar' } });
    expect(Membership.objects.get({ musician: george }).role).toBe('lead guitar');
    const [pete, created] = band.members.getOrCreate({ name: 'Pete' }, { throughDefaults: { role: 'drums', since: 1960 } });
    expect(created).toBe(true);
    expect(Membership.objects.get({ musician: pete }).since).toBe(1960);
    const [again, createdAgain] = band.members.getOrCreate({ name: 'Pete' });
    expect(createdAgain).toBe(false);
    expect(again.pk).toBe(pete.pk);
    const [stu, stuCreated] = band.members.updateOrCreate({ name: 'Stu' }, { throughDefaults: { role: 'bass' } });
    expect(stuCreated).toBe(true);
    expect(Membership.objects.get({ musician: stu }).role).toBe('bass');
  });

  test('getOrCreate() / updateOrCreate() look within the band only, creating a new musician otherwise', () => {
    const other = Band.objects.create({ name: 'Other' });
    other.members.add(john);
    const [newJohn, created] = band.members.getOrCreate({ name: 'John' }, { throughDefaults: { role: 'rhythm' } });
    expect(created).toBe(true);
    expect(newJohn.pk).not.toBe(john.pk);
    expect(Musician.objects.filter({ name: 'John' }).count()).toBe(2);
    expect(Membership.objects.get({ band, musician: newJohn }).role).toBe('rhythm');
    const [again, createdAgain] = band.members.getOrCreate({ name: 'John' });
    expect(createdAgain).toBe(false);
    expect(again.pk).toBe(newJohn.pk);
    const [renamed, renamedCreated] = other.members.updateOrCreate({ name: 'John' }, { defaults: { name: 'Johnny' } });
    expect(renamedCreated).toBe(false);
    expect(renamed.pk).toBe(john.pk);
    expect(Musician.objects.get({ pk: newJohn.pk }).name).toBe('John');
    expect(Musician.objects.get({ pk: john.pk }).name).toBe('Johnny');
  });

  test('the reverse side: musician.bands', () => {
    const wings = Band.objects.create({ name: 'Wings' });
    paul.bands.add(band, wings, { throughDefaults: { role: 'bass' } });
    expect(names(paul.bands.all())).toEqual(['Beatles', 'Wings']);
    expect(Membership.objects.filter({ musician: paul, role: 'bass' }).count()).toBe(2);
    paul.bands.remove(band);
    expect(names(paul.bands.all())).toEqual(['Wings']);
    paul.bands.set([band.pk]);
    expect(names(paul.bands.all())).toEqual(['Beatles']);
    paul.bands.clear();
    expect(paul.bands.count()).toBe(0);
    expect(Band.objects.count()).toBe(2);
  });

  test('add() of the wrong model is a TypeError, nothing written', () => {
    expect(() => band.members.add(john, band as never)).toThrow(TypeError);
    expect(Membership.objects.count()).toBe(0);
  });
});

// ====================================================================== self-referential managers

describe('self-referential managers', () => {
  test('reverse FK to self: mentor.mentees add / remove / clear / set / create', () => {
    const yoda = Person.objects.create({ name: 'Yoda' });
    const luke = Person.objects.create({ name: 'Luke' });
    const leia = Person.objects.create({ name: 'Leia' });
    yoda.mentees.add(luke, leia);
    expect(names(yoda.mentees.all())).toEqual(['Leia', 'Luke']);
    expect(Person.objects.get({ pk: luke.pk }).mentorId).toBe(yoda.pk);
    yoda.mentees.remove(leia);
    expect(names(yoda.mentees.all())).toEqual(['Luke']);
    yoda.mentees.set([leia]);
    expect(names(yoda.mentees.all())).toEqual(['Leia']);
    const ben = yoda.mentees.create({ name: 'Ben' });
    expect(ben.mentorId).toBe(yoda.pk);
    yoda.mentees.clear();
    expect(yoda.mentees.count()).toBe(0);
    expect(Person.objects.count()).toBe(4);
  });

  test('symmetrical M2M to self: add, remove, set and clear keep both directions in step', () => {
    const a = Person.objects.create({ name: 'a' });
    const b = Person.objects.create({ name: 'b' });
    const c = Person.objects.create({ name: 'c' });
    a.friends.add(b, c.pk);
    expect(PersonFriends().objects.count()).toBe(4);
    expect(names(b.friends.all())).toEqual(['a']);
    b.friends.remove(a);
    expect(a.friends.eval().map((p) => p.name)).toEqual(['c']);
    expect(PersonFriends().objects.count()).toBe(2);
    c.friends.set([b]);
    expect(names(a.friends.all())).toEqual([]);
    expect(names(b.friends.all())).toEqual(['c']);
    expect(names(c.friends.all())).toEqual(['b']);
    const d = c.friends.create({ name: 'd' });
    expect(names(d.friends.all())).toEqual(['c']);
    c.friends.clear();
    expect(PersonFriends().objects.count()).toBe(0);
    expect(b.friends.count()).toBe(0);
  });

  test('a person can be their own friend once', () => {
    const a = Person.objects.create({ name: 'a' });
    a.friends.add(a);
    expect(names(a.friends.all())).toEqual(['a']);
    expect(PersonFriends().objects.count()).toBe(1);
  });

  test('asymmetrical M2M to self: following.add does not make a follow back', () => {
    const a = Person.objects.create({ name: 'a' });
    const b = Person.objects.create({ name: 'b' });
    const c = Person.objects.create({ name: 'c' });
    a.following.add(b, c);
    b.followers.add(c);
    expect(names(a.following.all())).toEqual(['b', 'c']);
    expect(names(b.followers.all())).toEqual(['a', 'c']);
    expect(names(c.following.all())).toEqual(['b']);
    b.followers.remove(a);
    expect(names(a.following.all())).toEqual(['c']);
  });
});
