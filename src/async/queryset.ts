import type { Model } from '../models/base';
import type { DeleteResult } from '../models/deletion';
import type { QueryOptions } from '../query/async-bridge';
import type { Expression, OrderBy } from '../query/expressions';
import type { PrefetchSpec } from '../query/prefetch';
import type { Query } from '../query/query';
import { QuerySet, type CreateValues, type FilterArg, type Lookups, type ValuesListOptions } from '../query/queryset';
import type { AddOptions, RelatedManager } from '../query/related-managers';
import { evaluate, fetchRows, splitQueryOptions } from './executor';

const DEFAULT_CHUNK_SIZE = 2000;

type Sendable<V> = V extends AsyncQuerySet<infer T, infer R> ? QuerySet<T, R> : V;

/** Querysets given to chaining calls (union, `__in`) may be async ones; the sync core gets their sync twin. */
function unwrap<V>(value: V): Sendable<V> {
  return (value instanceof AsyncQuerySet ? value.sync : value) as Sendable<V>;
}

/**
 * The async twin of QuerySet (`Model.aobjects`). Chaining is synchronous and builds the same sync queryset
 * on this thread (so mistakes fail at once); evaluation sends the recorded chain to a pool worker.
 * A queryset is thenable (`await qs` is `await qs.eval()`) and async-iterable (streamed in chunks).
 */
export class AsyncQuerySet<T extends Model = Model, R = T> implements PromiseLike<R[]>, AsyncIterable<R> {
  constructor(readonly sync: QuerySet<T, R>) {}

  /** The query AST, so an async queryset can be the value of an `__in` lookup or a Subquery. */
  get query(): Query {
    return this.sync.query;
  }

  get model() {
    return this.sync.model;
  }

  protected wrap<R2>(queryset: QuerySet<T, R2>): AsyncQuerySet<T, R2> {
    return new AsyncQuerySet(queryset);
  }

  // ------------------------------------------------------------------ chaining (synchronous)

  all(): AsyncQuerySet<T, R> {
    return this.wrap(this.sync.all());
  }
  filter(...args: FilterArg[]): AsyncQuerySet<T, R> {
    return this.wrap(this.sync.filter(...args.map(unwrapLookups)));
  }
  exclude(...args: FilterArg[]): AsyncQuerySet<T, R> {
    return this.wrap(this.sync.exclude(...args.map(unwrapLookups)));
  }
  orderBy(...fields: Array<string | OrderBy | Expression>): AsyncQuerySet<T, R> {
    return this.wrap(this.sync.orderBy(...fields));
  }
  reverse(): AsyncQuerySet<T, R> {
    return this.wrap(this.sync.reverse());
  }
  distinct(...fields: string[]): AsyncQuerySet<T, R> {
    return this.wrap(this.sync.distinct(...fields));
  }
  values<K extends string>(...names: K[]): AsyncQuerySet<T, Record<K, unknown>> {
    return this.wrap(this.sync.values(...names));
  }
  valuesList(...names: string[]): AsyncQuerySet<T, unknown[]>;
  valuesList(...args: [...names: string[], options: { flat: true }]): AsyncQuerySet<T, unknown>;
  valuesList(...args: [...names: string[], options: { named: true }]): AsyncQuerySet<T, Record<string, unknown>>;
  valuesList(...args: [...names: string[], options: ValuesListOptions]): AsyncQuerySet<T, unknown[]>;
  valuesList(...args: Array<string | ValuesListOptions>): AsyncQuerySet<T, unknown> {
    return this.wrap((this.sync.valuesList as (...a: unknown[]) => QuerySet<T, unknown>)(...args));
  }
  annotate(annotations: Record<string, unknown>): AsyncQuerySet<T, R> {
    return this.wrap(this.sync.annotate(annotations));
  }
  alias(annotations: Record<string, unknown>): AsyncQuerySet<T, R> {
    return this.wrap(this.sync.alias(annotations));
  }
  selectRelated(...paths: string[]): AsyncQuerySet<T, R> {
    return this.wrap(this.sync.selectRelated(...paths));
  }
  prefetchRelated(...lookups: Array<string | PrefetchSpec>): AsyncQuerySet<T, R> {
    return this.wrap(this.sync.prefetchRelated(...lookups));
  }
  defer(...fields: string[]): AsyncQuerySet<T, R> {
    return this.wrap(this.sync.defer(...fields));
  }
  only(...fields: string[]): AsyncQuerySet<T, R> {
    return this.wrap(this.sync.only(...fields));
  }
  using(alias: string): AsyncQuerySet<T, R> {
    return this.wrap(this.sync.using(alias));
  }
  none(): AsyncQuerySet<T, R> {
    return this.wrap(this.sync.none());
  }
  union(...args: Array<QuerySet<any, any> | AsyncQuerySet<any, any> | { all?: boolean }>): AsyncQuerySet<T, R> {
    return this.wrap(this.sync.union(...args.map(unwrap)));
  }
  intersection(...others: Array<QuerySet<any, any> | AsyncQuerySet<any, any>>): AsyncQuerySet<T, R> {
    return this.wrap(this.sync.intersection(...others.map(unwrap)));
  }
  difference(...others: Array<QuerySet<any, any> | AsyncQuerySet<any, any>>): AsyncQuerySet<T, R> {
    return this.wrap(this.sync.difference(...others.map(unwrap)));
  }
  slice(start: number, end?: number): AsyncQuerySet<T, R> {
    return this.wrap(this.sync.slice(start, end));
  }
  and(other: QuerySet<T, any> | AsyncQuerySet<T, any>): AsyncQuerySet<T, R> {
    return this.wrap(this.sync.and(unwrap(other)));
  }
  or(other: QuerySet<T, any> | AsyncQuerySet<T, any>): AsyncQuerySet<T, R> {
    return this.wrap(this.sync.or(unwrap(other)));
  }
  selectForUpdate(): AsyncQuerySet<T, R> {
    return this.wrap(this.sync.selectForUpdate());
  }

  // ------------------------------------------------------------------ evaluation (in a worker)

  protected run<V>(method: string, args: readonly unknown[]): Promise<V> {
    return evaluate(this.sync, method, args) as Promise<V>;
  }

  eval(options?: QueryOptions): Promise<R[]> {
    return this.run('eval', options ? [options] : []);
  }
  then<A = R[], B = never>(onfulfilled?: ((value: R[]) => A | PromiseLike<A>) | null, onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.eval().then(onfulfilled, onrejected);
  }
  get(...args: Array<FilterArg | QueryOptions>): Promise<T> {
    return this.run('get', args);
  }
  create(values?: CreateValues<T>, options?: QueryOptions): Promise<T> {
    return this.run('create', [values ?? {}, ...(options ? [options] : [])]);
  }
  getOrCreate(lookups?: Lookups, options?: { defaults?: Lookups } & QueryOptions): Promise<[T, boolean]> {
    return this.run('getOrCreate', [lookups ?? {}, options ?? {}]);
  }
  updateOrCreate(lookups?: Lookups, options?: { defaults?: Lookups; createDefaults?: Lookups } & QueryOptions): Promise<[T, boolean]> {
    return this.run('updateOrCreate', [lookups ?? {}, options ?? {}]);
  }
  bulkCreate(objects: readonly T[], options?: { batchSize?: number; ignoreConflicts?: boolean } & QueryOptions): Promise<T[]> {
    return this.run('bulkCreate', [objects, options ?? {}]);
  }
  bulkUpdate(objects: readonly T[], fields: readonly string[], options?: { batchSize?: number } & QueryOptions): Promise<number> {
    return this.run('bulkUpdate', [objects, fields, options ?? {}]);
  }
  count(options?: QueryOptions): Promise<number> {
    return this.run('count', options ? [options] : []);
  }
  inBulk(ids?: readonly unknown[] | null, options?: { fieldName?: string } & QueryOptions): Promise<Map<any, T>> {
    return this.run('inBulk', [ids ?? null, options ?? {}]);
  }
  latest(...fields: string[]): Promise<T> {
    return this.run('latest', fields);
  }
  earliest(...fields: string[]): Promise<T> {
    return this.run('earliest', fields);
  }
  first(options?: QueryOptions): Promise<T | null> {
    return this.run('first', options ? [options] : []);
  }
  last(options?: QueryOptions): Promise<T | null> {
    return this.run('last', options ? [options] : []);
  }
  aggregate(aggregates: Record<string, Expression>, options?: QueryOptions): Promise<Record<string, unknown>> {
    return this.run('aggregate', [aggregates, ...(options ? [options] : [])]);
  }
  exists(options?: QueryOptions): Promise<boolean> {
    return this.run('exists', options ? [options] : []);
  }
  contains(object: T, options?: QueryOptions): Promise<boolean> {
    return this.run('contains', [object, ...(options ? [options] : [])]);
  }
  update(values: Lookups, options?: QueryOptions): Promise<number> {
    return this.run('update', [values, ...(options ? [options] : [])]);
  }
  delete(options?: QueryOptions): Promise<DeleteResult> {
    return this.run('delete', options ? [options] : []);
  }
  explain(options?: QueryOptions): Promise<string> {
    return this.run('explain', options ? [options] : []);
  }
  at(index: number, options?: QueryOptions): Promise<R | undefined> {
    return this.run('at', [index, ...(options ? [options] : [])]);
  }

  /**
   * Streams the rows in chunks of `chunkSize`. The next chunk is requested while this one is consumed
   * (one chunk of read-ahead, no more: backpressure), and each row becomes an instance only when it is
   * yielded, so memory stays flat however many rows there are. Unordered querysets page by primary key;
   * ordered ones by offset.
   */
  iterator(options: { chunkSize?: number } & QueryOptions = {}): AsyncIterable<R> {
    const [, queryOptions] = splitQueryOptions([options]);
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isInteger(chunkSize) || chunkSize <= 0) throw new TypeError('iterator(): chunkSize must be a positive integer.');
    const base = this.sync;
    if (base.hasPrefetches) return this.iterateInstances(chunkSize, queryOptions);
    const query = base.query;
    const pkIndex = base.pkColumnIndex();
    const byKey = pkIndex !== null && !base.isOrdered() && !query.isSliced && !query.combinator;
    const keyed = byKey ? base.orderBy('pk') : base;
    const page = (after: unknown, offset: number) => {
      if (!byKey) return fetchRows(keyed.slice(offset, offset + chunkSize), queryOptions);
      return fetchRows((after === undefined ? keyed : keyed.filter({ pk__gt: after })).slice(0, chunkSize), queryOptions);
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
          const rows = (await evaluate(base.slice(offset, offset + chunkSize), 'eval', [options])) as R[];
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

/** `Model.aobjects`. */
export class AsyncManager<T extends Model = Model> extends AsyncQuerySet<T, T> {
  /** Instances from hand-written SQL (`?` placeholders), run in a worker. */
  raw(sql: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<T[]> {
    return this.run('raw', [sql, params, ...(options ? [options] : [])]);
  }
}

/** `box.a.pizzaSet`, `pizza.a.toppings`: an async queryset over the related rows plus the relation's writes. */
export class AsyncRelatedManager<T extends Model = Model> extends AsyncQuerySet<T, T> {
  constructor(readonly manager: RelatedManager<T>) {
    super(manager);
  }
  add(...args: Array<T | unknown | AddOptions>): Promise<void> {
    return this.run('add', args);
  }
  remove(...args: Array<T | unknown | AddOptions>): Promise<void> {
    return this.run('remove', args);
  }
  clear(options?: QueryOptions): Promise<void> {
    return this.run('clear', options ? [options] : []);
  }
  set(objects: readonly unknown[], options?: AddOptions & { clear?: boolean } & QueryOptions): Promise<void> {
    return this.run('set', [objects, options ?? {}]);
  }
  override create(values?: CreateValues<T>, options?: AddOptions & QueryOptions): Promise<T> {
    return this.run('create', [values ?? {}, options ?? {}]);
  }
}
