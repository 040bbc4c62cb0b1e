/**
 * The plan cache: statements compiled once per backend, model and shape, bounded per model, rebuilt after
 * close() then configure() (new Options); and the SQL it holds is the backend's.
 */
import { close, configure, createSchema } from '../../../src';
import { sqliteOperations } from '../../../src/db/backends/sqlite/operations';
import { cachedPlan, cachedPlanCount, PLANS_PER_MODEL } from '../../../src/sql/plan-cache';
import { equalityPlan, insertPlan, modelSelect } from '../../../src/sql/plans';
import { Gadget } from './lookup-models';

const ops = sqliteOperations;

beforeEach(() => {
  configure({ database: ':memory:', models: [require.resolve('./lookup-models')], workers: 1 });
  createSchema();
});

afterEach(async () => {
  await close();
});

test('a shape is compiled once and shared by every caller', () => {
  const select = modelSelect(Gadget, ops);
  expect(modelSelect(Gadget, ops)).toBe(select);
  expect(select.sql).toBe(`SELECT t0."id", t0."name", t0."size", t0."price", t0."shelf_id" FROM "${Gadget._meta.dbTable}" AS t0`);
  const byName = equalityPlan(Gadget, ['name'], 21, ops)!;
  expect(equalityPlan(Gadget, ['name'], 21, ops)).toBe(byName);
  expect(byName.sql).toBe(`${select.sql} WHERE t0."name" = ? LIMIT 21`);
  expect(byName.fields).toEqual([Gadget._meta.getField('name')]);
  // The row plan is the model select's, so hydration reuses one generated row builder.
  expect(byName.rows).toEqual({ kind: 'models', plan: select.plan });
});

test('shapes that are no plan are remembered as null', () => {
  expect(equalityPlan(Gadget, ['shelf__label'], 21, ops)).toBeNull();
  expect(equalityPlan(Gadget, ['nope'], 21, ops)).toBeNull();
  expect(equalityPlan(Gadget, [], 21, ops)).toBeNull();
});

test('INSERT plans by automatic key and conflict handling, as the backend spells them', () => {
  const meta = Gadget._meta;
  const plain = insertPlan(meta, false, false, ops);
  expect(plain.sql).toBe(`INSERT INTO "${meta.dbTable}" ("name", "size", "price", "shelf_id") VALUES (?, ?, ?, ?)`);
  expect(plain.returnsKey).toBe(false);
  expect(insertPlan(meta, true, true, ops).sql).toBe(`INSERT OR IGNORE INTO "${meta.dbTable}" ("id", "name", "size", "price", "shelf_id") VALUES (?, ?, ?, ?, ?)`);
  expect(insertPlan(meta, false, false, ops)).toBe(plain);
});

test('bounded per model: the oldest shape goes first', () => {
  const meta = Gadget._meta;
  const first = cachedPlan(ops, meta, 'test:first', () => ({ n: 0 }));
  for (let i = 0; i < PLANS_PER_MODEL + 10; i++) cachedPlan(ops, meta, `test:${i}`, () => ({ n: i }));
  expect(cachedPlanCount(ops, meta)).toBe(PLANS_PER_MODEL);
  expect(cachedPlan(ops, meta, 'test:first', () => ({ n: -1 }))).not.toBe(first);
  // get() keys come from user input: many shapes still leave the bound in place and the results right.
  Gadget.objects.create({ name: 'lamp', size: 3 });
  expect(Gadget.objects.get({ name: 'lamp' }).size).toBe(3);
  expect(cachedPlanCount(ops, meta)).toBeLessThanOrEqual(PLANS_PER_MODEL);
});

test('close() then configure() starts with new plans (the Options are new)', async () => {
  const before = modelSelect(Gadget, ops);
  await close();
  configure({ database: ':memory:', models: [require.resolve('./lookup-models')], workers: 1 });
  expect(modelSelect(Gadget, ops)).not.toBe(before);
});
