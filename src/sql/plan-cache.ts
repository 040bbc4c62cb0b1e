import type { BaseOperations } from '../db/backends/base/operations';
import type { Field } from '../models/fields/base';
import type { Options } from '../models/options';
import type { ModelClass } from '../models/types';
import { Compiler, type ModelPlan, type RowPlan } from './compiler';
import { Query } from './query';

/**
 * One cache of compiled plans, keyed by backend, model and query shape: the statements whose text depends
 * only on the model and on which fields take part (a model's SELECT, `get()` by equality, INSERT, the keyed
 * gets of the async layer), with their parameter slots (the fields whose values fill them, in order) and
 * their row plan. The sync path, the workers and the main thread's hydration read plans from here, so each
 * thread compiles a shape once, and the row builder generated for a plan (hydrate.ts) is made once too.
 *
 * Plans are kept per model Options, so close() then configure() (which rebuilds `_meta`) starts clean, and
 * at most PLANS_PER_MODEL per model, the oldest dropped first: shapes that come from user input (the keys
 * of `get()` lookups) cannot grow it without end.
 */

export const PLANS_PER_MODEL = 256;

const plansByBackend = new WeakMap<BaseOperations, WeakMap<object, Map<string, unknown>>>();

/**
 * The plan of `shape` for the model whose Options are `meta`, built by `build` the first time. A shape names
 * its kind first (`select`, `get:<keys>`, `insert:<flags>`, `keyed:<field>`); `build` may return null for
 * "no plan of that shape" (a key that is not a field), which is remembered too.
 */
export function cachedPlan<P>(ops: BaseOperations, meta: object, shape: string, build: () => P): P {
  let byModel = plansByBackend.get(ops);
  if (!byModel) plansByBackend.set(ops, (byModel = new WeakMap()));
  let byShape = byModel.get(meta);
  if (!byShape) byModel.set(meta, (byShape = new Map()));
  const found = byShape.get(shape);
  if (found !== undefined) return found as P;
  const plan = build();
  if (byShape.size >= PLANS_PER_MODEL) byShape.delete(byShape.keys().next().value!);
  byShape.set(shape, plan);
  return plan;
}

/** How many plans a model holds for a backend (tests check the bound). */
export function cachedPlanCount(ops: BaseOperations, meta: object): number {
  return plansByBackend.get(ops)?.get(meta)?.size ?? 0;
}

// ------------------------------------------------------------------ the plans

/** `SELECT <every column> FROM "table" AS <alias>` of a model, unordered: the base of the fast lookup paths. */
export interface ModelSelect {
  sql: string;
  alias: string;
  plan: ModelPlan;
  safeIntegers: boolean;
}

/** A statement with its parameter slots: `fields[i]` converts the value of the i-th placeholder. */
export interface SlottedPlan {
  sql: string;
  fields: Field[];
}

export interface EqualityPlan extends SlottedPlan {
  rows: RowPlan;
  safeIntegers: boolean;
}

export function modelSelect(model: ModelClass, ops: BaseOperations): ModelSelect {
  return cachedPlan(ops, model._meta, 'select', () => {
    const query = new Query(model);
    query.ordering = [];
    const compiled = Compiler.select(query, ops);
    if (compiled.plan.kind !== 'models') throw new Error('modelSelect: expected a model plan');
    return { sql: compiled.sql, alias: query.baseAlias, plan: compiled.plan.plan, safeIntegers: compiled.safeIntegers };
  });
}

/**
 * `get()` by equality on direct fields of `model` (`get({ id: 1 })`), at most `limit` rows, per set of keys;
 * null when the keys are not that shape (a relation path, a lookup, a many-to-many field).
 */
export function equalityPlan(model: ModelClass, keys: readonly string[], limit: number, ops: BaseOperations): EqualityPlan | null {
  return cachedPlan(ops, model._meta, `get:${keys.join('\u0000')}`, () => {
    const meta = model._meta;
    const fields = keys.map((key) => (key.includes('__') ? undefined : meta.findField(key)));
    if (!keys.length || !fields.every((field): field is Field => field !== undefined && !field.manyToMany)) return null;
    const select = modelSelect(model, ops);
    const where = fields.map((field) => `${select.alias}.${ops.quoteName(field.column)} = ${ops.placeholder()}`).join(' AND ');
    const sql = [`${select.sql} WHERE ${where}`, ...ops.limitOffset(0, limit)].join(' ');
    return { fields, sql, rows: { kind: 'models', plan: select.plan }, safeIntegers: select.safeIntegers };
  });
}

/**
 * The INSERT of one row of a model: with or without the automatic key column (`withAutoKey`: the instance
 * has one already), plain or skipping conflicts. `returnsKey`: the statement selects the new key.
 */
export interface InsertPlan extends SlottedPlan {
  returnsKey: boolean;
}

export function insertPlan(meta: Options, withAutoKey: boolean, ignoreConflicts: boolean, ops: BaseOperations): InsertPlan {
  return cachedPlan(ops, meta, `insert:${withAutoKey ? 'key' : 'nokey'}:${ignoreConflicts ? 'ignore' : 'plain'}`, () => {
    const fields = meta.concreteFields.filter((field) => withAutoKey || !field.autoIncrement);
    const returnsKey = meta.pk.autoIncrement && !withAutoKey && ops.insertKeyReport === 'returning';
    const sql = ops.insertSql(meta.dbTable, fields.map((field) => field.column), { ignoreConflicts, ...(returnsKey ? { returning: meta.pk.column } : {}) });
    return { fields, sql, returnsKey };
  });
}
