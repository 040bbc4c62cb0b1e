/**
 * Deletion across relations (sync API): every onDelete rule, for instance and QuerySet deletes, the
 * `[total, { Model: n }]` result (auto M2M rows under 'Pizza_toppings'), and one transaction per delete.
 */
import { atomic, captureQueries, IntegrityError, ProtectedError, RestrictedError } from '../../../src';
import { Box, Choice, Pizza, Price, Question, Topping } from '../../models';
import {
  Album,
  Artist,
  Band,
  CascadeRef,
  Category,
  DoNothingRef,
  fallbackTargetPk,
  LooseRef,
  Membership,
  Musician,
  Person,
  ProtectRef,
  RestrictRef,
  SetDefaultRef,
  SetNullRef,
  SetValueRef,
  Song,
  Target,
} from '../../relations';
import { useRelationsDatabase } from './setup';

useRelationsDatabase();

let fallback: Target;

beforeEach(() => {
  for (const model of [ProtectRef, RestrictRef, DoNothingRef, LooseRef, CascadeRef, SetNullRef, SetDefaultRef, SetValueRef, Song]) {
    model.objects.all().delete();
  }
  for (const model of [Album, Artist, Target, Pizza, Box, Price, Topping, Question, Person, Category, Band, Musician]) {
    model.objects.all().delete();
  }
  fallback = Target.objects.create({ name: 'fallback' });
});

/** A snapshot of the row counts of every model these tests touch. */
function rowCounts(): Record<string, number> {
  const models = [Target, CascadeRef, ProtectRef, RestrictRef, SetNullRef, SetDefaultRef, SetValueRef, DoNothingRef, LooseRef];
  return Object.fromEntries(models.map((model) => [model._meta.label, model.objects.count()]));
}

describe('CASCADE', () => {
  test('deletes the referencing rows and counts them per model', () => {
    const target = Target.objects.create({ name: 't' });
    const other = Target.objects.create({ name: 'other' });
    CascadeRef.objects.create({ name: 'a', target });
    CascadeRef.objects.create({ name: 'b', target });
    CascadeRef.objects.create({ name: 'c', target: other });
    const result = target.delete();
    expect(result).toEqual([3, { Target: 1, CascadeRef: 2 }]);
    expect(CascadeRef.objects.valuesList('name', { flat: true }).eval()).toEqual(['c']);
    expect(Target.objects.filter({ pk: other.pk }).exists()).toBe(true);
  });

  test('the deleted instance loses its primary key', () => {
    const target = Target.objects.create({ name: 't' });
    const pk = target.pk;
    target.delete();
    expect(target.pk).toBeNull();
    expect(Target.objects.filter({ pk }).exists()).toBe(false);
  });

  test('follows chains: a self-referential tree deletes its whole subtree', () => {
    const root = Category.objects.create({ name: 'root' });
    const a = Category.objects.create({ name: 'a', parent: root });
    Category.objects.create({ name: 'a1', parent: a });
    Category.objects.create({ name: 'a2', parent: a });
    const keep = Category.objects.create({ name: 'keep' });
    expect(a.delete()).toEqual([3, { Category: 3 }]);
    expect(Category.objects.valuesList('name', { flat: true }).eval()).toEqual(['keep', 'root']);
    expect(root.delete()).toEqual([1, { Category: 1 }]);
    expect(Category.objects.filter({ pk: keep.pk }).exists()).toBe(true);
  });

  test('a non-null FK of the example app: deleting a question deletes its choices', () => {
    const question = Question.objects.create({ questionText: 'Q', pubDate: new Date() });
    question.choiceSet.create({ choiceText: 'a' });
    question.choiceSet.create({ choiceText: 'b' });
    expect(question.delete()).toEqual([3, { Question: 1, Choice: 2 }]);
    expect(Choice.objects.count()).toBe(0);
  });
});

describe('many-to-many rows', () => {
  test('deleting a pizza deletes its auto M2M rows, counted under Pizza_toppings', () => {
    const pizza = Pizza.objects.create({ name: 'p', price: Price.objects.create({ amount: '1.00' }) });
    const other = Pizza.objects.create({ name: 'q', price: Price.objects.create({ amount: '2.00' }) });
    const cheese = Topping.objects.create({ name: 'cheese' });
    const ham = Topping.objects.create({ name: 'ham' });
    pizza.toppings.add(cheese, ham);
    other.toppings.add(cheese);
    expect(pizza.delete()).toEqual([3, { Pizza: 1, Pizza_toppings: 2 }]);
    expect(Topping.objects.count()).toBe(2);
    expect(cheese.pizzaSet.count()).toBe(1);
  });

  test('deleting a topping deletes its links, not the pizzas', () => {
    const a = Pizza.objects.create({ name: 'a', price: Price.objects.create({ amount: '1.00' }) });
    const b = Pizza.objects.create({ name: 'b', price: Price.objects.create({ amount: '2.00' }) });
    const cheese = Topping.objects.create({ name: 'cheese' });
    a.toppings.add(cheese);
    b.toppings.add(cheese);
    expect(cheese.delete()).toEqual([3, { Topping: 1, Pizza_toppings: 2 }]);
    expect(Pizza.objects.count()).toBe(2);
  });

  test('a one-to-one CASCADE reaches the pizza and, through it, its M2M rows', () => {
    const price = Price.objects.create({ amount: '1.00' });
    const pizza = Pizza.objects.create({ name: 'p', price });
    pizza.toppings.add(Topping.objects.create({ name: 'cheese' }), Topping.objects.create({ name: 'ham' }));
    expect(price.delete()).toEqual([4, { Price: 1, Pizza: 1, Pizza_toppings: 2 }]);
    expect(Pizza.objects.count()).toBe(0);
  });

  test('explicit through rows are ordinary CASCADE rows', () => {
    const band = Band.objects.create({ name: 'band' });
    const m1 = Musician.objects.create({ name: 'm1' });
    const m2 = Musician.objects.create({ name: 'm2' });
    band.members.add(m1, m2);
    expect(band.delete()).toEqual([3, { Band: 1, Membership: 2 }]);
    expect(Musician.objects.count()).toBe(2);
    expect(Membership.objects.count()).toBe(0);
  });

  test('a symmetrical M2M to self loses both directions', () => {
    const a = Person.objects.create({ name: 'a' });
    const b = Person.objects.create({ name: 'b' });
    const c = Person.objects.create({ name: 'c' });
    a.friends.add(b, c);
    expect(a.delete()).toEqual([5, { Person: 1, Person_friends: 4 }]);
    expect(b.friends.count()).toBe(0);
  });
});

describe('PROTECT', () => {
  test('raises ProtectedError listing the protected objects, and deletes nothing', () => {
    const target = Target.objects.create({ name: 't' });
    CascadeRef.objects.create({ name: 'cascaded', target });
    SetNullRef.objects.create({ name: 'nulled', target });
    const guard1 = ProtectRef.objects.create({ name: 'guard1', target });
    const guard2 = ProtectRef.objects.create({ name: 'guard2', target });
    const before = rowCounts();
    let error: unknown;
    try {
      target.delete();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProtectedError);
    expect(error).toBeInstanceOf(IntegrityError);
    const protectedError = error as ProtectedError;
    expect(protectedError.message).toContain('Target');
    expect(protectedError.message).toContain('ProtectRef.target');
    expect(protectedError.message).toContain(`ProtectRef(pk=${guard1.pk})`);
    expect(protectedError.message).toContain(`ProtectRef(pk=${guard2.pk})`);
    expect((protectedError.protectedObjects as ProtectRef[]).map((object) => object.pk).sort()).toEqual([guard1.pk, guard2.pk].sort());
    expect(rowCounts()).toEqual(before);
    expect(SetNullRef.objects.get({ name: 'nulled' }).targetId).toBe(target.pk);
    expect(target.pk).not.toBeNull();
  });

  test('a QuerySet delete with one protected row deletes none of them', () => {
    const free = Target.objects.create({ name: 'free' });
    const guarded = Target.objects.create({ name: 'guarded' });
    CascadeRef.objects.create({ name: 'c', target: free });
    ProtectRef.objects.create({ name: 'g', target: guarded });
    const before = rowCounts();
    expect(() => Target.objects.filter({ name__in: ['free', 'guarded'] }).delete()).toThrow(ProtectedError);
    expect(rowCounts()).toEqual(before);
  });

  test('deleting the protecting rows first allows the delete', () => {
    const target = Target.objects.create({ name: 't' });
    ProtectRef.objects.create({ name: 'g', target });
    expect(target.protectRefSet.all().delete()).toEqual([1, { ProtectRef: 1 }]);
    expect(target.delete()).toEqual([1, { Target: 1 }]);
  });
});

describe('RESTRICT', () => {
  test('raises RestrictedError listing the restricted objects, and deletes nothing', () => {
    const target = Target.objects.create({ name: 't' });
    CascadeRef.objects.create({ name: 'cascaded', target });
    const restricted = RestrictRef.objects.create({ name: 'r', target });
    const before = rowCounts();
    let error: unknown;
    try {
      Target.objects.filter({ pk: target.pk }).delete();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RestrictedError);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error).not.toBeInstanceOf(ProtectedError);
    expect((error as Error).message).toContain('RestrictRef.target');
    expect((error as Error).message).toContain(`RestrictRef(pk=${restricted.pk})`);
    expect((error as RestrictedError).restrictedObjects.map((object) => (object as RestrictRef).pk)).toEqual([restricted.pk]);
    expect(rowCounts()).toEqual(before);
  });

  test('is allowed when the restricted rows are deleted through another CASCADE path', () => {
    const artist = Artist.objects.create({ name: 'artist' });
    const album = Album.objects.create({ artist, title: 'album' });
    Song.objects.create({ artist, album, title: 's1' });
    Song.objects.create({ artist, album, title: 's2' });
    expect(artist.delete()).toEqual([4, { Artist: 1, Album: 1, Song: 2 }]);
    expect(Song.objects.count()).toBe(0);
  });

  test('is refused when a restricted row is not deleted along', () => {
    const one = Artist.objects.create({ name: 'one' });
    const two = Artist.objects.create({ name: 'two' });
    const album = Album.objects.create({ artist: one, title: 'album' });
    Song.objects.create({ artist: one, album, title: 'mine' });
    const guest = Song.objects.create({ artist: two, album, title: 'guest' });
    expect(() => one.delete()).toThrow(RestrictedError);
    expect(() => album.delete()).toThrow(RestrictedError);
    expect([Artist.objects.count(), Album.objects.count(), Song.objects.count()]).toEqual([2, 1, 2]);
    // deleting both artists in one operation cascades to every song: allowed
    expect(Artist.objects.filter({ pk__in: [one.pk, two.pk] }).delete()).toEqual([5, { Artist: 2, Album: 1, Song: 2 }]);
    expect(Song.objects.filter({ pk: guest.pk }).exists()).toBe(false);
  });
});

describe('SET_NULL, SET_DEFAULT, SET(...)', () => {
  test('SET_NULL keeps the row with a null key', () => {
    const target = Target.objects.create({ name: 't' });
    const ref = SetNullRef.objects.create({ name: 'n', target });
    expect(target.delete()).toEqual([1, { Target: 1 }]);
    expect(SetNullRef.objects.get({ pk: ref.pk }).targetId).toBeNull();
  });

  test('SET_NULL of the example app: deleting a box keeps its pizzas', () => {
    const box = Box.objects.create({ name: 'b' });
    const pizza = Pizza.objects.create({ name: 'p', box, price: Price.objects.create({ amount: '1.00' }) });
    expect(box.delete()).toEqual([1, { Box: 1 }]);
    expect(Pizza.objects.get({ pk: pizza.pk }).boxId).toBeNull();
  });

  test('SET_NULL on a FK to self: deleting a mentor keeps the mentees', () => {
    const yoda = Person.objects.create({ name: 'Yoda' });
    const luke = Person.objects.create({ name: 'Luke', mentor: yoda });
    expect(yoda.delete()).toEqual([1, { Person: 1 }]);
    expect(Person.objects.get({ pk: luke.pk }).mentorId).toBeNull();
  });

  test('SET_DEFAULT sets the key to the field default', () => {
    const target = Target.objects.create({ name: 't' });
    const ref = SetDefaultRef.objects.create({ name: 'd', target });
    expect(target.delete()).toEqual([1, { Target: 1 }]);
    expect(SetDefaultRef.objects.get({ pk: ref.pk }).targetId).toBe(fallback.pk);
    expect(fallbackTargetPk()).toBe(fallback.pk);
  });

  test('SET(function) sets the key to what the function returns (an instance here)', () => {
    const target = Target.objects.create({ name: 't' });
    const ref = SetValueRef.objects.create({ name: 'v', target });
    expect(target.delete()).toEqual([1, { Target: 1 }]);
    expect(SetValueRef.objects.get({ pk: ref.pk }).target?.name).toBe('fallback');
  });

  test('a QuerySet delete applies the same rules to every row', () => {
    const a = Target.objects.create({ name: 'a' });
    const b = Target.objects.create({ name: 'b' });
    SetNullRef.objects.create({ name: 'na', target: a });
    SetNullRef.objects.create({ name: 'nb', target: b });
    SetDefaultRef.objects.create({ name: 'da', target: a });
    CascadeRef.objects.create({ name: 'cb', target: b });
    expect(Target.objects.filter({ name__in: ['a', 'b'] }).delete()).toEqual([3, { Target: 2, CascadeRef: 1 }]);
    expect(SetNullRef.objects.filter({ target__isnull: true }).count()).toBe(2);
    expect(SetDefaultRef.objects.get().targetId).toBe(fallback.pk);
  });
});

describe('DO_NOTHING', () => {
  test('with a FOREIGN KEY constraint the database refuses, and nothing is deleted', () => {
    const target = Target.objects.create({ name: 't' });
    CascadeRef.objects.create({ name: 'c', target });
    DoNothingRef.objects.create({ name: 'd', target });
    const before = rowCounts();
    expect(() => target.delete()).toThrow(IntegrityError);
    expect(rowCounts()).toEqual(before);
  });

  test('without a constraint the referencing row keeps a dangling key', () => {
    const target = Target.objects.create({ name: 't' });
    const loose = LooseRef.objects.create({ name: 'l', target });
    expect(target.delete()).toEqual([1, { Target: 1 }]);
    const fresh = LooseRef.objects.get({ pk: loose.pk });
    expect(fresh.targetId).toBe(loose.targetId);
    expect(() => fresh.target).toThrow(Target.DoesNotExist);
  });
});

describe('results and transactions', () => {
  test('an empty delete returns [0, {}]', () => {
    expect(Target.objects.filter({ name: 'nobody' }).delete()).toEqual([0, {}]);
    expect(Pizza.objects.none().delete()).toEqual([0, {}]);
  });

  test('a QuerySet delete filtered across an M2M deletes each row once', () => {
    const cheese = Topping.objects.create({ name: 'cheese' });
    const ham = Topping.objects.create({ name: 'ham' });
    const a = Pizza.objects.create({ name: 'a', price: Price.objects.create({ amount: '1.00' }) });
    const b = Pizza.objects.create({ name: 'b', price: Price.objects.create({ amount: '1.00' }) });
    a.toppings.add(cheese, ham);
    b.toppings.add(ham);
    expect(Pizza.objects.filter({ toppings__name__in: ['cheese', 'ham'] }).delete()).toEqual([5, { Pizza: 2, Pizza_toppings: 3 }]);
  });

  test('every statement of a delete runs in one transaction', () => {
    const target = Target.objects.create({ name: 't' });
    CascadeRef.objects.create({ name: 'c', target });
    SetNullRef.objects.create({ name: 'n', target });
    const statements = captureQueries(() => target.delete()).map((query) => query.sql);
    const begin = statements.findIndex((sql) => /^BEGIN/i.test(sql));
    const commit = statements.findIndex((sql) => /^COMMIT/i.test(sql));
    expect(begin).toBeGreaterThanOrEqual(0);
    expect(commit).toBe(statements.length - 1);
    const writes = statements.map((sql, index) => [sql, index] as const).filter(([sql]) => /^(UPDATE|DELETE)/i.test(sql));
    expect(writes.length).toBeGreaterThanOrEqual(3);
    for (const [, index] of writes) expect(index).toBeGreaterThan(begin);
  });

  test('a delete inside atomic() is rolled back with it', () => {
    const target = Target.objects.create({ name: 't' });
    CascadeRef.objects.create({ name: 'c', target });
    const before = rowCounts();
    expect(() =>
      atomic(() => {
        expect(target.delete()).toEqual([2, { Target: 1, CascadeRef: 1 }]);
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    expect(rowCounts()).toEqual(before);
  });

  test('an unsaved instance cannot be deleted', () => {
    expect(() => new Target({ name: 'x' }).delete()).toThrow(TypeError);
  });
});
