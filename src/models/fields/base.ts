import type { SqlValue } from '../../db/backends/base/types';
import type { TransformClass } from '../../sql/expressions';
import { BUILTIN_LOOKUPS } from '../../sql/lookups/builtin';
import type { LookupClass } from '../../sql/lookups/lookup';
import { classLookups, findLookup, findTransform, registerLookup, unregisterLookup, type Registered } from '../../sql/lookups/registry';
import { ValidationError } from '../../errors';
import type { ModelClass } from '../types';
import { FieldValueError } from '../../values';

/** A validator returns an error message (or throws ValidationError) when the value is not acceptable. */
export type Validator<T> = (value: T) => string | void;

export type Choices<T> = ReadonlyArray<readonly [T, string]> | ReadonlyArray<T>;

/** A list of choices, or a choices enum (`IntegerChoices(...)`, `TextChoices(...)`), whose empty choice has the value null. */
export type ChoicesSource<T> = Choices<T> | { readonly choices: ReadonlyArray<readonly [T | null, string]> };

/**
 * Django's `error_messages`: message templates by error code (`null`, `blank`, `invalid_choice`, `unique`,
 * `invalid`, `max_length`, `min_value`, `max_value`, `max_whole_digits`, a validator's own code). Placeholders
 * are Django's: `%(value)s` is the value as text, `%(value)r` its repr (strings quoted).
 */
export type ErrorMessages = Readonly<Record<string, string>>;

export interface FieldOptions<T, N extends boolean = boolean, P extends boolean = boolean> {
  null?: N;
  blank?: boolean;
  default?: T | (() => T);
  unique?: boolean;
  dbIndex?: boolean;
  dbColumn?: string;
  choices?: ChoicesSource<T>;
  primaryKey?: P;
  editable?: boolean;
  validators?: ReadonlyArray<Validator<T>>;
  verboseName?: string;
  helpText?: string;
  errorMessages?: ErrorMessages;
}

/** How values of a field compare in SQL: as stored, or numerically (DecimalField keeps exact text). */
export type Comparison = 'native' | 'numeric';

export { FieldValueError };

/**
 * A model field. `T` is the value type an instance exposes, `N` whether null is allowed and `P` whether it is
 * the primary key; all are phantom types that `FieldsOf` and the query types read from `static fields`.
 */
export abstract class Field<T = any, N extends boolean = boolean, P extends boolean = boolean> {
  declare readonly '~value': T;
  declare readonly '~null': N;
  declare readonly '~primaryKey': P;

  /** Set when the model's meta is resolved. */
  name = '';
  attname = '';
  column = '';
  model!: ModelClass;

  readonly null: boolean;
  readonly blank: boolean;
  readonly unique: boolean;
  readonly primaryKey: boolean;
  readonly dbIndex: boolean;
  readonly editable: boolean;
  /** `[value, label]` pairs; a choices enum's empty choice has the value null. */
  readonly choices: ReadonlyArray<readonly [T | null, string]> | null;
  readonly validators: ReadonlyArray<Validator<T>>;
  readonly options: FieldOptions<T, N, P>;

  /** The Django class name, used in messages, to pick lookups and, through the backend's data types, the column type. */
  abstract readonly internalType: string;
  readonly isRelation: boolean = false;
  readonly manyToMany: boolean = false;
  readonly oneToOne: boolean = false;
  readonly comparison: Comparison = 'native';
  /** Is the column filled by the database (AutoField), so an insert omits it when unset? */
  readonly autoIncrement: boolean = false;

  constructor(options: FieldOptions<T, N, P> = {}) {
    this.options = options;
    this.null = options.null ?? false;
    this.primaryKey = options.primaryKey ?? false;
    this.blank = options.blank ?? false;
    this.unique = (options.unique ?? false) || this.primaryKey;
    this.dbIndex = options.dbIndex ?? false;
    this.editable = options.editable ?? true;
    this.validators = options.validators ?? [];
    this.choices = normaliseChoices(options.choices);
  }

  /**
   * The message for error `code`: the field's errorMessages template for it, filled with `params`, or else
   * `defaultMessage` (already written out).
   */
  errorMessage(code: string, defaultMessage: string, params: Record<string, unknown> = {}): string {
    const template = this.options.errorMessages?.[code];
    return template === undefined ? defaultMessage : interpolate(template, params);
  }

  /** A FieldValueError's message, as errorMessages say (a conversion error's code is usually `invalid`). */
  valueErrorMessage(error: FieldValueError): string {
    return this.errorMessage(error.code, error.message, error.params);
  }

  /**
   * Django's get_FOO_display(): the label of `value` among the choices, or the value itself when it is not
   * one of them (or the field has no choices).
   */
  displayFor(value: unknown): unknown {
    const found = this.choices?.find(([choice]) => choice !== null && sameValue(choice, value));
    return found ? found[1] : value;
  }

  /**
   * Registers a lookup or transform class on this field class and its subclasses, under its `lookupName`
   * (Django's `register_lookup`): `Field.registerLookup(NotEqualLookup)` gives every field `__ne`.
   * The async layer's workers import the model modules, so register where the models are defined.
   */
  static registerLookup(lookup: Registered, name?: string): void {
    registerLookup(this, lookup, name);
  }

  /** Takes back a registration made on this class itself (for tests). */
  static unregisterLookup(lookup: Registered, name?: string): void {
    unregisterLookup(this, lookup, name);
  }

  /** Every lookup and transform of this class, by name (its own and its base classes'). */
  static getLookups(): ReadonlyMap<string, Registered> {
    return classLookups(this);
  }

  /** The lookup class `name` of this field's class, or undefined. */
  getLookup(name: string): LookupClass | undefined {
    return findLookup(this.constructor, name);
  }

  /** The transform class `name` of this field's class (`year` on a DateField), or undefined. */
  getTransform(name: string): TransformClass | undefined {
    return findTransform(this.constructor, name);
  }

  /** Called once when the model's meta is built. */
  contribute(model: ModelClass, name: string): void {
    this.model = model;
    this.name = name;
    this.attname = name;
    this.column = this.options.dbColumn ?? toSnakeCase(name);
  }

  /** `Pizza.name`, for messages. */
  get label(): string {
    return `${this.model?.name ?? '?'}.${this.name}`;
  }

  /** Whether the field has a column of its own (a many-to-many has none). */
  get concrete(): boolean {
    return true;
  }

  get hasDefault(): boolean {
    return this.options.default !== undefined;
  }

  /** A fresh default for a new instance: the declared default, else '' for non-null strings, else null. */
  getDefault(): T | null {
    const declared = this.options.default;
    if (declared !== undefined) return typeof declared === 'function' ? (declared as () => T)() : declared;
    return this.emptyDefault();
  }

  protected emptyDefault(): T | null {
    return null;
  }

  /**
   * Turns what a user wrote (constructor, assignment, filter value) into the field's value type,
   * throwing FieldValueError when it cannot (`'abc'` for an IntegerField).
   */
  toValue(value: unknown): T {
    return value as T;
  }

  /** A value of the field's type as SQLite stores it. */
  toDb(value: T): SqlValue {
    return value as SqlValue;
  }

  /**
   * A (non-null) value a lookup compares with this field (`filter({ price__gt: '9.50' })`), as it is bound:
   * what the user wrote, converted as the field converts it.
   */
  lookupValue(value: unknown): SqlValue {
    return this.toDb(this.toValue(value));
  }

  /** Reads a stored (non-null) value back into the field's value type. */
  fromDb(raw: unknown): T {
    return raw as T;
  }

  /** Reading needs the driver's exact integers (values beyond 2^53 as bigints). */
  get needsSafeIntegers(): boolean {
    return false;
  }

  private cachedConverter: ((raw: unknown) => T) | null | undefined;

  /** What hydration applies to this field's column, or null when stored values are used as they are. */
  converter(): ((raw: unknown) => T) | null {
    if (this.cachedConverter === undefined) {
      this.cachedConverter = this.fromDb === Field.prototype.fromDb ? null : (raw: unknown) => this.fromDb(raw);
    }
    return this.cachedConverter;
  }

  /** Called by save() just before writing; autoNow fields stamp the instance here. */
  preSave(instance: Record<string, unknown>, _adding: boolean): unknown {
    return instance[this.attname];
  }

  /** Django's field-level validation (run by fullClean): messages for `value`, already converted. */
  validate(value: T | null): string[] {
    const errors: string[] = [];
    if (value === null || value === undefined) {
      if (!this.null) errors.push(this.errorMessage('null', 'This field cannot be null.'));
      return errors;
    }
    if (!this.blank && this.isEmpty(value)) errors.push(this.errorMessage('blank', 'This field cannot be blank.', { value }));
    if (this.choices && !this.isEmpty(value) && !this.choices.some(([choice]) => choice !== null && sameValue(choice, value))) {
      errors.push(this.errorMessage('invalid_choice', `Value ${JSON.stringify(value)} is not a valid choice.`, { value }));
    }
    errors.push(...this.validationChecks(value));
    for (const validator of this.validators) {
      try {
        const message = validator(value);
        if (message) errors.push(message);
      } catch (error) {
        errors.push(...this.validatorMessages(error, value));
      }
    }
    return errors;
  }

  /** What a validator threw: a ValidationError's messages (its code may pick an errorMessages template). */
  private validatorMessages(error: unknown, value: unknown): string[] {
    if (!(error instanceof ValidationError)) return [error instanceof Error ? error.message : String(error)];
    const messages = Object.values(error.errors).flat();
    if (error.code === undefined) return messages;
    return messages.map((message) => this.errorMessage(error.code!, message, { value }));
  }

  /** Checks the database itself would make (length, digits); run by fullClean and by every save. */
  checkValue(_value: T): string[] {
    return [];
  }

  /** The checks fullClean() makes of a value: the database's, unless the field is stricter than its column. */
  protected validationChecks(value: T): string[] {
    return this.checkValue(value);
  }

  /** The value an instance holds once it is saved: what was written (a decimal rounded to its places). */
  storedValue(value: T): T {
    return value;
  }

  protected isEmpty(value: unknown): boolean {
    return value === '' || (Array.isArray(value) && value.length === 0);
  }
}

function normaliseChoices<T>(source: ChoicesSource<T> | undefined): ReadonlyArray<readonly [T | null, string]> | null {
  if (!source) return null;
  const list = Array.isArray(source) ? (source as Choices<T>) : (source as { choices: ReadonlyArray<readonly [T | null, string]> }).choices;
  if (!Array.isArray(list)) throw new TypeError('choices must be a list of values or [value, label] pairs, or a choices enum (IntegerChoices / TextChoices).');
  return list.map((choice) => (Array.isArray(choice) ? (choice as unknown as readonly [T, string]) : ([choice as T, String(choice)] as const)));
}

/** Fills Django-style placeholders: `%(name)s` (as text), `%(name)r` (repr: strings in quotes). */
export function interpolate(template: string, params: Record<string, unknown>): string {
  return template.replace(/%\((\w+)\)([sdr])/g, (placeholder, name: string, kind: string) => {
    if (!(name in params)) return placeholder;
    const value = params[name];
    return kind === 'r' ? repr(value) : String(value);
  });
}

/** A value as messages show it (Django's `%r`): strings in single quotes, anything else as text. */
function repr(value: unknown): string {
  return typeof value === 'string' ? `'${value.replace(/'/g, "\\'")}'` : String(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

export function toSnakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

export function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

for (const lookup of BUILTIN_LOOKUPS) Field.registerLookup(lookup);
