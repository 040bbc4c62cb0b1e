/**
 * Routers: the order they are consulted in, what they are told, relations they allow, and the
 * ReadReplicaRouter (reads to the replicas, writes to default, reads inside a transaction on default).
 * Ported from Django's tests/multiple_database/tests.py (RouterTestCase and its TestRouter).
 */
import { atomic, close, configure, createSchema, ImproperlyConfigured, ReadReplicaRouter, ValueError, type DatabaseRouter, type RouterHints } from '../../../src';
import { Book, MULTIDB_MODELS, Person, Pet } from './models';
import { dropTestDatabase, testDatabase } from '../test-database';

const published = new Date('2009-05-04');

/** Django's TestRouter: reads from 'other', writes to 'default', relations between the two allowed. */
class TestRouter implements DatabaseRouter {
  readonly seen: Array<[string, string, RouterHints]> = [];
  dbForRead(model: { _meta: { label: string } }, hints: RouterHints): string | undefined {
    this.seen.push(['read', model._meta.label, hints]);
    return hints.instance?._state.db ?? 'other';
  }
  dbForWrite(model: { _meta: { label: string } }, hints: RouterHints): string {
    this.seen.push(['write', model._meta.label, hints]);
    return 'default';
  }
  allowRelation(): boolean {
    return true;
  }
}

/** Answers nothing: the next router decides. */
class SilentRouter implements DatabaseRouter {
  dbForRead(): undefined {
    return undefined;
  }
  dbForWrite(): undefined {
    return undefined;
  }
}

/** A fresh configuration with an empty database per alias. */
async function reconfigure(routers: DatabaseRouter[], aliases: string[]): Promise<void> {
  await close();
  dropTestDatabase();
  const databases = Object.fromEntries(aliases.map((alias) => [alias, testDatabase(alias === 'default' ? '' : alias)]));
  configure({ databases, models: MULTIDB_MODELS, workers: 1, routers });
  for (const alias of aliases) createSchema({ using: alias });
}

afterAll(async () => {
  await close();
  dropTestDatabase();
});

describe('a router that reads from other and writes to default', () => {
  const router = new TestRouter();
  beforeAll(() => reconfigure([new SilentRouter(), router], ['default', 'other']));

  // multiple_database.tests.RouterTestCase.test_db_selection
  test('querysets route reads and writes; using() overrides the routers', () => {
    expect(Book.objects.all().db).toBe('other');
    expect(Book.objects.all().dbFor(true)).toBe('default');
    expect(Book.objects.using('default').db).toBe('default');
    expect(Book.objects.dbManager('default').all().db).toBe('default');
  });

  // multiple_database.tests.RouterTestCase.test_database_routing
  test('a create goes to default, a read to other', () => {
    const dive = Book.objects.create({ title: 'Dive into Python', published });
    expect(dive._state.db).toBe('default');
    expect(Book.objects.using('default').count()).toBe(1);
    expect(Book.objects.count()).toBe(0); // reads go to 'other', which has no rows
    Book.objects.using('other').create({ title: 'Dive into Python', published });
    expect(Book.objects.get({ title: 'Dive into Python' })._state.db).toBe('other');
    // An explicit save({ using }) wins over the router.
    const pro = new Book({ title: 'Pro Django', published });
    pro.save({ using: 'other' });
    expect(Book.objects.using('other').count()).toBe(2);
  });

  test('a related manager tells the routers its instance', () => {
    const marty = Person.objects.using('other').create({ name: 'Marty Alchin' });
    router.seen.length = 0;
    marty.petSet.count();
    const read = router.seen.find(([kind, label]) => kind === 'read' && label === Pet._meta.label);
    expect(read?.[2].instance).toBe(marty);
  });

  // multiple_database.tests.RouterTestCase.test_foreign_key_cross_database_protection
  test('a relation the router allows moves an unsaved instance to the database of its related object', () => {
    const marty = Person.objects.using('other').create({ name: 'Mark Pilgrim' });
    const pet = new Pet({ name: 'Spot', owner: marty });
    expect(pet._state.db).toBe('default'); // dbForWrite said default; the router allows the relation
    const saved = Book.objects.using('default').create({ title: 'Refactoring', published });
    expect(() => {
      saved.editor = marty;
    }).not.toThrow();
  });

  test('a router answering an unknown alias is an error naming it', async () => {
    const bad: DatabaseRouter = { dbForRead: () => 'elsewhere' };
    await reconfigure([bad], ['default', 'other']);
    expect(() => Book.objects.count()).toThrow(ImproperlyConfigured);
    expect(() => Book.objects.count()).toThrow(/answered "elsewhere", which is no configured database; the databases are default, other/);
  });
});

describe('ReadReplicaRouter', () => {
  beforeAll(() => reconfigure([new ReadReplicaRouter()], ['default', 'replica']));

  test('reads go to the replica, writes to default', () => {
    Person.objects.create({ name: 'written to default' });
    Person.objects.using('replica').create({ name: 'only on the replica' });
    expect(Person.objects.valuesList('name', { flat: true }).eval()).toEqual(['only on the replica']);
    expect(Person.objects.using('default').valuesList('name', { flat: true }).eval()).toEqual(['written to default']);
    const loaded = Person.objects.get({ name: 'only on the replica' });
    expect(loaded._state.db).toBe('replica');
    // A write of an instance read from a replica goes to default (the router says so), as in Django: there it
    // updates the row with the same key.
    loaded.name = 'edited';
    loaded.save();
    expect(loaded._state.db).toBe('default');
    expect(Person.objects.using('default').valuesList('name', { flat: true }).eval()).toEqual(['edited']);
  });

  test('reads inside a transaction on default stay on default and see its writes', () => {
    const names = atomic(() => {
      Person.objects.create({ name: 'in the transaction' });
      return Person.objects.filter({ name: 'in the transaction' }).valuesList('name', { flat: true }).eval();
    });
    expect(names).toEqual(['in the transaction']);
    expect(Person.objects.filter({ name: 'in the transaction' }).count()).toBe(0); // the replica never got it
  });

  test('a locking read (selectForUpdate) goes where writes go, not to a replica', () => {
    // multiple_database: Django's select_for_update marks the queryset for write (router.db_for_write).
    expect(Person.objects.all().db).toBe('replica');
    expect(Person.objects.selectForUpdate().db).toBe('default');
    expect(Person.objects.filter({ name: 'x' }).selectForUpdate({ skipLocked: true }).db).toBe('default');
  });

  test('relations between default and its replicas are allowed', () => {
    const owner = Person.objects.get({ name: 'only on the replica' });
    expect(() => new Pet({ name: 'Rex', owner })).not.toThrow();
  });

  test('an explicit replica list leaves the other aliases alone', async () => {
    await reconfigure([new ReadReplicaRouter({ replicas: ['replica'] })], ['default', 'replica', 'archive']);
    Person.objects.using('archive').create({ name: 'archived' });
    Person.objects.using('replica').create({ name: 'replicated' });
    for (let i = 0; i < 3; i++) expect(Person.objects.valuesList('name', { flat: true }).eval()).toEqual(['replicated']);
    const archived = Person.objects.using('archive').get({ name: 'archived' });
    expect(() => new Pet({ name: 'Rex', owner: archived })).toThrow(ValueError);
  });
});
