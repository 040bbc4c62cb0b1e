import { freshState, type Model } from '../models/base';
import { Field } from '../models/fields/base';
import { getModel } from '../models/registry';
import type { ModelClass } from '../models/types';
import type { QuerySet } from '../models/queryset';
import { decode, decodeColumn, encode, encodeColumn } from './codec';

/**
 * `aobjects.bulkCreate(objects)` without sending every instance twice: the objects travel as one column of
 * values per field, the worker inserts them with the sync bulkCreate, and only what inserting wrote comes
 * back (primary keys, values stamped by pre-save hooks such as autoNow) to be set on the caller's objects.
 */

export interface BulkCreatePayload {
  kind: 'bulkCreate';
  label: string;
  /** One column of values per concrete field, in field order (codec.encodeColumn; `undefined`: not set). */
  columns: unknown[];
  options: unknown;
  capture?: boolean;
}

/** What the worker sends back: the written fields' columns (the keys first: one Float64Array when they are numbers), and which objects were inserted. */
interface BulkCreateResult {
  columns: unknown[];
  inserted: Uint8Array;
}

/**
 * The column form of a bulkCreate call, or null when it needs the general path: a chained queryset, or
 * objects that are not plain instances of the model (the general path reports those as the sync API does).
 */
export function bulkCreateOf(queryset: QuerySet<any, any>, args: readonly unknown[]): BulkCreatePayload | null {
  if (queryset.steps.length || queryset.root.kind !== 'manager' || args.length > 2) return null;
  const [objects, options = {}] = args as [unknown, unknown];
  if (!Array.isArray(objects)) return null;
  const model = queryset.model;
  const fields = model._meta.concreteFields;
  for (const object of objects) {
    if (!(object instanceof model)) return null;
    const state = (object as Model)._state;
    if (state.hasDeferred || state.awaitingKey?.size) return null;
  }
  const columns = fields.map((field) => {
    const column = new Array<unknown>(objects.length);
    for (let i = 0; i < objects.length; i++) column[i] = (objects[i] as Record<string, unknown>)[field.attname];
    return encodeColumn(column);
  });
  return { kind: 'bulkCreate', label: model._meta.label, columns, options: encode(options) };
}

/** The fields an insert may write on an instance: the primary key and fields with a pre-save hook. */
function writtenFields(model: ModelClass): Field[] {
  const meta = model._meta;
  return meta.concreteFields.filter((field) => field === meta.pk || field.preSave !== Field.prototype.preSave);
}

/** Worker side: rebuilds the instances from their columns and runs the sync bulkCreate. */
export function runBulkCreate(payload: BulkCreatePayload): unknown {
  const model = getModel(payload.label);
  const fields = model._meta.concreteFields;
  const columns = payload.columns.map(decodeColumn);
  const count = columns[0]?.length ?? 0;
  const objects = new Array<Model>(count);
  for (let i = 0; i < count; i++) {
    const object = Object.create(model.prototype) as Model & Record<string, unknown>;
    object._state = freshState(true);
    for (let f = 0; f < fields.length; f++) {
      const value = columns[f]![i];
      if (value !== undefined) object[fields[f]!.attname] = value;
    }
    objects[i] = object;
  }
  model.objects.bulkCreate(objects, decode(payload.options) as { batchSize?: number; ignoreConflicts?: boolean });
  const written = writtenFields(model);
  const inserted = new Uint8Array(count);
  for (let i = 0; i < count; i++) inserted[i] = objects[i]!._state.adding ? 0 : 1;
  const result: BulkCreateResult = {
    columns: written.map((field) => encodeColumn(objects.map((object) => (object as unknown as Record<string, unknown>)[field.attname]))),
    inserted,
  };
  return result;
}

/** Main side: sets what the insert wrote on the caller's objects; returns them as the sync API does. */
export function mergeBulkCreate<T extends Model>(model: ModelClass, objects: readonly T[], encoded: unknown, alias: string): T[] {
  const result = encoded as BulkCreateResult;
  const written = writtenFields(model);
  for (let f = 0; f < written.length; f++) {
    const attname = written[f]!.attname;
    const column = decodeColumn(result.columns[f]);
    for (let i = 0; i < objects.length; i++) (objects[i] as unknown as Record<string, unknown>)[attname] = column[i];
  }
  for (let i = 0; i < objects.length; i++) {
    const state = objects[i]!._state;
    state.adding = !result.inserted[i];
    if (!state.adding) state.db = alias;
  }
  return [...objects];
}
