/**
 * Two databases side by side, without routers: explicit using(), save({ using }), dbManager(), the database
 * an instance remembers, and relations kept within one database. Ported from Django's
 * tests/multiple_database/tests.py (QueryTestCase), on two SQLite ':memory:' databases or two PostgreSQL ones.
 */
import { atomic, close, configure, createSchema, ImproperlyConfigured, m2mChanged, postDelete, postSave, ReadReplicaRouter, ValueError } from '../../../src';
import { getConnection } from '../../../src/db/connections';
import { cachedPlanCount } from '../../../src/sql/plan-cache';
import { Book, MULTIDB_MODELS, Person, Pet } from './models';
import { dropTestDatabase, testDatabase } from '../test-database';

const published = new Date('2009-05-04');

beforeAll(() => {
  configure({ databases: { default: testDatabase(), other: testDatabase('other') }, models: MULTIDB_MODELS, workers: 1 });
  createSchema();
  createSchema({ using: 'other' });
});

afterAll(async () => {
  await close();
  dropTestDatabase();
});

beforeEach(() => {
  for (const alias of ['default', 'other']) {
    atomic(() => {
      Pet.objects.using(alias).delete();
      Book.objects.using(alias).delete();
      Person.objects.using(alias).delete();
    }, { using: alias });
  }
});

// multiple_database.tests.QueryTestCase.test_db_selection
test('a queryset reads from default unless using() names another database', () => {
  expect(Book.objects.all().db).toBe('default');
  expect(Book.objects.using('other').db).toBe('other');
  expect(Book.objects.using('other').using('default').db).toBe('default');
  expect(Book.objects.dbManager('other').all().db).toBe('other');
});

// multiple_database.tests.QueryTestCase.test_default_creation / test_other_creation
test('objects saved to one database exist only there', () => {
  const dive = new Book({ title: 'Dive into Python', published });
  dive.save();
  const pro = new Book({ title: 'Pro Django', published });
  pro.save({ using: 'other' });
  expect(Book.objects.valuesList('title', { flat: true }).eval()).toEqual(['Dive into Python']);
  expect(Book.objects.using('other').valuesList('title', { flat: true }).eval()).toEqual(['Pro Django']);
  expect(() => Book.objects.get({ title: 'Pro Django' })).toThrow(Book.DoesNotExist);
  expect(Book.objects.using('other').get({ title: 'Pro Django' }).pk).toBe(pro.pk);
});

// multiple_database.tests.QueryTestCase.test_basic_queries
test('each terminal runs on the chosen database', () => {
  Book.objects.using('other').create({ title: 'Dive into Python', published });
  const other = Book.objects.using('other');
  expect(other.count()).toBe(1);
  expect(other.exists()).toBe(true);
  expect(Book.objects.exists()).toBe(false);
  expect(other.filter({ title__startswith: 'Dive' }).first()!.title).toBe('Dive into Python');
  expect([...other.iterator()].map((book) => book.title)).toEqual(['Dive into Python']);
  expect(other.update({ title: 'Dive into Python 3' })).toBe(1);
  expect(Book.objects.update({ title: 'nothing here' })).toBe(0);
  expect(other.get().title).toBe('Dive into Python 3');
});

// multiple_database.tests.QueryTestCase.test_refresh / _state.db (ModelState)
test('an instance remembers its database and saves, refreshes and deletes there', () => {
  const book = Book.objects.using('other').create({ title: 'Dive into Python', published });
  expect(book._state.db).toBe('other');
  const loaded = Book.objects.using('other').get({ pk: book.pk });
  expect(loaded._state.db).toBe('other');
  loaded.title = 'Dive into HTML5';
  loaded.save();
  expect(Book.objects.using('other').get({ pk: book.pk }).title).toBe('Dive into HTML5');
  expect(Book.objects.count()).toBe(0);
  book.refreshFromDb();
  expect(book.title).toBe('Dive into HTML5');
  expect(book.delete()[0]).toBe(1);
  expect(Book.objects.using('other').count()).toBe(0);
  expect(new Book({ title: 'x', published })._state.db).toBeNull();
});

// multiple_database.tests.QueryTestCase.test_m2m_separation / test_m2m_forward_operations
test('many-to-many writes and reads stay on the instance database', () => {
  const pro = Book.objects.using('other').create({ title: 'Pro Django', published });
  const marty = Person.objects.using('other').create({ name: 'Marty Alchin' });
  pro.authors.add(marty);
  expect(pro.authors.valuesList('name', { flat: true }).eval()).toEqual(['Marty Alchin']);
  expect(marty.authored.valuesList('title', { flat: true }).eval()).toEqual(['Pro Django']);
  expect(Book.objects.using('other').filter({ authors__name: 'Marty Alchin' }).count()).toBe(1);
  // The default database holds no link rows at all.
  expect(Book.objects.filter({ authors__name: 'Marty Alchin' }).count()).toBe(0);
  const mark = pro.authors.create({ name: 'Mark Pilgrim' });
  expect(mark._state.db).toBe('other');
  expect(Person.objects.using('other').count()).toBe(2);
  expect(Person.objects.count()).toBe(0);
  pro.authors.remove(marty);
  expect(pro.authors.valuesList('name', { flat: true }).eval()).toEqual(['Mark Pilgrim']);
});

// multiple_database.tests.QueryTestCase.test_foreign_key_separation / test_foreign_key_reverse_operations
test('foreign keys, reverse managers and cascades stay on the instance database', () => {
  const marty = Person.objects.using('other').create({ name: 'Marty Alchin' });
  const pet = new Pet({ name: 'Spot', owner: marty });
  expect(pet._state.db).toBe('other');
  pet.save();
  expect(Pet.objects.using('other').count()).toBe(1);
  const fetched = Pet.objects.using('other').get({ name: 'Spot' });
  expect(fetched.owner.name).toBe('Marty Alchin');
  expect(fetched.owner._state.db).toBe('other');
  expect(marty.petSet.valuesList('name', { flat: true }).eval()).toEqual(['Spot']);
  marty.petSet.create({ name: 'Rex' });
  expect(Pet.objects.using('other').count()).toBe(2);
  const [deleted] = marty.delete();
  expect(deleted).toBe(3);
  expect(Pet.objects.using('other').count()).toBe(0);
});

// multiple_database.tests.QueryTestCase.test_foreign_key_cross_database_protection
test('assigning an object of another database is refused without a router that allows it', () => {
  const dive = Book.objects.create({ title: 'Dive into Python', published });
  const marty = Person.objects.using('other').create({ name: 'Marty Alchin' });
  expect(() => {
    dive.editor = marty;
  }).toThrow(ValueError);
  expect(() => dive.authors.add(marty)).toThrow(ValueError);
  expect(() => new Pet({ name: 'Spot', owner: Person.objects.create({ name: 'Mark' }) })).not.toThrow();
});

// multiple_database.tests.SignalTests.test_database_arg_save_and_delete / test_database_arg_m2m
test('signals name the database of the save, delete or relation change', () => {
  const seen: string[] = [];
  const saved = ({ using }: { using: string }) => void seen.push(`save:${using}`);
  const deleted = ({ using }: { using: string }) => void seen.push(`delete:${using}`);
  const changed = ({ using, action }: { using: string; action: string }) => void seen.push(`${action}:${using}`);
  postSave.connect(saved);
  postDelete.connect(deleted, { sender: Person });
  m2mChanged.connect(changed);
  try {
    const person = Person.objects.create({ name: 'default person' });
    const other = Person.objects.using('other').create({ name: 'other person' });
    const book = Book.objects.using('other').create({ title: 'Pro Django', published });
    book.authors.add(other);
    person.delete();
    seen.push('--');
    other.delete();
    const [before, after] = [seen.slice(0, seen.indexOf('--')), seen.slice(seen.indexOf('--') + 1)];
    expect(before).toEqual(['save:default', 'save:other', 'save:other', 'preAdd:other', 'postAdd:other', 'delete:default']);
    // Its link rows go with it (no m2mChanged for a cascade, as in Django).
    expect(after).toEqual(['delete:other']);
    expect(book.authors.count()).toBe(0);
  } finally {
    postSave.disconnect(saved);
    postDelete.disconnect(deleted, { sender: Person });
    m2mChanged.disconnect(changed);
  }
});

test('dbManager() sends creates and queries to its database', () => {
  const manager = Person.objects.dbManager('other');
  const marty = manager.create({ name: 'Marty Alchin' });
  expect(marty._state.db).toBe('other');
  expect(manager.getOrCreate({ name: 'Marty Alchin' })[1]).toBe(false);
  expect(manager.count()).toBe(1);
  expect(Person.objects.count()).toBe(0);
  const [, created] = Person.objects.getOrCreate({ name: 'Marty Alchin' });
  expect(created).toBe(true);
  expect(Person.objects.count()).toBe(1);
  Person.objects.bulkCreate([new Person({ name: 'a' }), new Person({ name: 'b' })]);
  const bulk = manager.bulkCreate([new Person({ name: 'c' })]);
  expect(bulk[0]!._state.db).toBe('other');
  expect(manager.count()).toBe(2);
});

test('atomic({ using }) is a transaction on that database only', () => {
  expect(() =>
    atomic(() => {
      Person.objects.using('other').create({ name: 'rolled back' });
      Person.objects.create({ name: 'kept' });
      throw new Error('boom');
    }, { using: 'other' }),
  ).toThrow('boom');
  expect(Person.objects.using('other').count()).toBe(0);
  expect(Person.objects.count()).toBe(1);
});

test('two databases of one backend share compiled plans, yet each statement runs on its own connection', () => {
  Person.objects.create({ name: 'on default' });
  Person.objects.using('other').create({ name: 'on other' });
  const before = cachedPlanCount(getConnection('test').backend.operations, Person._meta);
  expect(Person.objects.get({ name: 'on default' }).name).toBe('on default');
  const after = cachedPlanCount(getConnection('test').backend.operations, Person._meta);
  expect(Person.objects.using('other').get({ name: 'on other' }).name).toBe('on other');
  expect(() => Person.objects.using('other').get({ name: 'on default' })).toThrow(Person.DoesNotExist);
  expect(cachedPlanCount(getConnection('test', 'other').backend.operations, Person._meta)).toBe(after);
  expect(after).toBeGreaterThanOrEqual(before);
});

test('an alias that is not configured is an error naming the call and the databases', () => {
  expect(() => Person.objects.using('nope')).toThrow("Person.objects.using(): the database 'nope' is not configured; the databases are 'default', 'other'.");
  expect(() => new Person({ name: 'x' }).save({ using: 'nope' })).toThrow(ImproperlyConfigured);
  expect(() => atomic(() => 1, { using: 'nope' })).toThrow(/'nope' is not configured/);
  expect(() => createSchema({ using: 'nope' })).toThrow(/'nope' is not configured/);
});

describe('configure()', () => {
  test('databases needs a default, and cannot be combined with database', async () => {
    await close();
    try {
      expect(() => configure({ databases: { other: ':memory:' } })).toThrow("configure(): databases needs a 'default' database; got 'other'.");
      expect(() => configure({ database: ':memory:', databases: { default: ':memory:' } })).toThrow(/either database or databases/);
      expect(() => configure({ databases: { default: ':memory:', other: '' } })).toThrow(/databases.other must be a path/);
      expect(() => configure({ databases: { default: ':memory:' }, routers: [{} as never] })).toThrow(/routers\[0\].*has none of the router methods/);
      expect(() => configure({ databases: { default: ':memory:' }, routers: new ReadReplicaRouter() as never })).toThrow(/routers takes a list/);
    } finally {
      await close();
      configure({ databases: { default: testDatabase(), other: testDatabase('other') }, models: MULTIDB_MODELS, workers: 1 });
      createSchema();
      createSchema({ using: 'other' });
    }
  });
});
