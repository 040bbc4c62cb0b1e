import { configuredBackend, databaseAliases, DEFAULT_DB_ALIAS, getConnection, scopedAlias, unknownDatabase, usingDatabase } from '../db/connections';
import { dbForRead, dbForWrite, type RouterHints } from '../db/routers';
import type { DatabaseBackend } from '../db/backends/base/backend';
import type { DatabaseConnection as Connection } from '../db/backends/base/connection';
import type { SqlValue } from '../db/backends/base/types';
import { FieldError, IntegrityError, NotSupportedError, ObjectDoesNotExist, TransactionManagementError } from '../errors';
import type { Model } from './base';
import { collectAndDelete, type DeleteResult } from './deletion';
import type { Field } from './fields/base';
import { ForeignKey } from './fields/related';
import { bulkInsert, MAX_SQL_VARIABLES, prepareValue, undefinedValueError } from './persistence';
import type { ModelClass, PkValue } from './types';
import { asyncExecutor, type QueryOptions } from './async-bridge';
import type { BaseOperations } from '../db/backends/base/operations';
import { currentOperations } from '../sql/backend';
import { Compiler, resolveOrderNames, type CompiledSelect, type RowPlan } from '../sql/compiler';
import { Col, Expression, FExpression, OrderBy, toSqlValue, TruncExpression, type QueryProvider } from '../sql/expressions';
import { InLookup } from '../sql/lookups/builtin';
import { equalityPlan } from '../sql/plans';
import { bulkUpdateSql } from '../sql/writes';
import { asyncMethodsOn, installAsyncMethods, type AsyncMethod, type AsyncQuerySetMethods, type AsyncTwins } from './async-methods';
import { hydrateFlatRows, hydrateRows, rowBuilder } from './hydrate';
import { normalizePrefetch, prefetchRelatedObjects, type PrefetchSpec } from './prefetch';
import { applyFetchMode, FETCH_ONE, FetchMode } from './fetch-modes';
import { Query, type RelatedTree, type RowLock } from '../sql/query';
import { combineQueries } from '../sql/combine';
import { CompiledSql } from '../sql/sql-text';
import type {
  AllValuesRow,
  AnnotationValues,
  CheckedAggregates,
  CheckedLookups,
  CheckedOrdering,
  CheckedPath,
  CheckedRelationPath,
  ConcreteFieldName,
  CreateValues,
  Defaults,
  FieldName,
  UpdateValues,
  ValuesRow,
  ValuesTuple,
} from './typed';
import { emptyWhere, QNode } from '../sql/where';
import { canonicalTimeZone } from '../db/time-zones';
import type { CustomMethods, Manager } from './manager';

/** The manager `Q.asManager()` makes: a Manager of Q's model with Q's own methods. */
export type ManagerOf<Q> = Manager<Q extends QuerySet<infer T, any, any> ? T : never> & CustomMethods<Q>;

/**
 * A lookups object as the run-time sees it: `{ name__startswith: 'M', box: obj }`. Typed querysets check each
 * key at compile time; a value of this type (keys built at run time) is accepted unchecked: the escape hatch.
 */
export type Lookups = Record<string, unknown>;
export type FilterArg = Lookups | QNode | Expression;

/** One filter argument for model `T`, checked: a lookups object (`Arg` is the object written), a `Q` tree or an expression. */
export type CheckedFilterArg<T, Arg, A = {}> =
  Arg extends QNode<infer L> ? QNode<CheckedLookups<T, L, A>> : Arg extends Expression ? Arg : CheckedLookups<T, Arg, A>;

/** The arguments of filter()/exclude()/get(), each checked. */
export type FilterArgs<T, Args extends readonly unknown[], A = {}> = { [I in keyof Args]: CheckedFilterArg<T, Args[I], A> };

/** Like FilterArgs, where an async call's trailing `{ signal, timeoutMs }` passes as it is. */
export type FilterArgsWithOptions<T, Args extends readonly unknown[], A = {}> = {
  [I in keyof Args]: [keyof Args[I]] extends [keyof QueryOptions] ? QueryOptions : CheckedFilterArg<T, Args[I], A>;
};

export type { CreateValues };

export interface ValuesListOptions {
  flat?: boolean;
  named?: boolean;
}

/** One recorded chaining call; the async layer replays the list in a worker. */
export type ChainStep = readonly [method: string, args: readonly unknown[]];

/** Where a chain starts: a model's manager, or the related manager of one instance. */
export type QuerySetRoot =
  /**
   * `manager` names the model's manager attribute (`objects`, or null for the base manager, which has no
   * attribute); `plain` says that its base queryset is every row, so key lookups may take their fast paths.
   */
  | { kind: 'manager'; model: ModelClass; manager: string | null; plain: boolean }
  | { kind: 'related'; instance: Model; accessor: string };

const MAX_GET_RESULTS = 21;
const DEFAULT_CHUNK_SIZE = 2000;
/** Rows per bulkUpdate() statement by default: measured fastest (20k rows: 100 per statement 2x faster than 1 or 2000). */
const BULK_UPDATE_BATCH = 100;

/**
 * A lazy, immutable query over one model. Chaining returns a new QuerySet and records the step;
 * nothing touches the database until an evaluation method runs.
 */
/**
 * `T` is the model, `R` the row type (instances, `values()` objects, tuples) and `A` the annotations added so
 * far (their names become valid in filters, orderings and values).
 */
/**
 * A shallow copy of a queryset (or manager), of its own class or of `prototype`'s. A function, not a method, so
 * that no subclass (a user's queryset, a manager forwarding its methods) can override it by accident. Written
 * as a literal rather than Object.assign() onto Object.create(): V8 keeps the literal's properties fast
 * however many a subclass adds.
 */
function shallowCopy<Q extends object>(source: Q, prototype: object = Object.getPrototypeOf(source) as object): Q {
  return { __proto__: prototype, ...source } as unknown as Q;
}

/** `datetimes()` options: `tzinfo`, the IANA time zone to truncate in instead of the configured one. */
export interface DatetimesOptions {
  tzinfo?: string;
}

export class QuerySet<T = Model, R = T, A = {}> implements QueryProvider, Iterable<R> {
  /**
   * A manager whose querysets are this class, with its methods on the manager too (Django's
   * `QuerySet.as_manager()`): `static objects = PizzaQuerySet.asManager()`. Defined in manager.ts.
   */
  declare static asManager: <Q extends QuerySet<any, any, any>>(this: new (model: ModelClass<any>) => Q) => ManagerOf<Q>;
  readonly model: ModelClass<T>;
  /** The recorded chain since the root, for replay in a worker. */
  steps: readonly ChainStep[] = [];
  protected queryValue: Query | null;
  protected resultCache: R[] | null = null;
  protected prefetchSpecs: PrefetchSpec[] = [];
  /** What reading something the instances were fetched without does (see fetchMode()). */
  protected fetchModeValue: FetchMode = FETCH_ONE;
  /** Set on querysets chained from a manager: where the chain starts and the name its errors use. */
  protected origin: { root: QuerySetRoot; name: string } | null = null;
  /** The database alias chosen by using() / dbManager(); null: the routers choose per call. */
  dbAlias: string | null = null;
  /** What routers are told besides the model (Django's `_hints`). */
  protected extraHints: RouterHints | null = null;

  constructor(model: ModelClass<T>, query: Query | null = null) {
    this.model = model;
    this.queryValue = query;
  }

  /** The query AST (built on first use, so a manager costs nothing until used). */
  get query(): Query {
    this.queryValue ??= this.baseQuery();
    return this.queryValue;
  }

  protected baseQuery(): Query {
    return new Query(this.model);
  }

  /** Where this chain starts; related managers override it. */
  get root(): QuerySetRoot {
    return this.origin?.root ?? { kind: 'manager', model: this.model, manager: null, plain: true };
  }

  protected get label(): string {
    return this.model._meta.label;
  }

  /** How errors name the start of this chain: `Pizza.objects`, `Box.pizzaSet`, `Pizza.aobjects`. */
  protected get callName(): string {
    return this.origin?.name ?? `${this.label}.objects`;
  }

  /** How errors name a call of `method` on this chain (`Pizza.aobjects.vegetarian()`). */
  call(method: string): string {
    return `${this.callName}.${method}()`;
  }

  /**
   * The same queryset with errors naming `name` as the start of the chain (`Pizza.aobjects`): chaining on
   * the async API runs here, so its FieldErrors should name the call the user wrote.
   */
  named(name: string): this {
    const clone = shallowCopy(this);
    clone.origin = { root: this.root, name };
    return clone;
  }

  /**
   * This queryset as the start of a chain: the base queryset a manager's `getQueryset()` returned, which a
   * worker rebuilds by calling `getQueryset()` there, so the steps that made it are not sent.
   */
  rootedAt(root: QuerySetRoot, name: string): this {
    const clone = shallowCopy(this);
    clone.origin = { root, name };
    clone.steps = [];
    return clone;
  }

  /**
   * This queryset, made by a custom method (`vegetarian()`) called on `previous`, recorded as that one call:
   * a worker replays the method by name rather than the steps it took (see custom-methods.ts).
   */
  recordedAs(previous: QuerySet<any, any, any>, method: string, args: readonly unknown[]): this {
    const clone = shallowCopy(this);
    clone.steps = [...previous.steps, [method, args]];
    return clone;
  }

  /** This queryset without compile-time key checks, for internal calls with keys built at run time. */
  protected get unchecked(): QuerySet<any, R, A> {
    return this as unknown as QuerySet<any, R, A>;
  }

  // ------------------------------------------------------------------ chaining

  /**
   * The class a chain continues in: this queryset's own (a user's QuerySet subclass stays one, as Django's
   * `_clone()`); related managers continue in their model's queryset class.
   */
  protected get chainPrototype(): object {
    return Object.getPrototypeOf(this) as object;
  }

  /**
   * A new QuerySet with one more recorded step, of this queryset's class: a chain on a manager is no manager
   * (no `raw()`, no `add()`), but it remembers the manager it started from.
   */
  protected chain<R2 = R, A2 = A>(method: string, args: readonly unknown[], mutate?: (query: Query) => void): QuerySet<T, R2, A2> {
    const clone = shallowCopy(this, this.chainPrototype) as unknown as QuerySet<T, R2, A2>;
    clone.origin = { root: this.root, name: this.callName };
    clone.resultCache = null;
    clone.steps = [...this.steps, [method, args]];
    clone.prefetchSpecs = [...this.prefetchSpecs];
    clone.queryValue = this.query.clone();
    mutate?.(clone.queryValue);
    return clone;
  }

  all(): QuerySet<T, R, A> {
    return this.chain('all', []);
  }

  filter<const Args extends readonly unknown[]>(...args: FilterArgs<T, Args, A>): QuerySet<T, R, A> {
    return this.chain('filter', args, (query) => {
      query.assertCanFilter(this.call('filter'));
      query.addFilter(args as unknown as unknown[], false, this.call('filter'));
    });
  }

  exclude<const Args extends readonly unknown[]>(...args: FilterArgs<T, Args, A>): QuerySet<T, R, A> {
    return this.chain('exclude', args, (query) => {
      query.assertCanFilter(this.call('exclude'));
      query.addFilter(args as unknown as unknown[], true, this.call('exclude'));
    });
  }

  /** Field names (`'-name'`, `'box__name'`, `'?'`) or expressions (`F('name').desc({ nullsLast: true })`). */
  orderBy<N extends string = never>(...fields: Array<CheckedOrdering<T, N, A> | OrderBy | Expression>): QuerySet<T, R, A> {
    return this.chain('orderBy', fields, (query) => {
      if (query.isSliced) throw new TypeError(`${this.call('orderBy')}: cannot reorder a query once a slice has been taken.`);
      query.ordering = fields.map((item) => {
        if (item === '?') return '?';
        if (typeof item === 'string') {
          // Checked now (FieldError at the chaining call) but resolved when compiled, after the filters, so a
          // to-many path reuses the filter's join as in Django (`orderBy('toppings__name').filter({ toppings__name })`).
          if (!query.combinator) resolveOrderNames(query.clone(), item, this.call('orderBy'));
          return item;
        }
        if (item instanceof OrderBy) return item.resolve(query);
        if (item instanceof Expression) return new OrderBy(item.resolve(query), false);
        throw new TypeError(`${this.call('orderBy')} takes field names or expressions; got ${typeof item}.`);
      });
      query.orderingReversed = false;
    });
  }

  reverse(): QuerySet<T, R, A> {
    return this.chain('reverse', [], (query) => {
      if (query.isSliced) throw new TypeError(`${this.call('reverse')}: cannot reverse a query once a slice has been taken.`);
      query.orderingReversed = !query.orderingReversed;
    });
  }

  /**
   * `distinct()`: no two rows alike. `distinct('name', ...)`: one row per distinct value of those fields, the
   * first in the queryset's ordering, which must start with them (SELECT DISTINCT ON; PostgreSQL only).
   */
  distinct<N extends string = never>(...fields: Array<CheckedPath<T, N, A>>): QuerySet<T, R, A> {
    return this.chain('distinct', fields, (query) => {
      const call = this.call('distinct');
      if (query.isSliced) throw new TypeError(`${call}: cannot create distinct fields once a slice has been taken.`);
      if (fields.length) {
        if (!configuredBackend().features.canDistinctOnFields) {
          throw new NotSupportedError(`${call}: DISTINCT ON fields is not supported by this database backend (${configuredBackend().vendor}).`);
        }
        // Checked now, resolved when compiled (after the filters, whose joins it reuses), as orderBy() names are.
        for (const name of fields) query.clone().resolveRef(name, call);
      }
      query.distinct = true;
      query.distinctFields = [...fields];
    });
  }

  values(): QuerySet<T, AllValuesRow<T, A>, A>;
  values<N extends string>(...names: Array<CheckedPath<T, N, A>>): QuerySet<T, ValuesRow<T, N, A>, A>;
  values(...names: string[]): QuerySet<T, Record<string, unknown>, A> {
    return this.chain('values', names, (query) => {
      for (const name of names) if (!query.annotations.has(name)) query.resolveRef(name, this.call('values'));
      query.shape = { kind: 'values', names };
    });
  }

  valuesList<const N extends readonly string[]>(...names: CheckedNames<T, N, A>): QuerySet<T, ValuesTuple<T, N, A>, A>;
  valuesList<N extends string = 'pk'>(...args: [...name: [CheckedPath<T, N, A>] | [], options: { flat: true }]): QuerySet<T, ValuesTuple<T, [N], A>[0], A>;
  valuesList<const N extends readonly string[]>(...args: [...names: CheckedNames<T, N, A>, options: { named: true }]): QuerySet<T, NamedRow<T, N, A>, A>;
  valuesList<const N extends readonly string[]>(...args: [...names: CheckedNames<T, N, A>, options: ValuesListOptions]): QuerySet<T, unknown, A>;
  valuesList(...args: Array<string | ValuesListOptions>): QuerySet<T, unknown, A> {
    const last = args[args.length - 1];
    const options: ValuesListOptions = typeof last === 'object' && last !== null ? (last as ValuesListOptions) : {};
    const names = args.filter((arg): arg is string => typeof arg === 'string');
    return this.chain('valuesList', args, (query) => {
      if (options.flat && options.named) throw new TypeError(`${this.call('valuesList')}: flat and named are mutually exclusive.`);
      if (options.flat && names.length > 1) throw new TypeError(`${this.call('valuesList')}: flat is only valid with a single field.`);
      for (const name of names) if (!query.annotations.has(name)) query.resolveRef(name, this.call('valuesList'));
      const resolvedNames = options.flat && !names.length ? ['pk'] : names;
      query.shape = { kind: 'valuesList', names: resolvedNames, flat: options.flat ?? false, named: options.named ?? false };
    });
  }

  /**
   * The distinct dates, truncated to `kind`, that a DateField or DateTimeField takes over the matching rows
   * (Django's `dates()`): `Entry.objects.dates('pubDate', 'month')` → `['2008-03-01', ...]`.
   */
  dates(field: FieldName<T>, kind: 'year' | 'month' | 'week' | 'day', order: 'ASC' | 'DESC' = 'ASC'): QuerySet<T, string, A> {
    return this.truncatedValues('dates', field, kind, order, ['year', 'month', 'week', 'day'], ['DateField', 'DateTimeField']) as QuerySet<T, string, A>;
  }

  /**
   * The distinct datetimes, truncated to `kind`, that a DateTimeField takes over the matching rows (Django's
   * `datetimes()`), truncated on the wall clock of the configured time zone, or of `tzinfo` (an IANA name):
   * `datetimes('created', 'day', 'ASC', { tzinfo: 'Asia/Tokyo' })`, or `datetimes('created', 'day', { tzinfo })`.
   */
  datetimes(
    field: FieldName<T>,
    kind: 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second',
    order: 'ASC' | 'DESC' | DatetimesOptions = 'ASC',
    options: DatetimesOptions = {},
  ): QuerySet<T, Date, A> {
    const kinds = ['year', 'month', 'week', 'day', 'hour', 'minute', 'second'];
    if (typeof order === 'object' && order !== null) [order, options] = ['ASC', order];
    let timeZone: string | null = null;
    if (options.tzinfo !== undefined) {
      timeZone = canonicalTimeZone(options.tzinfo);
      if (!timeZone) throw new TypeError(`${this.call('datetimes')}: tzinfo must be an IANA time zone name such as 'Europe/Paris'; got ${JSON.stringify(options.tzinfo)}.`);
    }
    return this.truncatedValues('datetimes', field, kind, order, kinds, ['DateTimeField'], timeZone) as QuerySet<T, Date, A>;
  }

  private truncatedValues(
    method: 'dates' | 'datetimes', field: string, kind: string, order: string, kinds: string[], types: string[], timeZone: string | null = null,
  ): QuerySet<T, unknown, A> {
    const call = this.call(method);
    if (!kinds.includes(kind)) throw new TypeError(`${call}: 'kind' must be one of ${kinds.map((k) => `'${k}'`).join(', ')}; got ${String(kind)}.`);
    if (order !== 'ASC' && order !== 'DESC') throw new TypeError(`${call}: 'order' must be either 'ASC' or 'DESC'; got ${String(order)}.`);
    const args = timeZone === null ? [field, kind, order] : [field, kind, order, { tzinfo: timeZone }];
    return this.chain<unknown>(method, args, (query) => {
      const source = query.resolveRef(field, call);
      const type = source.outputField()?.internalType;
      if (!type || !types.includes(type)) throw new TypeError(`${call}: '${field}' is not a ${types.join(' or ')} of ${this.label}.`);
      const name = `${method === 'dates' ? 'date' : 'datetime'}field`;
      const truncated = new TruncExpression(new FExpression(field), kind as TruncExpression['kind'], method === 'dates' ? 'date' : 'datetime', timeZone);
      query.addAnnotation(name, truncated, true, call);
      query.addFilter([{ [`${field}__isnull`]: false }], false, call);
      query.shape = { kind: 'valuesList', names: [name], flat: true, named: false };
      query.distinct = true;
      query.ordering = [order === 'ASC' ? name : `-${name}`];
      query.orderingReversed = false;
    });
  }

  annotate<E extends Record<string, unknown>>(annotations: E & CheckedAggregates<T, E, A>): QuerySet<T, R & AnnotationValues<T, E>, A & AnnotationValues<T, E>> {
    return this.chain<R & AnnotationValues<T, E>, A & AnnotationValues<T, E>>('annotate', [annotations], (query) => {
      for (const [alias, expression] of Object.entries(annotations)) query.addAnnotation(alias, expression, true, this.call('annotate'));
      const grouping = query.shape.kind !== 'models' && query.shape.names.length > 0;
      // Aggregated per row of the model (Django groups by the model's columns): a later values() keeps that grouping.
      if (!grouping && query.hasAggregateAnnotations) query.groupBy ??= ['pk'];
      if (query.shape.kind !== 'models' && query.shape.names.length) {
        if (query.hasAggregateAnnotations) query.groupBy ??= [...query.shape.names];
        query.shape = { ...query.shape, names: [...query.shape.names, ...Object.keys(annotations)] };
      }
    });
  }

  alias<E extends Record<string, unknown>>(annotations: E & CheckedAggregates<T, E, A>): QuerySet<T, R, A & AnnotationValues<T, E>> {
    return this.chain<R, A & AnnotationValues<T, E>>('alias', [annotations], (query) => {
      for (const [alias, expression] of Object.entries(annotations)) query.addAnnotation(alias, expression, false, this.call('alias'));
    });
  }

  /** Follow foreign keys in the same query: `selectRelated('box', 'price__currency')`; no names: every non-null FK. */
  selectRelated<N extends string = never>(...paths: Array<CheckedRelationPath<T, N>>): QuerySet<T, R, A> {
    return this.chain('selectRelated', paths, (query) => {
      if (query.shape.kind !== 'models') throw new TypeError(`${this.call('selectRelated')} cannot be combined with values().`);
      if (!paths.length) {
        query.selectRelated = true;
        return;
      }
      const tree: RelatedTree = query.selectRelated === true || !query.selectRelated ? {} : structuredClone(query.selectRelated);
      for (const path of paths) {
        let node = tree;
        for (const name of path.split('__')) node = node[name] ??= {};
      }
      query.selectRelated = tree;
      Compiler.select(query, this.ops);
    });
  }

  /** Load related sets in one extra query each: `prefetchRelated('toppings', Prefetch('pizzaSet', { queryset }))`. */
  prefetchRelated<N extends string = never>(...lookups: Array<CheckedRelationPath<T, N, true> | PrefetchSpec | null>): QuerySet<T, R, A> {
    const clone = this.chain<R>('prefetchRelated', lookups);
    if (lookups.length === 1 && lookups[0] === null) clone.prefetchSpecs = [];
    else clone.prefetchSpecs.push(...(lookups as Array<string | PrefetchSpec>).map(normalizePrefetch));
    return clone;
  }

  /**
   * What a read of a relation or deferred field the instances were fetched without does (Django 6.1):
   * FETCH_ONE (the default) loads it for that instance, FETCH_PEERS for every instance of the same result
   * set in one query, RAISE throws FieldFetchBlocked. Related instances loaded from them take the same mode.
   */
  fetchMode(mode: FetchMode): QuerySet<T, R, A> {
    if (!(mode instanceof FetchMode)) {
      throw new TypeError(`${this.call('fetchMode')} takes FETCH_ONE, FETCH_PEERS or RAISE (exported by threadorm); got ${describe(mode)}.`);
    }
    const clone = this.chain('fetchMode', [mode]);
    clone.fetchModeValue = mode;
    return clone;
  }

  /** The fetch mode this queryset gives its instances. */
  get activeFetchMode(): FetchMode {
    return this.fetchModeValue;
  }

  defer(...fields: Array<FieldName<T>>): QuerySet<T, R, A> {
    return this.chain('defer', fields, (query) => {
      for (const name of fields) this.model._meta.getField(name);
      query.deferred = new Set([...(query.deferred ?? []), ...fields]);
    });
  }

  only(...fields: Array<FieldName<T>>): QuerySet<T, R, A> {
    return this.chain('only', fields, (query) => {
      for (const name of fields) this.model._meta.getField(name);
      query.only = new Set(fields.map((name) => this.model._meta.getField(name).name));
      query.deferred = null;
    });
  }

  /** The same query on the database `alias` (a key of configure()'s `databases`), whatever the routers say. */
  using(alias: string): QuerySet<T, R, A> {
    checkAlias(alias, this.call('using'));
    const clone = this.chain('using', [alias]);
    clone.dbAlias = alias;
    return clone;
  }

  /**
   * The database this queryset reads from (Django's `qs.db`): the one given to using(), else inside a routed
   * call that call's, else the routers' choice (a related manager's hints name its instance).
   */
  get db(): string {
    return this.dbFor(false);
  }

  /** The database a read (`write` false) or a write of this queryset goes to; a locking read is a write (Django's `_for_write`). */
  dbFor(write: boolean): string {
    if (this.dbAlias !== null) return this.dbAlias;
    const scoped = scopedAlias();
    if (scoped !== null) return scoped;
    // queryValue, not query: a lock is set by a chain step, so a queryset that has one has built its query, and
    // this runs for every call (building a manager's base query here would cost every async call).
    return write || this.queryValue?.lock ? dbForWrite(this.model, this.hints) : dbForRead(this.model, this.hints);
  }

  /** Router hints: a related manager's instance, plus any given by withHints(). */
  get hints(): RouterHints {
    const root = this.root;
    const base: RouterHints = root.kind === 'related' ? { instance: root.instance } : {};
    return this.extraHints ? { ...base, ...this.extraHints } : base;
  }

  /** The same queryset with router hints added (Django's `_add_hints`); not a recorded step. */
  withHints(hints: RouterHints): this {
    const clone = shallowCopy(this);
    clone.extraHints = { ...(this.extraHints ?? {}), ...hints };
    return clone;
  }

  /** The same queryset fixed to `alias` without recording a step (the async layer pins a routed call). */
  pinned(alias: string): this {
    if (this.dbAlias === alias) return this;
    checkAlias(alias, this.call('using'));
    const clone = shallowCopy(this);
    clone.dbAlias = alias;
    return clone;
  }

  none(): QuerySet<T, R, A> {
    return this.chain('none', [], (query) => {
      query.empty = true;
    });
  }

  union(...args: Array<QuerySet<any, any> | { all?: boolean }>): QuerySet<T, R, A> {
    return this.combine('UNION', 'union', args);
  }

  intersection(...others: Array<QuerySet<any, any>>): QuerySet<T, R, A> {
    return this.combine('INTERSECT', 'intersection', others);
  }

  difference(...others: Array<QuerySet<any, any>>): QuerySet<T, R, A> {
    return this.combine('EXCEPT', 'difference', others);
  }

  private combine(operator: 'UNION' | 'INTERSECT' | 'EXCEPT', method: string, args: unknown[]): QuerySet<T, R, A> {
    const last = args[args.length - 1];
    const all = !(last instanceof QuerySet) && typeof last === 'object' && last !== null ? Boolean((last as { all?: boolean }).all) : false;
    const others = args.filter((arg): arg is QuerySet<any, any> => arg instanceof QuerySet);
    return this.chain(method, args, (query) => {
      if (query.combinator) throw new NotSupportedError(`${this.call(method)}: combine the querysets in one call.`);
      query.combinator = { operator, all, queries: others.map((other) => other.query) };
      query.ordering = null;
    });
  }

  /** Django's `qs[start:end]`: LIMIT/OFFSET. Negative indexes are not supported. */
  slice(start: number, end?: number): QuerySet<T, R, A> {
    return this.chain('slice', end === undefined ? [start] : [start, end], (query) => {
      if (!Number.isInteger(start) || (end !== undefined && !Number.isInteger(end))) {
        throw new TypeError(`${this.call('slice')} takes integer bounds.`);
      }
      if (start < 0 || (end !== undefined && end < 0)) throw new TypeError(`${this.call('slice')}: negative indexing is not supported.`);
      const low = query.low + start;
      let high = end === undefined ? query.high : query.low + end;
      if (query.high !== null && high !== null) high = Math.min(high, query.high);
      query.low = query.high !== null ? Math.min(low, query.high) : low;
      query.high = high;
      // An empty window runs no query at all (Django's set_empty()).
      if (query.high !== null && query.low >= query.high) query.empty = true;
    });
  }

  /** `qs1 & qs2`. */
  and(other: QuerySet<T, any>): QuerySet<T, R, A> {
    return this.chain('and', [other], (query) => {
      if (other.query.empty) query.empty = true;
      if (query.empty) return;
      this.combineWith(other, query, 'AND', 'and');
    });
  }

  /** `qs1 | qs2`. */
  or(other: QuerySet<T, any>): QuerySet<T, R, A> {
    return this.chain('or', [other], (query) => {
      // An empty side adds no rows (Django returns the other queryset).
      if (other.query.empty) return;
      if (query.empty) {
        // The other side's rows, with its distinct: an empty queryset combines with any.
        query.empty = false;
        query.where = emptyWhere();
        query.distinct = other.query.distinct;
        query.distinctFields = other.query.distinctFields;
        this.combineWith(other, query, 'AND', 'or');
        return;
      }
      this.combineWith(other, query, 'OR', 'or');
    });
  }

  /**
   * Joins the other queryset's joins and conditions into `query` (Django's Query.combine). Grouped queries
   * (an aggregate annotation decides which rows match) are combined as `pk IN (the other query)` instead.
   */
  private combineWith(other: QuerySet<T, any>, query: Query, connector: 'AND' | 'OR', method: string): void {
    if (!(other instanceof QuerySet) || other.model !== this.model) {
      throw new TypeError(`${this.call(method)} takes a queryset of ${this.label}.`);
    }
    if (other.query.isSliced || query.isSliced) throw new TypeError(`${this.call(method)}: cannot combine sliced querysets.`);
    if (query.distinct !== other.query.distinct) throw new TypeError(`${this.call(method)}: cannot combine a unique query with a non-unique query.`);
    if (query.distinctFields.join() !== other.query.distinctFields.join()) {
      throw new TypeError(`${this.call(method)}: cannot combine queries with different distinct fields.`);
    }
    if (query.hasAggregateAnnotations || other.query.hasAggregateAnnotations || other.query.combinator || query.combinator) {
      const rhs = other.query.resolveAsSubquery(query);
      rhs.shape = { kind: 'values', names: ['pk'] };
      rhs.ordering = [];
      const condition = new InLookup(new Col(query.baseAlias, this.model._meta.pk), rhs, false);
      query.where = { kind: 'node', connector, negated: false, children: [query.where, condition] };
      return;
    }
    combineQueries(query, other.query, connector);
  }

  /**
   * Locks the rows the query selects until the transaction ends (`SELECT … FOR UPDATE`, Django's
   * select_for_update). Checked when the query runs: it needs a backend with row locks and an open transaction.
   */
  selectForUpdate<N extends string = never>(options: SelectForUpdateOptions<'self' | CheckedRelationPath<T, N>> = {}): QuerySet<T, R, A> {
    const call = this.call('selectForUpdate');
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new TypeError(`${call} takes an options object ({ nowait, skipLocked, of, noKey }); got ${describe(options)}.`);
    }
    for (const key of Object.keys(options)) {
      if (!SELECT_FOR_UPDATE_OPTIONS.includes(key)) throw new TypeError(`${call}: unknown option '${key}'; the options are ${SELECT_FOR_UPDATE_OPTIONS.join(', ')}.`);
    }
    const { nowait = false, skipLocked = false, noKey = false, of = [] } = options;
    for (const [name, value] of Object.entries({ nowait, skipLocked, noKey })) {
      if (typeof value !== 'boolean') throw new TypeError(`${call}: ${name} must be true or false; got ${describe(value)}.`);
    }
    if (!Array.isArray(of) || of.some((name) => typeof name !== 'string')) {
      throw new TypeError(`${call}: of must be an array of relation paths ('self' for ${this.label} itself); got ${describe(of)}.`);
    }
    if (nowait && skipLocked) throw new TypeError(`${call}: the nowait option cannot be used with skipLocked.`);
    return this.chain('selectForUpdate', [options], (query) => {
      query.lock = { nowait, skipLocked, noKey, of: [...(of as readonly string[])] };
    });
  }

  // ------------------------------------------------------------------ evaluation

  /** Runs the query (once; the result is cached on this queryset) and returns the rows. */
  eval(): R[] {
    if (!this.resultCache) this.resultCache = this.fetchAll(this.call('eval'));
    return [...this.resultCache];
  }

  [Symbol.iterator](): Iterator<R> {
    return this.eval()[Symbol.iterator]();
  }

  protected connection(method: string): Connection {
    return getConnection(this.call(method));
  }

  /** The connection a SELECT of this queryset runs on; a locking one (selectForUpdate) is checked there first. */
  private readConnection(call: string, alias?: string): Connection {
    const connection = getConnection(call, alias);
    if (this.query.lock) checkRowLock(connection.backend, connection.inAtomicBlock, this.query.lock, call);
    return connection;
  }

  /** The backend operations this queryset's SQL is compiled for: those of its database's backend. */
  protected get ops(): BaseOperations {
    return this.dbAlias !== null ? configuredBackend(this.dbAlias).operations : currentOperations();
  }

  protected fetchAll(call: string): R[] {
    const compiled = Compiler.select(this.query, this.ops);
    if (this.query.empty && !this.query.combinator) return [];
    const rows = this.readConnection(call).selectRows(compiled.sql, compiled.params, compiled.safeIntegers);
    const results = this.withFetchMode(hydrateRows(compiled.plan, rows) as R[], compiled.plan);
    if (this.prefetchSpecs.length && compiled.plan.kind === 'models') {
      prefetchRelatedObjects(results as unknown as Model[], this.prefetchSpecs);
    }
    return results;
  }

  /**
   * The SELECT of eval() compiled for a pool worker to run, with the row plan that builds its results here
   * (`hydrate(flat, plan)`); null when the query needs no statement (it matches nothing). A locking read is
   * checked as its connection would check it: `inTransaction` says whether the worker runs it in one. Not for
   * querysets with prefetches.
   */
  compileSelect(inTransaction: boolean): CompiledSelect | null {
    const compiled = Compiler.select(this.query, this.ops);
    if (this.query.empty && !this.query.combinator) return null;
    if (this.query.lock) checkRowLock(configuredBackend(this.dbAlias ?? undefined), inTransaction, this.query.lock, this.call('eval'));
    return compiled;
  }

  /** Builds results from rows fetched elsewhere, sent as one flat array (codec.unpackRows); compiles no SQL unless no plan is given. */
  hydrate(flat: readonly unknown[], plan: RowPlan = Compiler.rowPlan(this.query, this.ops)): R[] {
    return this.withFetchMode(hydrateFlatRows(plan, flat) as R[], plan);
  }

  /** The instances of one result set, given this queryset's fetch mode (and, for FETCH_PEERS, each other). */
  private withFetchMode(results: R[], plan: RowPlan): R[] {
    if (this.fetchModeValue !== FETCH_ONE && plan.kind === 'models') applyFetchMode(results, this.fetchModeValue, plan.plan);
    return results;
  }

  /** Builds the result of the row at `offset` of a flat array (streaming builds each row as it is consumed). */
  rowHydrator(): (flat: readonly unknown[], offset: number) => R {
    const alias = this.dbFor(false);
    const build = usingDatabase(alias, () => rowBuilder(Compiler.rowPlan(this.query, this.ops))) as (flat: readonly unknown[], offset: number) => R;
    // Rows built outside a routed call are marked as the default database's already.
    return alias === DEFAULT_DB_ALIAS ? build : (flat, offset) => usingDatabase(alias, () => build(flat, offset));
  }

  /** Where the primary key sits in this queryset's rows (model rows only). */
  pkColumnIndex(): number | null {
    const plan = Compiler.rowPlan(this.query, this.ops);
    if (plan.kind !== 'models') return null;
    const index = plan.plan.fields.indexOf(this.model._meta.pk);
    return index < 0 ? null : index;
  }

  get hasPrefetches(): boolean {
    return this.prefetchSpecs.length > 0;
  }

  get<const Args extends readonly unknown[]>(...args: FilterArgs<T, Args, A>): R {
    const call = this.call('get');
    const root = this.root;
    const fast = args.length === 1 && this.steps.length === 0 && root.kind === 'manager' && root.plain ? this.fetchByEquality(args[0] as FilterArg, call) : null;
    let results = fast as T[] | null;
    if (!results) {
      let queryset: QuerySet<T, R, A> = args.length ? this.filter(...(args as FilterArg[])) : this;
      if (!queryset.query.isSliced && !queryset.query.distinct && !queryset.query.combinator) {
        queryset = queryset.chain('orderBy', [], (query) => (query.ordering = []));
        queryset.queryValue!.high = MAX_GET_RESULTS;
      }
      results = queryset.fetchAll(call) as unknown as T[];
    }
    if (results.length === 1) return results[0] as unknown as R;
    if (!results.length) throw new this.model.DoesNotExist(`${this.label} matching query does not exist.`);
    const count = results.length >= MAX_GET_RESULTS ? `more than ${MAX_GET_RESULTS - 1}` : String(results.length);
    throw new this.model.MultipleObjectsReturned(`get() returned more than one ${this.label} -- it returned ${count}!`);
  }

  /**
   * The fast path of `Model.objects.get({ id: 1 })`: equality on direct fields compiles once per model and
   * set of keys; later calls only convert the values. Anything else (relations, lookups, null, expressions)
   * returns null and takes the general path.
   */
  private fetchByEquality(lookups: FilterArg, call: string): unknown[] | null {
    if (lookups instanceof QNode || lookups instanceof Expression || lookups === null || typeof lookups !== 'object') return null;
    const keys = Object.keys(lookups);
    const plan = equalityPlan(this.model, keys, MAX_GET_RESULTS, this.ops);
    if (!plan) return null;
    const params = new Array<SqlValue>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const value = (lookups as Lookups)[keys[i]!];
      if (value === null || value === undefined || (typeof value === 'object' && !isPlainValueObject(value))) return null;
      try {
        params[i] = toSqlValue(value, plan.fields[i]!);
      } catch {
        return null;
      }
    }
    const rows = getConnection(call).selectRows(plan.sql, params, plan.safeIntegers);
    return hydrateRows(plan.rows, rows);
  }

  create(values: CreateValues<T> = {} as CreateValues<T>): T {
    const instance = new (this.model as unknown as new (values: unknown) => T & Model)(values);
    instance.save({ forceInsert: true });
    return instance;
  }

  /** Get the object matching `lookups`, or create it (with `defaults`); returns `[object, created]`. */
  getOrCreate<L extends object = {}>(lookups: CheckedLookups<T, L> = {} as CheckedLookups<T, L>, options: { defaults?: Defaults<T> } = {}): [T, boolean] {
    const connection = this.connection('getOrCreate');
    return connection.atomic(() => {
      try {
        return [this.unchecked.get(lookups as Lookups) as unknown as T, false];
      } catch (error) {
        if (!(error instanceof ObjectDoesNotExist)) throw error;
      }
      const values = { ...creationValues(lookups as Lookups), ...resolveDefaults(options.defaults) };
      try {
        return [connection.atomic(() => this.create(values as CreateValues<T>)), true] as [T, boolean];
      } catch (error) {
        if (!(error instanceof IntegrityError)) throw error;
        try {
          return [this.unchecked.get(lookups as Lookups) as unknown as T, false];
        } catch {
          throw error;
        }
      }
    });
  }

  /** Update the object matching `lookups` with `defaults`, or create it (with `createDefaults` ?? `defaults`). */
  updateOrCreate<L extends object = {}>(
    lookups: CheckedLookups<T, L> = {} as CheckedLookups<T, L>,
    options: { defaults?: Defaults<T>; createDefaults?: Defaults<T> } = {},
  ): [T, boolean] {
    const connection = this.connection('updateOrCreate');
    return connection.atomic(() => {
      const [instance, created] = this.unchecked.getOrCreate(lookups as Lookups, { defaults: options.createDefaults ?? options.defaults }) as [T & Model, boolean];
      if (created) return [instance, true] as [T, boolean];
      const defaults = resolveDefaults(options.defaults);
      const target = instance as unknown as Record<string, unknown>;
      for (const [name, value] of Object.entries(defaults)) {
        const field = this.model._meta.getField(name);
        if (field instanceof ForeignKey && name === field.name) target[name] = value;
        else target[field.attname] = value;
      }
      instance.save(Object.keys(defaults).length ? { updateFields: Object.keys(defaults) } : {});
      return [instance, false] as [T, boolean];
    });
  }

  bulkCreate(objects: ReadonlyArray<T & Model>, options: { batchSize?: number; ignoreConflicts?: boolean } = {}): T[] {
    const parent = this.model._meta.parentModel;
    if (parent) {
      // As Django: the rows of several tables would need the keys of rows that a batch insert does not report.
      throw new NotSupportedError(`${this.call('bulkCreate')}: can't bulk create a multi-table inherited model (${this.label} extends ${parent._meta.label}); save() each instance.`);
    }
    const connection = this.connection('bulkCreate');
    for (const object of objects) {
      if (!(object instanceof this.model)) {
        throw new TypeError(`${this.call('bulkCreate')} takes ${this.label} instances; got ${describe(object)}.`);
      }
    }
    connection.atomic(() => bulkInsert(connection, this.model, objects, options));
    return [...objects];
  }

  bulkUpdate(objects: ReadonlyArray<T & Model>, fields: ReadonlyArray<ConcreteFieldName<T>>, options: { batchSize?: number } = {}): number {
    const meta = this.model._meta;
    if (!fields.length) throw new TypeError(`${this.call('bulkUpdate')}: name the fields to update.`);
    const targets = fields.map((name) => {
      const field = meta.getField(name);
      if (field === meta.pk) throw new TypeError(`${this.call('bulkUpdate')} cannot update the primary key.`);
      if (field.manyToMany) throw new TypeError(`${this.call('bulkUpdate')} cannot update the many-to-many field '${name}'.`);
      return field;
    });
    for (const object of objects) {
      if (!(object instanceof this.model)) throw new TypeError(`${this.call('bulkUpdate')} takes ${this.label} instances; got ${describe(object)}.`);
      if (object.pk === null || object.pk === undefined) throw new TypeError(`${this.call('bulkUpdate')}: every object needs a primary key.`);
    }
    if (targets.some((field) => !meta.localConcreteFields.includes(field))) return this.bulkUpdateTables(objects, targets, options);
    const batchSize = options.batchSize ?? Math.max(1, Math.min(BULK_UPDATE_BATCH, Math.floor(MAX_SQL_VARIABLES / (targets.length + 1))));
    if (!Number.isInteger(batchSize) || batchSize <= 0 || (targets.length + 1) * batchSize > MAX_SQL_VARIABLES) {
      throw new TypeError(
        `${this.call('bulkUpdate')}: batchSize must be a positive integer of at most ${Math.floor(MAX_SQL_VARIABLES / (targets.length + 1))} ` +
          `for ${targets.length} field${targets.length > 1 ? 's' : ''} (SQLite allows ${MAX_SQL_VARIABLES} parameters per statement).`,
      );
    }
    const connection = this.connection('bulkUpdate');
    const columns = targets.map((field) => field.column);
    // One statement per batch: the rows' new values as a VALUES table joined on the primary key.
    const columnTypes = [meta.pk, ...targets].map((field) => connection.backend.columnType(field)!);
    const statementFor = (rows: number) => bulkUpdateSql(this.ops, meta.dbTable, columns, meta.pk.column, rows, columnTypes);
    return connection.atomic(() => {
      let updated = 0;
      for (let start = 0; start < objects.length; start += batchSize) {
        const batch = objects.slice(start, start + batchSize);
        const params: SqlValue[] = [];
        for (const object of batch) {
          const record = object as unknown as Record<string, unknown>;
          params.push(prepareValue(meta.pk, object.pk, meta.label));
          for (const field of targets) params.push(prepareValue(field, field.preSave(record, false), meta.label));
        }
        updated += connection.run(statementFor(batch.length), params).changes;
      }
      return updated;
    });
  }

  count(): number {
    if (this.resultCache) return this.resultCache.length;
    const { sql, params } = new Compiler(this.query.clone(), this.ops).compileCount();
    const rows = this.connection('count').selectRows(sql, params);
    return Number(rows[0]![0]);
  }

  /** A Map from key to instance, for `ids` (all rows when omitted) by `fieldName` (default pk). */
  inBulk(ids?: readonly unknown[] | null, options: { fieldName?: FieldName<T> } = {}): Map<any, T> {
    const meta = this.model._meta;
    const fieldName = options.fieldName ?? 'pk';
    const field = meta.getField(fieldName);
    if (fieldName !== 'pk' && !field.unique && !meta.uniqueTogether.some((names) => names.length === 1 && names[0] === fieldName)) {
      throw new TypeError(`${this.call('inBulk')}: fieldName must be a unique field; ${meta.label}.${fieldName} is not.`);
    }
    if (this.query.isSliced) throw new TypeError(`${this.call('inBulk')} cannot be used on a sliced queryset.`);
    const result = new Map<unknown, T>();
    if (ids && !ids.length) return result;
    const batches = ids ? chunk([...ids], 900) : [null];
    for (const batch of batches) {
      const queryset = batch ? this.filter({ [`${fieldName}__in`]: batch }) : this.all();
      for (const instance of queryset.fetchAll(this.call('inBulk')) as unknown as T[]) {
        result.set((instance as unknown as Record<string, unknown>)[field.attname], instance);
      }
    }
    return result;
  }

  /** Streams rows without caching them, `chunkSize` at a time (prefetches run per chunk). */
  *iterator(options: { chunkSize?: number } = {}): Generator<R, void, undefined> {
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isInteger(chunkSize) || chunkSize <= 0) throw new TypeError(`${this.call('iterator')}: chunkSize must be a positive integer.`);
    if (this.query.empty) return;
    // A generator runs between the caller's steps, outside any scope set around this call: it keeps its alias itself.
    const alias = this.dbFor(false);
    const compiled = usingDatabase(alias, () => Compiler.select(this.query, this.ops));
    const connection = this.readConnection(this.call('iterator'), alias);
    let chunk: unknown[][] = [];
    const flush = (): R[] =>
      usingDatabase(alias, () => {
        const results = this.withFetchMode(hydrateRows(compiled.plan, chunk) as R[], compiled.plan);
        chunk = [];
        if (this.prefetchSpecs.length && compiled.plan.kind === 'models') prefetchRelatedObjects(results as unknown as Model[], this.prefetchSpecs);
        return results;
      });
    for (const row of connection.iterateRows(compiled.sql, compiled.params, compiled.safeIntegers)) {
      chunk.push(row);
      if (chunk.length >= chunkSize) yield* flush();
    }
    if (chunk.length) yield* flush();
  }

  /**
   * Django's `aiterator()`: the rows streamed from pool workers, `chunkSize` at a time (prefetches run per
   * chunk), as an async iterable (`for await (const p of Pizza.objects.aiterator())`); the same as
   * `Pizza.aobjects.aiterator()`.
   */
  aiterator(options: { chunkSize?: number } & QueryOptions = {}): AsyncIterable<R> {
    return asyncExecutor(this.call('aiterator')).iterate(this, options);
  }

  latest<N extends string = never>(...fields: Array<CheckedOrdering<T, N, A>>): T {
    return this.edge('latest', fields, true);
  }

  earliest<N extends string = never>(...fields: Array<CheckedOrdering<T, N, A>>): T {
    return this.edge('earliest', fields, false);
  }

  private edge(method: string, fields: string[], latest: boolean): T {
    const names = fields.length ? fields : [this.model._meta.getLatestBy ?? []].flat();
    if (!names.length) throw new TypeError(`${this.call(method)} needs field names (or meta.getLatestBy).`);
    if (this.query.isSliced) throw new TypeError(`${this.call(method)}: cannot change a query once a slice has been taken.`);
    const ordering = names.map((name) => (latest ? (name.startsWith('-') ? name.slice(1) : `-${name}`) : name));
    // Sliced, so get() keeps the ordering (an unsliced get() drops it) and takes the first row.
    return this.unchecked.orderBy(...ordering).slice(0, 1).get() as unknown as T;
  }

  first(): T | null {
    const ordered: QuerySet<T, R, A> = this.isOrdered() ? this : (this.unchecked.orderBy('pk') as QuerySet<T, R, A>);
    return (ordered.slice(0, 1).fetchAll(this.call('first'))[0] as unknown as T) ?? null;
  }

  last(): T | null {
    const ordered: QuerySet<T, R, A> = this.isOrdered() ? this.reverse() : (this.unchecked.orderBy('-pk') as QuerySet<T, R, A>);
    return (ordered.slice(0, 1).fetchAll(this.call('last'))[0] as unknown as T) ?? null;
  }

  /** Has explicit or default ordering. */
  isOrdered(): boolean {
    const query = this.query;
    return Boolean(query.ordering?.length || (query.ordering === null && query.meta.ordering.length) || query.hasAggregateAnnotations && query.ordering?.length);
  }

  /** `{ alias: value }` for each aggregate; with none, `{}` and no query (as Django). */
  aggregate<E extends Record<string, Expression> = {}>(aggregates?: E & CheckedAggregates<T, E, A>): AnnotationValues<T, E> {
    const entries = Object.entries(aggregates ?? {});
    if (!entries.length) return {} as AnnotationValues<T, E>;
    const query = this.query.clone();
    const { sql, params, converters } = new Compiler(query, this.ops).compileAggregate(entries);
    const row = this.connection('aggregate').selectRows(sql, params)[0] ?? [];
    return Object.fromEntries(entries.map(([alias], index) => {
      const raw = row[index] ?? null;
      const converter = converters[index];
      return [alias, raw === null || !converter ? raw : converter(raw)];
    })) as AnnotationValues<T, E>;
  }

  exists(): boolean {
    if (this.resultCache) return this.resultCache.length > 0;
    const query = this.query.clone();
    if (query.empty) return false;
    if (!query.combinator) {
      query.shape = { kind: 'values', names: ['pk'] };
      if (!query.hasAggregateAnnotations) query.annotations = new Map([...query.annotations].map(([name, annotation]) => [name, { ...annotation, selected: false }]));
      query.ordering = [];
      query.distinct = false;
    }
    const { sql, params } = new Compiler(query, this.ops).compileExists();
    return this.readConnection(this.call('exists')).selectRows(sql, params).length > 0;
  }

  contains(object: T): boolean {
    if (!(object instanceof this.model)) throw new TypeError(`${this.call('contains')} takes a ${this.label} instance; got ${describe(object)}.`);
    if (object.pk === null || object.pk === undefined) throw new TypeError(`${this.call('contains')}: the ${this.label} instance is unsaved.`);
    if (this.resultCache) return this.resultCache.some((item) => (item as unknown as Model).pk === object.pk);
    return this.filter({ pk: object.pk }).exists();
  }

  /** UPDATE every row the query matches; returns the number of rows. */
  update(values: UpdateValues<T>): number {
    const call = this.call('update');
    const query = this.query;
    if (query.isSliced) throw new TypeError(`${call}: cannot update a query once a slice has been taken.`);
    if (query.combinator) throw new NotSupportedError(`${call}: cannot update a combined query.`);
    const meta = this.model._meta;
    const entries = Object.entries(values as Lookups);
    if (!entries.length) return 0;
    if (meta.parentModel && entries.some(([name]) => meta.getField(name).model._meta.concreteModel !== meta.concreteModel)) {
      return this.updateTables(entries, call);
    }
    const assignments = entries.map(([name, value]) => {
      const field = meta.getField(name);
      if (field.manyToMany) throw new FieldError(`${call}: cannot update the many-to-many field '${name}'; use its manager.`);
      if (value === undefined) throw undefinedValueError(name, meta.label);
      if (value instanceof Expression) return [field, value.resolve(query)] as const;
      return [field, prepareValue(field, value, meta.label)] as const;
    });
    const { sql, params } = new Compiler(query.clone(), this.ops).compileUpdate(assignments as Array<[typeof assignments[number][0], Expression | SqlValue]>);
    const connection = this.connection('update');
    const changed = connection.run(sql, params).changes;
    this.resultCache = null;
    return changed;
  }

  /**
   * bulkUpdate() of a multi-table child naming fields of its parents' tables: each table's fields are updated by
   * that table's model (the keys are the same along the chain), in one transaction. Returns the rows matched.
   */
  private bulkUpdateTables(objects: ReadonlyArray<T & Model>, targets: Field[], options: { batchSize?: number }): number {
    const byTable = new Map<ModelClass, string[]>();
    for (const field of targets) {
      const table = field.model._meta.concreteModel;
      byTable.set(table, [...(byTable.get(table) ?? []), field.name]);
    }
    return this.connection('bulkUpdate').atomic(() => {
      let matched = 0;
      for (const [table, names] of byTable) matched = table.objects.bulkUpdate(objects as never, names as never, options);
      return matched;
    });
  }

  /**
   * update() of a multi-table child naming fields of its parents' tables (Django's related updates): each
   * table's columns are updated in the rows whose keys the query matches, in one transaction. Returns the
   * number of rows matched.
   */
  private updateTables(entries: Array<[string, unknown]>, call: string): number {
    const meta = this.model._meta;
    const byTable = new Map<ModelClass, Lookups>();
    for (const [name, value] of entries) {
      const field = meta.getField(name);
      if (field.manyToMany) throw new FieldError(`${call}: cannot update the many-to-many field '${name}'; use its manager.`);
      const table = field.model._meta.concreteModel;
      byTable.set(table, { ...byTable.get(table), [name]: value });
    }
    const connection = this.connection('update');
    const matched = connection.atomic(() => {
      // The keys first: an update of one table must not change which rows a condition on it matches for the next.
      const keys = this.chain('update', []).orderBy().valuesList('pk', { flat: true }).eval() as PkValue[];
      for (const [table, values] of byTable) {
        for (let i = 0; i < keys.length; i += 900) table.objects.filter({ pk__in: keys.slice(i, i + 900) }).update(values as never);
      }
      return keys.length;
    });
    this.resultCache = null;
    return matched;
  }

  /** Deletes the matching rows (and what their on-delete rules take along); returns `[total, { Model: n }]`. */
  delete(): DeleteResult {
    const call = this.call('delete');
    const query = this.query;
    if (query.isSliced) throw new TypeError(`${call}: cannot use delete() after slice().`);
    if (query.distinct || query.shape.kind !== 'models' || query.combinator) {
      throw new TypeError(`${call}: cannot call delete() after distinct(), values() or a set operation.`);
    }
    const connection = this.connection('delete');
    const result = connection.atomic(() => {
      const instances = this.chain('delete', []).fetchAllPlain(call);
      return collectAndDelete(this.model, instances, call, this, this.dbFor(true));
    });
    this.resultCache = null;
    return result;
  }

  /** Instances without prefetches or select-related joins, as the deletion collector needs them. */
  private fetchAllPlain(call: string): Array<T & Model> {
    const query = this.query.clone();
    query.selectRelated = null;
    query.annotations = new Map();
    query.ordering = [];
    const compiled = Compiler.select(query, this.ops);
    if (query.empty) return [];
    return hydrateRows(compiled.plan, getConnection(call).selectRows(compiled.sql, compiled.params, compiled.safeIntegers)) as Array<T & Model>;
  }

  /** SQLite's query plan for this query. */
  explain(): string {
    const compiled = Compiler.select(this.query, this.ops);
    const rows = this.connection('explain').selectRows(this.ops.explainSql(compiled.sql), compiled.params);
    return this.ops.formatExplain(rows);
  }

  /** The row at `index` (Django's `qs[index]`), or undefined when there is none. */
  at(index: number): R | undefined {
    if (!Number.isInteger(index)) throw new TypeError(`${this.call('at')} takes an integer index.`);
    if (index < 0) throw new TypeError(`${this.call('at')}: negative indexing is not supported (got ${index}).`);
    if (this.resultCache) return this.resultCache[index];
    return this.slice(index, index + 1).fetchAll(this.call('at'))[0];
  }

  /**
   * The SELECT this queryset runs: `{ sql, params }`, and as a string the SQL with the parameters written in
   * (the same text as `String(qs.query)`, Django's `str(qs.query)`).
   */
  toSql(): CompiledSql {
    const { sql, params } = Compiler.select(this.query, this.ops);
    return new CompiledSql(sql, params, this.ops);
  }

  /**
   * Keeps rows fetched for this queryset in a worker (`await qs.aeval()`) as its result cache, as eval() and
   * Django's async iteration do: its later counts, `exists()` and `at()` answer from them. Managers, which
   * are shared, keep none.
   */
  keepResults(results: R[]): void {
    this.resultCache = results;
  }

  /** Whether this queryset's rows are at hand (evaluated, or prefetched), so that counting them runs no query. */
  get isEvaluated(): boolean {
    return this.resultCache !== null;
  }

  /** Pre-set results (a prefetch cache), as Django's `_result_cache`. */
  withResultCache(results: R[]): this {
    const clone = shallowCopy(this);
    clone.resultCache = results;
    return clone;
  }

  /** A copy over another query of the same model (prefetching builds some queries directly). */
  withQuery(query: Query): QuerySet<T, R, A> {
    const clone: QuerySet<T, R, A> = shallowCopy(this);
    clone.queryValue = query;
    clone.resultCache = null;
    return clone;
  }

  // ------------------------------------------------------------------ Django 4.1-style async twins

  // `aeval()`, `acount()`, `agetOrCreate()`, ...: one per queryset method of the async method table
  // (async-methods.ts), installed from it; their signatures are on the QuerySet interface below the class.
  static {
    installAsyncMethods(QuerySet.prototype, asyncMethodsOn('queryset'), (method) => method.twinName, (queryset: QuerySet<any, any>, method, args) =>
      queryset.runAsync(method, args),
    );
  }

  protected runAsync(method: AsyncMethod, args: readonly unknown[]): Promise<unknown> {
    try {
      const result = asyncExecutor(this.call(method.twinName)).evaluate(this, method, args);
      return method.name === 'eval' ? result.then((rows) => (this.keepResults([...(rows as R[])]), rows)) : result;
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

/** The signatures of the twins installed above. */
export interface QuerySet<T = Model, R = T, A = {}> extends AsyncTwins<AsyncQuerySetMethods<T, R, A>> {}

/** Evaluation methods that read: each runs as one call on the database `dbFor(false)` names. */
const READ_METHODS = ['eval', 'compileSelect', 'hydrate', 'pkColumnIndex', 'get', 'count', 'inBulk', 'latest', 'earliest', 'first', 'last', 'aggregate', 'exists', 'contains', 'explain', 'at', 'toSql'] as const;
/** ... and those that write, on `dbFor(true)`. */
const WRITE_METHODS = ['create', 'getOrCreate', 'updateOrCreate', 'bulkCreate', 'bulkUpdate', 'update', 'delete'] as const;

/**
 * Makes each method of `names` one routed call: it picks its database once (see `dbFor`) and runs inside
 * usingDatabase(), so the queries it makes on the way (a get() inside getOrCreate(), prefetches, the
 * deletion collector's) and the instances it loads belong to that database.
 */
export function routeMethods(prototype: object, names: readonly string[], write: boolean): void {
  const methods = prototype as Record<string, (...args: unknown[]) => unknown>;
  for (const name of names) {
    const original = methods[name];
    if (typeof original !== 'function') throw new TypeError(`routeMethods(): ${prototype.constructor.name} has no method '${name}'.`);
    methods[name] = function routed(this: QuerySet<any, any>, ...args: unknown[]) {
      const alias = this.dbFor(write);
      return usingDatabase(alias, () => original.apply(this, args));
    };
  }
}

routeMethods(QuerySet.prototype, READ_METHODS, false);
routeMethods(QuerySet.prototype, WRITE_METHODS, true);

function checkAlias(alias: unknown, call: string): void {
  if (typeof alias !== 'string' || !databaseAliases().includes(alias)) throw unknownDatabase(alias, call);
}

/** valuesList names, each checked: a tuple of paths. */
type CheckedNames<T, N extends readonly string[], A> = { [I in keyof N]: CheckedPath<T, N[I], A> };

/** `valuesList(..., { named: true })` rows: objects keyed by name. */
type NamedRow<T, N extends readonly string[], A> = ValuesRow<T, N[number], A>;


/** Values that are objects yet compare as plain values: instances (by key), dates and buffers. */
/** The options of selectForUpdate(); `of` names 'self' and selectRelated paths. */
export interface SelectForUpdateOptions<Of extends string = string> {
  /** Fail at once (OperationalError) instead of waiting for a row locked elsewhere. */
  nowait?: boolean;
  /** Leave out the rows locked elsewhere instead of waiting for them. */
  skipLocked?: boolean;
  /** Lock only these tables of the join: 'self' and relation paths followed with selectRelated(). */
  of?: readonly Of[];
  /** The weaker `FOR NO KEY UPDATE`, which lets other transactions insert rows referring to the locked ones. */
  noKey?: boolean;
}

const SELECT_FOR_UPDATE_OPTIONS: readonly string[] = ['nowait', 'skipLocked', 'of', 'noKey'];

/**
 * A locking read needs row locks (and each option used) from the backend, and a transaction for the locks to
 * last in (Django raises the same TransactionManagementError): outside one they would end with the statement.
 */
function checkRowLock(backend: DatabaseBackend, inTransaction: boolean, lock: RowLock, call: string): void {
  const { features, displayName } = backend;
  if (!features.hasSelectForUpdate) {
    const serialised = features.maxWriters === 1 ? ' Writes are already serialised (one writer); wrap the read and the write in atomic() to make them one transaction.' : '';
    throw new NotSupportedError(`${call}: ${displayName} has no row locks.${serialised}`);
  }
  const unsupported = [
    lock.nowait && !features.hasSelectForUpdateNowait && 'nowait',
    lock.skipLocked && !features.hasSelectForUpdateSkipLocked && 'skipLocked',
    lock.of.length && !features.hasSelectForUpdateOf && 'of',
    lock.noKey && !features.hasSelectForNoKeyUpdate && 'noKey',
  ].filter(Boolean);
  if (unsupported.length) throw new NotSupportedError(`${call}: ${displayName} does not support the option(s) ${unsupported.join(', ')}.`);
  if (!inTransaction) {
    throw new TransactionManagementError(`${call}: selectForUpdate cannot be used outside of a transaction; run the query inside atomic() (aatomic() for aobjects).`);
  }
}

function isPlainValueObject(value: object): boolean {
  return value instanceof Date || Buffer.isBuffer(value) || ('_state' in value && typeof (value.constructor as ModelClass)._meta === 'object');
}

/** Lookup keys without `__` become constructor values in getOrCreate (as Django). */
function creationValues(lookups: Lookups): Lookups {
  return Object.fromEntries(Object.entries(lookups).filter(([key]) => !key.includes('__')).map(([key, value]) => [key === 'pk' ? 'pk' : key, value]));
}

function resolveDefaults(defaults: Lookups | undefined): Lookups {
  return Object.fromEntries(Object.entries(defaults ?? {}).map(([key, value]) => [key, typeof value === 'function' ? (value as () => unknown)() : value]));
}

function chunk<V>(items: V[], size: number): V[][] {
  const chunks: V[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return `${(value as object).constructor?.name ?? 'object'}`;
  return typeof value;
}

