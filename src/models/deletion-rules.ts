/** What happens to rows that point at a row being deleted (ForeignKey / OneToOneField `onDelete`). */
export interface OnDelete {
  readonly kind: 'CASCADE' | 'PROTECT' | 'RESTRICT' | 'SET_NULL' | 'SET_DEFAULT' | 'SET' | 'DO_NOTHING';
  /** For SET: the value, or a function that returns it. */
  readonly value?: unknown;
}

/** Delete the referencing rows too. */
export const CASCADE: OnDelete = Object.freeze({ kind: 'CASCADE' });
/** Refuse the deletion with ProtectedError. */
export const PROTECT: OnDelete = Object.freeze({ kind: 'PROTECT' });
/** Refuse with RestrictedError, unless the referencing rows are deleted in the same operation through a CASCADE. */
export const RESTRICT: OnDelete = Object.freeze({ kind: 'RESTRICT' });
/** Set the key to null (the field must allow null). */
export const SET_NULL: OnDelete = Object.freeze({ kind: 'SET_NULL' });
/** Set the key to the field's default. */
export const SET_DEFAULT: OnDelete = Object.freeze({ kind: 'SET_DEFAULT' });
/** Leave the referencing rows alone; the database constraint decides. */
export const DO_NOTHING: OnDelete = Object.freeze({ kind: 'DO_NOTHING' });

/** Set the key to `value` (a key, an instance, or a function returning one). */
export function SET(value: unknown): OnDelete {
  return Object.freeze({ kind: 'SET', value });
}
