import type { DatabaseConnection as Connection } from '../db/backends/base/connection';
import { activeAlias, getConnection, scopedAlias, usingDatabase } from '../db/connections';
import { dbForWrite } from '../db/routers';
import {
  FieldError,
  MultipleObjectsReturned as MultipleObjectsReturnedBase,
  ObjectDoesNotExist,
  ValidationError,
  type ErrorDict,
} from '../errors';
import { Expression } from '../sql/expressions';
import type { Manager } from './manager';
import { baseManager, bindManagers, managerFor } from './manager';
import { collectAndDelete, type DeleteResult } from './deletion';
import { installAccessors } from './descriptors';
import { Field, FieldValueError } from './fields/base';
import { describeInstance, ForeignKey } from './fields/related';
import { FETCH_ONE, type FetchMode, type PeerGroup } from './fetch-modes';
import { Options, type ModelMeta } from './options';
import { insertRow, prepareValue, undefinedValueError, updateRow } from './persistence';
import { saveWithSignals, sendsSaveSignals } from './signals';
import type { FieldMap, ModelClass, PkValue } from './types';
import type { TypedModelClass } from './typing';
import type { ConcreteFieldName } from './typed';

/**
 * Per-instance bookkeeping, kept apart from the field values. The caches are made on first use: most
 * instances never cache a relation, and three empty objects per row were most of what hydrating a row allocated.
 */
export class ModelState {
  private relatedCache: Record<string, Model | null> | null = null;
  private prefetchedCache: Record<string, Model[]> | null = null;
  private managersCache: Record<string, unknown> | null = null;
  /** Foreign keys assigned an unsaved instance: save() takes the key from it once it has one. */
  awaitingKey?: Set<string>;
  /** Some field was left out by defer()/only() and loads on first read (see hydrate.defineDeferred). */
  hasDeferred = false;
  /** What a read of something not fetched does (see fetch-modes.ts); FETCH_ONE, from the prototype, unless set. */
  declare fetchMode: FetchMode;
  /** The instances fetched with this one under FETCH_PEERS. */
  declare peers?: PeerGroup;

  constructor(
    /** Not yet saved: the next save() inserts. */
    public adding: boolean,
    /** The database alias it was loaded from or last saved to (Django's `_state.db`); null while unsaved. */
    public db: string | null = null,
  ) {}

  /** Related instances loaded through selectRelated or a forward access, by field name. */
  get related(): Record<string, Model | null> {
    return (this.relatedCache ??= {});
  }
  set related(value: Record<string, Model | null>) {
    this.relatedCache = value;
  }

  /** Results of prefetchRelated, by accessor name (or `toAttr`). */
  get prefetched(): Record<string, Model[]> {
    return (this.prefetchedCache ??= {});
  }
  set prefetched(value: Record<string, Model[]>) {
    this.prefetchedCache = value;
  }

  /** Related managers handed out by accessors, by accessor name. */
  get managers(): Record<string, unknown> {
    return (this.managersCache ??= {});
  }

  /** The relation caches that hold something (for the codec, without making empty ones). */
  get cachedRelated(): Record<string, Model | null> | null {
    return this.relatedCache && hasKeys(this.relatedCache) ? this.relatedCache : null;
  }
  get cachedPrefetched(): Record<string, Model[]> | null {
    return this.prefetchedCache && hasKeys(this.prefetchedCache) ? this.prefetchedCache : null;
  }
}

// On the prototype, so the rows of the default mode (nearly all) pay nothing for it.
ModelState.prototype.fetchMode = FETCH_ONE;

function hasKeys(value: object): boolean {
  for (const _ in value) return true;
  return false;
}

/** A loaded instance's state records the database of the call loading it (see connections.usingDatabase). */
export function freshState(adding: boolean): ModelState {
  return new ModelState(adding, adding ? null : activeAlias());
}

export interface SaveOptions {
  /** Write only these fields (an UPDATE; no row is inserted). */
  updateFields?: readonly string[];
  forceInsert?: boolean;
  forceUpdate?: boolean;
  /** The database alias to save to; default: the routers' choice, else where the instance was loaded from. */
  using?: string;
}

export interface DeleteOptions {
  /** The database alias to delete from; default: the routers' choice, else where the instance was loaded from. */
  using?: string;
}

export interface FullCleanOptions {
  exclude?: readonly string[];
  validateUnique?: boolean;
}

const metaCache = new WeakMap<Function, Options>();
const errorClassCache = new WeakMap<Function, { doesNotExist: any; multiple: any }>();

/**
 * The base of every model. Subclasses declare `static fields` (and optionally `static meta`);
 * field values live as plain instance properties, relations as accessors on the prototype.
 */
export class Model {
  static fields: FieldMap = {};
  static meta?: ModelMeta;
  /** The default manager; typed per model by `Model.typed<Pizza>()` / `AsyncMixin<Pizza>(Model)` in the heritage. */
  declare static readonly objects: Manager<any>;
  declare _state: ModelState;

  /**
   * This class, typed for the model `Self` that extends it: `class Memo extends Model.typed<Memo>()` makes
   * `Memo.objects` a `Manager<Memo>` and `new Memo({...})` check its field values. At run time it is `Model`.
   */
  static typed<Self, Base extends abstract new (...args: any[]) => any = typeof Model>(): TypedModelClass<Self, Base> {
    // `Place.typed<Restaurant, typeof Place>()` is Place itself: the base of a multi-table child or a proxy.
    return this as unknown as TypedModelClass<Self, Base>;
  }

  /** Everything derived from the class: fields, columns, relations, table. */
  static get _meta(): Options {
    let meta = metaCache.get(this);
    if (!meta) {
      if (this === Model || isAbstract(this)) {
        throw new FieldError(
          this === Model
            ? 'Model is the model base class and has no table.'
            : `${this.name} is abstract and has no table: it cannot be instantiated, queried or saved; use a concrete subclass.`,
        );
      }
      meta = new Options(this as ModelClass);
      metaCache.set(this, meta);
      installAccessors(this as ModelClass);
      bindManagers(this as ModelClass);
    }
    return meta;
  }

  /**
   * Every row, whatever the declared managers narrow (Django's `_base_manager`): saving, refreshing,
   * deleting and following relations use it.
   */
  static get _baseManager(): Manager<any> {
    return baseManager(this as ModelClass);
  }

  /** `Pizza.DoesNotExist`, a subclass of ObjectDoesNotExist of this model's own. */
  static get DoesNotExist(): typeof ObjectDoesNotExist {
    return modelErrors(this).doesNotExist;
  }

  static get MultipleObjectsReturned(): typeof MultipleObjectsReturnedBase {
    return modelErrors(this).multiple;
  }

  constructor(values: Record<string, unknown> = {}) {
    const model = this.constructor as ModelClass;
    const meta = model._meta;
    this._state = freshState(true);
    for (const key in values) {
      const field = meta.findField(key);
      if (!field) {
        throw new TypeError(`${meta.label}() got an unexpected field '${key}'. Valid fields: ${meta.fields.map((f) => f.name).join(', ')}.`);
      }
      if (field.manyToMany) {
        throw new TypeError(`${meta.label}(): direct assignment to the many-to-many '${key}' is prohibited; use ${key}.set() after saving.`);
      }
      if (values[key] === undefined) throw undefinedValueError(key, meta.label);
    }
    // Every key given was checked above (a field, never undefined), so reading a missing key as undefined is exact.
    const self = this as unknown as Record<string, unknown>;
    const given = values as Record<string, unknown>;
    for (const field of meta.concreteFields) {
      if (field instanceof ForeignKey) {
        const related = given[field.name];
        if (related !== undefined) self[field.name] = related;
        else {
          const key = given[field.attname];
          self[field.attname] = key === undefined ? field.getDefault() : lenientValue(field, key);
        }
        continue;
      }
      let value = given[field.name];
      if (value === undefined && field === meta.pk) value = given.pk;
      self[field.attname] = value === undefined ? field.getDefault() : lenientValue(field, value);
    }
  }

  /** The primary key value, whatever the key field is called. */
  get pk(): any {
    return (this as any)[(this.constructor as ModelClass)._meta.pk.attname];
  }

  set pk(value: any) {
    (this as any)[(this.constructor as ModelClass)._meta.pk.attname] = value;
  }

  /**
   * Inserts or updates the row (Django's rules: an instance with a primary key updates, falling back to insert),
   * between the preSave and postSave signals.
   */
  save(options: SaveOptions = {}): void {
    const model = this.constructor as ModelClass;
    const meta = model._meta;
    if (options.forceInsert && (options.forceUpdate || options.updateFields)) {
      throw new TypeError(`${meta.label}.save(): forceInsert cannot be combined with forceUpdate or updateFields.`);
    }
    syncForeignKeyAttributes(this);
    const using = options.using ?? scopedAlias() ?? dbForWrite(model, { instance: this });
    const connection = getConnection(`${meta.label}.save()`, using);
    const fields = options.updateFields ? updateFieldsFor(meta, options.updateFields) : meta.concreteFields;
    if (options.updateFields && fields.length === 0) return;
    usingDatabase(using, () => {
      if (!sendsSaveSignals(model)) writeRows(this, connection, fields, options);
      else saveWithSignals(this, options.updateFields, connection, () => writeRows(this, connection, fields, options));
    });
    this._state.db = using;
  }

  /** Deletes the row and what CASCADE rules take with it; returns `[total, { Model: n }]`. */
  delete(options: DeleteOptions = {}): DeleteResult {
    const model = this.constructor as ModelClass;
    const meta = model._meta;
    if (this.pk === null || this.pk === undefined) {
      throw new TypeError(`${meta.label} object can't be deleted because its ${meta.pk.name} attribute is null.`);
    }
    const using = options.using ?? scopedAlias() ?? dbForWrite(model, { instance: this });
    const result = collectAndDelete(model, [this], `${meta.label}.delete()`, this, using);
    // Every table's key goes: the parents' rows of a multi-table child are deleted too.
    for (const table of meta.tableChain) (this as unknown as Record<string, unknown>)[table._meta.pk.attname] = null;
    this._state.adding = true;
    return result;
  }

  /** Reloads field values from the database (all, or `fields`), dropping stale relation caches. */
  refreshFromDb(options: { fields?: readonly string[]; using?: string } = {}): void {
    const model = this.constructor as ModelClass;
    const meta = model._meta;
    const objects = options.using === undefined ? model._baseManager.withHints({ instance: this }) : model._baseManager.using(options.using);
    const fresh = objects.filter({ pk: this.pk }).first();
    if (!fresh) throw new model.DoesNotExist(`${meta.label} matching query does not exist (pk=${String(this.pk)}).`);
    copyFieldValues(fresh, this, options.fields ? options.fields.map((name) => meta.getField(name)) : meta.concreteFields);
    this._state.db = fresh._state.db;
    if (!options.fields) this._state.prefetched = {};
  }

  /** Hook for model-wide validation; throw ValidationError. Called by fullClean after the fields are clean. */
  clean(): void {}

  /** Validates every field (type, null/blank, choices, length, validators), then clean(), then uniqueness. */
  fullClean(options: FullCleanOptions = {}): void {
    const model = this.constructor as ModelClass;
    const meta = model._meta;
    const exclude = new Set(options.exclude ?? []);
    const errors: ErrorDict = {};
    const self = this as unknown as Record<string, unknown>;
    for (const field of meta.concreteFields) {
      if (exclude.has(field.name)) continue;
      // A new row's automatic key, and a parent link (it takes the parent's key at save), as Django's ForeignKey.validate.
      if ((field.autoIncrement || isParentLinkField(field)) && (self[field.attname] === null || self[field.attname] === undefined)) continue;
      let value = self[field.attname];
      if (value instanceof Expression) continue;
      // Django's clean_fields: a blank-allowed field with an empty value is not validated (autoNow stamps come at save).
      if (field.blank && (value === null || value === undefined || value === '')) continue;
      try {
        if (value !== null && value !== undefined) value = field.toValue(value);
      } catch (error) {
        errors[field.name] = [error instanceof FieldValueError ? field.valueErrorMessage(error) : (error as Error).message];
        continue;
      }
      const messages = field.validate((value ?? null) as never);
      if (messages.length) errors[field.name] = messages;
      else self[field.attname] = value ?? null;
    }
    try {
      this.clean();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      for (const [key, messages] of Object.entries(error.errors)) (errors[key] ??= []).push(...messages);
    }
    if (options.validateUnique !== false && Object.keys(errors).length === 0) {
      for (const [key, messages] of Object.entries(uniquenessErrors(this, exclude))) (errors[key] ??= []).push(...messages);
    }
    if (Object.keys(errors).length) throw new ValidationError(errors, { model: meta.label });
  }

  /**
   * Django's `get_FOO_display()`: the label of the field's value among its choices
   * (`shirt.getDisplay('size')` gives `'Large'` for `'L'`), or the value itself when it is not one of them.
   */
  getDisplay<Self extends Model, K extends ConcreteFieldName<Self>>(this: Self, name: K): string | (K extends keyof Self ? Self[K] : unknown) {
    const meta = (this.constructor as ModelClass)._meta;
    const field = meta.getField(name);
    if (field.manyToMany) throw new TypeError(`${meta.label}.getDisplay(): '${name}' is a many-to-many field and has no single value to display.`);
    return field.displayFor((this as unknown as Record<string, unknown>)[field.attname]) as string;
  }

  /** Field values keyed by attribute (`boxId` for a foreign key), safe for JSON.stringify. */
  toJSON(): Record<string, unknown> {
    const meta = (this.constructor as ModelClass)._meta;
    const json: Record<string, unknown> = {};
    for (const field of meta.concreteFields) json[field.attname] = jsonSafe((this as any)[field.attname]);
    return json;
  }

  toString(): string {
    return `${(this.constructor as ModelClass)._meta.label} object (${String(this.pk)})`;
  }
}

Object.defineProperty(Model, 'objects', {
  get(this: ModelClass) {
    return managerFor(this);
  },
  configurable: true,
});

/** Forgets every model's derived meta (after the registry was cleared by close()); rebuilt on next use. */
export function forgetModelMeta(models: readonly Function[]): void {
  for (const model of models) metaCache.delete(model);
}

/** Raised by save() with forceUpdate or updateFields when no row matched. */
class ObjectDoesNotExistOnSave extends ObjectDoesNotExist {}

/** Marks a class made by a mixin over Model as a base for models rather than a model. */
export const NOT_A_MODEL = Symbol.for('threadorm.notAModel');

/** A model class with a table: a subclass of Model that is neither abstract nor a mixin base. */
export function isConcreteModel(value: unknown): value is ModelClass {
  return typeof value === 'function' && value.prototype instanceof Model && !isAbstract(value);
}

function isAbstract(cls: Function): boolean {
  const own = (key: PropertyKey) => Object.prototype.hasOwnProperty.call(cls, key);
  return own(NOT_A_MODEL) || (own('meta') && Boolean((cls as typeof Model).meta?.abstract));
}

function modelErrors(model: Function): { doesNotExist: any; multiple: any } {
  let classes = errorClassCache.get(model);
  if (!classes) {
    const label = (model as ModelClass)._meta.label;
    // As Django: a child's (or a proxy's) errors are its parent's too, so `except Place.DoesNotExist` catches a Restaurant's.
    const parent = concreteAncestor(model);
    const baseNotFound: typeof ObjectDoesNotExist = parent ? parent.DoesNotExist : ObjectDoesNotExist;
    const baseMultiple: typeof MultipleObjectsReturnedBase = parent ? parent.MultipleObjectsReturned : MultipleObjectsReturnedBase;
    const doesNotExist = { DoesNotExist: class extends baseNotFound {} }.DoesNotExist;
    const multiple = { MultipleObjectsReturned: class extends baseMultiple {} }.MultipleObjectsReturned;
    for (const cls of [doesNotExist, multiple]) Object.defineProperty(cls, 'modelLabel', { value: label });
    classes = { doesNotExist, multiple };
    errorClassCache.set(model, classes);
  }
  return classes;
}

/** The nearest concrete model class `model` extends (a multi-table parent, or what a proxy stands for), if any. */
export function concreteAncestor(model: Function): ModelClass | null {
  for (let cls = Object.getPrototypeOf(model); cls && cls !== Model; cls = Object.getPrototypeOf(cls)) if (isConcreteModel(cls)) return cls;
  return null;
}

function isParentLinkField(field: Field): boolean {
  return field instanceof ForeignKey && Boolean(field.relationOptions.parentLink);
}

/** Converts a constructor value when it can; anything else is kept for save()/fullClean() to report. */
function lenientValue(field: Field, value: unknown): unknown {
  if (value === null || value === undefined || value instanceof Expression) return value ?? null;
  try {
    return field.toValue(value);
  } catch {
    return value;
  }
}

function updateFieldsFor(meta: Options, names: readonly string[]): Field[] {
  return names.map((name) => {
    const field = meta.getField(name);
    if (field.manyToMany) throw new FieldError(`${meta.label}.save(): updateFields cannot name the many-to-many field '${name}'.`);
    return field;
  });
}

/**
 * The writes of save(): one row, or for a multi-table child one row per table of its chain, parents first and
 * in one transaction, each parent link taking its parent's key (Django's save_parents then save_table). A
 * table none of whose fields `updateFields` names is left alone.
 */
function writeRows(instance: Model, connection: Connection, fields: readonly Field[], options: SaveOptions): boolean {
  const meta = (instance.constructor as ModelClass)._meta;
  const chain = meta.tableChain;
  if (chain.length === 1) {
    const inserted = writeRow(instance, chain[0]!._meta, connection, fields, options, instance._state.adding);
    instance._state.adding = false;
    return inserted;
  }
  const record = instance as unknown as Record<string, unknown>;
  // A key given only on a link (`placePtrId`) is the parent's key too.
  for (const model of [...chain].reverse()) {
    const link = model._meta.parentLink;
    if (link && record[link.targetField.attname] == null && record[link.attname] != null) record[link.targetField.attname] = record[link.attname];
  }
  const adding = instance._state.adding;
  const inserted = connection.atomic(() => {
    let parentInserted = false;
    for (const model of chain) {
      const table = model._meta;
      const link = table.parentLink;
      if (link) record[link.attname] = record[link.targetField.attname];
      const own = fields.filter((field) => table.localConcreteFields.includes(field));
      if (options.updateFields && !own.length) continue;
      // A new parent row means a new child row: no UPDATE is tried first (Django's force_insert=parent_inserted).
      parentInserted = writeRow(instance, table, connection, own, parentInserted ? { ...options, forceInsert: true } : options, adding);
    }
    return parentInserted;
  });
  instance._state.adding = false;
  return inserted;
}

/** The INSERT or UPDATE of one table's row in save(); returns whether it inserted. */
function writeRow(instance: Model, meta: Options, connection: Connection, fields: readonly Field[], options: SaveOptions, adding: boolean): boolean {
  const pk = (instance as unknown as Record<string, unknown>)[meta.pk.attname];
  const pkHasDefault = meta.pk.hasDefault || meta.pk.autoIncrement;
  const tryUpdate = !options.forceInsert && pk !== null && pk !== undefined && !(adding && pkHasDefault && !options.forceUpdate);
  if (tryUpdate) {
    const changed = updateRow(connection, instance, fields.filter((field) => field !== meta.pk), adding, meta);
    if (changed > 0) return false;
    if (options.forceUpdate || options.updateFields) {
      throw new ObjectDoesNotExistOnSave(`${meta.label}.save(): ${options.forceUpdate ? 'forceUpdate' : 'updateFields'} did not affect any row (pk=${String(pk)}).`);
    }
  } else if (options.forceUpdate || (options.updateFields && adding)) {
    throw new TypeError(`${meta.label}.save(): cannot ${options.forceUpdate ? 'force an update' : 'use updateFields'} on an instance without a primary key.`);
  }
  insertRow(connection, instance, false, meta);
  return true;
}

/**
 * Before a save: an instance assigned to `pizza.box` while unsaved gives its key now (or the save is
 * refused); a cached related instance whose key no longer matches `boxId` (it was reassigned) is dropped.
 */
function syncForeignKeyAttributes(instance: Model): void {
  const meta = (instance.constructor as ModelClass)._meta;
  const self = instance as unknown as Record<string, unknown>;
  const state = instance._state;
  for (const field of meta.foreignKeys) {
    const related = state.related[field.name];
    if (!related) continue;
    const key = (related as unknown as Record<string, unknown>)[field.targetField.attname];
    if (state.awaitingKey?.has(field.name)) {
      if (key === null || key === undefined) {
        throw new TypeError(`${meta.label}.save() prohibited to prevent data loss due to unsaved related object '${field.name}' (${describeInstance(related)}).`);
      }
      self[field.attname] = key;
      state.awaitingKey.delete(field.name);
    } else if (self[field.attname] !== key) {
      delete state.related[field.name];
    }
  }
}

export function copyFieldValues(from: Model, to: Model, fields: readonly Field[]): void {
  const source = from as unknown as Record<string, unknown>;
  const target = to as unknown as Record<string, unknown>;
  for (const field of fields) {
    target[field.attname] = source[field.attname];
    if (field instanceof ForeignKey) {
      const cached = from._state.related[field.name];
      if (cached !== undefined) to._state.related[field.name] = cached;
      else delete to._state.related[field.name];
    }
  }
  to._state.adding = false;
}

function uniquenessErrors(instance: Model, exclude: Set<string>): ErrorDict {
  const model = instance.constructor as ModelClass;
  const meta = model._meta;
  const self = instance as unknown as Record<string, unknown>;
  const errors: ErrorDict = {};
  const checks: Array<{ fields: Field[]; key: string }> = [];
  for (const field of meta.concreteFields) {
    // As Django: no need to check the primary key of a saved instance (it is excluded from its own check anyway).
    if (field.primaryKey && !instance._state.adding) continue;
    if (field.unique && !exclude.has(field.name) && !(field.autoIncrement && self[field.attname] == null)) {
      checks.push({ fields: [field], key: field.name });
    }
  }
  for (const names of meta.uniqueTogether) {
    if (names.some((name) => exclude.has(name))) continue;
    checks.push({ fields: names.map((name) => meta.getField(name)), key: '__all__' });
  }
  for (const { fields, key } of checks) {
    const lookup: Record<string, unknown> = {};
    if (fields.some((field) => self[field.attname] === null || self[field.attname] === undefined)) continue;
    for (const field of fields) lookup[field.attname] = self[field.attname];
    // A field inherited from a multi-table parent is unique among the parent's rows (Django checks on the parent class).
    const owner = fields.length === 1 ? (fields[0]!.model as ModelClass)._meta.concreteModel : model;
    let queryset = owner.objects.filter(lookup);
    if (!instance._state.adding && instance.pk != null) queryset = queryset.exclude({ pk: instance.pk });
    if (queryset.exists()) {
      const names = fields.map((field) => capitalize(field.options.verboseName ?? field.name));
      const message =
        fields.length === 1
          ? fields[0]!.errorMessage('unique', `${meta.label} with this ${names[0]} already exists.`, { model_name: meta.label, field_label: names[0] })
          : `${meta.label} with this ${names.join(' and ')} already exists.`;
      (errors[key] ??= []).push(message);
    }
  }
  return errors;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  return value;
}

export { prepareValue };
export type { PkValue };
