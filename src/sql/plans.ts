import type { BaseOperations } from '../db/backends/base/operations';
import type { Field } from '../models/fields/base';
import type { Options } from '../models/options';
import type { ModelClass } from '../models/types';
import { Compiler, type ModelPlan, type RowPlan } from './compiler';
import { cachedPlan } from './plan-cache';
import { Query } from './query';

/** The plans of the plan cache whose text depends on the model and the fields taking part only. */

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
    // Only columns of the model's own table: an inherited field is read through a join (the general path).
    const fields = keys.map((key) => (key.includes('__') ? undefined : meta.findField(key)));
    if (!keys.length || !fields.every((field): field is Field => field !== undefined && meta.localConcreteFields.includes(field))) return null;
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

/** The shapes of insertPlan, by (withAutoKey ? 1 : 0) + (ignoreConflicts ? 2 : 0): no string is built per row. */
const INSERT_SHAPES = ['insert', 'insert:key', 'insert:ignore', 'insert:key:ignore'] as const;

export function insertPlan(meta: Options, withAutoKey: boolean, ignoreConflicts: boolean, ops: BaseOperations): InsertPlan {
  return cachedPlan(ops, meta, INSERT_SHAPES[(withAutoKey ? 1 : 0) + (ignoreConflicts ? 2 : 0)]!, () => {
    const fields = meta.localConcreteFields.filter((field) => withAutoKey || !field.autoIncrement);
    const returnsKey = meta.pk.autoIncrement && !withAutoKey && ops.insertKeyReport === 'returning';
    const sql = ops.insertSql(meta.dbTable, fields.map((field) => field.column), { ignoreConflicts, ...(returnsKey ? { returning: meta.pk.column } : {}) });
    return { fields, sql, returnsKey };
  });
}

/**
 * The INSERT of `rows` rows of a model in one statement (bulkCreate), with or without the automatic key
 * column; `returnsKeys`: it selects the new keys, one row back per row, in order. Callers keep `rows` to a
 * few sizes (see persistence.bulkInsert), so a model holds a handful of these and each is prepared once.
 */
export interface BulkInsertPlan extends SlottedPlan {
  rows: number;
  returnsKeys: boolean;
}

export function bulkInsertPlan(meta: Options, withAutoKey: boolean, rows: number, returnsKeys: boolean, ops: BaseOperations): BulkInsertPlan {
  return cachedPlan(ops, meta, `insert:rows:${rows}:${withAutoKey ? 'key' : ''}:${returnsKeys ? 'returning' : ''}`, () => {
    const fields = meta.concreteFields.filter((field) => withAutoKey || !field.autoIncrement);
    const sql = ops.insertSql(meta.dbTable, fields.map((field) => field.column), { ignoreConflicts: false, rows, ...(returnsKeys ? { returning: meta.pk.column } : {}) });
    return { fields, sql, rows, returnsKeys };
  });
}
