import type { Model } from '../models/base';
import type { QueryOptions } from '../models/async-bridge';
import {
  ASYNC_METHODS,
  asyncMethodsOn,
  installAsyncMethods,
  type AsyncManagerMethods,
  type AsyncQuerySetMethods,
  type AsyncRelatedManagerMethods,
} from '../models/async-methods';
import type { Expression, OrderBy } from '../sql/expressions';
import type { PrefetchSpec } from '../models/prefetch';
import type { Query } from '../sql/query';
import { QuerySet, type CreateValues, type FilterArg, type FilterArgs, type SelectForUpdateOptions, type ValuesListOptions } from '../models/queryset';
import type { AddOptions, RelatedManager } from '../models/related-managers';
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
import { evaluate, fetchRows } from './executor';
import { splitQueryOptions } from './methods';

/** valuesList names, each checked. */
type CheckedNames<T, N extends readonly string[], A> = { [I in keyof N]: CheckedPath<T, N[I], A> };

const DEFAULT_CHUNK_SIZE = 2000;

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
  distinct(...fields: string[]): AsyncQuerySet<T, R, A> {
    return this.wrap(this.sync.distinct(...fields));
  }
  values(): AsyncQuerySet<T, AllValuesRow<T, A>, A>;
  values<N extends string>(...names: Array<CheckedPath<T, N, A>>): AsyncQuerySet<T, ValuesRow<T, N, A>, A>;
  values(...names: string[]): AsyncQuerySet<T, unknown, A> {
    return this.wrap(this.unchecked.values(...names));
  }
  dates(field: FieldName<T>, kind: 'year' | 'month' | 'week' | 'day', order: 'ASC' | 'DESC' = 'ASC'): AsyncQuerySet<T, string, A> {
    return this.wrap(this.sync.dates(field, kind, order));
  }
  datetimes(field: FieldName<T>, kind: 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second', order: 'ASC' | 'DESC' = 'ASC'): AsyncQuerySet<T, Date, A> {
    return this.wrap(this.sync.datetimes(field, kind, order));
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
   * Streams the rows in chunks of `chunkSize`. The next chunk is requested while this one is consumed
   * (one chunk of read-ahead, no more: backpressure), and each row becomes an instance only when it is
   * yielded, so memory stays flat however many rows there are. Unordered querysets page by primary key;
   * ordered ones by offset.
   */
  iterator(options: { chunkSize?: number } & QueryOptions = {}): AsyncIterable<R> {
    const [, queryOptions] = splitQueryOptions([options], 0);
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isInteger(chunkSize) || chunkSize <= 0) throw new TypeError('iterator(): chunkSize must be a positive integer.');
    const base = this.sync;
    if (base.hasPrefetches) return this.iterateInstances(chunkSize, queryOptions);
    const query = base.query;
    const pkIndex = base.pkColumnIndex();
    const byKey = pkIndex !== null && !base.isOrdered() && !query.isSliced && !query.combinator;
    const keyed: QuerySet<T, R, A> = byKey ? (this.unchecked.orderBy('pk') as QuerySet<T, R, A>) : base;
    const page = (after: unknown, offset: number) => {
      if (!byKey) return fetchRows(keyed.slice(offset, offset + chunkSize), queryOptions);
      return fetchRows((after === undefined ? keyed : (keyed as QuerySet<any, R, A>).filter({ pk__gt: after as number | string })).slice(0, chunkSize), queryOptions);
    };
    const hydrate = keyed.rowHydrator();
    return {
      [Symbol.asyncIterator]: async function* () {
        let pending: Promise<unknown[]> | null = page(undefined, 0);
        let offset = 0;
        try {
          while (pending) {
            const flat: unknown[] = await pending;
            const width = flat[0] as number;
            const count = width ? (flat.length - 1) / width : 0;
            offset += count;
            const last = 1 + (count - 1) * width;
            pending = count < chunkSize ? null : page(byKey ? flat[last + pkIndex!] : undefined, offset);
            for (let row = 1; row < flat.length; row += width) yield hydrate(flat, row) as R;
          }
        } finally {
          pending?.catch(() => undefined);
        }
      },
    };
  }

  /** Chunks that need prefetching run it in the worker, so they arrive as instances. */
  private iterateInstances(chunkSize: number, options: QueryOptions): AsyncIterable<R> {
    const base = this.sync;
    return {
      [Symbol.asyncIterator]: async function* () {
        for (let offset = 0; ; offset += chunkSize) {
          const rows = (await evaluate(base.slice(offset, offset + chunkSize), ASYNC_METHODS.eval, [options])) as R[];
          yield* rows;
          if (rows.length < chunkSize) return;
        }
      },
    };
  }

  [Symbol.asyncIterator](): AsyncIterator<R> {
    return this.iterator()[Symbol.asyncIterator]();
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
