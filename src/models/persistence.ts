import type { DatabaseConnection as Connection } from '../db/backends/base/connection';
import type { SqlValue } from '../db/backends/base/types';
import { ValidationError } from '../errors';
import { Expression } from '../sql/expressions';
import { insertPlan, type InsertPlan } from '../sql/plans';
import { updateByKeySql } from '../sql/writes';
import { FieldValueError } from '../values';
import type { Model } from './base';
import type { Field } from './fields/base';
import type { Options } from './options';
import type { ModelClass } from './types';

/**
 * Writing instances: the value checks every write makes (type, length, digits), and running the INSERT /
 * UPDATE statements of save() and bulkCreate() (their text comes from the plan cache and sql/writes.ts).
 */


/**
 * An explicit `undefined` given as a field value: refused rather than read as "absent" or as NULL, because
 * in JavaScript it is far more often a missing variable than a choice.
 */
export function undefinedValueError(name: string, label: string): ValidationError {
  return new ValidationError({ [name]: ['undefined is not a value; leave the key out for the default, or pass null.'] }, { model: label });
}

/** A value as it will be written, or ValidationError naming `Model.field`. */
export function prepareValue(field: Field, value: unknown, label: string): SqlValue {
  if (value === null || value === undefined) return null;
  let converted: unknown;
  try {
    converted = field.toValue(value);
  } catch (error) {
    if (error instanceof FieldValueError) throw new ValidationError({ [field.name]: [field.valueErrorMessage(error)] }, { model: label });
    throw error;
  }
  const problems = field.checkValue(converted as never);
  if (problems.length) throw new ValidationError({ [field.name]: problems }, { model: label });
  try {
    return field.toDb(converted as never);
  } catch (error) {
    if (error instanceof FieldValueError) throw new ValidationError({ [field.name]: [field.valueErrorMessage(error)] }, { model: label });
    throw error;
  }
}

/** The INSERT for `instance` and its values (pre-save hooks run here: autoNow stamps). */
function insertValues(connection: Connection, meta: Options, instance: Model, orIgnore: boolean): { plan: InsertPlan; params: SqlValue[] } {
  const record = instance as unknown as Record<string, unknown>;
  const autoKey = meta.pk.autoIncrement ? record[meta.pk.attname] : null;
  const shape = insertPlan(meta, autoKey !== null && autoKey !== undefined, orIgnore, connection.backend.operations);
  const params = new Array<SqlValue>(shape.fields.length);
  for (let i = 0; i < shape.fields.length; i++) {
    const field = shape.fields[i]!;
    const value = field.preSave(record, true);
    if (value instanceof Expression) {
      throw new ValidationError({ [field.name]: ['An expression cannot be inserted; save the row first, then update it with F().'] }, { model: meta.label });
    }
    params[i] = prepareValue(field, value, meta.label);
  }
  return { plan: shape, params };
}

/** What runInsert returns when a conflict skipped the row. */
const NOT_INSERTED = Symbol('not inserted');

/** Runs an INSERT; returns the key the database reports for the row (see BaseOperations.insertKeyReport). */
function runInsert(connection: Connection, plan: InsertPlan, params: SqlValue[]): unknown {
  if (plan.returnsKey) {
    const rows = connection.selectRows(plan.sql, params);
    return rows.length ? rows[0]![0] : NOT_INSERTED;
  }
  const result = connection.run(plan.sql, params);
  return result.changes > 0 ? connection.backend.operations.insertedKey(result) : NOT_INSERTED;
}

export function insertRow(connection: Connection, instance: Model, orIgnore = false): boolean {
  const meta = (instance.constructor as ModelClass)._meta;
  const { plan, params } = insertValues(connection, meta, instance, orIgnore);
  const key = runInsert(connection, plan, params);
  if (key === NOT_INSERTED) return false;
  if (meta.pk.autoIncrement && (instance.pk === null || instance.pk === undefined)) {
    instance.pk = meta.pk.fromDb(key);
  }
  return true;
}

/** UPDATE of one row by primary key; returns the number of rows changed (0 when the row is gone). */
export function updateRow(connection: Connection, instance: Model, fields: readonly Field[], adding: boolean): number {
  const model = instance.constructor as ModelClass;
  const meta = model._meta;
  const record = instance as unknown as Record<string, unknown>;
  const values: Array<[Field, unknown]> = fields.map((field) => [field, field.preSave(record, adding)]);
  if (!values.length) return model._baseManager.filter({ pk: instance.pk }).exists() ? 1 : 0;
  if (values.some(([, value]) => value instanceof Expression)) {
    return model._baseManager.filter({ pk: instance.pk }).update(Object.fromEntries(values.map(([field, value]) => [field.attname, value])));
  }
  const sql = updateByKeySql(connection.backend.operations, meta.dbTable, values.map(([field]) => field.column), meta.pk.column);
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
  const pk = meta.pk;
  const orIgnore = options.ignoreConflicts ?? false;
  for (const object of objects) {
    const { plan, params } = insertValues(connection, meta, object, orIgnore);
    const key = runInsert(connection, plan, params);
    if (key !== NOT_INSERTED) {
      const record = object as unknown as Record<string, unknown>;
      if (pk.autoIncrement && (record[pk.attname] === null || record[pk.attname] === undefined)) record[pk.attname] = pk.fromDb(key);
      object._state.adding = false;
    }
  }
}
