import type { Field } from '../models/fields/base';

/**
 * The fields that describe values the SQL layer makes itself: `Length()` is an integer, `pubDate__year` too,
 * `created__date` a date. The field classes live in the model layer, which provides instances of them when
 * it loads (models/fields/scalar.ts), so that the SQL layer imports nothing from it.
 */
export interface OutputFields {
  integer: Field;
  float: Field;
  text: Field;
  boolean: Field;
  date: Field;
  time: Field;
  /** The root field class: its lookups apply to values no field describes (`Value(null)`, `Func` without output). */
  root: abstract new (...args: any[]) => Field;
}

let provided: OutputFields | null = null;

export function provideOutputFields(fields: OutputFields): void {
  provided = fields;
}

export function outputFields(): OutputFields {
  if (!provided) throw new Error('threadorm: the field classes are not loaded; import threadorm (or its models) before building queries.');
  return provided;
}
