/**
 * The error classes of threadorm. Every class carries a stable `kind` so the async layer can send an
 * error across a thread as (kind, model label, message, extra) and rebuild the same class on the other side.
 */

export class ThreadormError extends Error {
  static readonly kind: string = 'ThreadormError';
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class ImproperlyConfigured extends ThreadormError {
  static override readonly kind: string = 'ImproperlyConfigured';
}

export class FieldError extends ThreadormError {
  static override readonly kind: string = 'FieldError';
}

/** A lazy load refused by the fetch mode RAISE (Django's `FieldFetchBlocked`): the message names model.field. */
export class FieldFetchBlocked extends FieldError {
  static override readonly kind: string = 'FieldFetchBlocked';
}

export class ObjectDoesNotExist extends ThreadormError {
  static override readonly kind: string = 'ObjectDoesNotExist';
}

export class MultipleObjectsReturned extends ThreadormError {
  static override readonly kind: string = 'MultipleObjectsReturned';
}

/** Per-field messages, as Django's `ValidationError.message_dict`; `'__all__'` holds model-wide ones. */
export type ErrorDict = Record<string, string[]>;

export class ValidationError extends ThreadormError {
  static override readonly kind: string = 'ValidationError';
  readonly errors: ErrorDict;
  /** Django's error code (`'invalid'`, a validator's own): a field's errorMessages can replace the message by it. */
  readonly code?: string;
  /** `model` (a label such as `'Pizza'`) prefixes the message so it names the model at fault. */
  constructor(messageOrErrors: string | ErrorDict, options: { field?: string; model?: string; code?: string } = {}) {
    const errors =
      typeof messageOrErrors === 'string' ? { [options.field ?? '__all__']: [messageOrErrors] } : messageOrErrors;
    super((options.model ? `${options.model}: ` : '') + formatErrorDict(errors));
    this.errors = errors;
    if (options.code !== undefined) this.code = options.code;
  }
  /** Django's `message_dict`. */
  get messageDict(): ErrorDict {
    return this.errors;
  }
}

function formatErrorDict(errors: ErrorDict): string {
  return Object.entries(errors)
    .map(([field, messages]) => `${field}: ${messages.join(' ')}`)
    .join('; ');
}

/**
 * An error the database reported (Django's DatabaseError); its subclasses say what kind, so code can catch
 * a lock that was not granted (OperationalError) apart from a broken constraint (IntegrityError).
 */
export class DatabaseError extends ThreadormError {
  static override readonly kind: string = 'DatabaseError';
}

/** A value the database cannot hold or compute (out of range, division by zero). */
export class DataError extends DatabaseError {
  static override readonly kind: string = 'DataError';
}

/**
 * The database could not do it now, through no fault of the statement: a row lock not granted at once
 * (`selectForUpdate({ nowait: true })`), a deadlock, a serialization failure, a lost connection.
 */
export class OperationalError extends DatabaseError {
  static override readonly kind: string = 'OperationalError';
}

export class IntegrityError extends DatabaseError {
  static override readonly kind: string = 'IntegrityError';
}

/** Raised when deleting would remove objects referenced through a PROTECT foreign key. */
export class ProtectedError extends IntegrityError {
  static override readonly kind: string = 'ProtectedError';
  /** `Model(pk)` descriptions of the objects that protect the deletion. */
  readonly protectedObjects: unknown[];
  constructor(message: string, protectedObjects: unknown[] = []) {
    super(message);
    this.protectedObjects = protectedObjects;
  }
}

/** Raised when deleting would remove objects referenced through a RESTRICT foreign key. */
export class RestrictedError extends IntegrityError {
  static override readonly kind: string = 'RestrictedError';
  readonly restrictedObjects: unknown[];
  constructor(message: string, restrictedObjects: unknown[] = []) {
    super(message);
    this.restrictedObjects = restrictedObjects;
  }
}

export class SynchronousOnlyOperation extends ThreadormError {
  static override readonly kind: string = 'SynchronousOnlyOperation';
}

export class UnprefetchedRelatedModelAccessError extends ThreadormError {
  static override readonly kind: string = 'UnprefetchedRelatedModelAccessError';
}

export class QueryCancelled extends ThreadormError {
  static override readonly kind: string = 'QueryCancelled';
}

/**
 * The worker running a call stopped before it answered. `committed` tells a write's true outcome: true when
 * its batch had committed (the call took effect; only its result was lost), false when it was rolled back.
 */
export class WorkerCrashed extends ThreadormError {
  static override readonly kind: string = 'WorkerCrashed';
  constructor(
    message: string,
    readonly committed = false,
  ) {
    super(message);
  }
}

/**
 * An `aatomic()` block lost its transaction (a call in it was cancelled while it ran, or its worker stopped):
 * every later call of the block is refused and the block rejects; none of its work commits.
 */
export class TransactionManagementError extends ThreadormError {
  static override readonly kind: string = 'TransactionManagementError';
}

/** The database (or its backend here) cannot do what was asked. */
export class NotSupportedError extends DatabaseError {
  static override readonly kind: string = 'NotSupportedError';
}

/**
 * A value the call cannot take (Django's ValueError), e.g. relating objects of two databases that the
 * routers keep apart.
 */
export class ValueError extends ThreadormError {
  static override readonly kind: string = 'ValueError';
}

/** Every error class by its kind; the codec rebuilds errors from this table. */
export const errorClasses: Record<string, new (message: string) => ThreadormError> = Object.fromEntries(
  [
    ThreadormError,
    ImproperlyConfigured,
    FieldError,
    FieldFetchBlocked,
    ObjectDoesNotExist,
    MultipleObjectsReturned,
    ValidationError,
    DatabaseError,
    DataError,
    OperationalError,
    IntegrityError,
    ProtectedError,
    RestrictedError,
    SynchronousOnlyOperation,
    UnprefetchedRelatedModelAccessError,
    QueryCancelled,
    WorkerCrashed,
    TransactionManagementError,
    NotSupportedError,
    ValueError,
  ].map((cls) => [cls.kind, cls as new (message: string) => ThreadormError]),
);

/**
 * A database driver's own error classes by name (registered by the backend that loads the driver), so an
 * error the driver raised in a worker is rebuilt as the same class the sync API throws.
 */
export const driverErrorClasses: Record<string, new (message: string, code: string) => Error> = {};
