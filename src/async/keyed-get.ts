import type { Connection, SqlValue } from '../db/connection';
import type { Model } from '../models/base';
import type { Field } from '../models/fields/base';
import { getModel } from '../models/registry';
import type { ModelClass } from '../models/types';
import { modelSelect, type ModelSelect } from '../query/compiler';
import { quote, toSqlValue } from '../query/expressions';
import { buildInstance } from '../query/hydrate';
import type { QuerySet } from '../query/queryset';

/**
 * Coalescing of `Model.aobjects.get({ <unique field>: value })`: the gets of one event-loop turn for the same
 * model and field travel as one `WHERE field IN (...)` statement, and each caller gets its row back.
 * The main thread and the workers compile the same SELECT, so rows cross as plain arrays.
 */

/** The payload of one keyed get (see protocol.ts). */
export interface KeyedGet {
  kind: 'keyedGet';
  label: string;
  field: string;
  param: SqlValue;
}

/** The model's SELECT and where the key sits in its rows. */
function keyedSelect(model: ModelClass, fieldName: string): ModelSelect & { column: string; keyIndex: number } {
  const select = modelSelect(model);
  const field = model._meta.getField(fieldName);
  return { ...select, column: `${select.alias}.${quote(field.column)}`, keyIndex: select.plan.fields.indexOf(field) };
}

/** The keyed get a call amounts to, or null when it is anything else. */
export function keyedGetOf(queryset: QuerySet<any, any>, method: string, args: readonly unknown[]): KeyedGet | null {
  if (method !== 'get' || args.length !== 1 || queryset.steps.length || queryset.root.kind !== 'manager') return null;
  const lookups = args[0];
  if (lookups === null || typeof lookups !== 'object' || Object.getPrototypeOf(lookups) !== Object.prototype) return null;
  const keys = Object.keys(lookups);
  if (keys.length !== 1 || keys[0]!.includes('__')) return null;
  const value = (lookups as Record<string, unknown>)[keys[0]!];
  if (typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'bigint') return null;
  const meta = queryset.model._meta;
  const field: Field | undefined = meta.findField(keys[0]!);
  if (!field || !field.unique || field.manyToMany || field.isRelation) return null;
  let param: SqlValue;
  try {
    param = toSqlValue(value, field);
  } catch {
    return null;
  }
  return { kind: 'keyedGet', label: meta.label, field: field.name, param };
}

/** Worker side: one statement for every key. */
export function selectKeyed(connection: Connection, label: string, fieldName: string, params: SqlValue[]): unknown[][] {
  const select = keyedSelect(getModel(label), fieldName);
  const sql = `${select.sql} WHERE ${select.column} IN (${params.map(() => '?').join(', ')})`;
  return connection.selectRows(sql, params, select.safeIntegers);
}

/** Main side: the instance for each requested key, or null when no row has it. */
export function instancesByKey(label: string, fieldName: string, params: readonly SqlValue[], rows: unknown[][]): Array<Model | null> {
  const select = keyedSelect(getModel(label), fieldName);
  const byKey = new Map<string, unknown[]>();
  for (const row of rows) byKey.set(String(row[select.keyIndex]), row);
  return params.map((param) => {
    const row = byKey.get(String(param));
    return row ? buildInstance(select.plan, row) : null;
  });
}
