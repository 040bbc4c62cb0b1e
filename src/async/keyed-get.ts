import type { DatabaseConnection as Connection } from '../db/backends/base/connection';
import type { SqlValue } from '../db/backends/base/types';
import type { Model } from '../models/base';
import type { Field } from '../models/fields/base';
import { getModel } from '../models/registry';
import type { ModelClass } from '../models/types';
import { currentOperations } from '../sql/backend';
import { toSqlValue } from '../sql/expressions';
import { cachedPlan } from '../sql/plan-cache';
import { modelSelect, type ModelSelect } from '../sql/plans';
import { buildInstanceAt } from '../models/hydrate';
import { packRows, unpackRows, type PackedRows } from './codec';
import type { QuerySet } from '../models/queryset';

/**
 * Coalescing of `Model.aobjects.get({ <unique field>: value })`: the gets of one event-loop turn for the same
 * model and field travel as one `WHERE field IN (...)` statement, and each caller gets its row back.
 * The main thread and the workers compile the same SELECT, so the rows cross packed (codec.packRows), lined
 * up with the keys asked for, and the main thread builds the instances from them directly.
 */

/** The payload of one keyed get (see protocol.ts). */
export interface KeyedGet {
  kind: 'keyedGet';
  label: string;
  field: string;
  param: SqlValue;
}

/** The model's SELECT, where the key sits in its rows, and its `IN (...)` statements by number of keys. */
interface KeyedSelect extends ModelSelect {
  field: Field;
  column: string;
  keyIndex: number;
  width: number;
  /** `IN (...)` statements by number of keys, so the worker does not build the text again for each batch. */
  sqlByCount: string[];
}

/** The keyed select of a unique, non-relation field, or null when `fieldName` is not one (kept in the plan cache). */
function keyedSelect(model: ModelClass, fieldName: string): KeyedSelect | null {
  const ops = currentOperations();
  return cachedPlan(ops, model._meta, `keyed:${fieldName}`, () => {
    const field = model._meta.findField(fieldName);
    if (!field || !field.unique || field.manyToMany || field.isRelation || fieldName.includes('__')) return null;
    const base = modelSelect(model, ops);
    return {
      ...base,
      field,
      column: `${base.alias}.${ops.quoteName(field.column)}`,
      keyIndex: base.plan.fields.indexOf(field),
      width: base.plan.fields.length,
      sqlByCount: [],
    };
  });
}

/** The keyed get a call amounts to, or null when it is anything else. */
export function keyedGetOf(queryset: QuerySet<any, any>, lookups: unknown): KeyedGet | null {
  const root = queryset.root;
  if (queryset.steps.length || root.kind !== 'manager' || !root.plain) return null;
  if (lookups === null || typeof lookups !== 'object' || Object.getPrototypeOf(lookups) !== Object.prototype) return null;
  let key: string | undefined;
  for (const name in lookups) {
    if (key !== undefined) return null;
    key = name;
  }
  if (key === undefined) return null;
  const value = (lookups as Record<string, unknown>)[key];
  if (typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'bigint') return null;
  const select = keyedSelect(queryset.model, key);
  if (!select) return null;
  let param: SqlValue;
  try {
    param = toSqlValue(value, select.field);
  } catch {
    return null;
  }
  return { kind: 'keyedGet', label: queryset.model._meta.label, field: key, param };
}

/**
 * Worker side: one statement for every key, and the rows lined up with the keys asked for (a repeated key
 * gets its row again, a missing one a row of nulls), so the main thread builds the instances in one pass
 * without matching keys itself.
 */
export function selectKeyed(connection: Connection, label: string, fieldName: string, params: SqlValue[]): PackedRows {
  const select = keyedSelect(getModel(label), fieldName)!;
  const sql = (select.sqlByCount[params.length] ??= `${select.sql} WHERE ${select.column} IN (${connection.backend.operations.placeholders(params.length)})`);
  const rows = connection.selectRows(sql, params, select.safeIntegers);
  if (params.length === 1) return packRows(rows.length ? rows : [missingRow(select)]);
  const byKey = new Map<unknown, unknown[]>();
  for (const row of rows) byKey.set(keyOf(row[select.keyIndex], select.safeIntegers), row);
  return packRows(params.map((param) => byKey.get(keyOf(param, select.safeIntegers)) ?? missingRow(select)));
}

function missingRow(select: KeyedSelect): unknown[] {
  return new Array<unknown>(select.width).fill(null);
}

/** Main side: the instance for each requested key (rows come lined up with the keys), or null when none has it. */
export function instancesByKey(label: string, fieldName: string, count: number, packed: PackedRows): Array<Model | null> {
  const select = keyedSelect(getModel(label), fieldName)!;
  const flat = unpackRows(packed);
  const width = packed.width;
  const instances = new Array<Model | null>(count);
  for (let i = 0, offset = 1; i < count; i++, offset += width) {
    instances[i] = flat[offset + select.keyIndex] === null ? null : buildInstanceAt(select.plan, flat, offset);
  }
  return instances;
}

/** With safe integers, rows hold bigints where the keys asked for may be numbers: compare their text. */
function keyOf(value: unknown, safeIntegers: boolean): unknown {
  return safeIntegers && (typeof value === 'number' || typeof value === 'bigint') ? String(value) : value;
}
