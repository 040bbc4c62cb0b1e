/**
 * Ports of Django's tests/custom_managers/tests.py (a selection), plus the async side: custom querysets and
 * managers reach `aobjects`, their chains are rebuilt by name in a pool worker, and a worker replays no name
 * that the model's own classes do not define.
 */
import { captureQueries, close, configure, createSchema, Manager, QuerySet } from '../../../src';
import { encode } from '../../../src/async/codec';
import { send } from '../../../src/async/executor';
import { Article, Book, BookQuerySet, Comment, FunPerson, Person, PersonBaseManager, PersonQuerySet } from '../../custom-managers';
import { dropTestDatabase, testDatabase } from '../test-database';
import { emptyTables } from './setup';

beforeAll(() => {
  configure({ database: testDatabase(), models: [require.resolve('../../custom-managers')], workers: 1 });
  createSchema();
});
afterAll(async () => {
  await close();
  dropTestDatabase();
});

let bugs: Person;
let droopy: Person;
beforeEach(() => {
  emptyTables();
  bugs = Person.objects.create({ firstName: 'Bugs', lastName: 'Bunny', funPerson: true });
  droopy = Person.objects.create({ firstName: 'Droopy', lastName: 'Dog', funPerson: false });
  Book.objects.create({ title: 'How to program', author: bugs, isPublished: true });
  Book.objects.create({ title: 'How to be smart', author: bugs, isPublished: false });
});

const names = (people: Person[]) => people.map((person) => person.firstName);

describe('sync managers (custom_managers.tests.CustomManagerTests)', () => {
  test('a method of the manager class (test_custom_manager_basic)', () => {
    expect(names(Person.objects.getFunPeople().eval())).toEqual(['Bugs']);
  });

  test('public queryset methods are copied to the manager, private ones are not (test_queryset_copied_to_default)', () => {
    for (const manager of [Person.objects, Person.customQuerysetManager]) {
      expect(names(manager.funPeople().eval())).toEqual(['Bugs']);
      expect((manager as unknown as Record<string, unknown>)._privateMethod).toBeUndefined();
    }
  });

  test('chains from a manager are of its queryset class, values() too (test_manager_use_queryset_methods)', () => {
    for (const manager of [Person.objects, Person.customQuerysetManager]) {
      const queryset = manager.filter();
      expect(queryset).toBeInstanceOf(PersonQuerySet);
      expect(names(queryset.eval())).toEqual(['Bugs', 'Droopy']);
      const flat = manager.valuesList('firstName', { flat: true }).filter();
      expect(flat).toBeInstanceOf(PersonQuerySet);
      expect((flat as unknown as PersonQuerySet).funPeople().eval()).toEqual(['Bugs']);
    }
  });

  test('a manager-only method is not on its querysets (test_manager_attributes)', () => {
    expect(Person.objects.getFunPeople()).toBeInstanceOf(QuerySet);
    expect((Person.objects.all() as unknown as Record<string, unknown>).getFunPeople).toBeUndefined();
    expect(Person.objects).toBeInstanceOf(PersonBaseManager);
  });

  test('getQueryset() is the base of every call (test_filtering, FunPeopleManager / BoringPeopleManager)', () => {
    expect(names(Person.funPeople.all().eval())).toEqual(['Bugs']);
    expect(names(Person.boringPeople.eval())).toEqual(['Droopy']);
    expect(Person.funPeople.count()).toBe(1);
    expect(Person.boringPeople.filter({ lastName: 'Bunny' }).exists()).toBe(false);
    expect(() => Person.funPeople.get({ firstName: 'Droopy' })).toThrow(Person.DoesNotExist);
    expect(Person.funPeople.get({ pk: bugs.pk }).firstName).toBe('Bugs');
    expect(() => Person.funPeople.get({ pk: droopy.pk })).toThrow(Person.DoesNotExist);
  });

  test('a manager evaluates afresh each time (no result cache on the shared manager)', () => {
    expect(Person.funPeople.eval()).toHaveLength(1);
    Person.objects.create({ firstName: 'Daffy', funPerson: true });
    expect(Person.funPeople.eval()).toHaveLength(2);
    expect([...Person.objects]).toHaveLength(3);
    // A related manager is shared by every `bugs.books` too.
    expect(bugs.books.eval()).toHaveLength(2);
    Book.objects.create({ title: 'A third', author: bugs });
    expect(bugs.books.count()).toBe(3);
    expect(bugs.books.eval()).toHaveLength(3);
  });

  test('related managers use the default manager\'s queryset class (test_related_manager)', () => {
    expect(bugs.books.published().eval().map((book) => book.title)).toEqual(['How to program']);
    expect(bugs.books.all()).toBeInstanceOf(BookQuerySet);
    expect(droopy.books.published().count()).toBe(0);
  });

  // custom_managers.tests.CustomManagerTests.test_fk_related_manager / test_m2m_related_manager
  test('related managers are narrowed by their model\'s default manager', async () => {
    const b1 = Book.objects.get({ title: 'How to program' });
    const fun = FunPerson.objects.create({ firstName: 'Bugs', funPerson: true, favoriteBook: b1 });
    const boring = FunPerson.objects.create({ firstName: 'Droopy', funPerson: false, favoriteBook: b1 });
    expect(FunPerson._baseManager.filter({ favoriteBook: b1 }).count()).toBe(2);
    expect(b1.funPeopleFavoriteBooks.all().eval().map((p) => p.firstName)).toEqual(['Bugs']);
    expect(b1.funPeopleFavoriteBooks.count()).toBe(1);
    expect(await b1.a.funPeopleFavoriteBooks.count()).toBe(1);
    b1.funAuthors.add(fun, boring);
    expect(b1.funAuthors.orderBy('firstName').eval().map((p) => p.firstName)).toEqual(['Bugs']);
    expect(await b1.a.funAuthors.valuesList('firstName', { flat: true })).toEqual(['Bugs']);
    expect(Book.objects.prefetchRelated('funAuthors').get({ pk: b1.pk }).funAuthors.eval().map((p) => p.firstName)).toEqual(['Bugs']);
    // Following the key goes through the base manager: a boring person still has its book, and is found.
    expect(FunPerson._baseManager.get({ pk: boring.pk }).favoriteBook!.title).toBe('How to program');
  });

  test('a narrowing default manager hides no row from save, refresh, delete or a foreign key (the base manager)', () => {
    const hidden = Article.objects.create({ headline: 'draft' });
    expect(Article.objects.count()).toBe(0);
    expect(Article._baseManager.count()).toBe(1);
    hidden.headline = 'still a draft';
    hidden.save();
    expect(Article._baseManager.count()).toBe(1);
    hidden.refreshFromDb();
    expect(hidden.headline).toBe('still a draft');
    const comment = Comment.objects.create({ text: 'nice', article: hidden });
    const again = Comment.objects.get({ pk: comment.pk });
    expect(again.article.headline).toBe('still a draft');
    expect(hidden.delete()).toEqual([2, { Article: 1, Comment: 1 }]);
  });

  test('Manager.fromQueryset() on Manager itself', () => {
    const PeopleManager = Manager.fromQueryset(PersonQuerySet);
    expect(new PeopleManager()).toBeInstanceOf(Manager);
    expect(PeopleManager.querysetClass).toBe(PersonQuerySet);
  });

  test('an unbound manager says so', () => {
    expect(() => PersonQuerySet.asManager().count()).toThrow(/not bound to a model yet/);
  });
});

describe('async: custom methods on aobjects', () => {
  test('a custom queryset method chains on aobjects and evaluates in a worker', async () => {
    expect(names(await Person.aobjects.funPeople().eval())).toEqual(['Bugs']);
    expect(await Person.aobjects.filter({ lastName__startswith: 'B' }).funPeople().count()).toBe(1);
    expect(await Person.aobjects.funPeople().filter({ lastName: 'Dog' }).exists()).toBe(false);
    expect(names(await Person.aobjects.funByFirstName('Bugs'))).toEqual(['Bugs']);
    expect(names(await Person.aobjects.getFunPeople())).toEqual(['Bugs']);
  });

  test('the chain crosses by name: the worker calls the custom method', async () => {
    const queryset = Person.aobjects.funPeople().byFirstName('Bugs');
    expect(queryset.sync.steps.map(([name]) => name)).toEqual(['funPeople', 'byFirstName']);
    const statements = await captureQueries(() => queryset.count());
    expect(statements).toHaveLength(1);
    expect(await queryset.count()).toBe(1);
  });

  test('getQueryset() overrides hold in the worker, for every evaluation', async () => {
    const funPeople = Person.funPeople as unknown as Manager<Person>;
    expect(await funPeople.acount()).toBe(1);
    expect(names(await funPeople.filter({ lastName: 'Bunny' }).aeval())).toEqual(['Bugs']);
    await expect(funPeople.aget({ pk: droopy.pk })).rejects.toBeInstanceOf(Person.DoesNotExist);
    expect(await Person.boringPeople.all().acount()).toBe(1);
    expect((await Article.aobjects.count())).toBe(0);
  });

  test('twins on custom chains go through the worker too', async () => {
    expect(await Person.objects.funPeople().acount()).toBe(1);
    expect(await Person.customQuerysetManager.byFirstName('Droopy').aexists()).toBe(true);
  });

  test('a custom method that returns no queryset is refused on aobjects, before any query', async () => {
    const aobjects = Person.aobjects as unknown as Record<string, () => unknown>;
    expect(() => aobjects.countFun!()).toThrow(/Person\.aobjects\.countFun\(\) ran a query .* while chaining/);
    const statements = captureQueries(() => expect(() => aobjects.countFun!()).toThrow(TypeError));
    expect(statements).toHaveLength(0);
    // Its sync twin stays available on the sync side, and the async method the user wrote works on both.
    expect(Person.objects.countFun()).toBe(1);
    expect(await Person.aobjects.acountFun()).toBe(1);
  });

  test('async related managers have the queryset class\'s methods', async () => {
    expect((await bugs.a.books.published().eval()).map((book) => book.title)).toEqual(['How to program']);
    expect(await bugs.a.books.published().count()).toBe(1);
  });

  test('the worker rebuilds related chains with custom steps', async () => {
    expect(await bugs.books.published().acount()).toBe(1);
  });

  test('asave() and arefreshFromDb() go through the base manager', async () => {
    const hidden = await Article.aobjects.create({ headline: 'draft' });
    hidden.headline = 'edited';
    await hidden.asave();
    expect(await Article._baseManager.filter({ headline: 'edited' }).acount()).toBe(1);
    await hidden.arefreshFromDb();
    expect(hidden.headline).toBe('edited');
  });
});

describe('async: the worker refuses forged chain steps', () => {
  const forge = (steps: Array<[string, unknown[]]>, root: { kind: 'manager'; label: string; manager: string | null } = { kind: 'manager', label: 'Person', manager: 'objects' }) => {
    const queryset = encode(Person.objects.all()) as Record<string, unknown>;
    return send({ kind: 'query', queryset: { ...queryset, root, steps: encode(steps) }, method: 'count', args: encode([]) }, false);
  };

  test.each(['constructor', '__proto__', 'hydrate', 'getQueryset', 'raw', 'toString', 'hasOwnProperty', '_privateMethod', 'countFun2', 'evalRows', 'bindTo'])(
    "'%s' is refused as a step",
    async (name) => {
      await expect(forge([[name, []]])).rejects.toThrow(/Refused to replay/);
    },
  );

  test('a custom method of another model is refused', async () => {
    await expect(forge([['published', []]])).rejects.toThrow(/Refused to replay 'published'/);
  });

  test('a custom method that queries is stopped in the worker too', async () => {
    await expect(forge([['countFun', []]])).rejects.toThrow(/ran a query/);
  });

  test('a forged manager attribute is refused', async () => {
    for (const manager of ['constructor', 'prototype', 'fields', 'aobjects', '_meta']) {
      await expect(forge([], { kind: 'manager', label: 'Person', manager })).rejects.toThrow(/declares no such manager/);
    }
  });

  test('the genuine chain runs', async () => {
    const sent = encode(Person.objects.funPeople()) as Record<string, unknown>;
    const result = await send({ kind: 'query', queryset: sent, method: 'count', args: encode([]) }, false);
    expect(result.value).toBe(1);
  });
});
