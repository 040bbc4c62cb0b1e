import { getConnection } from '../db/connections';
import { allowRelation } from '../db/routers';
import { ValueError } from '../errors';
import type { Model } from './base';
import { ForeignKey, ManyToManyField, describeInstance } from './fields/related';
import type { ThroughKeys } from './options';
import { bulkInsert, prepareValue } from './persistence';
import { sendM2MChanged, type M2MAction } from './signals';
import type { ModelClass, PkValue } from './types';
import { deleteLinksSql } from '../sql/writes';
import { asyncMethodsOn, installAsyncMethods, type AsyncRelatedManagerMethods, type AsyncTwins } from './async-methods';
import { Col } from '../sql/expressions';
import { ExactLookup } from '../sql/lookups/builtin';
import { Query, reverseJoinKey } from '../sql/query';
import { andWhere } from '../sql/where';
import { QuerySet, routeMethods, type CreateValues, type Lookups, type QuerySetRoot } from './queryset';
import { defaultQuerysetClass } from './custom-methods';
import type { CheckedLookups, Defaults } from './typed';

export interface AddOptions {
  /** Reverse FK: save each object instead of one UPDATE (needed for unsaved objects). Default true. */
  bulk?: boolean;
  /** M2M with a through model: values for the new intermediate rows. */
  throughDefaults?: Lookups;
}

/**
 * The manager behind an instance's relation attribute: a QuerySet already filtered to the related rows.
 * `Q` is the name reverse lookups use for the relation when it is not the accessor without its `Set`
 * (`declare articles: ReverseManyToOneManager<Article, 'article'>` for `relatedQueryName: 'article'`).
 * `K` is what the writes accept besides instances: keys (numbers or numeric strings) for many-to-many managers,
 * nothing for reverse foreign keys.
 */
export abstract class RelatedManager<T extends Model = Model, Q extends string = never, K = never> extends QuerySet<T, T> {
  declare readonly '~model': T;
  declare readonly '~queryName': Q;
  constructor(
    readonly instance: Model,
    model: ModelClass<T>,
    readonly accessor: string,
  ) {
    super(model);
    // The related objects take the instance's fetch mode (Django copies it through related managers too).
    this.fetchModeValue = instance._state.fetchMode;
  }

  override get root(): QuerySetRoot {
    return { kind: 'related', instance: this.instance, accessor: this.accessor };
  }

  /** Chains continue in the queryset class of the related model's default manager, as in Django. */
  protected override get chainPrototype(): object {
    return defaultQuerysetClass(this.model).prototype as object;
  }

  protected override get callName(): string {
    return `${(this.instance.constructor as ModelClass)._meta.label}.${this.accessor}`;
  }

  protected get instanceKeyOrThrow(): unknown {
    const pk = this.instance.pk;
    if (pk === null || pk === undefined) {
      throw new TypeError(`${this.callName}: the ${describeInstance(this.instance)} instance needs a primary key before its relations can be used.`);
    }
    return pk;
  }

  /** A related manager is shared by every use of `instance.<relation>`: it keeps no results of its own. */
  override keepResults(): void {}

  /** Uses the prefetchRelated cache when present. */
  override all(): QuerySet<T, T> {
    const cached = this.instance._state.prefetched[this.accessor];
    const queryset = super.all();
    // Django's all() on a related manager is its own queryset: a filter() after it is still the sticky one.
    queryset.query.stickyJoins = this.query.stickyJoins;
    return cached ? queryset.withResultCache(cached as T[]) : queryset;
  }

  /** The related rows: the prefetched ones, else fetched afresh (the manager is shared, so it keeps no results). */
  override eval(): T[] {
    if (!this.steps.length) {
      const cached = this.instance._state.prefetched[this.accessor];
      if (cached) return [...(cached as T[])];
    }
    return this.fetchAll(this.call('eval'));
  }

  /** The prefetched rows as an evaluated queryset, when this manager itself (not a chain on it) has them. */
  private get prefetchedQuerySet(): QuerySet<T, T> | null {
    return !this.steps.length && this.instance._state.prefetched[this.accessor] ? this.all() : null;
  }

  // As Django's manager methods, which go through the prefetched queryset: no query when the rows are cached.
  override count(): number {
    return this.prefetchedQuerySet?.count() ?? super.count();
  }

  override exists(): boolean {
    return this.prefetchedQuerySet?.exists() ?? super.exists();
  }

  override contains(object: T): boolean {
    return this.prefetchedQuerySet?.contains(object) ?? super.contains(object);
  }

  protected ensureInstances(objects: readonly unknown[], method: string, allowKeys: boolean): Array<Model | unknown> {
    for (const object of objects) {
      if (object instanceof this.model) {
        const other = object as Model;
        if (!other._state.adding && !allowRelation(other, this.instance)) {
          throw new ValueError(
            `${this.call(method)}: cannot relate ${describeInstance(other)} to ${describeInstance(this.instance)}: the instance is on database '${this.instance._state.db ?? 'default'}', ` +
              `the value on database '${other._state.db ?? 'default'}', and the database routers do not allow relations between them.`,
          );
        }
        continue;
      }
      if (allowKeys && (typeof object === 'number' || typeof object === 'string' || typeof object === 'bigint')) continue;
      throw new TypeError(`${this.call(method)}: expected a ${this.model.name} instance${allowKeys ? ' or primary key' : ''}; got ${describeInstance(object)}.`);
    }
    return [...objects];
  }

  abstract add(...args: Array<T | K | AddOptions>): void;
  abstract remove(...args: Array<T | K | AddOptions>): void;
  abstract clear(options?: AddOptions): void;
  abstract set(objects: ReadonlyArray<T | K>, options?: AddOptions & { clear?: boolean }): void;

  // `aadd()`, `aremove()`, `aclear()`, `aset()`: the relation writes of the async method table, installed from
  // it (the queryset twins come from QuerySet); their signatures are on the interface below the class.
  static {
    installAsyncMethods(RelatedManager.prototype, asyncMethodsOn('related', 'queryset'), (method) => method.twinName, (manager: RelatedManager, method, args) =>
      manager.runAsync(method, args),
    );
  }

  /**
   * The related model's default manager's query (its getQueryset()), which the relation's filter narrows
   * further, as Django builds related managers on the default manager: a narrowing `objects` narrows
   * `instance.<relation>` too. The relation's writes go through the base manager.
   */
  protected defaultQuery(): Query {
    return this.model.objects.query.clone();
  }

  protected invalidatePrefetch(): void {
    delete this.instance._state.prefetched[this.accessor];
  }
}

/** The signatures of the twins installed above. */
export interface RelatedManager<T extends Model = Model, Q extends string = never, K = never> extends AsyncTwins<AsyncRelatedManagerMethods<T, K>> {}

/** `box.pizzaSet`: the objects whose foreign key points at this instance. */
export class ReverseManyToOneManager<T extends Model = Model, Q extends string = never> extends RelatedManager<T, Q, never> {
  constructor(
    instance: Model,
    readonly field: ForeignKey,
    accessor: string,
  ) {
    super(instance, field.model as ModelClass<T>, accessor);
  }

  private get key(): unknown {
    this.instanceKeyOrThrow;
    return (this.instance as unknown as Record<string, unknown>)[this.field.targetField.attname];
  }

  protected override baseQuery(): Query {
    const query = this.defaultQuery();
    query.addFilter([{ [this.field.name]: this.key }], false, this.call('all'));
    return query;
  }

  override create(values: CreateValues<T> = {} as CreateValues<T>): T {
    this.invalidatePrefetch();
    return this.model.objects.create({ ...values, [this.field.name]: this.instance } as CreateValues<T>) as T;
  }

  override getOrCreate<L extends object = {}>(lookups: CheckedLookups<T, L> = {} as CheckedLookups<T, L>, options: { defaults?: Defaults<T> } = {}): [T, boolean] {
    this.invalidatePrefetch();
    return this.model.objects.getOrCreate({ ...lookups, [this.field.name]: this.instance }, options) as [T, boolean];
  }

  override updateOrCreate<L extends object = {}>(
    lookups: CheckedLookups<T, L> = {} as CheckedLookups<T, L>,
    options: { defaults?: Defaults<T>; createDefaults?: Defaults<T> } = {},
  ): [T, boolean] {
    this.invalidatePrefetch();
    return this.model.objects.updateOrCreate({ ...lookups, [this.field.name]: this.instance }, options) as [T, boolean];
  }

  add(...args: Array<T | AddOptions>): void {
    const [objects, options] = splitOptions(args);
    const instances = this.ensureInstances(objects, 'add', false) as T[];
    const key = this.key;
    const connection = getConnection(this.call('add'));
    this.invalidatePrefetch();
    connection.atomic(() => {
      if (options.bulk === false) {
        for (const object of instances) {
          (object as unknown as Record<string, unknown>)[this.field.name] = this.instance;
          object.save();
        }
        return;
      }
      for (const object of instances) {
        if (object.pk === null || object.pk === undefined || object._state.adding) {
          throw new TypeError(`${this.call('add')}: ${describeInstance(object)} isn't saved; use { bulk: false } or save it first.`);
        }
      }
      this.model._baseManager.filter({ pk__in: instances.map((object) => object.pk) }).update({ [this.field.name]: key });
      for (const object of instances) (object as unknown as Record<string, unknown>)[this.field.name] = this.instance;
    });
  }

  private assertNullable(method: string): void {
    if (!this.field.null) {
      throw new TypeError(`${this.call(method)} is not available: ${this.field.label} is not nullable, so objects cannot be detached; delete them instead.`);
    }
  }

  remove(...args: Array<T | AddOptions>): void {
    this.assertNullable('remove');
    const [objects] = splitOptions(args);
    const instances = this.ensureInstances(objects, 'remove', false) as T[];
    const key = this.key;
    for (const object of instances) {
      if ((object as unknown as Record<string, unknown>)[this.field.attname] !== key) {
        throw new TypeError(`${this.call('remove')}: ${describeInstance(object)} is not related to ${describeInstance(this.instance)}.`);
      }
    }
    this.invalidatePrefetch();
    this.model._baseManager.filter({ pk__in: instances.map((object) => object.pk), [this.field.name]: key }).update({ [this.field.name]: null });
    for (const object of instances) (object as unknown as Record<string, unknown>)[this.field.name] = null;
  }

  clear(): void {
    this.assertNullable('clear');
    this.invalidatePrefetch();
    this.model._baseManager.filter({ [this.field.name]: this.key }).update({ [this.field.name]: null });
  }

  /** Makes the related set exactly `objects` (for a non-nullable key, only adds). */
  set(objects: readonly T[], options: AddOptions & { clear?: boolean } = {}): void {
    const instances = this.ensureInstances(objects, 'set', false) as T[];
    const connection = getConnection(this.call('set'));
    connection.atomic(() => {
      if (!this.field.null) return this.add(...instances, { bulk: options.bulk });
      if (options.clear) {
        this.clear();
        if (instances.length) this.add(...instances, { bulk: options.bulk });
        return;
      }
      const wanted = new Set(instances.map((object) => object.pk));
      const current = this.model.objects.filter({ [this.field.name]: this.key }).eval();
      const stale = current.filter((object) => !wanted.has(object.pk));
      if (stale.length) this.remove(...stale);
      const currentPks = new Set(current.map((object) => object.pk));
      const missing = instances.filter((object) => !currentPks.has(object.pk) || object.pk === null);
      if (missing.length) this.add(...missing, { bulk: options.bulk });
    });
  }
}

/** `pizza.toppings` and `topping.pizzaSet`: the objects linked through the intermediate table. */
export class ManyRelatedManager<T extends Model = Model, Q extends string = never> extends RelatedManager<T, Q, PkValue> {
  private readonly keys: ThroughKeys;
  /** The through FK pointing at this manager's instance, and the one pointing at the managed model. */
  private readonly sourceKey: ForeignKey;
  private readonly targetKey: ForeignKey;

  constructor(
    instance: Model,
    readonly field: ManyToManyField,
    readonly isReverse: boolean,
  ) {
    const reverse = isReverse;
    const model = (reverse ? field.model : field.relatedModel) as ModelClass<T>;
    const accessor = reverse ? field.accessorName! : field.name;
    super(instance, model, accessor);
    this.keys = field.model._meta.through(field);
    this.sourceKey = reverse ? this.keys.target : this.keys.source;
    this.targetKey = reverse ? this.keys.source : this.keys.target;
  }

  private get through(): ModelClass {
    return this.keys.through;
  }

  private get sourceValue(): unknown {
    this.instanceKeyOrThrow;
    return (this.instance as unknown as Record<string, unknown>)[this.sourceKey.targetField.attname];
  }

  /**
   * The target rows joined to their intermediate rows, as Django's core filter: a pair linked twice lists its
   * target twice, and `orderBy('clubmembership__dateJoined')` or the next filter() on the intermediate model
   * reuses this join (it speaks of this instance's links) instead of joining the intermediate table again.
   */
  protected override baseQuery(): Query {
    const query = this.defaultQuery();
    const through = query.join(
      {
        parentAlias: query.baseAlias, parentColumn: this.targetKey.targetField.column, model: this.through, column: this.targetKey.column,
        type: 'INNER', multiValued: true, key: reverseJoinKey(query.baseAlias, this.targetKey),
      },
      null,
    );
    query.where = andWhere(query.where, {
      kind: 'node', connector: 'AND', negated: false,
      children: [new ExactLookup(new Col(through, this.sourceKey), this.sourceKey.lookupValue(this.sourceValue), false)],
    });
    query.stickyJoins = new Set([through]);
    return query;
  }

  /** Target keys of `objects` (instances or keys), refusing unsaved instances. */
  private targetValues(objects: readonly unknown[], method: string): unknown[] {
    const targetAttname = this.targetKey.targetField.attname;
    return this.ensureInstances(objects, method, true).map((object) => {
      if (!(object instanceof this.model)) return this.targetKey.toValue(object);
      const value = (object as unknown as Record<string, unknown>)[targetAttname];
      if (value === null || value === undefined || (object as Model)._state.adding) {
        throw new TypeError(`${this.call(method)}: ${describeInstance(object)} is unsaved; save it before adding it to ${this.accessor}.`);
      }
      return value;
    });
  }

  private linkedValues(values?: unknown[]): unknown[] {
    const filter: Lookups = { [this.sourceKey.attname]: this.sourceValue };
    if (values) filter[`${this.targetKey.attname}__in`] = values;
    return this.through.objects.filter(filter).orderBy().valuesList(this.targetKey.attname, { flat: true }).eval();
  }

  add(...args: Array<T | PkValue | AddOptions>): void {
    const [objects, options] = splitOptions(args);
    const values = [...new Set(this.targetValues(objects, 'add'))];
    if (!values.length) return;
    this.invalidatePrefetch();
    getConnection(this.call('add')).atomic(() => this.addValues(values, options.throughDefaults));
  }

  /**
   * Django's add(): links the values not linked yet, between the preAdd and postAdd signals; a symmetrical
   * relation then adds the mirror rows (without signals of their own).
   */
  private addValues(values: readonly unknown[], throughDefaults: Lookups | undefined): void {
    const pkSet = new Set(this.missingTargets(this.sourceKey, this.targetKey, this.sourceValue, values) as PkValue[]);
    this.sendChanged('preAdd', pkSet);
    this.insertLinks(this.sourceKey, this.targetKey, this.sourceValue, [...pkSet], throughDefaults);
    this.sendChanged('postAdd', pkSet);
    if (this.field.symmetrical) {
      const mirrored = this.missingTargets(this.targetKey, this.sourceKey, this.sourceValue, values);
      this.insertLinks(this.targetKey, this.sourceKey, this.sourceValue, mirrored, throughDefaults);
    }
  }

  /** Which of `values` have no row from `source` yet (through the keys `from` -> `to`), in the order given. */
  private missingTargets(from: ForeignKey, to: ForeignKey, source: unknown, values: readonly unknown[]): unknown[] {
    const existing = new Set(
      this.through.objects.filter({ [from.attname]: source, [`${to.attname}__in`]: values }).orderBy().valuesList(to.attname, { flat: true }).eval(),
    );
    return values.filter((value) => !existing.has(value));
  }

  /**
   * Inserts one intermediate row per value. Callable throughDefaults are called once per insert, as Django
   * resolves them once per add() (and once more for the mirror rows of a symmetrical relation).
   */
  private insertLinks(from: ForeignKey, to: ForeignKey, source: unknown, values: readonly unknown[], throughDefaults: Lookups | undefined): void {
    if (!values.length) return;
    const defaults = resolveThroughDefaults(throughDefaults);
    const rows = values.map((value) => new this.through({ ...defaults, [from.attname]: source, [to.attname]: value }));
    bulkInsert(getConnection(this.call('add')), this.through, rows, {});
  }

  private sendChanged(action: M2MAction, pkSet: Set<PkValue> | null): void {
    sendM2MChanged(this.through, { instance: this.instance, action, reverse: this.isReverse, model: this.model, pkSet });
  }

  remove(...args: Array<T | PkValue | AddOptions>): void {
    const [objects] = splitOptions(args);
    const values = this.targetValues(objects, 'remove');
    if (!values.length) return;
    this.invalidatePrefetch();
    getConnection(this.call('remove')).atomic(() => this.removeValues(values));
  }

  private removeValues(values: readonly unknown[]): void {
    const pkSet = new Set(values as PkValue[]);
    this.sendChanged('preRemove', pkSet);
    this.unlink([...pkSet]);
    this.sendChanged('postRemove', pkSet);
  }

  /** Deletes the rows from this instance to `values` (all of them when omitted), both ways for a symmetrical relation. */
  private unlink(values?: unknown[]): void {
    const connection = getConnection(this.call('remove'));
    const meta = this.through._meta;
    const source = prepareValue(this.sourceKey, this.sourceValue, meta.label);
    const targets = values?.map((value) => prepareValue(this.targetKey, value, meta.label));
    const [sourceColumn, targetColumn] = [this.sourceKey.column, this.targetKey.column];
    const count = targets ? targets.length : null;
    connection.run(deleteLinksSql(connection.backend.operations, meta.dbTable, sourceColumn, targetColumn, count), [source, ...(targets ?? [])]);
    if (this.field.symmetrical) {
      connection.run(deleteLinksSql(connection.backend.operations, meta.dbTable, targetColumn, sourceColumn, count), [source, ...(targets ?? [])]);
    }
  }

  clear(): void {
    this.invalidatePrefetch();
    getConnection(this.call('clear')).atomic(() => {
      this.sendChanged('preClear', null);
      this.unlink();
      this.sendChanged('postClear', null);
    });
  }

  /** As Django: with `clear`, clear() then add(); otherwise remove() what is no longer wanted and add() what is new. */
  set(objects: ReadonlyArray<T | PkValue>, options: AddOptions & { clear?: boolean } = {}): void {
    const values = [...new Set(this.targetValues(objects, 'set'))];
    this.invalidatePrefetch();
    getConnection(this.call('set')).atomic(() => {
      if (options.clear) {
        this.clear();
        if (values.length) this.addValues(values, options.throughDefaults);
        return;
      }
      const current = this.linkedValues();
      const wanted = new Set(values);
      const stale = current.filter((value) => !wanted.has(value));
      if (stale.length) this.removeValues(stale);
      const have = new Set(current);
      const missing = values.filter((value) => !have.has(value));
      if (missing.length) this.addValues(missing, options.throughDefaults);
    });
  }

  override create(values: CreateValues<T> = {} as CreateValues<T>, options: AddOptions = {}): T {
    const throughDefaults = options.throughDefaults ?? this.pendingThroughDefaults;
    return getConnection(this.call('create')).atomic(() => {
      const created = this.model.objects.create(values) as T;
      this.add(created, { throughDefaults });
      return created;
    });
  }

  /**
   * As Django: looks within the related set, and when the object is not there creates a new one and links it
   * (an existing object that is not linked is neither linked nor updated; a unique clash is an IntegrityError).
   */
  override getOrCreate<L extends object = {}>(
    lookups: CheckedLookups<T, L> = {} as CheckedLookups<T, L>,
    options: { defaults?: Defaults<T>; throughDefaults?: Lookups } = {},
  ): [T, boolean] {
    return this.withThroughDefaults(options.throughDefaults, () => super.getOrCreate(lookups, { defaults: options.defaults }));
  }

  override updateOrCreate<L extends object = {}>(
    lookups: CheckedLookups<T, L> = {} as CheckedLookups<T, L>,
    options: { defaults?: Defaults<T>; createDefaults?: Defaults<T>; throughDefaults?: Lookups } = {},
  ): [T, boolean] {
    const { throughDefaults, ...rest } = options;
    return this.withThroughDefaults(throughDefaults, () => super.updateOrCreate(lookups, rest));
  }

  /** throughDefaults of the getOrCreate / updateOrCreate in progress, for the create() that QuerySet's version calls. */
  private pendingThroughDefaults: Lookups | undefined;

  private withThroughDefaults<V>(throughDefaults: Lookups | undefined, fn: () => V): V {
    const previous = this.pendingThroughDefaults;
    this.pendingThroughDefaults = throughDefaults ?? previous;
    try {
      return fn();
    } finally {
      this.pendingThroughDefaults = previous;
    }
  }
}

// Each relation write is one call on the database of the relation (the routers' choice for the instance,
// else the instance's own): the rows it creates, links and reads go there together.
const RELATION_WRITES = ['create', 'getOrCreate', 'updateOrCreate', 'add', 'remove', 'clear', 'set'];
routeMethods(ReverseManyToOneManager.prototype, RELATION_WRITES, true);
routeMethods(ManyRelatedManager.prototype, RELATION_WRITES, true);

/** throughDefaults with each function replaced by what it returns (Django's resolve_callables). */
function resolveThroughDefaults(defaults: Lookups | undefined): Lookups {
  const resolved: Lookups = {};
  for (const [name, value] of Object.entries(defaults ?? {})) resolved[name] = typeof value === 'function' ? (value as () => unknown)() : value;
  return resolved;
}

/** Trailing options object of `add(a, b, { bulk: false })`. */
function splitOptions(args: unknown[]): [unknown[], AddOptions] {
  const last = args[args.length - 1];
  const isOptions = last !== null && typeof last === 'object' && !Array.isArray(last) && !('_state' in (last as object));
  return isOptions ? [args.slice(0, -1), last as AddOptions] : [args, {}];
}
