import { activeAlias } from '../db/connections';
import type { DatabaseConnection as Connection } from '../db/backends/base/connection';
import type { SqlValue } from '../db/backends/base/types';
import { ValidationError } from '../errors';
import { Expression } from '../sql/expressions';
import { bulkInsertPlan, insertPlan, type InsertPlan } from '../sql/plans';
import { updateByKeySql } from '../sql/writes';
import { FieldValueError } from '../values';
import type { Model } from './base';
import { Field } from './fields/base';
import type { Options } from './options';
import type { ModelClass, PkValue } from './types';

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

/**
 * After a write, the instance holds what was stored: a decimal assigned as `'2.345'` reads `'2.34'`, rounded as
 * the column does (fields that store a value other than the one assigned override Field.storedValue).
 */
function keepStoredValues(instance: Model, fields: readonly Field[]): void {
  const record = instance as unknown as Record<string, unknown>;
  for (const field of fields) {
    if (field.storedValue === Field.prototype.storedValue) continue;
    const value = record[field.attname];
    if (value === null || value === undefined || value instanceof Expression) continue;
    record[field.attname] = field.storedValue(field.toValue(value) as never);
  }
}

/** The INSERT for `instance` and its values (pre-save hooks run here: autoNow stamps). */
function insertValues(connection: Connection, meta: Options, instance: Model, orIgnore: boolean): { plan: InsertPlan; params: SqlValue[] } {
  const record = instance as unknown as Record<string, unknown>;
  const autoKey = meta.pk.autoIncrement ? record[meta.pk.attname] : null;
  const shape = insertPlan(meta, autoKey !== null && autoKey !== undefined, orIgnore, connection.backend.operations);
  const params = new Array<SqlValue>(shape.fields.length);
  for (let i = 0; i < shape.fields.length; i++) params[i] = insertValue(shape.fields[i]!, record, meta);
  return { plan: shape, params };
}

/** The value `field` of `record` inserts, after its pre-save hook (autoNow stamps), or ValidationError. */
function insertValue(field: Field, record: Record<string, unknown>, meta: Options): SqlValue {
  const value = field.preSave(record, true);
  if (value instanceof Expression) {
    throw new ValidationError({ [field.name]: ['An expression cannot be inserted; save the row first, then update it with F().'] }, { model: meta.label });
  }
  return prepareValue(field, value, meta.label);
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

/**
 * INSERT of the row of `meta`'s table for `instance` (the instance's own model, or one table of a multi-table
 * chain); a new automatic key is set on the instance.
 */
export function insertRow(connection: Connection, instance: Model, orIgnore = false, meta: Options = (instance.constructor as ModelClass)._meta): boolean {
  const { plan, params } = insertValues(connection, meta, instance, orIgnore);
  const key = runInsert(connection, plan, params);
  if (key === NOT_INSERTED) return false;
  keepStoredValues(instance, plan.fields);
  const record = instance as unknown as Record<string, unknown>;
  if (meta.pk.autoIncrement && (record[meta.pk.attname] === null || record[meta.pk.attname] === undefined)) {
    record[meta.pk.attname] = meta.pk.fromDb(key);
  }
  return true;
}

/** UPDATE of one row of `meta`'s table by primary key; returns the number of rows changed (0 when the row is gone). */
export function updateRow(connection: Connection, instance: Model, fields: readonly Field[], adding: boolean, meta: Options = (instance.constructor as ModelClass)._meta): number {
  const model = meta.model;
  const record = instance as unknown as Record<string, unknown>;
  const pk = record[meta.pk.attname] as PkValue;
  const values: Array<[Field, unknown]> = fields.map((field) => [field, field.preSave(record, adding)]);
  if (!values.length) return model._baseManager.filter({ pk }).exists() ? 1 : 0;
  if (values.some(([, value]) => value instanceof Expression)) {
    return model._baseManager.filter({ pk }).update(Object.fromEntries(values.map(([field, value]) => [field.attname, value])));
  }
  const sql = updateByKeySql(connection.backend.operations, meta.dbTable, values.map(([field]) => field.column), meta.pk.column);
  const params = values.map(([field, value]) => prepareValue(field, value, meta.label));
  params.push(prepareValue(meta.pk, pk, meta.label));
  const changes = connection.run(sql, params).changes;
  if (changes) keepStoredValues(instance, fields);
  return changes;
}

/** SQLite's limit on parameters in one statement (SQLITE_MAX_VARIABLE_NUMBER, 32766 since 3.32; PostgreSQL's is higher). */
export const MAX_SQL_VARIABLES = 32766;

/**
 * Rows per INSERT of bulkCreate() without a batchSize. One statement of many rows costs SQLite far less per
 * row than a statement per row; past a few dozen rows the gain levels off while the statement to prepare grows.
 */
export const BULK_INSERT_ROWS = 64;

/**
 * Inserts every object (the caller holds a transaction). Rows go in multi-row INSERTs of at most `batchSize`
 * rows (default BULK_INSERT_ROWS), a run of objects at a time that all have an automatic key already or all
 * lack one, in their order. The statements select the new keys, a row back per row (the backend's
 * `canReturnRowsFromBulkInsert`; without it, rows that need keys go one by one), matched to the rows by
 * their increasing order. Statement sizes are the
 * batch size and powers of two below it, so a model has a few such statements, each prepared once. Keys and
 * `_state.adding` are set once every row is written: a failure changes no object.
 */
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
  const written: WrittenRows = { keys: new Array<unknown>(objects.length), inserted: new Uint8Array(objects.length) };
  const orIgnore = options.ignoreConflicts ?? false;
  const hasKey = (object: Model) => {
    const key = (object as unknown as Record<string, unknown>)[pk.attname];
    return key !== null && key !== undefined;
  };
  // A statement of many rows that skips conflicts would not say which of its rows it skipped: those go one by one.
  if (orIgnore || (pk.autoIncrement && !connection.backend.features.canReturnRowsFromBulkInsert)) {
    insertOneByOne(connection, meta, objects, 0, objects.length, orIgnore, written);
  } else {
    for (let start = 0; start < objects.length; ) {
      const withKey = !pk.autoIncrement || hasKey(objects[start]!);
      let end = start + 1;
      while (end < objects.length && (!pk.autoIncrement || hasKey(objects[end]!) === withKey)) end++;
      insertRun(connection, meta, objects, start, end, withKey, options.batchSize ?? BULK_INSERT_ROWS, written);
      start = end;
    }
  }
  const alias = activeAlias();
  const stored = meta.concreteFields.filter((field) => field.storedValue !== Field.prototype.storedValue);
  for (let i = 0; i < objects.length; i++) {
    if (!written.inserted[i]) continue;
    if (stored.length) keepStoredValues(objects[i]!, stored);
    if (written.keys[i] !== undefined) (objects[i] as unknown as Record<string, unknown>)[pk.attname] = pk.fromDb(written.keys[i]);
    objects[i]!._state.adding = false;
    objects[i]!._state.db = alias;
  }
}

/** What bulkInsert wrote, by object: the key the database gave it (when it had none), whether it was inserted. */
interface WrittenRows {
  keys: unknown[];
  inserted: Uint8Array;
}

/** Inserts `objects[start..end)`, which all have an automatic key or all lack one, `batchSize` rows at most per statement. */
function insertRun(
  connection: Connection,
  meta: Options,
  objects: readonly Model[],
  start: number,
  end: number,
  withKey: boolean,
  batchSize: number,
  written: WrittenRows,
): void {
  const ops = connection.backend.operations;
  const returnsKeys = meta.pk.autoIncrement && !withKey;
  const width = bulkInsertPlan(meta, withKey, 1, returnsKeys, ops).fields.length;
  // A row of defaults only has no column to name: `DEFAULT VALUES` inserts one row per statement.
  if (!width) {
    insertOneByOne(connection, meta, objects, start, end, false, written);
    return;
  }
  const batch = Math.max(1, Math.min(batchSize, Math.floor(MAX_SQL_VARIABLES / width)));
  for (let at = start; at < end; ) {
    const left = end - at;
    const rows = left >= batch ? batch : 2 ** Math.floor(Math.log2(left));
    const plan = bulkInsertPlan(meta, withKey, rows, returnsKeys, ops);
    const fields = plan.fields;
    const params = new Array<SqlValue>(rows * width);
    for (let r = 0, p = 0; r < rows; r++) {
      const record = objects[at + r] as unknown as Record<string, unknown>;
      for (let f = 0; f < width; f++) params[p++] = insertValue(fields[f]!, record, meta);
    }
    if (returnsKeys) {
      const returned = connection.selectRows(plan.sql, params, meta.pk.needsSafeIntegers);
      if (returned.length !== rows) throw new Error(`${meta.label}.objects.bulkCreate(): the database returned ${returned.length} keys for ${rows} rows.`);
      // Neither backend promises RETURNING's row order, but both hand out the automatic keys of one
      // statement in increasing order, row by row: sorted keys match the rows whatever order they came in.
      const keys = returned.map((row) => row[0] as number | bigint).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (let r = 0; r < rows; r++) written.keys[at + r] = keys[r];
    } else {
      connection.run(plan.sql, params);
    }
    written.inserted.fill(1, at, at + rows);
    at += rows;
  }
}

/** One INSERT per object of `objects[start..end)`: rows that skip conflicts, rows of defaults only. */
function insertOneByOne(connection: Connection, meta: Options, objects: readonly Model[], start: number, end: number, orIgnore: boolean, written: WrittenRows): void {
  const pk = meta.pk;
  for (let i = start; i < end; i++) {
    const { plan, params } = insertValues(connection, meta, objects[i]!, orIgnore);
    const key = runInsert(connection, plan, params);
    if (key === NOT_INSERTED) continue;
    const current = (objects[i] as unknown as Record<string, unknown>)[pk.attname];
    if (pk.autoIncrement && (current === null || current === undefined)) written.keys[i] = key;
    written.inserted[i] = 1;
  }
}
