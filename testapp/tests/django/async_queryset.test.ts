/**
 * Ports of Django's tests/async/test_async_queryset.py (AsyncQuerySetTest), spelled the threadorm way: the
 * `a`-prefixed twins on `Model.objects` querysets, and the same calls on `Model.aobjects`. The aiterator
 * cases live in async_iterator.test.ts.
 */
import { captureQueries, QueryCancelled, Sum } from '../../../src';
import { Pool } from '../../../src/async/pool';
import { IncrementASaveModel, RelatedModel, SimpleModel } from '../../async-ports';
import { useAsyncPortsDatabase } from './async-ports-setup';
import { emptyTables } from './setup';

useAsyncPortsDatabase();

let s1: SimpleModel;
let s2: SimpleModel;
let s3: SimpleModel;
beforeEach(() => {
  emptyTables();
  s1 = SimpleModel.objects.create({ field: 1, created: new Date(Date.UTC(2022, 0, 1, 0, 0, 0)) });
  s2 = SimpleModel.objects.create({ field: 2, created: new Date(Date.UTC(2022, 0, 1, 0, 0, 1)) });
  s3 = SimpleModel.objects.create({ field: 3, created: new Date(Date.UTC(2022, 0, 1, 0, 0, 2)) });
  for (const simple of [s1, s2, s3]) RelatedModel.objects.create({ simple });
});

const pks = (objects: SimpleModel[]) => objects.map((object) => object.pk);

// async.test_async_queryset.AsyncQuerySetTest.test_async_iteration
test('async iteration', async () => {
  const results: SimpleModel[] = [];
  for await (const m of SimpleModel.aobjects.orderBy('pk')) results.push(m);
  expect(pks(results)).toEqual(pks([s1, s2, s3]));
});

// async.test_async_queryset.AsyncQuerySetTest.test_acount
test('acount', async () => {
  expect(await SimpleModel.objects.acount()).toBe(3);
  expect(await SimpleModel.aobjects.count()).toBe(3);
});

// async.test_async_queryset.AsyncQuerySetTest.test_acount_cached_result
test('acount of an evaluated queryset answers from its rows', async () => {
  const qs = SimpleModel.objects.all();
  await qs.aeval();
  expect(await qs.acount()).toBe(3);
  await SimpleModel.aobjects.create({ field: 4, created: new Date(Date.UTC(2022, 0, 1)) });
  // The result cache is used: no query, no worker call.
  const calls = jest.spyOn(Pool.prototype, 'call');
  try {
    expect(await captureQueries(async () => expect(await qs.acount()).toBe(3))).toHaveLength(0);
    expect(await qs.aexists()).toBe(true);
    expect((await qs.aat(2))!.pk).toBe(s3.pk);
    expect(calls).not.toHaveBeenCalled();
  } finally {
    calls.mockRestore();
  }
  expect(await SimpleModel.objects.all().acount()).toBe(4);
});

// async.test_async_queryset.AsyncQuerySetTest.test_aget
test('aget', async () => {
  expect((await SimpleModel.objects.aget({ field: 1 })).pk).toBe(s1.pk);
  expect((await SimpleModel.aobjects.get({ field: 1 })).pk).toBe(s1.pk);
});

// async.test_async_queryset.AsyncQuerySetTest.test_acreate
test('acreate', async () => {
  await SimpleModel.objects.acreate({ field: 4 });
  expect(await SimpleModel.objects.acount()).toBe(4);
});

// async.test_async_queryset.AsyncQuerySetTest.test_acreate_calls_asave
test('acreate calls an overridden asave()', async () => {
  const asave = jest.spyOn(SimpleModel.prototype, 'asave');
  try {
    const created = await SimpleModel.objects.acreate({ field: 4 });
    expect(asave).toHaveBeenCalledTimes(1);
    expect(asave.mock.contexts[0]).toBe(created);
    expect(typeof created.pk).toBe('number');
  } finally {
    asave.mockRestore();
  }
});

// async.test_async_queryset.AsyncQuerySetTest.test_acreate_runs_increment_logic_from_asave
test('acreate runs the increment logic of asave()', async () => {
  const obj = await IncrementASaveModel.objects.acreate({ field: 4 });
  expect(obj.field).toBe(5);
  expect((await IncrementASaveModel.aobjects.get({ pk: obj.pk })).field).toBe(5);
  expect((await IncrementASaveModel.aobjects.create({ field: 10 })).field).toBe(11);
  // Its options reach asave(): an aborted signal cancels the create.
  await expect(IncrementASaveModel.aobjects.create({ field: 20 }, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(QueryCancelled);
  expect(await IncrementASaveModel.aobjects.filter({ field: 21 }).exists()).toBe(false);
});

// async.test_async_queryset.AsyncQuerySetTest.test_aget_or_create
test('agetOrCreate', async () => {
  const [, created] = await SimpleModel.objects.agetOrCreate({ field: 4 });
  expect(await SimpleModel.objects.acount()).toBe(4);
  expect(created).toBe(true);
});

// async.test_async_queryset.AsyncQuerySetTest.test_aupdate_or_create
test('aupdateOrCreate', async () => {
  let [instance, created] = await SimpleModel.objects.aupdateOrCreate({ id: s1.id }, { defaults: { field: 2 } });
  expect(instance.pk).toBe(s1.pk);
  expect(instance.field).toBe(2);
  expect(created).toBe(false);
  [instance, created] = await SimpleModel.objects.aupdateOrCreate({ field: 4 });
  expect(await SimpleModel.objects.acount()).toBe(4);
  expect(created).toBe(true);
  [instance, created] = await SimpleModel.aobjects.updateOrCreate({ field: 5 }, { defaults: { field: 7 }, createDefaults: { field: 6 } });
  expect(await SimpleModel.objects.acount()).toBe(5);
  expect(created).toBe(true);
  expect(instance.field).toBe(6);
});

// async.test_async_queryset.AsyncQuerySetTest.test_abulk_create
test('abulkCreate', async () => {
  const instances = Array.from({ length: 10 }, (_, i) => new SimpleModel({ field: i }));
  const qs = await SimpleModel.objects.abulkCreate(instances);
  expect(qs).toHaveLength(10);
  expect(await SimpleModel.aobjects.count()).toBe(13);
});

// async.test_async_queryset.AsyncQuerySetTest.test_abulk_update
test('abulkUpdate', async () => {
  const instances = await SimpleModel.aobjects.all();
  for (const instance of instances) instance.field = instance.field * 10;
  await SimpleModel.objects.abulkUpdate(instances, ['field']);
  const rows = (await SimpleModel.aobjects.all()).map((o) => [o.pk, o.field]);
  expect(rows.sort()).toEqual([[s1.pk, 10], [s2.pk, 20], [s3.pk, 30]].sort());
});

// async.test_async_queryset.AsyncQuerySetTest.test_ain_bulk
test('ainBulk', async () => {
  let res = await SimpleModel.objects.ainBulk();
  expect([...res.keys()].sort()).toEqual(pks([s1, s2, s3]));
  expect(res.get(s2.pk)!.field).toBe(2);
  res = await SimpleModel.objects.ainBulk([s2.pk]);
  expect([...res.keys()]).toEqual([s2.pk]);
  res = await SimpleModel.aobjects.inBulk([s2.pk], { fieldName: 'id' });
  expect([...res.keys()]).toEqual([s2.pk]);
});

// async.test_async_queryset.AsyncQuerySetTest.test_alatest
test('alatest', async () => {
  expect((await SimpleModel.objects.alatest('created')).pk).toBe(s3.pk);
  expect((await SimpleModel.objects.alatest('-created')).pk).toBe(s1.pk);
});

// async.test_async_queryset.AsyncQuerySetTest.test_aearliest
test('aearliest', async () => {
  expect((await SimpleModel.objects.aearliest('created')).pk).toBe(s1.pk);
  expect((await SimpleModel.aobjects.earliest('-created')).pk).toBe(s3.pk);
});

// async.test_async_queryset.AsyncQuerySetTest.test_afirst
test('afirst', async () => {
  expect((await SimpleModel.objects.afirst())!.pk).toBe(s1.pk);
  expect(await SimpleModel.objects.filter({ field: 4 }).afirst()).toBeNull();
});

// async.test_async_queryset.AsyncQuerySetTest.test_alast
test('alast', async () => {
  expect((await SimpleModel.objects.alast())!.pk).toBe(s3.pk);
  expect(await SimpleModel.aobjects.filter({ field: 4 }).last()).toBeNull();
});

// async.test_async_queryset.AsyncQuerySetTest.test_aaggregate
test('aaggregate', async () => {
  expect(await SimpleModel.objects.aaggregate({ total: Sum('field') })).toEqual({ total: 6 });
  expect(await SimpleModel.aobjects.aggregate({ total: Sum('field') })).toEqual({ total: 6 });
});

// As Django's aggregate() with no arguments: {} and no query, so no worker round trip either.
test('aaggregate with no aggregates sends nothing to a worker', async () => {
  const calls = jest.spyOn(Pool.prototype, 'call');
  try {
    expect(await SimpleModel.objects.aaggregate()).toEqual({});
    expect(await SimpleModel.aobjects.filter({ field: 1 }).aggregate({})).toEqual({});
    expect(await SimpleModel.aobjects.aggregate(undefined, { timeoutMs: 1000 })).toEqual({});
    expect(calls).not.toHaveBeenCalled();
    await SimpleModel.aobjects.aggregate({ total: Sum('field') });
    expect(calls).toHaveBeenCalledTimes(1);
  } finally {
    calls.mockRestore();
  }
});

// async.test_async_queryset.AsyncQuerySetTest.test_aexists
test('aexists', async () => {
  expect(await SimpleModel.objects.filter({ field: 1 }).aexists()).toBe(true);
  expect(await SimpleModel.objects.filter({ field: 4 }).aexists()).toBe(false);
});

// async.test_async_queryset.AsyncQuerySetTest.test_acontains
test('acontains', async () => {
  expect(await SimpleModel.objects.acontains(s1)).toBe(true);
  // Unsaved instances are not allowed, so use an id known not to exist.
  expect(await SimpleModel.objects.acontains(new SimpleModel({ id: s3.id + 1, field: 4 }))).toBe(false);
  await expect(SimpleModel.aobjects.contains(new SimpleModel({ field: 4 }))).rejects.toThrow(/unsaved/);
});

// async.test_async_queryset.AsyncQuerySetTest.test_aupdate
test('aupdate', async () => {
  expect(await SimpleModel.objects.aupdate({ field: 99 })).toBe(3);
  const values = (await SimpleModel.aobjects.all()).map((instance) => instance.field);
  expect(new Set(values)).toEqual(new Set([99]));
});

// async.test_async_queryset.AsyncQuerySetTest.test_adelete
test('adelete', async () => {
  expect(await SimpleModel.objects.filter({ field: 2 }).adelete()).toEqual([2, { SimpleModel: 1, RelatedModel: 1 }]);
  expect(pks(await SimpleModel.aobjects.orderBy('pk'))).toEqual(pks([s1, s3]));
});

// async.test_async_queryset.AsyncQuerySetTest.test_aexplain (threadorm's explain() takes no format)
test('aexplain', async () => {
  const result = await SimpleModel.objects.filter({ field: 1 }).aexplain();
  expect(typeof result).toBe('string');
  expect(result.length).toBeGreaterThan(0);
});

// async.test_async_queryset.AsyncQuerySetTest.test_raw
test('raw through aobjects', async () => {
  const table = SimpleModel._meta.dbTable;
  const qs = await SimpleModel.aobjects.raw(`SELECT id, field FROM ${table} WHERE field = ?`, [1]);
  expect(pks(qs)).toEqual([s1.pk]);
});
