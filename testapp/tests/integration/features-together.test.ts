/**
 * Features used together, the way an application combines them: multiple databases, model inheritance,
 * custom managers on aobjects, fetch modes, aiterator(), bulkCreate, join reuse, distinct(fields) and the
 * time zone, each case after the Django behaviour it names.
 */
import {
  aatomic,
  atomic,
  captureQueries,
  close,
  configure,
  createSchema,
  FETCH_PEERS,
  FieldFetchBlocked,
  NotSupportedError,
  RAISE,
  ReadReplicaRouter,
  Sum,
  TransactionManagementError,
  type CapturedQuery,
} from '../../../src';
import { City, Diner, DinerQuerySet, Dish, INTEGRATION_MODELS, ListedVenue, Review, Venue, Visit } from './models';
import { dropTestDatabase, onPostgresql, testDatabase } from '../test-database';

jest.setTimeout(120_000);

const selects = (queries: CapturedQuery[]) => queries.filter((query) => /^\s*SELECT/i.test(query.sql));

/** Which database pool's worker ran a statement: 'default' or the alias in its connection label. */
function poolOf(statement: CapturedQuery): string {
  const match = /^(?:reader|writer)(?::(.+))?-\d+$/.exec(statement.connection);
  return match ? (match[1] ?? 'default') : `main:${statement.connection}`;
}

async function reconfigure(options: { aliases: string[]; routers?: ReadReplicaRouter[]; timeZone?: string; writers?: number }): Promise<void> {
  await close();
  dropTestDatabase();
  const databases = Object.fromEntries(options.aliases.map((alias) => [alias, testDatabase(alias === 'default' ? '' : alias)]));
  configure({
    databases, models: INTEGRATION_MODELS, workers: 1, routers: options.routers ?? [], writers: options.writers ?? 1,
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  });
  for (const alias of options.aliases) createSchema({ using: alias });
}

/** The same venues on a database, told apart by a suffix so a read from the wrong one shows. */
function seed(alias: string, suffix: string): void {
  const rome = City.objects.using(alias).create({ name: `Rome${suffix}` });
  const turin = City.objects.using(alias).create({ name: `Turin${suffix}` });
  const diners = Diner.objects.dbManager(alias);
  const a = diners.create({ name: `Arco${suffix}`, address: `Via 1${suffix}`, city: rome, servesPizza: true, rating: 5 });
  const b = diners.create({ name: `Bruno${suffix}`, address: `Via 2${suffix}`, city: turin, servesPizza: false, rating: 4 });
  const c = diners.create({ name: `Cielo${suffix}`, address: '', city: rome, servesPizza: true, rating: 2 });
  Venue.objects.using(alias).create({ name: `Duomo${suffix}`, address: '', city: null });
  for (const [diner, dish] of [[a, 'Margherita'], [a, 'Marinara'], [b, 'Risotto'], [c, 'Diavola']] as const) {
    Dish.objects.using(alias).create({ name: `${dish}${suffix}`, diner });
  }
}

afterAll(async () => {
  await close();
  dropTestDatabase();
});

describe('two databases, no routers', () => {
  beforeAll(async () => {
    await reconfigure({ aliases: ['default', 'other'] });
    seed('default', '');
    seed('other', '-o');
  });

  // custom_managers.tests.CustomManagerTests.test_custom_queryset_still_wins, on a multi-table child
  test('a multi-table child with a custom queryset manager chains its methods through aobjects', async () => {
    const names = await Diner.aobjects.filter({ city__name: 'Rome' }).pizzerias().ratedAtLeast(3).valuesList('name', { flat: true });
    expect(names).toEqual(['Arco']);
    // A method of the manager class itself, routed to the default database and replayed in its worker.
    expect(await Diner.aobjects.inCity('Rome').valuesList('name', { flat: true })).toEqual(['Arco', 'Cielo']);
    expect(await Diner.aobjects.dbManager('other').inCity('Rome-o').pizzerias().count()).toBe(2);
    expect(await Diner.pizzaPlaces.acount()).toBe(3);
    expect(Diner.objects.pizzerias()).toBeInstanceOf(DinerQuerySet);
    expect(Diner.objects.pizzerias().filter({ address__startswith: 'Via' }).eval().map((d) => d.name)).toEqual(['Arco']);
  });

  // multiple_database.tests.QueryTestCase.test_basic_queries, through a custom manager of an MTI child
  test('dbManager() and using() of a multi-table child custom manager read and write the other database', async () => {
    const otherDiners = Diner.objects.dbManager('other');
    expect(otherDiners.pizzerias().eval().map((d) => d.name)).toEqual(['Arco-o', 'Cielo-o']);
    expect(Diner.objects.pizzerias().ratedAtLeast(3).using('other').eval().map((d) => d.name)).toEqual(['Arco-o']);
    const viaAsync = await Diner.aobjects.using('other').pizzerias().eval();
    expect(viaAsync.map((d) => [d.name, d._state.db])).toEqual([['Arco-o', 'other'], ['Cielo-o', 'other']]);
    const viaDbManager = await Diner.aobjects.dbManager('other').pizzerias().ratedAtLeast(3).eval();
    expect(viaDbManager.map((d) => d.name)).toEqual(['Arco-o']);

    const made = await Diner.aobjects.dbManager('other').create({ name: 'Eterno-o', address: 'Via 9', servesPizza: true, rating: 1 });
    expect(made._state.db).toBe('other');
    // Both tables of the child were written on 'other', none on default.
    expect(Venue.objects.using('other').filter({ name: 'Eterno-o' }).count()).toBe(1);
    expect(Venue.objects.filter({ name: 'Eterno-o' }).count()).toBe(0);
    made.rating = 3;
    await made.asave();
    expect(Diner.objects.using('other').get({ name: 'Eterno-o' }).rating).toBe(3);
    await made.adelete();
    expect(Venue.objects.using('other').filter({ name: 'Eterno-o' }).exists()).toBe(false);
  });

  // proxy_models.tests.ProxyModelTests.test_proxy_model_manager / custom_managers base manager for relations
  test('a proxy default manager narrows its rows, sync and async; its base manager and keys see every row', async () => {
    expect(ListedVenue.objects.valuesList('name', { flat: true }).eval()).toEqual(['Arco', 'Bruno']);
    expect(await ListedVenue.aobjects.valuesList('name', { flat: true })).toEqual(['Arco', 'Bruno']);
    expect(await ListedVenue.aobjects.using('other').count()).toBe(2);
    expect(ListedVenue._baseManager.count()).toBe(4);
    const listed = await ListedVenue.aobjects.eval();
    expect(listed.every((venue) => venue instanceof ListedVenue)).toBe(true);

    const hidden = ListedVenue._baseManager.get({ name: 'Duomo' });
    const review = Review.objects.create({ text: 'a hidden gem', venue: hidden });
    const fresh = Review.objects.get({ pk: review.pk });
    expect(fresh.venue.name).toBe('Duomo');
    expect(fresh.venue).toBeInstanceOf(ListedVenue);
    const freshAsync = await Review.aobjects.get({ pk: review.pk });
    expect((await freshAsync.a.venue).name).toBe('Duomo');
    expect(await ListedVenue.aobjects.filter({ name: 'Duomo' }).exists()).toBe(false);
    await review.adelete();
  });

  // Django 6.1 fetch modes: test_fetch_mode_fetch_peers_forward on a multi-table child
  test('FETCH_PEERS on multi-table children: deferred parent fields and a parent key load once for all peers', () => {
    const diners = Diner.objects.fetchMode(FETCH_PEERS).only('servesPizza').eval();
    expect(diners).toHaveLength(3);
    const addresses = captureQueries(() => diners.map((diner) => diner.address));
    expect(addresses).toEqual(expect.any(Array));
    expect(selects(addresses)).toHaveLength(1);
    expect(diners.map((diner) => diner.address)).toEqual(['Via 1', 'Via 2', '']);

    // The key column is a deferred parent field too: one query loads it for the peers, one their cities.
    const cities = captureQueries(() => diners.map((diner) => diner.city?.name));
    expect(selects(cities)).toHaveLength(2);
    expect(selects(cities)[0]!.sql).toMatch(/city_id/);
    expect(captureQueries(() => diners.map((diner) => diner.city?.name))).toHaveLength(0);
    expect(diners.map((diner) => diner.city?.name)).toEqual(['Rome', 'Turin', 'Rome']);
  });

  // multiple_database.tests.QueryTestCase.test_foreign_key_cross_database_protection: related rows come from the instance's database
  test('FETCH_PEERS on multi-table children of another database loads the peers there, sync', () => {
    const diners = Diner.objects.using('other').fetchMode(FETCH_PEERS).only('name').eval();
    expect(diners.map((diner) => diner.address)).toEqual(['Via 1-o', 'Via 2-o', '']);
    expect(diners.map((diner) => diner.rating)).toEqual([5, 4, 2]);
    expect(diners.map((diner) => diner.city?.name)).toEqual(['Rome-o', 'Turin-o', 'Rome-o']);
    expect(diners.map((diner) => diner.city?._state.db)).toEqual(['other', 'other', 'other']);
    const prefetched = Diner.objects.using('other').prefetchRelated('city').eval();
    expect(prefetched.map((diner) => diner.city?.name)).toEqual(['Rome-o', 'Turin-o', 'Rome-o']);
  });

  // fetch modes and custom_managers.tests: a forward key loads through the base manager, peers or prefetched
  test('FETCH_PEERS and prefetchRelated() of a key to a narrowing proxy still load its hidden rows', () => {
    const venues = ListedVenue._baseManager.filter({ name__in: ['Arco', 'Duomo'] }).eval();
    for (const venue of venues) Review.objects.create({ text: `about ${venue.name}`, venue });
    try {
      const reviews = Review.objects.fetchMode(FETCH_PEERS).orderBy('text').eval();
      const read = captureQueries(() => reviews.map((review) => review.venue.name));
      expect(reviews.map((review) => review.venue.name)).toEqual(['Arco', 'Duomo']);
      expect(selects(read)).toHaveLength(1);
      const prefetched = captureQueries(() => Review.objects.orderBy('text').prefetchRelated('venue').eval().map((review) => review.venue.name));
      expect(selects(prefetched)).toHaveLength(2);
      // A deferred field of proxy instances the default manager hides loads for all peers in one query too.
      const all = ListedVenue._baseManager.fetchMode(FETCH_PEERS).only('name').eval();
      const addresses = captureQueries(() => all.map((venue) => venue.address));
      expect(all.map((venue) => venue.address)).toEqual(['Via 1', 'Via 2', '', '']);
      expect(selects(addresses)).toHaveLength(1);
    } finally {
      Review.objects.all().delete();
    }
  });

  test('FETCH_PEERS on multi-table children of another database loads the peers there', async () => {
    const diners = await Diner.aobjects.using('other').fetchMode(FETCH_PEERS).eval();
    const cities = await captureQueries(() => Promise.all(diners.map((diner) => diner.a.city)));
    expect(selects(cities).map(poolOf)).toEqual(['other']);
    expect(diners.map((diner) => diner.city?.name)).toEqual(['Rome-o', 'Turin-o', 'Rome-o']);
  });

  // Django 6.1 fetch modes: test_fetch_mode_fetch_peers_reverse (one_to_one), on the parent-to-child link
  test('FETCH_PEERS from parents to their children: one query, DoesNotExist for a parent that is no child', () => {
    const venues = Venue.objects.fetchMode(FETCH_PEERS).eval();
    const read = captureQueries(() =>
      venues.map((venue) => {
        try {
          return venue.diner.rating;
        } catch (error) {
          return error instanceof Diner.DoesNotExist ? 'none' : error;
        }
      }),
    );
    expect(selects(read)).toHaveLength(1);
    expect(venues.map((venue) => (venue.name === 'Duomo' ? 'none' : venue.diner.rating))).toEqual([5, 4, 2, 'none']);
  });

  // Django 6.1 fetch modes, await venue.a.diner: one worker call for every peer, on the peers' database
  test('FETCH_PEERS from parents to their children through the pool, on another database', async () => {
    const venues = await Venue.aobjects.using('other').fetchMode(FETCH_PEERS).filter({ name__endswith: '-o' }).eval();
    const captured = await captureQueries(() =>
      Promise.all(venues.map((venue) => venue.a.diner.then((diner) => diner.rating, (error: unknown) => (error instanceof Diner.DoesNotExist ? 'none' : error)))),
    );
    expect(await Promise.all(venues.map((venue) => venue.a.diner.then((diner) => diner.name, () => 'none')))).toEqual(['Arco-o', 'Bruno-o', 'Cielo-o', 'none']);
    expect(selects(captured).map(poolOf)).toEqual(['other']);
  });

  // queries.tests: combining querysets of a manager whose getQueryset() narrows
  test('or() of two narrowed proxy querysets keeps both sides narrowing', () => {
    expect(ListedVenue.objects.filter({ name: 'Arco' }).or(ListedVenue.objects.filter({ name: 'Duomo' })).valuesList('name', { flat: true }).eval()).toEqual(['Arco']);
  });

  // Django 6.1 fetch modes: RAISE on the reverse side of a one-to-one, here the parent link
  test('RAISE blocks a parent reaching its child (venue.diner) and the child reaching its parent link', async () => {
    const venue = Venue.objects.fetchMode(RAISE).get({ name: 'Arco' });
    expect(() => venue.diner).toThrow(FieldFetchBlocked);
    expect(() => venue.diner).toThrow(/Venue\.diner/);
    const viaAsync = await Venue.aobjects.fetchMode(RAISE).get({ name: 'Arco' });
    await expect(viaAsync.a.diner).rejects.toThrow(FieldFetchBlocked);
    const selected = Venue.objects.fetchMode(RAISE).selectRelated('diner').get({ name: 'Arco' });
    expect(selected.diner.rating).toBe(5);
  });

  // async_queryset.tests.AsyncQuerySetTest.test_aiterator_prefetch_related, on a custom chain and a second database
  test('aiterator() over a custom chain with prefetchRelated on another database yields that database rows only', async () => {
    const seen: Array<[string, string[], string | null | undefined]> = [];
    const chain = Diner.aobjects.using('other').pizzerias().prefetchRelated('dishSet');
    const captured = await captureQueries(async () => {
      for await (const diner of chain.aiterator({ chunkSize: 1 })) {
        seen.push([diner.name, diner.dishSet.all().eval().map((dish) => dish.name), diner._state.db]);
      }
    });
    expect(seen).toEqual([
      ['Arco-o', ['Margherita-o', 'Marinara-o'], 'other'],
      ['Cielo-o', ['Diavola-o'], 'other'],
    ]);
    expect(new Set(captured.map(poolOf))).toEqual(new Set(['other']));
  });

  // multiple_database.tests.QueryTestCase / bulk_create.tests.BulkCreateTests.test_large_batch
  test('bulkCreate() of 300 rows on another database: every object remembers it; an MTI child is refused', async () => {
    const cities = City.objects.using('other').bulkCreate(Array.from({ length: 300 }, (_, i) => new City({ name: `bulk ${i}` })));
    expect(cities).toHaveLength(300);
    expect(cities.every((city) => city._state.db === 'other' && !city._state.adding)).toBe(true);
    expect(City.objects.using('other').filter({ name__startswith: 'bulk ' }).count()).toBe(300);
    expect(City.objects.filter({ name__startswith: 'bulk ' }).count()).toBe(0);

    const viaAsync = await City.aobjects.using('other').bulkCreate(Array.from({ length: 300 }, (_, i) => new City({ name: `abulk ${i}` })));
    expect(viaAsync.every((city) => city._state.db === 'other' && city.pk != null)).toBe(true);
    expect(await City.aobjects.using('other').filter({ name__startswith: 'abulk ' }).count()).toBe(300);
    await City.aobjects.using('other').filter({ name__contains: 'bulk ' }).delete();

    // bulk_update.tests.BulkUpdateTests.test_inherited_fields: a child's own and inherited fields, on that database
    const diners = Diner.objects.using('other').filter({ name__in: ['Arco-o', 'Bruno-o'] }).eval();
    for (const diner of diners) {
      diner.address = `${diner.name} street`;
      diner.rating += 10;
    }
    await Diner.aobjects.using('other').bulkUpdate(diners, ['address', 'rating']);
    expect(Diner.objects.using('other').filter({ rating__gte: 10 }).valuesList('address', { flat: true }).eval()).toEqual(['Arco-o street', 'Bruno-o street']);
    expect(Venue.objects.filter({ address__endswith: ' street' }).count()).toBe(0);
    Diner.objects.using('other').bulkUpdate(diners.map((diner) => Object.assign(diner, { rating: diner.rating - 10 })), ['rating']);
    expect(Diner.objects.using('other').filter({ rating__gte: 10 }).count()).toBe(0);

    expect(() => Diner.objects.using('other').bulkCreate([new Diner({ name: 'x' })])).toThrow(/can't bulk create a multi-table inherited model/);
    await expect(Diner.aobjects.using('other').bulkCreate([new Diner({ name: 'x' })])).rejects.toThrow(/can't bulk create a multi-table inherited model/);
  });

  // queries.tests.Queries1Tests.test_ticket7098-style OR of querysets over joins, on a multi-table child
  test('qs1.or(qs2) on a multi-table child filtering parent fields', async () => {
    const either = Diner.objects.filter({ city__name: 'Turin' }).or(Diner.objects.filter({ address: '' }));
    expect(either.valuesList('name', { flat: true }).eval()).toEqual(['Bruno', 'Cielo']);
    const custom = Diner.objects.pizzerias().or(Diner.objects.filter({ name: 'Bruno' }));
    expect(custom.count()).toBe(3);
    expect(custom).toBeInstanceOf(DinerQuerySet);
    const other = Diner.objects.using('other').filter({ address: '' }).or(Diner.objects.filter({ rating__gte: 5 }));
    expect(other.valuesList('name', { flat: true }).eval()).toEqual(['Arco-o', 'Cielo-o']);
  });

  // distinct_on_fields.tests.DistinctOnTests.test_basic_distinct_on, on a parent field of a child
  test('distinct(field) on a multi-table child: DISTINCT ON on PostgreSQL, NotSupportedError on SQLite', async () => {
    const chain = () => Diner.objects.orderBy('city__name', 'name').distinct('city__name');
    if (onPostgresql) {
      expect(chain().valuesList('name', { flat: true }).eval()).toEqual(['Arco', 'Bruno']);
      expect(await Diner.aobjects.orderBy('city__name', 'name').distinct('city__name').valuesList('name', { flat: true })).toEqual(['Arco', 'Bruno']);
    } else {
      expect(() => chain().eval()).toThrow(NotSupportedError);
      expect(() => Diner.aobjects.orderBy('city__name', 'name').distinct('city__name')).toThrow(/Diner\.aobjects\.distinct\(\): DISTINCT ON fields is not supported/);
    }
  });
});

describe('writes of multi-table children and proxies on another database', () => {
  beforeAll(async () => {
    await reconfigure({ aliases: ['default', 'other'] });
    seed('default', '');
    seed('other', '-o');
  });

  // model_inheritance.tests.ModelInheritanceTests.test_update_parent_filtering, on a second database
  test('update() naming parent and child fields of a custom chain writes that database only', async () => {
    const changed = Diner.objects.dbManager('other').pizzerias().update({ address: 'Piazza', rating: 9 });
    expect(changed).toBe(2);
    expect(Diner.objects.using('other').filter({ address: 'Piazza', rating: 9 }).count()).toBe(2);
    expect(Venue.objects.filter({ address: 'Piazza' }).count()).toBe(0);
    expect(await Diner.aobjects.using('other').pizzerias().update({ address: 'Corso' })).toBe(2);
    expect(Venue.objects.using('other').filter({ address: 'Corso' }).count()).toBe(2);
    expect(Venue.objects.filter({ address: 'Corso' }).count()).toBe(0);
  });

  // get_or_create.tests on a multi-table child, async, on a second database
  test('getOrCreate() and delete() of a multi-table child through aobjects on another database', async () => {
    const [made, created] = await Diner.aobjects.using('other').getOrCreate({ name: 'Nuovo-o' }, { defaults: { address: 'Via 7', rating: 1 } });
    expect(created).toBe(true);
    expect(made._state.db).toBe('other');
    const [again, createdAgain] = await Diner.aobjects.using('other').getOrCreate({ name: 'Nuovo-o' });
    expect([again.pk, createdAgain]).toEqual([made.pk, false]);
    expect(Venue.objects.filter({ name: 'Nuovo-o' }).exists()).toBe(false);
    const [count, perModel] = await Diner.aobjects.using('other').filter({ name: 'Nuovo-o' }).delete();
    expect(count).toBe(2);
    expect(perModel).toEqual({ Venue: 1, Diner: 1 });
    expect(Venue.objects.using('other').filter({ name: 'Nuovo-o' }).exists()).toBe(false);
  });

  // bulk_create.tests.BulkCreateTests.test_proxy_inheritance_supported
  test('bulkCreate() of a proxy writes its concrete table on the database given', async () => {
    const made = await ListedVenue.aobjects.using('other').bulkCreate([new ListedVenue({ name: 'Proxy 1', address: 'Via 5' }), new ListedVenue({ name: 'Proxy 2', address: '' })]);
    expect(made.map((venue) => [venue instanceof ListedVenue, venue._state.db])).toEqual([[true, 'other'], [true, 'other']]);
    expect(await ListedVenue.aobjects.using('other').filter({ name__startswith: 'Proxy' }).count()).toBe(1);
    expect(Venue.objects.using('other').filter({ name__startswith: 'Proxy' }).count()).toBe(2);
    expect(Venue.objects.filter({ name__startswith: 'Proxy' }).count()).toBe(0);
  });

  // select_related on the parent-to-child link, through aobjects on a second database
  test('selectRelated() from a parent to its child and aiterator() with FETCH_PEERS on another database', async () => {
    const venues = await Venue.aobjects.using('other').filter({ name__in: ['Arco-o', 'Bruno-o'] }).selectRelated('diner').eval();
    expect(venues.map((venue) => [venue.diner.name, venue.diner._state.db])).toEqual([['Arco-o', 'other'], ['Bruno-o', 'other']]);
    const cities: Array<string | undefined> = [];
    for await (const diner of Diner.aobjects.using('other').fetchMode(FETCH_PEERS).aiterator({ chunkSize: 2 })) {
      cities.push((await diner.a.city)?.name);
    }
    expect(cities).toEqual(['Rome-o', 'Turin-o', 'Rome-o']);
    // FETCH_ONE: await obj.a.<key> and a parent's await venue.a.diner read where the instance lives.
    const cielo = await Diner.aobjects.using('other').get({ name: 'Cielo-o' });
    expect((await cielo.a.city)?.name).toBe('Rome-o');
    const parent = await Venue.aobjects.using('other').get({ name: 'Bruno-o' });
    expect((await parent.a.diner).rating).toBe(4);
  });

  // model_inheritance: refresh, inBulk, reverse lookups and a parent's cascading delete, all on the second database
  test('arefreshFromDb(), inBulk(), parent-to-child lookups and a parent delete of a child on another database', async () => {
    const bruno = await Diner.aobjects.using('other').get({ name: 'Bruno-o' });
    Diner.objects.using('other').filter({ pk: bruno.pk }).update({ address: 'Vicolo', rating: 1 });
    await bruno.arefreshFromDb({ fields: ['address'] });
    expect([bruno.address, bruno.rating]).toEqual(['Vicolo', 4]);
    await bruno.arefreshFromDb();
    expect(bruno.rating).toBe(1);
    const byKey = await Diner.aobjects.using('other').inBulk([bruno.pk]);
    expect(byKey.get(bruno.pk)?.name).toBe('Bruno-o');
    expect(await Venue.aobjects.using('other').filter({ diner__rating__lte: 1 }).valuesList('name', { flat: true })).toEqual(['Bruno-o']);
    expect(await Venue.aobjects.using('other').exclude({ diner__isnull: false }).filter({ name__endswith: '-o' }).valuesList('name', { flat: true })).toEqual(['Duomo-o']);
    const parent = await Venue.aobjects.using('other').get({ pk: bruno.pk });
    const [deleted, perModel] = await parent.adelete();
    expect(deleted).toBe(3);
    expect(perModel).toEqual({ Venue: 1, Diner: 1, Dish: 1 });
    expect(await Diner.aobjects.using('other').filter({ pk: bruno.pk }).exists()).toBe(false);
    expect(await Dish.aobjects.using('other').filter({ name: 'Risotto-o' }).exists()).toBe(false);
    expect(await Dish.aobjects.filter({ name: 'Risotto' }).exists()).toBe(true);
  });
});

const describePg = onPostgresql ? describe : describe.skip;

describePg('selectForUpdate() of multi-table children on a second PostgreSQL database', () => {
  beforeAll(async () => {
    await reconfigure({ aliases: ['default', 'other'] });
    seed('default', '');
    seed('other', '-o');
  });

  const lockingSelects = (queries: CapturedQuery[]) => selects(queries).filter((query) => / FOR UPDATE/.test(query.sql));

  // select_for_update.tests.SelectForUpdateTests.test_for_update_requires_transaction, per database
  test('a transaction on one database does not let another lock rows', () => {
    expect(() => atomic(() => Diner.objects.using('other').selectForUpdate().eval())).toThrow(TransactionManagementError);
    const names = atomic(() => Diner.objects.dbManager('other').pizzerias().selectForUpdate().valuesList('name', { flat: true }).eval(), { using: 'other' });
    expect(names).toEqual(['Arco-o', 'Cielo-o']);
  });

  // select_for_update.tests.SelectForUpdateTests.test_for_update_sql_model_inheritance_generated_of
  test("of: ['self'] locks the child table only; naming the parent link locks the parent's too", () => {
    const own = atomic(() => captureQueries(() => Diner.objects.using('other').selectForUpdate({ of: ['self'] }).eval()), { using: 'other' });
    expect(lockingSelects(own)[0]!.sql).toMatch(/ FOR UPDATE OF t0$/);
    // The automatic parent link is not typed (see README "Limits"), so its name is cast here.
    const both = atomic(() => captureQueries(() => Diner.objects.using('other').selectForUpdate({ of: ['self', 'venuePtr' as 'self'] }).eval()), { using: 'other' });
    expect(lockingSelects(both)[0]!.sql).toMatch(/ FOR UPDATE OF t0, t1$/);
    expect(() => atomic(() => Diner.objects.using('other').selectForUpdate({ of: ['venue' as 'self'] }).eval(), { using: 'other' })).toThrow(
      /invalid name\(s\) in of: 'venue'\..*Choices are: self, venuePtr\./,
    );
  });

  // select_for_update through aatomic on that database: the lock runs on its pinned writer
  test('aobjects selectForUpdate() of a custom chain inside aatomic({ using })', async () => {
    const captured = await captureQueries(() =>
      aatomic(async () => {
        const locked = await Diner.aobjects.using('other').pizzerias().selectForUpdate().eval();
        expect(locked.map((diner) => diner.name)).toEqual(['Arco-o', 'Cielo-o']);
        await Diner.aobjects.using('other').filter({ pk__in: locked.map((diner) => diner.pk) }).update({ rating: 7 });
      }, { using: 'other' }),
    );
    const lock = lockingSelects(captured);
    expect(lock.map(poolOf)).toEqual(['other']);
    expect(Diner.objects.using('other').filter({ rating: 7 }).count()).toBe(2);
  });
});

describe('proxies and children through the pool (several writers on PostgreSQL)', () => {
  beforeAll(async () => {
    await reconfigure({ aliases: ['default', 'other'], writers: onPostgresql ? 2 : 1 });
    seed('default', '');
    seed('other', '-o');
  });

  // async_queryset.tests.AsyncQuerySetTest.test_aiterator on a proxy whose manager narrows its rows
  test('aiterator() of a narrowing proxy manager pages through its rows only, on the database given', async () => {
    const names: string[] = [];
    for await (const venue of ListedVenue.aobjects.using('other').aiterator({ chunkSize: 1 })) {
      expect(venue).toBeInstanceOf(ListedVenue);
      names.push(venue.name);
    }
    expect(names).toEqual(['Arco-o', 'Bruno-o']);
    const all: string[] = [];
    for await (const venue of ListedVenue.objects.using('other').all()) all.push(venue.name);
    expect(all).toEqual(['Arco-o', 'Bruno-o']);
  });

  // many concurrent saves of multi-table children: each writes both tables, once
  test('concurrent creates of multi-table children write both tables once each', async () => {
    const made = await Promise.all(Array.from({ length: 24 }, (_, i) => Diner.aobjects.using('other').create({ name: `Many ${i}`, address: 'Via', rating: i })));
    expect(new Set(made.map((diner) => diner.pk)).size).toBe(24);
    expect(await Venue.aobjects.using('other').filter({ name__startswith: 'Many ' }).count()).toBe(24);
    expect(await Diner.aobjects.using('other').filter({ name__startswith: 'Many ' }).aggregate({ total: Sum('rating') })).toEqual({ total: 276 });
    expect(await Venue.aobjects.filter({ name__startswith: 'Many ' }).count()).toBe(0);
    const union = Diner.objects.using('other').filter({ rating: 1 }).union(Diner.objects.using('other').filter({ rating: 2 }));
    expect(union.orderBy('name').valuesList('name', { flat: true }).eval()).toEqual(['Cielo-o', 'Many 1', 'Many 2']);
  });

  // fetch modes on a key to a proxy, with selectRelated through the proxy
  test('selectRelated() of a key to a narrowing proxy and RAISE on what it did not load', async () => {
    const hidden = ListedVenue._baseManager.using('other').get({ name: 'Duomo-o' });
    const listed = ListedVenue.objects.using('other').get({ name: 'Arco-o' });
    await Review.aobjects.using('other').create({ text: 'a hidden one', venue: hidden });
    await Review.aobjects.using('other').create({ text: 'b listed one', venue: listed });
    const reviews = await Review.aobjects.using('other').fetchMode(RAISE).selectRelated('venue').orderBy('text').eval();
    expect(reviews.map((review) => [review.venue.name, review.venue instanceof ListedVenue, review.venue._state.db])).toEqual([
      ['Duomo-o', true, 'other'],
      ['Arco-o', true, 'other'],
    ]);
    expect(reviews[0]!.venue.city).toBeNull(); // a null key needs no query
    expect(() => reviews[1]!.venue.city).toThrow(FieldFetchBlocked);
    await expect(reviews[1]!.venue.a.city).rejects.toThrow(/ListedVenue\.city/);
  });
});

describe('a ReadReplicaRouter and fetch modes', () => {
  beforeAll(async () => {
    await reconfigure({ aliases: ['default', 'replica'], routers: [new ReadReplicaRouter()] });
    // Rows differ on purpose, so a peer load from the wrong database shows.
    seed('default', '');
    seed('replica', '-r');
  });

  // multiple_database.tests.RouterTestCase: related objects come from the database of the instance
  test('FETCH_PEERS loads the peers from the database the result set came from', async () => {
    const diners = Diner.objects.fetchMode(FETCH_PEERS).eval();
    expect(diners.map((diner) => diner._state.db)).toEqual(['replica', 'replica', 'replica']);
    expect(diners.map((diner) => diner.city?.name)).toEqual(['Rome-r', 'Turin-r', 'Rome-r']);

    // As Django's descriptors: the router is asked first (with the instance as hint), and it answers a replica.
    const pinned = Diner.objects.using('default').fetchMode(FETCH_PEERS).eval();
    expect(pinned.map((diner) => diner._state.db)).toEqual(['default', 'default', 'default']);
    expect(pinned.map((diner) => diner.city?.name)).toEqual(['Rome-r', 'Turin-r', 'Rome-r']);

    // get_or_create.tests: the get of getOrCreate() / updateOrCreate() reads the database it would write to.
    const [zeta, created] = await Diner.aobjects.getOrCreate({ name: 'Zeta' }, { defaults: { address: 'Via Z' } });
    expect([created, zeta._state.db]).toEqual([true, 'default']);
    const [again, createdAgain] = await Diner.aobjects.getOrCreate({ name: 'Zeta' });
    expect([again.pk, createdAgain]).toEqual([zeta.pk, false]);
    const [updated, createdByUpdate] = Diner.objects.updateOrCreate({ name: 'Zeta' }, { defaults: { rating: 8 } });
    expect([updated.pk, createdByUpdate, updated.rating]).toEqual([zeta.pk, false, 8]);
    expect(Diner.objects.using('default').filter({ name: 'Zeta' }).count()).toBe(1);
    await zeta.adelete();

    // A bulkCreate() is a write: to default, and its objects remember it.
    const cities = await City.aobjects.bulkCreate([new City({ name: 'Routed 1' }), new City({ name: 'Routed 2' })]);
    expect(cities.map((city) => city._state.db)).toEqual(['default', 'default']);
    expect(City.objects.using('default').filter({ name__startswith: 'Routed' }).count()).toBe(2);
    expect(City.objects.using('replica').filter({ name__startswith: 'Routed' }).count()).toBe(0);

    const viaAsync = await Diner.aobjects.fetchMode(FETCH_PEERS).eval();
    const loads = await captureQueries(() => Promise.all(viaAsync.map((diner) => diner.a.city)));
    expect(selects(loads).map(poolOf)).toEqual(['replica']);
    expect(viaAsync.map((diner) => diner.city?.name)).toEqual(['Rome-r', 'Turin-r', 'Rome-r']);
  });
});

describePg('selectForUpdate() under a ReadReplicaRouter (PostgreSQL)', () => {
  beforeAll(async () => {
    await reconfigure({ aliases: ['default', 'replica'], routers: [new ReadReplicaRouter()] });
    seed('default', '');
    seed('replica', '-r');
  });

  // multiple_database.tests: a locking read is a write (Django's _for_write), so it goes to default
  test('a locking read of multi-table children goes to the write database, sync and through aatomic()', async () => {
    expect(atomic(() => Diner.objects.pizzerias().selectForUpdate().valuesList('name', { flat: true }).eval())).toEqual(['Arco', 'Cielo']);
    const captured = await captureQueries(() => aatomic(async () => expect(await Diner.aobjects.pizzerias().selectForUpdate().valuesList('name', { flat: true })).toEqual(['Arco', 'Cielo'])));
    expect(selects(captured).map(poolOf)).toEqual(['default']);
  });
});

describe('a time zone on a second database', () => {
  beforeAll(async () => {
    await reconfigure({ aliases: ['default', 'other'], timeZone: 'Africa/Nairobi' });
    const diner = Diner.objects.using('other').create({ name: 'Notte', address: 'Via 3', opened: new Date('2010-12-31T22:30:00Z') });
    // 22:30 UTC is 01:30 the next day in Nairobi (UTC+3).
    Visit.objects.using('other').create({ at: new Date('2010-12-31T22:30:00Z'), diner });
    Visit.objects.using('other').create({ at: new Date('2011-01-01T10:00:00Z'), diner });
  });

  // timezones.tests.NewDatabaseTests.test_query_datetimes on a parent field of a multi-table child
  test("datetimes() and __date of a child's inherited datetime, through aobjects on that database", async () => {
    const chain = () => Diner.aobjects.using('other').filter({ opened__isnull: false });
    const days = await chain().datetimes('opened', 'day');
    expect(days.map((day) => day.toISOString())).toEqual(['2010-12-31T21:00:00.000Z']);
    expect(await chain().dates('opened', 'day')).toEqual(['2011-01-01']);
    expect(await Diner.aobjects.using('other').filter({ opened__date: '2011-01-01' }).valuesList('name', { flat: true })).toEqual(['Notte']);
    // A deferred inherited datetime loaded for the peers reads as a Date.
    const diners = Diner.objects.using('other').fetchMode(FETCH_PEERS).defer('opened').eval();
    expect(diners.map((diner) => diner.opened?.toISOString())).toEqual(['2010-12-31T22:30:00.000Z']);
  });

  // timezones.tests.NewDatabaseTests.test_query_datetimes, through aobjects on another database
  test('datetimes() through aobjects truncates in the configured zone on that database', async () => {
    const days = await Visit.aobjects.using('other').datetimes('at', 'day');
    expect(days.map((day) => day.toISOString())).toEqual(['2010-12-31T21:00:00.000Z']);
    const utcDays = await Visit.aobjects.using('other').datetimes('at', 'day', 'ASC', { tzinfo: 'UTC' });
    expect(utcDays.map((day) => day.toISOString())).toEqual(['2010-12-31T00:00:00.000Z', '2011-01-01T00:00:00.000Z']);
    expect(await Visit.aobjects.datetimes('at', 'day')).toEqual([]);
    expect(await Visit.aobjects.using('other').filter({ at__year: 2011 }).count()).toBe(2);
    expect(await Visit.aobjects.using('other').filter({ diner__name: 'Notte', at__date: '2011-01-01' }).count()).toBe(2);
  });
});
