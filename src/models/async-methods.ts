import type { QueryOptions } from './async-bridge';
import type { DeleteOptions, SaveOptions } from './base';
import type { DeleteResult } from './deletion';
import type { FilterArgsWithOptions } from './queryset';
import type { AddOptions } from './related-managers';
import type { Expression } from '../sql/expressions';
import type {
  AnnotationValues,
  CheckedAggregates,
  CheckedLookups,
  CheckedOrdering,
  ConcreteFieldName,
  CreateValues,
  Defaults,
  FieldName,
  UpdateValues,
} from './typed';

/**
 * The async method table: every method the async API runs in a pool worker, and how. It is the one source
 * for the Django-style twins of the sync API (`acount()` on querysets, `aadd()` on related managers), the
 * evaluation methods of `Model.aobjects` and the async related managers, `asave()`, `adelete()` and
 * `arefreshFromDb()` on instances, the lane a call takes, and what a worker agrees to run. Plain data, so
 * the core (which installs its twins from it) and the async layer read the same table.
 */

/**
 * What a call is made on: a model's manager itself (`Pizza.objects`), a chained queryset, a related manager
 * itself (`box.pizzaSet`), or a model instance. A chain on a manager is no manager (no `raw()`, no `add()`).
 */
export type AsyncTarget = 'manager' | 'queryset' | 'related' | 'instance';

export interface AsyncMethodSpec {
  readonly on: readonly AsyncTarget[];
  /** Writes go to the writer lane, and a reader refuses them; reads go to any reader. */
  readonly writes: boolean;
  /**
   * Where the call's `{ signal, timeoutMs }` may be, taken off on this thread before the call is sent:
   * argument `n`, alone (`count(options)`, `create(values, options)`) or in the method's own options
   * (`getOrCreate(lookups, { defaults, signal })`); `'last'`: the last of variadic arguments
   * (`get(...lookups, options)`, `add(...objects, options)`); null: nowhere (`latest(...fields)`).
   */
  readonly options: number | 'last' | null;
  /** The worker sends the arguments back, for the instances among them that the call changes (keys, stamps). */
  readonly returnArgs: boolean;
  /**
   * A cheaper way to travel than the replayed chain: `'keyedGet'`, a get by one unique field, coalesced with
   * the other such gets of its turn into one `WHERE field IN (...)` statement; `'rows'`, raw rows that this
   * thread builds into instances; `'columns'`, instances sent as one column of values per field.
   */
  readonly fastPath: 'keyedGet' | 'rows' | 'columns' | null;
  /** Whether the sync API has a Django-style twin (`a` + the name); Django has none for `raw()`. */
  readonly twin: boolean;
}

export interface AsyncMethod extends AsyncMethodSpec {
  /** The sync method a worker runs. */
  readonly name: string;
  /** The twin's name, `acount`: also how errors of twin calls name the call. */
  readonly twinName: string;
}

const QUERYSETS = ['manager', 'queryset', 'related'] as const;

const TABLE = {
  eval:           { on: QUERYSETS,                  writes: false, options: 0,      returnArgs: false, fastPath: 'rows',     twin: true },
  get:            { on: QUERYSETS,                  writes: false, options: 'last', returnArgs: false, fastPath: 'keyedGet', twin: true },
  create:         { on: QUERYSETS,                  writes: true,  options: 1,      returnArgs: false, fastPath: null,       twin: true },
  getOrCreate:    { on: QUERYSETS,                  writes: true,  options: 1,      returnArgs: false, fastPath: null,       twin: true },
  updateOrCreate: { on: QUERYSETS,                  writes: true,  options: 1,      returnArgs: false, fastPath: null,       twin: true },
  bulkCreate:     { on: QUERYSETS,                  writes: true,  options: 1,      returnArgs: true,  fastPath: 'columns',  twin: true },
  bulkUpdate:     { on: QUERYSETS,                  writes: true,  options: 2,      returnArgs: true,  fastPath: null,       twin: true },
  count:          { on: QUERYSETS,                  writes: false, options: 0,      returnArgs: false, fastPath: null,       twin: true },
  inBulk:         { on: QUERYSETS,                  writes: false, options: 1,      returnArgs: false, fastPath: null,       twin: true },
  latest:         { on: QUERYSETS,                  writes: false, options: null,   returnArgs: false, fastPath: null,       twin: true },
  earliest:       { on: QUERYSETS,                  writes: false, options: null,   returnArgs: false, fastPath: null,       twin: true },
  first:          { on: QUERYSETS,                  writes: false, options: 0,      returnArgs: false, fastPath: null,       twin: true },
  last:           { on: QUERYSETS,                  writes: false, options: 0,      returnArgs: false, fastPath: null,       twin: true },
  aggregate:      { on: QUERYSETS,                  writes: false, options: 1,      returnArgs: false, fastPath: null,       twin: true },
  exists:         { on: QUERYSETS,                  writes: false, options: 0,      returnArgs: false, fastPath: null,       twin: true },
  contains:       { on: QUERYSETS,                  writes: false, options: 1,      returnArgs: false, fastPath: null,       twin: true },
  update:         { on: QUERYSETS,                  writes: true,  options: 1,      returnArgs: false, fastPath: null,       twin: true },
  delete:         { on: [...QUERYSETS, 'instance'], writes: true,  options: 0,      returnArgs: false, fastPath: null,       twin: true },
  explain:        { on: QUERYSETS,                  writes: false, options: 0,      returnArgs: false, fastPath: null,       twin: true },
  at:             { on: QUERYSETS,                  writes: false, options: 1,      returnArgs: false, fastPath: null,       twin: true },
  raw:            { on: ['manager'],                writes: false, options: 2,      returnArgs: false, fastPath: null,       twin: false },
  add:            { on: ['related'],                writes: true,  options: 'last', returnArgs: true,  fastPath: null,       twin: true },
  remove:         { on: ['related'],                writes: true,  options: 'last', returnArgs: true,  fastPath: null,       twin: true },
  clear:          { on: ['related'],                writes: true,  options: 0,      returnArgs: false, fastPath: null,       twin: true },
  set:            { on: ['related'],                writes: true,  options: 1,      returnArgs: true,  fastPath: null,       twin: true },
  save:           { on: ['instance'],               writes: true,  options: 0,      returnArgs: false, fastPath: null,       twin: true },
  refreshFromDb:  { on: ['instance'],               writes: false, options: 0,      returnArgs: false, fastPath: null,       twin: true },
} as const satisfies Record<string, AsyncMethodSpec>;

export type AsyncMethodName = keyof typeof TABLE;

/** The names of the table's methods that may be called on `Target`. */
export type AsyncMethodNameOn<Target extends AsyncTarget> = {
  [N in AsyncMethodName]: Target extends (typeof TABLE)[N]['on'][number] ? N : never;
}[AsyncMethodName];

/** The table's methods by name: `ASYNC_METHODS.count`. */
export const ASYNC_METHODS: { readonly [N in AsyncMethodName]: AsyncMethod } = (() => {
  const methods = {} as Record<AsyncMethodName, AsyncMethod>;
  for (const name of Object.keys(TABLE) as AsyncMethodName[]) methods[name] = Object.freeze({ ...TABLE[name], name, twinName: `a${name}` });
  return Object.freeze(methods);
})();

/** By name in a Map, so that a name from a message (`constructor`, `__proto__`) finds nothing it should not. */
const byName = new Map<string, AsyncMethod>(Object.values(ASYNC_METHODS).map((method) => [method.name, method]));

/** The table's method named `name`, or undefined when the table has none. */
export function asyncMethodNamed(name: string): AsyncMethod | undefined {
  return byName.get(name);
}

/**
 * The methods callable on `target`, without those also callable on `inherited` (a class whose base already
 * has them: related managers are querysets).
 */
export function asyncMethodsOn(target: AsyncTarget, inherited?: AsyncTarget): AsyncMethod[] {
  return Object.values(ASYNC_METHODS).filter((method) => method.on.includes(target) && !(inherited && method.on.includes(inherited)));
}

/**
 * Installs on `prototype` one function per method: `run(this, method, args)`. `name` gives the property name
 * (the method's own on the async classes, its twin's on the sync ones). The signatures are declared apart
 * (the interfaces below), as a function built from data has none.
 */
export function installAsyncMethods<Self>(
  prototype: object,
  methods: readonly AsyncMethod[],
  name: (method: AsyncMethod) => string,
  run: (self: Self, method: AsyncMethod, args: unknown[]) => Promise<unknown>,
): void {
  for (const method of methods) {
    const property = name(method);
    const fn = function (this: Self, ...args: unknown[]): Promise<unknown> {
      return run(this, method, args);
    };
    Object.defineProperty(fn, 'name', { value: property });
    installed.add(fn);
    Object.defineProperty(prototype, property, { value: fn, configurable: true, writable: true });
  }
}

const installed = new WeakSet<Function>();

/** Whether `fn` is one of the functions installAsyncMethods() made (and not a user's override of one). */
export function isInstalledAsyncMethod(fn: Function): boolean {
  return installed.has(fn);
}

// ------------------------------------------------------------------ signatures

/**
 * The evaluation methods of a queryset as the async API spells them: `Model.aobjects.count()`, and with an
 * `a` in front, the twins of the sync API (`Model.objects.acount()`). Each takes `{ signal, timeoutMs }` where
 * the table says.
 */
export interface AsyncQuerySetMethods<T, R, A> {
  eval(options?: QueryOptions): Promise<R[]>;
  get<const Args extends readonly unknown[]>(...args: FilterArgsWithOptions<T, Args, A>): Promise<R>;
  create(values?: CreateValues<T>, options?: QueryOptions): Promise<T>;
  getOrCreate<L extends object = {}>(lookups?: CheckedLookups<T, L>, options?: { defaults?: Defaults<T> } & QueryOptions): Promise<[T, boolean]>;
  updateOrCreate<L extends object = {}>(
    lookups?: CheckedLookups<T, L>,
    options?: { defaults?: Defaults<T>; createDefaults?: Defaults<T> } & QueryOptions,
  ): Promise<[T, boolean]>;
  bulkCreate(objects: readonly T[], options?: { batchSize?: number; ignoreConflicts?: boolean } & QueryOptions): Promise<T[]>;
  bulkUpdate(objects: readonly T[], fields: ReadonlyArray<ConcreteFieldName<T>>, options?: { batchSize?: number } & QueryOptions): Promise<number>;
  count(options?: QueryOptions): Promise<number>;
  inBulk(ids?: readonly unknown[] | null, options?: { fieldName?: FieldName<T> } & QueryOptions): Promise<Map<any, T>>;
  latest<N extends string = never>(...fields: Array<CheckedOrdering<T, N, A>>): Promise<T>;
  earliest<N extends string = never>(...fields: Array<CheckedOrdering<T, N, A>>): Promise<T>;
  first(options?: QueryOptions): Promise<T | null>;
  last(options?: QueryOptions): Promise<T | null>;
  aggregate<E extends Record<string, Expression> = {}>(aggregates?: E & CheckedAggregates<T, E, A>, options?: QueryOptions): Promise<AnnotationValues<T, E>>;
  exists(options?: QueryOptions): Promise<boolean>;
  contains(object: T, options?: QueryOptions): Promise<boolean>;
  update(values: UpdateValues<T>, options?: QueryOptions): Promise<number>;
  delete(options?: QueryOptions): Promise<DeleteResult>;
  explain(options?: QueryOptions): Promise<string>;
  at(index: number, options?: QueryOptions): Promise<R | undefined>;
}

/** `Model.aobjects.raw()`: instances from hand-written SQL (`?` placeholders). */
export interface AsyncManagerMethods<T> {
  raw(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<T[]>;
}

/** The writes of a related manager, which take instances of the related model (and for many-to-many relations keys, `K`). */
export interface AsyncRelatedManagerMethods<T, K> {
  add(...args: Array<T | K | AddOptions | QueryOptions>): Promise<void>;
  remove(...args: Array<T | K | AddOptions | QueryOptions>): Promise<void>;
  clear(options?: QueryOptions): Promise<void>;
  set(objects: ReadonlyArray<T | K>, options?: AddOptions & { clear?: boolean } & QueryOptions): Promise<void>;
}

/** What an instance runs in a worker; AsyncMixin adds them as `asave()`, `adelete()`, `arefreshFromDb()`. */
export interface AsyncInstanceMethods {
  save(options?: SaveOptions & QueryOptions): Promise<void>;
  delete(options?: DeleteOptions & QueryOptions): Promise<DeleteResult>;
  refreshFromDb(options?: { fields?: readonly string[]; using?: string } & QueryOptions): Promise<void>;
}

/** The Django-style twins of `M`: `count` becomes `acount`, `getOrCreate` `agetOrCreate`. */
export type AsyncTwins<M> = { [K in keyof M & string as `a${K}`]: M[K] };
