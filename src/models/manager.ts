import { getConnection } from '../db/connections';
import { FieldError, ImproperlyConfigured } from '../errors';
import type { Model } from './base';
import type { ModelClass } from './types';
import { buildInstance } from './hydrate';
import type { ModelPlan } from '../sql/compiler';
import { QuerySet, routeMethods, type ManagerOf, type QuerySetRoot } from './queryset';
import { recordCustomMethods } from './custom-methods';

/** A QuerySet class (a user's subclass, `class PizzaQuerySet extends QuerySet<Pizza>`). */
export type QuerySetClass<Q extends QuerySet<any, any, any> = QuerySet<any, any, any>> = new (model: ModelClass<any>) => Q;

/**
 * `Model.objects`: Django's Manager. Every queryset call on it (`filter`, `count`, `acount`, a custom method of
 * its queryset class...) runs on `getQueryset()`, the base queryset of every call, which a subclass may
 * override; `raw()` is its own. A manager declared on a model (`static objects = PizzaQuerySet.asManager()`)
 * is bound to that model when the model is set up (see `bindManagers`).
 */
export class Manager<T = Model> extends QuerySet<T, T> {
  /**
   * This manager on the database `alias` (Django's `db_manager()`): a copy whose querysets and creates go
   * there, with `hints` for the routers. Its getQueryset() carries both.
   */
  dbManager(alias: string, hints: Record<string, unknown> = {}): this {
    return this.pinned(alias).withHints(hints);
  }

  /** The class of the querysets this manager's calls run on (Django's `_queryset_class`). */
  static querysetClass: QuerySetClass = QuerySet;
  /** The model attribute this manager is (`objects`); null for a model's base manager. */
  protected attribute: string | null = 'objects';

  /** `model` is given for managers the ORM makes; a manager declared on a model gets it when bound. */
  constructor(model?: ModelClass<T>) {
    super(model as ModelClass<T>);
  }

  /**
   * A Manager class whose querysets are `querysetClass`, with that class's own methods on the manager too:
   * `static objects = Manager.fromQueryset(PizzaQuerySet)` (Django's `Manager.from_queryset`). Called on a
   * Manager subclass, the new class extends it and keeps its methods.
   */
  static fromQueryset<M extends abstract new (...args: any[]) => Manager<any>, Q extends QuerySet<any, any, any>>(
    this: M,
    querysetClass: new (model: ModelClass<any>) => Q,
  ): (new () => Omit<InstanceType<M>, keyof Manager<any>> & ManagerOf<Q>) & { querysetClass: QuerySetClass<Q> } {
    const base = this as unknown as typeof Manager;
    const names = recordCustomMethods(querysetClass, QuerySet.prototype);
    const derived = { [`${base.name}From${querysetClass.name}`]: class extends base {} }[`${base.name}From${querysetClass.name}`]!;
    derived.querysetClass = querysetClass as unknown as QuerySetClass;
    for (const name of names) {
      if (name in base.prototype) continue; // the manager's own method of that name wins, as in Django
      const forward = function (this: Manager<any>, ...args: unknown[]): unknown {
        const queryset = this.getBaseQueryset() as unknown as Record<string, (...a: unknown[]) => unknown>;
        return queryset[name]!(...args);
      };
      Object.defineProperty(forward, 'name', { value: name });
      Object.defineProperty(derived.prototype, name, { value: forward, configurable: true, writable: true });
    }
    recordCustomMethods(derived, Manager.prototype);
    return derived as never;
  }

  /**
   * The base queryset of every call on this manager (Django's `get_queryset()`): override it to narrow or
   * prepare what the manager shows (`return super.getQueryset().filter({ ... })`).
   */
  getQueryset(): QuerySet<T, T> {
    const querysetClass = (this.constructor as typeof Manager).querysetClass;
    let queryset = new querysetClass(this.boundModel).rootedAt(this.root, this.callName) as QuerySet<T, T>;
    // A dbManager() copy hands its database and hints on (Django's get_queryset passes using and hints).
    if (this.dbAlias !== null) queryset = queryset.pinned(this.dbAlias);
    if (this.extraHints) queryset = queryset.withHints(this.extraHints);
    return queryset;
  }

  /** getQueryset(), as the start of a chain rooted at this manager (what a worker rebuilds by calling it). */
  getBaseQueryset(): QuerySet<T, T> {
    const queryset = this.getQueryset();
    // The built-in getQueryset() roots its queryset already; an override's steps are rebuilt by calling it.
    return this.getQueryset === Manager.prototype.getQueryset ? queryset : queryset.rootedAt(this.root, this.callName);
  }

  /**
   * The database a call on this manager goes to. The built-in getQueryset() hands this manager's database and
   * hints on unchanged, so they answer here without building the base queryset (this runs for every async call).
   */
  override dbFor(write: boolean): string {
    const querysetClass = (this.constructor as typeof Manager).querysetClass;
    if (this.getQueryset !== Manager.prototype.getQueryset || querysetClass.prototype.dbFor !== QuerySet.prototype.dbFor) {
      return this.getBaseQueryset().dbFor(write);
    }
    return super.dbFor(write);
  }

  /** The root, made once (every call on the manager starts a chain from it). */
  private rootValue: QuerySetRoot | null = null;

  override get root(): QuerySetRoot {
    return (this.rootValue ??= { kind: 'manager', model: this.boundModel, manager: this.attribute, plain: this.isPlain });
  }

  /**
   * Whether this manager's calls see every row through the built-in lookups, so that a `get()` by key may
   * skip the queryset (the sync fast path, the pool's coalesced gets): not when getQueryset() is
   * overridden, nor when the queryset class overrides `get` or `filter`.
   */
  private get isPlain(): boolean {
    const querysetPrototype = (this.constructor as typeof Manager).querysetClass.prototype;
    return this.getQueryset === Manager.prototype.getQueryset && querysetPrototype.get === QuerySet.prototype.get && querysetPrototype.filter === QuerySet.prototype.filter;
  }

  override get query() {
    return this.getBaseQueryset().query;
  }

  protected override get callName(): string {
    return this.origin?.name ?? `${this.boundModel._meta.label}.${this.attribute ?? '_baseManager'}`;
  }

  /** The model, or a clear error for a manager that no model has bound yet. */
  protected get boundModel(): ModelClass<T> {
    if (this.model) return this.model;
    throw new ImproperlyConfigured(
      `A ${this.constructor.name} is not bound to a model yet: a manager declared on a model is bound when the model is set up ` +
        '(configure({ models }) does that for the models of its modules; otherwise read Model._meta once first).',
    );
  }

  /** This manager bound to `model` as its attribute `attribute` (a copy when it is bound elsewhere already). */
  bindTo(model: ModelClass<T>, attribute: string | null): Manager<T> {
    if (this.model === model && this.attribute === attribute) return this;
    const bound = (this.model ? { __proto__: Object.getPrototypeOf(this), ...this } : this) as Manager<T>;
    (bound as { model: ModelClass<T> }).model = model;
    bound.attribute = attribute;
    bound.origin = null;
    bound.rootValue = null;
    return bound;
  }

  /** A manager is shared by every caller: it keeps no results (each call runs on a fresh base queryset). */
  override keepResults(): void {}

  /** Instances from hand-written SQL with `?` placeholders; columns map to fields by column name. */
  raw(sql: string, params: readonly unknown[] = []): T[] {
    const meta = this.boundModel._meta;
    const connection = getConnection(this.call('raw'));
    const statement = connection.prepareRaw(sql);
    const columns = statement.columns;
    if (!columns) throw new TypeError(`${this.call('raw')} takes a query that returns rows.`);
    const byColumn = new Map(meta.concreteFields.map((field) => [field.column, field] as const));
    const byName = new Map(meta.concreteFields.map((field) => [field.attname, field] as const));
    const fields = columns.map((column) => byColumn.get(column) ?? byName.get(column) ?? null);
    if (!fields.includes(meta.pk)) throw new FieldError(`${this.call('raw')}: the query must select the primary key column '${meta.pk.column}'.`);
    const plan: ModelPlan = {
      model: this.model,
      fields: fields.filter((field) => field !== null),
      converters: [],
      start: 0,
      deferred: meta.concreteFields.filter((field) => !fields.includes(field)).map((field) => field.name),
      related: [],
      annotations: [],
    };
    plan.converters = plan.fields.map((field) => field.converter());
    const rows = statement.selectRows(params);
    return rows.map((row) => {
      const known = row.filter((_, index) => fields[index] !== null);
      const instance = buildInstance(plan, known) as Model & Record<string, unknown>;
      columns.forEach((column, index) => {
        if (fields[index] === null) instance[column] = row[index];
      });
      return instance as unknown as T;
    });
  }
}

/**
 * Everything of QuerySet that a manager runs on its base queryset (Django's `_get_queryset_methods`): the
 * chaining and evaluation methods, their async twins, iteration. What stays the manager's own: how it is
 * named and rooted, and the helpers those methods use on whatever queryset they run on.
 */
// pinned() and withHints() copy the manager itself (a dbManager() copy, an async call pinned to its database), so
// its own methods (raw(), custom ones) stay; getQueryset() hands the database and hints on.
const MANAGER_OWN = new Set(['constructor', 'keepResults', 'named', 'rootedAt', 'recordedAs', 'chain', 'call', 'connection', 'runAsync', 'withResultCache', 'withQuery', 'pinned', 'withHints']);
for (const key of Reflect.ownKeys(QuerySet.prototype)) {
  if (typeof key === 'string' && MANAGER_OWN.has(key)) continue;
  if (Object.prototype.hasOwnProperty.call(Manager.prototype, key)) continue;
  const descriptor = Object.getOwnPropertyDescriptor(QuerySet.prototype, key)!;
  if (typeof descriptor.value === 'function') {
    const forward = function (this: Manager<any>, ...args: unknown[]): unknown {
      return (this.getBaseQueryset() as unknown as Record<PropertyKey, (...a: unknown[]) => unknown>)[key]!(...args);
    };
    Object.defineProperty(forward, 'name', { value: typeof key === 'string' ? key : descriptor.value.name });
    Object.defineProperty(Manager.prototype, key, { value: forward, configurable: true, writable: true });
  } else if (descriptor.get && key === 'hasPrefetches') {
    Object.defineProperty(Manager.prototype, key, { get(this: Manager<any>) { return this.getBaseQueryset().hasPrefetches; }, configurable: true });
  }
}

/** The custom methods of a queryset or manager class, as its managers and async querysets offer them. */
export type CustomMethods<Q> = { [K in Exclude<keyof Q, keyof Manager<any> | `_${string}`>]: Q[K] };

// raw() is the manager's own: a routed call like the queryset's evaluation methods.
routeMethods(Manager.prototype, ['raw'], false);

QuerySet.asManager = function <Q extends QuerySet<any, any, any>>(this: new (model: ModelClass<any>) => Q): ManagerOf<Q> {
  return new (Manager.fromQueryset(this))() as unknown as ManagerOf<Q>;
};

/** Each model's managers by attribute, and its base manager (`null`). */
const managers = new WeakMap<Function, Map<string | null, Manager<any>>>();

function managersOf(model: Function): Map<string | null, Manager<any>> {
  let map = managers.get(model);
  if (!map) managers.set(model, (map = new Map()));
  return map;
}

/**
 * Binds the managers a model class declares (`static objects = PizzaQuerySet.asManager()`), its own or
 * inherited from abstract bases, to that model: each becomes an own attribute of the model, bound to it.
 * Called once, when the model is set up.
 */
export function bindManagers(model: ModelClass): void {
  const seen = new Set<string>();
  const map = managersOf(model);
  for (let cls: Function | null = model; cls && cls !== Function.prototype; cls = Object.getPrototypeOf(cls) as Function | null) {
    for (const name of Object.getOwnPropertyNames(cls)) {
      if (seen.has(name)) continue;
      seen.add(name);
      const descriptor = Object.getOwnPropertyDescriptor(cls, name)!;
      if (!(descriptor.value instanceof Manager)) continue;
      recordCustomMethods(descriptor.value.constructor, Manager.prototype);
      const bound = descriptor.value.bindTo(model, name);
      Object.defineProperty(model, name, { value: bound, configurable: true, writable: true, enumerable: descriptor.enumerable });
      map.set(name, bound);
    }
  }
}

/** The default manager of a model without a declared `objects`: every row. */
export function managerFor<T extends Model>(model: ModelClass<T>): Manager<T> {
  void model._meta;
  const map = managersOf(model);
  let manager = map.get('objects');
  if (!manager) map.set('objects', (manager = new Manager<T>(model)));
  return manager as Manager<T>;
}

/**
 * The model's base manager (Django's `_base_manager`): every row, whatever the declared managers filter out.
 * Saving, refreshing, deleting and following a foreign key go through it, so a narrowed `objects` never
 * hides a row from them.
 */
export function baseManager<T extends Model>(model: ModelClass<T>): Manager<T> {
  void model._meta;
  const map = managersOf(model);
  let manager = map.get(null);
  if (!manager) map.set(null, (manager = new Manager<T>(model).bindTo(model, null)));
  return manager as Manager<T>;
}

/**
 * The manager a worker rebuilds a chain from: one bound to `model` as `attribute` (null: the base manager),
 * or an error naming it; an attribute that is no bound manager (`constructor`, `prototype`) is refused.
 */
export function boundManager(model: ModelClass, attribute: string | null): Manager<any> {
  if (attribute === null) return baseManager(model);
  if (attribute === 'objects') return model.objects;
  const manager = managersOf(model).get(attribute);
  if (!manager) throw new TypeError(`A pool worker refused the manager '${String(attribute)}' of ${model._meta.label}: the model declares no such manager.`);
  return manager;
}
