import type { Model } from '../models/base';
import type { QueryOptions } from '../models/async-bridge';
import {
  asyncMethodsOn,
  installAsyncMethods,
  type AsyncManagerMethods,
  type AsyncQuerySetMethods,
  type AsyncRelatedManagerMethods,
} from '../models/async-methods';
import type { Expression, OrderBy } from '../sql/expressions';
import type { PrefetchSpec } from '../models/prefetch';
import type { Query } from '../sql/query';
import { QuerySet, type CreateValues, type DatetimesOptions, type FilterArg, type FilterArgs, type SelectForUpdateOptions, type ValuesListOptions } from '../models/queryset';
import type { AddOptions, RelatedManager } from '../models/related-managers';
import type { Manager } from '../models/manager';
import type {
  AllValuesRow,
  AnnotationValues,
  CheckedAggregates,
  CheckedOrdering,
  CheckedPath,
  CheckedRelationPath,
  FieldName,
  ValuesRow,
  ValuesTuple,
} from '../models/typed';
import { evaluate, iterate } from './executor';
import type { FetchMode } from '../models/fetch-modes';

/** valuesList names, each checked. */
type CheckedNames<T, N extends readonly string[], A> = { [I in keyof N]: CheckedPath<T, N[I], A> };

type Sendable<V> = V extends AsyncQuerySet<infer T, infer R, infer A> ? QuerySet<T, R, A> : V;

/** Querysets given to chaining calls (union, `__in`) may be async ones; the sync core gets their sync twin. */
function unwrap<V>(value: V): Sendable<V> {
  return (value instanceof AsyncQuerySet ? value.sync : value) as Sendable<V>;
}

/**
 * The async twin of QuerySet (`Model.aobjects`). Chaining is synchronous and builds the same sync queryset
 * on this thread (so mistakes fail at once); evaluation sends the recorded chain to a pool worker.
 * A queryset is thenable (`await qs` is `await qs.eval()`) and async-iterable (streamed in chunks).
 */
export class AsyncQuerySet<T = Model, R = T, A = {}> implements PromiseLike<R[]>, AsyncIterable<R> {
  constructor(readonly sync: QuerySet<T, R, A>) {}

  /** The query AST, so an async queryset can be the value of an `__in` lookup or a Subquery. */
  get query(): Query {
    return this.sync.query;
  }

  get model() {
    return this.sync.model;
  }

  protected wrap<R2, A2 = A>(queryset: QuerySet<T, R2, A2>): AsyncQuerySet<T, R2, A2> {
    return new AsyncQuerySet(queryset);
  }

  /** The sync twin without compile-time key checks: the signatures here check, then forward. */
  private get unchecked(): QuerySet<any, any, any> {
    return this.sync;
  }

  // ------------------------------------------------------------------ chaining (synchronous)

  all(): AsyncQuerySet<T, R, A> {
    return this.wrap(this.sync.all());
  }
  filter<const Args extends readonly unknown[]>(...args: FilterArgs<T, Args, A>): AsyncQuerySet<T, R, A> {
    return this.wrap(this.unchecked.filter(...(args as unknown as FilterArg[]).map(unwrapLookups)));
  }
  exclude<const Args extends readonly unknown[]>(...args: FilterArgs<T, Args, A>): AsyncQuerySet<T, R, A> {
    return this.wrap(this.unchecked.exclude(...(args as unknown as FilterArg[]).map(unwrapLookups)));
  }
  orderBy<N extends string = never>(...fields: Array<CheckedOrdering<T, N, A> | OrderBy | Expression>): AsyncQuerySet<T, R, A> {
    return this.wrap(this.unchecked.orderBy(...fields));
  }
  reverse(): AsyncQuerySet<T, R, A> {
    return this.wrap(this.sync.reverse());
  }
  distinct<N extends string = never>(...fields: Array<CheckedPath<T, N, A>>): AsyncQuerySet<T, R, A> {
    return this.wrap(this.unchecked.distinct(...(fields as string[])));
  }
  values(): AsyncQuerySet<T, AllValuesRow<T, A>, A>;
  values<N extends string>(...names: Array<CheckedPath<T, N, A>>): AsyncQuerySet<T, ValuesRow<T, N, A>, A>;
  values(...names: string[]): AsyncQuerySet<T, unknown, A> {
    return this.wrap(this.unchecked.values(...names));
  }
  dates(field: FieldName<T>, kind: 'year' | 'month' | 'week' | 'day', order: 'ASC' | 'DESC' = 'ASC'): AsyncQuerySet<T, string, A> {
    return this.wrap(this.sync.dates(field, kind, order));
  }
  datetimes(
    field: FieldName<T>,
    kind: 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second',
    order: 'ASC' | 'DESC' | DatetimesOptions = 'ASC',
    options: DatetimesOptions = {},
  ): AsyncQuerySet<T, Date, A> {
    return this.wrap(this.sync.datetimes(field, kind, order, options));
  }
  valuesList<const N extends readonly string[]>(...names: CheckedNames<T, N, A>): AsyncQuerySet<T, ValuesTuple<T, N, A>, A>;
  valuesList<N extends string = 'pk'>(...args: [...name: [CheckedPath<T, N, A>] | [], options: { flat: true }]): AsyncQuerySet<T, ValuesTuple<T, [N], A>[0], A>;
  valuesList<const N extends readonly string[]>(...args: [...names: CheckedNames<T, N, A>, options: { named: true }]): AsyncQuerySet<T, ValuesRow<T, N[number], A>, A>;
  valuesList<const N extends readonly string[]>(...args: [...names: CheckedNames<T, N, A>, options: ValuesListOptions]): AsyncQuerySet<T, unknown, A>;
  valuesList(...args: Array<string | ValuesListOptions>): AsyncQuerySet<T, unknown, A> {
    return this.wrap((this.sync.valuesList as (...a: unknown[]) => QuerySet<T, unknown, A>)(...args));
  }
  annotate<E extends Record<string, unknown>>(annotations: E & CheckedAggregates<T, E, A>): AsyncQuerySet<T, R & AnnotationValues<T, E>, A & AnnotationValues<T, E>> {
    return this.wrap(this.sync.annotate<E>(annotations));
  }
  alias<E extends Record<string, unknown>>(annotations: E & CheckedAggregates<T, E, A>): AsyncQuerySet<T, R, A & AnnotationValues<T, E>> {
    return this.wrap(this.sync.alias<E>(annotations));
  }
  selectRelated<N extends string = never>(...paths: Array<CheckedRelationPath<T, N>>): AsyncQuerySet<T, R, A> {
    return this.wrap(this.unchecked.selectRelated(...paths));
  }
  prefetchRelated<N extends string = never>(...lookups: Array<CheckedRelationPath<T, N, true> | PrefetchSpec | null>): AsyncQuerySet<T, R, A> {
    return this.wrap(this.unchecked.prefetchRelated(...lookups));
  }
  fetchMode(mode: FetchMode): AsyncQuerySet<T, R, A> {
    return this.wrap(this.sync.fetchMode(mode));
  }
  defer(...fields: Array<FieldName<T>>): AsyncQuerySet<T, R, A> {
    return this.wrap(this.sync.defer(...fields));
  }
  only(...fields: Array<FieldName<T>>): AsyncQuerySet<T, R, A> {
    return this.wrap(this.sync.only(...fields));
  }
  using(alias: string): AsyncQuerySet<T, R, A> {
    return this.wrap(this.sync.using(alias));
  }
  none(): AsyncQuerySet<T, R, A> {
    return this.wrap(this.sync.none());
  }
  union(...args: Array<QuerySet<any, any, any> | AsyncQuerySet<any, any, any> | { all?: boolean }>): AsyncQuerySet<T, R, A> {
    return this.wrap(this.sync.union(...args.map(unwrap)));
  }
  intersection(...others: Array<QuerySet<any, any, any> | AsyncQuerySet<any, any, any>>): AsyncQuerySet<T, R, A> {
    return this.wrap(this.sync.intersection(...others.map(unwrap)));
  }
  difference(...others: Array<QuerySet<any, any, any> | AsyncQuerySet<any, any, any>>): AsyncQuerySet<T, R, A> {
    return this.wrap(this.sync.difference(...others.map(unwrap)));
  }
  slice(start: number, end?: number): AsyncQuerySet<T, R, A> {
    return this.wrap(this.sync.slice(start, end));
  }
  and(other: QuerySet<T, any, any> | AsyncQuerySet<T, any, any>): AsyncQuerySet<T, R, A> {
    return this.wrap(this.sync.and(unwrap(other)));
  }
  or(other: QuerySet<T, any, any> | AsyncQuerySet<T, any, any>): AsyncQuerySet<T, R, A> {
    return this.wrap(this.sync.or(unwrap(other)));
  }
  /** Locks the rows it reads until the transaction ends: inside aatomic(), which runs it on the pinned writer. */
  selectForUpdate<N extends string = never>(options: SelectForUpdateOptions<'self' | CheckedRelationPath<T, N>> = {}): AsyncQuerySet<T, R, A> {
    return this.wrap(this.unchecked.selectForUpdate(options));
  }

  // ------------------------------------------------------------------ evaluation (in a worker)

  // `eval()`, `get()`, `count()`, ...: one per queryset method of the async method table
  // (src/models/async-methods.ts), installed from it; their signatures are on the interface below the class.
  static {
    installAsyncMethods(AsyncQuerySet.prototype, asyncMethodsOn('queryset'), (method) => method.name, (queryset: AsyncQuerySet<any, any, any>, method, args) =>
      evaluate(queryset.sync, method, args),
    );
  }

  then<A = R[], B = never>(onfulfilled?: ((value: R[]) => A | PromiseLike<A>) | null, onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.eval().then(onfulfilled, onrejected);
  }

  /**
   * Streams the rows in chunks of `chunkSize` (Django's `aiterator()`; default 2000): see `iterate()` in
   * executor.ts. `for await (const p of qs)` is the same with the default chunk size.
   */
  aiterator(options: { chunkSize?: number } & QueryOptions = {}): AsyncIterable<R> {
    return iterate(this.sync, options);
  }

  /** The same as aiterator(), by the name of the sync API's `iterator()`. */
  iterator(options: { chunkSize?: number } & QueryOptions = {}): AsyncIterable<R> {
    return iterate(this.sync, options);
  }

  [Symbol.asyncIterator](): AsyncIterator<R> {
    return iterate(this.sync, {})[Symbol.asyncIterator]();
  }
}

/** `__in` values and Subquery sources given as async querysets become their sync twins. */
function unwrapLookups(arg: FilterArg): FilterArg {
  if (arg === null || typeof arg !== 'object' || Object.getPrototypeOf(arg) !== Object.prototype) return arg;
  if (!Object.values(arg).some((value) => value instanceof AsyncQuerySet)) return arg;
  return Object.fromEntries(Object.entries(arg).map(([key, value]) => [key, unwrap(value)]));
}

/** The signatures of the evaluation methods installed above. */
export interface AsyncQuerySet<T = Model, R = T, A = {}> extends AsyncQuerySetMethods<T, R, A> {}

/** `Model.aobjects`: also `raw()`, instances from hand-written SQL (`?` placeholders), run in a worker. */
export class AsyncManager<T = Model> extends AsyncQuerySet<T, T> {
  /** This manager on the database `alias` (Django's `db_manager()`), as `Model.objects.dbManager(alias)`. */
  dbManager(alias: string, hints: Record<string, unknown> = {}): AsyncManager<T> {
    return new AsyncManager<T>((this.sync as unknown as Manager<T>).dbManager(alias, hints) as unknown as QuerySet<T, T>);
  }

  static {
    installAsyncMethods(AsyncManager.prototype, asyncMethodsOn('manager', 'queryset'), (method) => method.name, (manager: AsyncManager, method, args) =>
      evaluate(manager.sync, method, args),
    );
  }
}

export interface AsyncManager<T = Model> extends AsyncManagerMethods<T> {}

/**
 * `box.a.pizzaSet`, `pizza.a.toppings`: an async queryset over the related rows plus the relation's writes,
 * which accept instances of the related model (and, for many-to-many relations, primary keys: `K`).
 */
export class AsyncRelatedManager<T extends Model = Model, K = never> extends AsyncQuerySet<T, T> {
  constructor(readonly manager: RelatedManager<T, any, K>) {
    super(manager);
  }

  static {
    installAsyncMethods(AsyncRelatedManager.prototype, asyncMethodsOn('related', 'queryset'), (method) => method.name, (manager: AsyncRelatedManager, method, args) =>
      evaluate(manager.sync, method, args),
    );
  }

  /** The queryset's create(), typed with the relation's options (`throughDefaults`). */
  override create(...args: [values?: CreateValues<T>, options?: AddOptions & QueryOptions]): Promise<T> {
    return super.create(...args);
  }
}

export interface AsyncRelatedManager<T extends Model = Model, K = never> extends AsyncRelatedManagerMethods<T, K> {}
