/**
 * What the model layer and the SQL layer both say about a value they refuse: kept below both, so that
 * neither imports the other for it.
 */

/**
 * Thrown by `Field.toValue` with a message that the caller prefixes with `Model.field`. `code` and `params` let a
 * field's errorMessages replace the message (see Field.errorMessage).
 */
export class FieldValueError extends Error {
  constructor(
    message: string,
    readonly code = 'invalid',
    readonly params: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** `Pizza(pk=3)`, `a Pizza object` (unsaved), `string "x"`: a value as error messages name it. */
export function describeInstance(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') {
    const ctor = (value as object).constructor;
    const pk = (value as { pk?: unknown }).pk;
    return pk !== undefined ? `${ctor?.name ?? 'object'}(pk=${String(pk)})` : `a ${ctor?.name ?? 'plain'} object`;
  }
  return `${typeof value} ${JSON.stringify(value)}`;
}
