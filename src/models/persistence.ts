import type { Connection, SqlValue } from '../db/connection';
import { ValidationError } from '../errors';
import { Expression, quote } from '../query/expressions';
import type { Model } from './base';
import { Field, FieldValueError } from './fields/base';
import type { Options } from './options';
import type { ModelClass } from './types';

/**
 * Writing instances: the value checks every write makes (type, length, digits), and the INSERT / UPDATE
 * statements of save() and bulkCreate(), cached per model and column set.
 */

/** A value as it will be written, or ValidationError naming `Model.field`. */
export function prepareValue(field: Field, value: unknown, label: string): SqlValue {
  if (value === null || value === undefined) return null;
  let converted: unknown;
  try {
    converted = field.toValue(value);
  } catch (error) {
    if (error instanceof FieldValueError) throw new ValidationError({ [field.name]: [error.message] }, { model: label });
    throw error;
  }
  const problems = field.checkValue(converted as never);
  if (problems.length) throw new ValidationError({ [field.name]: problems }, { model: label });
  try {
    return field.toDb(converted as never);
  } catch (error) {
    if (error instanceof FieldValueError) throw new ValidationError({ [field.name]: [error.message] }, { model: label });
    throw error;
  }
}

const insertSqlCache = new WeakMap<Options, Map<string, string>>();

function insertSql(meta: Options, fields: readonly Field[], orIgnore: boolean): string {
  let cache = insertSqlCache.get(meta);
  if (!cache) insertSqlCache.set(meta, (cache = new Map()));
  const key = (orIgnore ? '!' : '') + fields.map((field) => field.column).join(',');
  let sql = cache.get(key);
  if (!sql) {
    const verb = orIgnore ? 'INSERT OR IGNORE INTO' : 'INSERT INTO';
    sql = fields.length
      ? `${verb} ${quote(meta.dbTable)} (${fields.map((field) => quote(field.column)).join(', ')}) VALUES (${fields.map(() => '?').join(', ')})`
      : `${verb} ${quote(meta.dbTable)} DEFAULT VALUES`;
    cache.set(key, sql);
  }
  return sql;
}

/** The columns and values an INSERT of `instance` writes (pre-save hooks run here: autoNow stamps). */
function insertValues(meta: Options, instance: Model): { fields: Field[]; params: SqlValue[] } {
  const record = instance as unknown as Record<string, unknown>;
  const fields: Field[] = [];
  const params: SqlValue[] = [];
  for (const field of meta.concreteFields) {
    const value = field.preSave(record, true);
    if (field.autoIncrement && (value === null || value === undefined)) continue;
    if (value instanceof Expression) {
      throw new ValidationError({ [field.name]: ['An expression cannot be inserted; save the row first, then update it with F().'] }, { model: meta.label });
    }
    fields.push(field);
    params.push(prepareValue(field, value, meta.label));
  }
  return { fields, params };
}

export function insertRow(connection: Connection, instance: Model, orIgnore = false): boolean {
  const meta = (instance.constructor as ModelClass)._meta;
  const { fields, params } = insertValues(meta, instance);
  const result = connection.run(insertSql(meta, fields, orIgnore), params);
  if (result.changes === 0) return false;
  if (meta.pk.autoIncrement && (instance.pk === null || instance.pk === undefined)) {
    instance.pk = meta.pk.fromDb(result.lastInsertRowid);
  }
  return true;
}

/** UPDATE of one row by primary key; returns the number of rows changed (0 when the row is gone). */
export function updateRow(connection: Connection, instance: Model, fields: readonly Field[], adding: boolean): number {
  const model = instance.constructor as ModelClass;
  const meta = model._meta;
  const record = instance as unknown as Record<string, unknown>;
  const values: Array<[Field, unknown]> = fields.map((field) => [field, field.preSave(record, adding)]);
  if (!values.length) return model.objects.filter({ pk: instance.pk }).exists() ? 1 : 0;
  if (values.some(([, value]) => value instanceof Expression)) {
    return model.objects.filter({ pk: instance.pk }).update(Object.fromEntries(values.map(([field, value]) => [field.attname, value])));
  }
  const sql = `UPDATE ${quote(meta.dbTable)} SET ${values.map(([field]) => `${quote(field.column)} = ?`).join(', ')} WHERE ${quote(meta.pk.column)} = ?`;
  const params = values.map(([field, value]) => prepareValue(field, value, meta.label));
  params.push(prepareValue(meta.pk, instance.pk, meta.label));
  return connection.run(sql, params).changes;
}

/** Inserts every object (the caller holds a transaction); sets primary keys as rows are written. */
export function bulkInsert(
  connection: Connection,
  model: ModelClass,
  objects: readonly Model[],
  options: { batchSize?: number; ignoreConflicts?: boolean },
): void {
  if (options.batchSize !== undefined && (!Number.isInteger(options.batchSize) || options.batchSize <= 0)) {
    throw new TypeError(`${model._meta.label}.objects.bulkCreate(): batchSize must be a positive integer.`);
  }
  const meta = model._meta;
  const orIgnore = options.ignoreConflicts ?? false;
  for (const object of objects) {
    const { fields, params } = insertValues(meta, object);
    const result = connection.run(insertSql(meta, fields, orIgnore), params);
    if (result.changes > 0) {
      if (meta.pk.autoIncrement && (object.pk === null || object.pk === undefined)) object.pk = meta.pk.fromDb(result.lastInsertRowid);
      object._state.adding = false;
    }
  }
}
