/**
 * Ports of Django's tests/m2m_recursive/tests.py: many-to-many relations from a model to itself, declared
 * with 'self' (Fellow in testapp/parity.ts is Django's Person): `friends` symmetrical by default, `idols`
 * with `symmetrical: false` and the reverse accessor `stalkers`, `colleagues` symmetrical through Colleague.
 */
import { ImproperlyConfigured, ManyToManyField, Model } from '../../../src';
import { Colleague, Fellow } from '../../parity';
import { emptyTables, useParityDatabase } from './setup';

useParityDatabase();

let a: Fellow, b: Fellow, c: Fellow, d: Fellow;
const names = (people: Iterable<Fellow>) => [...people].map((person) => person.name);
const people = () => ['Anne', 'Bill', 'Chuck', 'David'].map((name) => Fellow.objects.create({ name })) as [Fellow, Fellow, Fellow, Fellow];

describe('m2m_recursive.tests.RecursiveM2MTests', () => {
  beforeEach(() => {
    emptyTables();
    [a, b, c, d] = people();
    a.friends.add(b, c);
    // Add m2m for Anne and Chuck in reverse direction.
    d.friends.add(a, c);
  });

  test('m2m_recursive.tests.RecursiveM2MTests.test_recursive_m2m_all', () => {
    for (const [person, friends] of [
      [a, [b, c, d]],
      [b, [a]],
      [c, [a, d]],
      [d, [a, c]],
    ] as const) {
      expect([person.name, names(person.friends.all())]).toEqual([person.name, names(friends)]);
    }
  });

  test('m2m_recursive.tests.RecursiveM2MTests.test_recursive_m2m_reverse_add', () => {
    // Add m2m for Anne in reverse direction.
    b.friends.add(a);
    expect(names(a.friends.all())).toEqual(names([b, c, d]));
    expect(names(b.friends.all())).toEqual(['Anne']);
  });

  test('m2m_recursive.tests.RecursiveM2MTests.test_recursive_m2m_remove', () => {
    b.friends.remove(a);
    expect(names(a.friends.all())).toEqual(names([c, d]));
    expect(names(b.friends.all())).toEqual([]);
  });

  test('m2m_recursive.tests.RecursiveM2MTests.test_recursive_m2m_clear', () => {
    // Clear m2m for Anne.
    a.friends.clear();
    expect(names(a.friends.all())).toEqual([]);
    // Reverse m2m relationships should be removed.
    expect(names(c.friends.all())).toEqual(['David']);
    expect(names(d.friends.all())).toEqual(['Chuck']);
  });

  test('m2m_recursive.tests.RecursiveM2MTests.test_recursive_m2m_add_via_related_name', () => {
    // Add m2m with custom related name for Anne in reverse direction.
    d.stalkers.add(a);
    expect(names(a.idols.all())).toEqual(['David']);
    expect(names(a.stalkers.all())).toEqual([]);
  });

  test('m2m_recursive.tests.RecursiveM2MTests.test_recursive_m2m_add_in_both_directions', () => {
    // Adding the same relation twice results in a single relation.
    a.idols.add(d);
    d.stalkers.add(a);
    expect(names(a.idols.all())).toEqual(['David']);
  });

  test('m2m_recursive.tests.RecursiveM2MTests.test_recursive_m2m_related_to_self', () => {
    a.idols.add(a);
    expect(names(a.idols.all())).toEqual(['Anne']);
    expect(names(a.stalkers.all())).toEqual(['Anne']);
  });
});

describe('m2m_recursive.tests.RecursiveSymmetricalM2MThroughTests', () => {
  beforeEach(() => {
    emptyTables();
    [a, b, c, d] = people();
    a.colleagues.add(b, c, { throughDefaults: { firstMeet: '2013-01-05' } });
    // Add m2m for Anne and Chuck in reverse direction.
    d.colleagues.add(a, c, { throughDefaults: { firstMeet: '2015-06-15' } });
  });

  test('m2m_recursive.tests.RecursiveSymmetricalM2MThroughTests.test_recursive_m2m_all', () => {
    for (const [person, colleagues] of [
      [a, [b, c, d]],
      [b, [a]],
      [c, [a, d]],
      [d, [a, c]],
    ] as const) {
      expect([person.name, names(person.colleagues.all())]).toEqual([person.name, names(colleagues)]);
    }
    // Both rows of a pair carry the throughDefaults.
    expect(Colleague.objects.filter({ firstMeet: '2013-01-05' }).count()).toBe(4);
  });

  test('m2m_recursive.tests.RecursiveSymmetricalM2MThroughTests.test_recursive_m2m_reverse_add', () => {
    // Add m2m for Anne in reverse direction.
    b.colleagues.add(a, { throughDefaults: { firstMeet: '2013-01-05' } });
    expect(names(a.colleagues.all())).toEqual(names([b, c, d]));
    expect(names(b.colleagues.all())).toEqual(['Anne']);
  });

  test('m2m_recursive.tests.RecursiveSymmetricalM2MThroughTests.test_recursive_m2m_remove', () => {
    b.colleagues.remove(a);
    expect(names(a.colleagues.all())).toEqual(names([c, d]));
    expect(names(b.colleagues.all())).toEqual([]);
  });

  test('m2m_recursive.tests.RecursiveSymmetricalM2MThroughTests.test_recursive_m2m_clear', () => {
    // Clear m2m for Anne.
    a.colleagues.clear();
    expect(names(a.friends.all())).toEqual([]);
    expect(names(a.colleagues.all())).toEqual([]);
    // Reverse m2m relationships is removed.
    expect(names(c.colleagues.all())).toEqual(['David']);
    expect(names(d.colleagues.all())).toEqual(['Chuck']);
  });

  test('m2m_recursive.tests.RecursiveSymmetricalM2MThroughTests.test_recursive_m2m_set', () => {
    // Set new relationships for Chuck.
    c.colleagues.set([b, d], { throughDefaults: { firstMeet: '2013-01-05' } });
    expect(names(c.colleagues.orderBy('name'))).toEqual(['Bill', 'David']);
    // Reverse m2m relationships is removed.
    expect(names(a.colleagues.orderBy('name'))).toEqual(['Bill', 'David']);
  });
});

describe("'self' and symmetrical in threadorm", () => {
  test("a relation to 'self' points at the declaring model and is symmetrical unless told otherwise", () => {
    const meta = Fellow._meta;
    const friends = meta.getField('friends') as ManyToManyField;
    const idols = meta.getField('idols') as ManyToManyField;
    expect(friends.relatedModel).toBe(Fellow);
    expect([friends.symmetrical, idols.symmetrical]).toEqual([true, false]);
    // A symmetrical relation has no reverse accessor; the other has the one it names.
    expect(friends.accessorName).toBeNull();
    expect(idols.accessorName).toBe('stalkers');
    const through = meta.through(friends);
    expect([through.source.name, through.target.name]).toEqual(['fromFellow', 'toFellow']);
  });

  test('symmetrical on a relation to another model is refused with the field named', () => {
    class Lonely extends Model {
      static fields = { others: new ManyToManyField(() => Colleague, { symmetrical: true }) };
    }
    let error: unknown;
    try {
      void Lonely._meta;
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ImproperlyConfigured);
    expect((error as Error).message).toBe("Lonely.others: symmetrical applies to a relation to the model itself ('self'); Lonely to Colleague is not one.");
  });

  test("a target that is neither a thunk nor 'self' is refused", () => {
    expect(() => new ManyToManyField('Fellow' as never)).toThrow("ManyToManyField needs a target thunk or 'self': new ManyToManyField(() => Target); got 'Fellow'.");
  });

  test("'self' is typed as the model when FieldsOf names it", () => {
    const [anne] = people();
    const friends: Fellow[] = anne!.friends.all().eval();
    // @ts-expect-error friends are Fellows
    expect(() => anne!.friends.add(new Colleague({ firstMeet: '2000-01-01' }))).toThrow(TypeError);
    expect(friends).toEqual([]);
  });
});
