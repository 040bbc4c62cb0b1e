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
import { chainingOnly } from '../db/connections';
import { customMethodNames } from '../models/custom-methods';

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
export class AsyncQuerySet<T = Model, R = T, A = {}, C = {}> implements PromiseLike<R[]>, AsyncIterable<R> {
  constructor(readonly sync: QuerySet<T, R, A>) {}

  /** The query AST, so an async queryset can be the value of an `__in` lookup or a Subquery. */
  get query(): Query {
    return this.sync.query;
  }

  get model() {
    return this.sync.model;
  }

  protected wrap<R2, A2 = A>(queryset: QuerySet<T, R2, A2>): AsyncChain<T, R2, A2, C> {
    return new (asyncClassFor(queryset, AsyncQuerySet))(queryset) as unknown as AsyncChain<T, R2, A2, C>;
  }

  /** The sync twin without compile-time key checks: the signatures here check, then forward. */
  private get unchecked(): QuerySet<any, any, any> {
    return this.sync;
  }

  // ------------------------------------------------------------------ chaining (synchronous)

  all(): AsyncChain<T, R, A, C> {
    return this.wrap(this.sync.all());
  }
  filter<const Args extends readonly unknown[]>(...args: FilterArgs<T, Args, A>): AsyncChain<T, R, A, C> {
    return this.wrap(this.unchecked.filter(...(args as unknown as FilterArg[]).map(unwrapLookups)));
  }
  exclude<const Args extends readonly unknown[]>(...args: FilterArgs<T, Args, A>): AsyncChain<T, R, A, C> {
    return this.wrap(this.unchecked.exclude(...(args as unknown as FilterArg[]).map(unwrapLookups)));
  }
  orderBy<N extends string = never>(...fields: Array<CheckedOrdering<T, N, A> | OrderBy | Expression>): AsyncChain<T, R, A, C> {
    return this.wrap(this.unchecked.orderBy(...fields));
  }
  reverse(): AsyncChain<T, R, A, C> {
    return this.wrap(this.sync.reverse());
  }
  distinct<N extends string = never>(...fields: Array<CheckedPath<T, N, A>>): AsyncChain<T, R, A, C> {
    return this.wrap(this.unchecked.distinct(...(fields as string[])));
  }
  values(): AsyncChain<T, AllValuesRow<T, A>, A, C>;
  values<N extends string>(...names: Array<CheckedPath<T, N, A>>): AsyncChain<T, ValuesRow<T, N, A>, A, C>;
  values(...names: string[]): AsyncQuerySet<T, unknown, A, C> {
    return this.wrap(this.unchecked.values(...names));
  }
  dates(field: FieldName<T>, kind: 'year' | 'month' | 'week' | 'day', order: 'ASC' | 'DESC' = 'ASC'): AsyncChain<T, string, A, C> {
    return this.wrap(this.sync.dates(field, kind, order));
  }
  datetimes(
    field: FieldName<T>,
    kind: 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second',
    order: 'ASC' | 'DESC' | DatetimesOptions = 'ASC',
    options: DatetimesOptions = {},
  ): AsyncChain<T, Date, A, C> {
    return this.wrap(this.sync.datetimes(field, kind, order, options));
  }
  valuesList<const N extends readonly string[]>(...names: CheckedNames<T, N, A>): AsyncChain<T, ValuesTuple<T, N, A>, A, C>;
  valuesList<N extends string = 'pk'>(...args: [...name: [CheckedPath<T, N, A>] | [], options: { flat: true }]): AsyncChain<T, ValuesTuple<T, [N], A>[0], A, C>;
  valuesList<const N extends readonly string[]>(...args: [...names: CheckedNames<T, N, A>, options: { named: true }]): AsyncChain<T, ValuesRow<T, N[number], A>, A, C>;
  valuesList<const N extends readonly string[]>(...args: [...names: CheckedNames<T, N, A>, options: ValuesListOptions]): AsyncChain<T, unknown, A, C>;
  valuesList(...args: Array<string | ValuesListOptions>): AsyncQuerySet<T, unknown, A, C> {
    return this.wrap((this.sync.valuesList as (...a: unknown[]) => QuerySet<T, unknown, A>)(...args));
  }
  annotate<E extends Record<string, unknown>>(annotations: E & CheckedAggregates<T, E, A>): AsyncChain<T, R & AnnotationValues<T, E>, A & AnnotationValues<T, E>, C> {
    return this.wrap(this.sync.annotate<E>(annotations));
  }
  alias<E extends Record<string, unknown>>(annotations: E & CheckedAggregates<T, E, A>): AsyncChain<T, R, A & AnnotationValues<T, E>, C> {
    return this.wrap(this.sync.alias<E>(annotations));
  }
  selectRelated<N extends string = never>(...paths: Array<CheckedRelationPath<T, N>>): AsyncChain<T, R, A, C> {
    return this.wrap(this.unchecked.selectRelated(...paths));
  }
  prefetchRelated<N extends string = never>(...lookups: Array<CheckedRelationPath<T, N, true> | PrefetchSpec | null>): AsyncChain<T, R, A, C> {
    return this.wrap(this.unchecked.prefetchRelated(...lookups));
  }
  fetchMode(mode: FetchMode): AsyncChain<T, R, A, C> {
    return this.wrap(this.sync.fetchMode(mode));
  }
  defer(...fields: Array<FieldName<T>>): AsyncChain<T, R, A, C> {
    return this.wrap(this.sync.defer(...fields));
  }
  only(...fields: Array<FieldName<T>>): AsyncChain<T, R, A, C> {
    return this.wrap(this.sync.only(...fields));
  }
  using(alias: string): AsyncChain<T, R, A, C> {
    return this.wrap(this.sync.using(alias));
  }
  none(): AsyncChain<T, R, A, C> {
    return this.wrap(this.sync.none());
  }
  union(...args: Array<QuerySet<any, any, any> | AsyncQuerySet<any, any, any> | { all?: boolean }>): AsyncChain<T, R, A, C> {
    return this.wrap(this.sync.union(...args.map(unwrap)));
  }
  intersection(...others: Array<QuerySet<any, any, any> | AsyncQuerySet<any, any, any>>): AsyncChain<T, R, A, C> {
    return this.wrap(this.sync.intersection(...others.map(unwrap)));
  }
  difference(...others: Array<QuerySet<any, any, any> | AsyncQuerySet<any, any, any>>): AsyncChain<T, R, A, C> {
    return this.wrap(this.sync.difference(...others.map(unwrap)));
  }
  slice(start: number, end?: number): AsyncChain<T, R, A, C> {
    return this.wrap(this.sync.slice(start, end));
  }
  and(other: QuerySet<T, any, any> | AsyncQuerySet<T, any, any>): AsyncChain<T, R, A, C> {
    return this.wrap(this.sync.and(unwrap(other)));
  }
  or(other: QuerySet<T, any, any> | AsyncQuerySet<T, any, any>): AsyncChain<T, R, A, C> {
    return this.wrap(this.sync.or(unwrap(other)));
  }
  /** Locks the rows it reads until the transaction ends: inside aatomic(), which runs it on the pinned writer. */
  selectForUpdate<N extends string = never>(options: SelectForUpdateOptions<'self' | CheckedRelationPath<T, N>> = {}): AsyncChain<T, R, A, C> {
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

/**
 * A custom method of the queryset's class (`Pizza.aobjects.vegetarian()`): run on the sync queryset with
 * queries refused, it either chains (returns a queryset, recorded by name and replayed in the worker) or
 * is an async method the user wrote (returns a promise); anything else is an error naming it.
 */
function chainCustom(queryset: AsyncQuerySet<any, any, any>, name: string, args: readonly unknown[]): unknown {
  const sync = queryset.sync;
  const call = sync.call(name);
  const method = (sync as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!;
  const result = chainingOnly(call, () => method.apply(sync, args as unknown[]));
  if (result instanceof QuerySet) return (queryset as unknown as { wrap(q: QuerySet<any, any, any>): unknown }).wrap(result);
  if (result instanceof Promise) return result;
  throw new TypeError(
    `${call} returned ${result === null ? 'null' : typeof result}, not a queryset: on an async queryset a custom method must chain ` +
      '(return a queryset) or be async (return a promise, e.g. from this.vegetarian().acount()).',
  );
}

/** `__in` values and Subquery sources given as async querysets become their sync twins. */
function unwrapLookups(arg: FilterArg): FilterArg {
  if (arg === null || typeof arg !== 'object' || Object.getPrototypeOf(arg) !== Object.prototype) return arg;
  if (!Object.values(arg).some((value) => value instanceof AsyncQuerySet)) return arg;
  return Object.fromEntries(Object.entries(arg).map(([key, value]) => [key, unwrap(value)]));
}

/** The signatures of the evaluation methods installed above. */
export interface AsyncQuerySet<T = Model, R = T, A = {}, C = {}> extends AsyncQuerySetMethods<T, R, A> {}

/**
 * The custom methods of `C` (a user's QuerySet or Manager subclass) on an async queryset: those that chain
 * (return a queryset) return an async queryset that keeps them; async ones (returning a promise) stay as
 * they are; others do not exist there.
 */
export type AsyncCustomMethods<C> = {
  [K in Exclude<keyof C, keyof Manager<any> | `_${string}`> as C[K] extends (...args: any[]) => QuerySet<any, any, any> | PromiseLike<unknown> ? K : never]: C[K] extends (
    ...args: infer P
  ) => infer Out
    ? (...args: P) => Out extends QuerySet<infer T2, infer R2, infer A2> ? AsyncChain<T2, R2, A2, C> : Out
    : never;
};

/** What a chaining call on an async queryset returns: the next async queryset, with the custom methods of `C`. */
export type AsyncChain<T, R, A, C> = AsyncQuerySet<T, R, A, C> & AsyncCustomMethods<C>;

/** `Model.aobjects`: also `raw()`, instances from hand-written SQL (`?` placeholders), run in a worker. */
export class AsyncManager<T = Model, C = {}> extends AsyncQuerySet<T, T, {}, C> {
  /**
   * This manager on the database `alias` (Django's `db_manager()`), as `Model.objects.dbManager(alias)`; it keeps
   * the custom methods of `C` in its type, as it does at run time.
   */
  dbManager(alias: string, hints: Record<string, unknown> = {}): AsyncManagerWith<T, C> {
    const manager = (this.sync as unknown as Manager<T>).dbManager(alias, hints) as unknown as QuerySet<T, T>;
    return new (asyncClassFor(manager, AsyncManager))(manager) as AsyncManagerWith<T, C>;
  }

  static {
    installAsyncMethods(AsyncManager.prototype, asyncMethodsOn('manager', 'queryset'), (method) => method.name, (manager: AsyncManager, method, args) =>
      evaluate(manager.sync, method, args),
    );
  }
}

export interface AsyncManager<T = Model, C = {}> extends AsyncManagerMethods<T> {}

/** An async manager typed with the custom methods of `C`, or a plain one when `C` has none. */
type AsyncManagerWith<T, C> = keyof AsyncCustomMethods<C> extends never ? AsyncManager<T, C> : AsyncManager<T, C> & AsyncCustomMethods<C>;

/** The async manager of a sync manager `M` (`Pizza.aobjects` for `Pizza.objects`), with M's custom methods. */
export type AsyncManagerOf<M> = M extends Manager<infer T> ? AsyncManager<T, M> & AsyncCustomMethods<M> : never;

/** `Model.aobjects` for the model's manager `manager` (of its own class, when it has custom methods). */
export function asyncManagerFor<T>(manager: QuerySet<T, T>): AsyncManager<T> {
  return new (asyncClassFor(manager, AsyncManager))(manager) as AsyncManager<T>;
}

const asyncClasses = new WeakMap<object, Map<Function, new (sync: QuerySet<any, any, any>) => AsyncQuerySet<any, any, any>>>();

/**
 * The async class for querysets like `sync`: `base` itself, or for a user's QuerySet or Manager class a
 * subclass of it with that class's custom methods (one per class, made once).
 */
function asyncClassFor<B extends typeof AsyncQuerySet<any, any, any, any>>(sync: QuerySet<any, any, any>, base: B): B {
  const names = customMethodNames(sync);
  if (!names.size) return base;
  const prototype = Object.getPrototypeOf(sync) as object;
  let byBase = asyncClasses.get(prototype);
  if (!byBase) asyncClasses.set(prototype, (byBase = new Map()));
  let cls = byBase.get(base);
  if (!cls) {
    cls = class extends (base as typeof AsyncQuerySet) {};
    for (const name of names) {
      if (name in base.prototype) continue;
      const forward = function (this: AsyncQuerySet<any, any, any>, ...args: unknown[]): unknown {
        return chainCustom(this, name, args);
      };
      Object.defineProperty(forward, 'name', { value: name });
      Object.defineProperty(cls.prototype, name, { value: forward, configurable: true, writable: true });
    }
    byBase.set(base, cls);
  }
  return cls as unknown as B;
}

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

/** `pizza.a.toppings` for `pizza.toppings`, with the custom methods of Topping's queryset class. */
export function asyncRelatedManagerFor<T extends Model, K>(manager: RelatedManager<T, any, K>): AsyncRelatedManager<T, K> {
  return new (asyncClassFor(manager, AsyncRelatedManager as unknown as typeof AsyncQuerySet))(manager) as unknown as AsyncRelatedManager<T, K>;
}
