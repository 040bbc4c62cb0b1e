import { getSettings, onClose } from '../conf';
import { DEFAULT_DB_ALIAS, openConnection, setAsyncTransactionProbe, unknownDatabase, usingDatabase } from '../db/connections';
import { dbForRead, dbForWrite } from '../db/routers';
import type { Model } from '../models/base';
import type { ModelClass } from '../models/types';
import { setAsyncExecutor, type QueryOptions } from '../models/async-bridge';
import { ASYNC_METHODS, isInstalledAsyncMethod, type AsyncMethod } from '../models/async-methods';
import { FETCH_ONE } from '../models/fetch-modes';
import type { QuerySet } from '../models/queryset';
import type { RowPlan } from '../sql/compiler';
import { migrationsDirectory, type MigrateOptions, type MigrateResult } from '../migrations/executor';
import { setSyncFunctionExecutor } from '../sync';
import { currentCapture } from '../testing';
import { decode, encode, mergeArguments, mergeInstance, unpackRows, type PackedRows } from './codec';
import { keyedGetOf } from './keyed-get';
import { bulkCreateOf, mergeBulkCreate } from './bulk-create';
import { describeCall } from './calls';
import { splitQueryOptions } from './methods';
import { Pool } from './pool';
import type { CallPayload, CallResult } from './protocol';
import { currentBlock, type Block } from './transaction-context';

/** One pool per database alias, each started on first use (so a sync-only program never starts threads). */
const pools = new Map<string, Pool>();

/** The pool of `alias`, started on first use. */
export function getPool(call: string, alias: string = DEFAULT_DB_ALIAS): Pool {
  let pool = pools.get(alias);
  if (!pool) {
    const settings = getSettings(call);
    const database = settings.databases[alias];
    if (!database) throw unknownDatabase(alias, call);
    // One connection first: the database is created and set up (SQLite: WAL mode) before the threads open theirs at once.
    openConnection(database, { label: 'setup' }).close();
    const started = new Pool(settings, alias);
    pools.set(alias, started);
    pool = started;
    onClose(async () => {
      pools.delete(alias);
      await started.close();
    });
  }
  return pool;
}

/** The running pool of `alias`, or the pool started for the call that needs it first. */
function poolFor(payload: CallPayload, alias: string): Pool {
  return pools.get(alias) ?? getPool(describeCall(payload), alias);
}

/** Routes a payload to the pool of `alias`: writes and calls inside its aatomic() to the writer lane, the rest to readers. */
export function send(
  payload: CallPayload,
  write: boolean,
  options: QueryOptions = NO_OPTIONS,
  alias: string = DEFAULT_DB_ALIAS,
  leavesAtOnce = false,
): Promise<CallResult & { ok: true }> {
  return poolFor(payload, alias).call(payload, write, options, currentBlock(alias), currentCapture(), leavesAtOnce);
}

/** An aatomic() step for `block`: open it (BEGIN or SAVEPOINT), commit it, or roll it back, on its database's writer. */
export function sendStep(block: Block, op: 'begin' | 'commit' | 'rollback'): Promise<CallResult & { ok: true }> {
  return getPool('aatomic()', block.transaction.alias).call({ kind: 'transaction', op, depth: block.depth }, true, { timeoutMs: 0 }, block, currentCapture());
}

// Routers ask whether reads run inside a transaction (ReadReplicaRouter keeps them on its writer then).
setAsyncTransactionProbe((alias) => currentBlock(alias) !== null);

const NO_OPTIONS: QueryOptions = {};

/**
 * Runs `queryset.<method>(...args)` in a worker and decodes the result; `method` (an entry of the async
 * method table) says where its options are, which lane it takes and how it may travel. `readAhead`: asked for
 * before it is needed, while this thread works through earlier results (see PendingCall.leavesAtOnce).
 */
export function evaluate(routed: QuerySet<any, any>, method: AsyncMethod, args: readonly unknown[], readAhead = false): Promise<unknown> {
  const [plain, options] = splitQueryOptions(args, method.options);
  // The database is chosen once, here: the worker runs the call there and this thread builds its rows as from there.
  const alias = routed.dbFor(method.writes);
  const here = answerHere(routed, method, plain, options);
  if (here) return here;
  if (method.fastPath === 'keyedGet' && plain.length === 1) {
    // A keyed get goes to the alias's pool as it is: the pinned copy below is for calls that travel as a chain.
    const keyed = usingDatabase(alias, () => keyedGetOf(routed, plain[0]));
    if (keyed) {
      const found = poolFor(keyed, alias).get(keyed, options, currentBlock(alias), currentCapture());
      // Built by the pool outside any routed call, so marked as the default database's: mark the others'.
      return alias === DEFAULT_DB_ALIAS ? found : found.then((instance) => ((instance._state.db = alias), instance));
    }
  }
  return evaluateInWorker(routed.pinned(alias), alias, method, plain, options, readAhead);
}

/** The evaluations the sync core answers without a query, answered on this thread (see the sync methods). */
const ANSWERED_FROM_RESULTS = new Set(['eval', 'count', 'exists', 'contains', 'at']);

/**
 * A call that needs no worker, answered here as the sync API answers it: `aggregate()` with no aggregates is
 * `{}` (Django runs no query), and an evaluated queryset counts, tests and indexes its own rows. `create()`
 * on a model whose `asave()` is overridden saves through that `asave()`, as Django's `acreate()` does.
 */
function answerHere(queryset: QuerySet<any, any>, method: AsyncMethod, plain: readonly unknown[], options: QueryOptions): Promise<unknown> | null {
  try {
    if (method === ASYNC_METHODS.aggregate && !Object.keys((plain[0] as object | undefined) ?? {}).length) return Promise.resolve({});
    if (queryset.isEvaluated && ANSWERED_FROM_RESULTS.has(method.name)) {
      return Promise.resolve((queryset as unknown as Record<string, (...a: unknown[]) => unknown>)[method.name]!(...plain));
    }
    if (method === ASYNC_METHODS.create && queryset.root.kind === 'manager' && overridesAsave(queryset.model)) {
      const instance = new (queryset.model as unknown as new (values: unknown) => Model & { asave(options: object): Promise<void> })(plain[0] ?? {});
      return instance.asave({ ...options, forceInsert: true }).then(() => instance);
    }
  } catch (error) {
    return Promise.reject(error);
  }
  return null;
}

/** Whether a model class (or a base of its own) defines `asave()` in place of the one AsyncMixin installs. */
function overridesAsave(model: Function): boolean {
  const asave = (model.prototype as { asave?: unknown }).asave;
  return typeof asave === 'function' && !isInstalledAsyncMethod(asave);
}

async function evaluateInWorker(
  queryset: QuerySet<any, any>,
  alias: string,
  method: AsyncMethod,
  plain: readonly unknown[],
  options: QueryOptions,
  readAhead: boolean,
): Promise<unknown> {
  if (method.fastPath === 'rows' && !queryset.hasPrefetches) {
    const { flat, plan } = await fetchRows(queryset, options, readAhead);
    return plan ? queryset.hydrate(flat, plan) : [];
  }
  const bulk = method.fastPath === 'columns' ? bulkCreateOf(queryset, plain) : null;
  if (bulk) return mergeBulkCreate(queryset.model, plain[0] as Model[], (await send(bulk, true, options, alias)).value, alias);
  const payload: CallPayload = { kind: 'query', queryset: encode(queryset), method: method.name, args: encode(plain) };
  const result = await send(payload, method.writes, options, alias, readAhead);
  if (result.args) mergeArguments(plain, decode(result.args));
  return decode(result.value);
}

/** A queryset's rows fetched by a worker: one flat array, row width first, and the plan that builds results from them (null: nothing to fetch). */
export interface FetchedRows {
  flat: unknown[];
  plan: RowPlan | null;
}

const NO_ROWS: FetchedRows = { flat: [0], plan: null };

/**
 * The raw rows of a queryset, fetched in a worker. This thread compiles the SELECT (it needs the statement's
 * row plan to build the results anyway) and the worker only runs it; the rows come back packed (codec.packRows).
 * `readAhead` as for evaluate().
 */
export async function fetchRows(routed: QuerySet<any, any>, options: QueryOptions = NO_OPTIONS, readAhead = false): Promise<FetchedRows> {
  const alias = routed.dbFor(false);
  const compiled = routed.pinned(alias).compileSelect(currentBlock(alias) !== null);
  if (!compiled) return NO_ROWS;
  const { sql, params, safeIntegers, plan } = compiled;
  const result = await send({ kind: 'select', sql, params, safeIntegers }, false, options, alias, readAhead);
  return { flat: unpackRows(result.value as PackedRows), plan };
}

const DEFAULT_CHUNK_SIZE = 2000;

/**
 * Streams a queryset's rows in chunks of `chunkSize` (Django's `aiterator()`, on the async querysets and on
 * the sync ones). The next chunk is requested while this one is consumed (one chunk of read-ahead, no
 * more: backpressure), and each row becomes an instance only when it is yielded, so memory stays flat
 * however many rows there are. Unordered querysets page by primary key; ordered ones by offset. Under a
 * fetch mode other than FETCH_ONE a chunk's instances are built together: they are one result set (peers).
 */
export function iterate<R>(queryset: QuerySet<any, R>, options: { chunkSize?: number } & QueryOptions): AsyncIterable<R> {
  // Every page comes from one database (routers may spread reads over replicas call by call).
  const base = queryset.pinned(queryset.db);
  const [, queryOptions] = splitQueryOptions([options], 0);
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize <= 0) {
    throw new TypeError(`aiterator() on ${base.model._meta.label}: chunkSize must be a strictly positive integer; got ${String(chunkSize)}.`);
  }
  if (base.hasPrefetches) return iterateInstances(base, chunkSize, queryOptions);
  const query = base.query;
  const pkIndex = base.pkColumnIndex();
  const byKey = pkIndex !== null && !base.isOrdered() && !query.isSliced && !query.combinator;
  const keyed: QuerySet<any, R> = byKey ? (base.orderBy('pk') as QuerySet<any, R>) : base;
  const page = (lastKey: unknown, offset: number, readAhead: boolean) => {
    if (!byKey) return fetchRows(keyed.slice(offset, offset + chunkSize), queryOptions, readAhead);
    return fetchRows((lastKey === undefined ? keyed : keyed.filter({ pk__gt: lastKey as number | string })).slice(0, chunkSize), queryOptions, readAhead);
  };
  const hydrate = keyed.rowHydrator();
  const whole = keyed.activeFetchMode !== FETCH_ONE;
  return {
    [Symbol.asyncIterator]: async function* () {
      let offset = 0;
      const nextOf = ({ flat }: FetchedRows) => {
        const width = flat[0] as number;
        const count: number = width ? (flat.length - 1) / width : 0;
        offset += count;
        if (count < chunkSize) return null;
        const lastKey = byKey ? flat[1 + (count - 1) * width + pkIndex!] : undefined;
        const from = offset;
        return (readAhead: boolean) => page(lastKey, from, readAhead);
      };
      for await (const { flat, plan } of chunks(keyed.db, (readAhead) => page(undefined, 0, readAhead), nextOf)) {
        if (whole) yield* plan ? keyed.hydrate(flat, plan) : [];
        else for (let row = 1, width = flat[0] as number; row < flat.length; row += width) yield hydrate(flat, row) as R;
      }
    },
  };
}

/** Chunks that need prefetching run it in the worker, so they arrive as instances. */
function iterateInstances<R>(base: QuerySet<any, R>, chunkSize: number, options: QueryOptions): AsyncIterable<R> {
  // Pages by offset need a stable order: an unordered queryset is ordered by primary key, as iterate() does.
  const query = base.query;
  const ordered = base.isOrdered() || query.isSliced || query.combinator || base.pkColumnIndex() === null ? base : (base.orderBy('pk') as QuerySet<any, R>);
  const chunk = (offset: number) => (readAhead: boolean) =>
    evaluate(ordered.slice(offset, offset + chunkSize), ASYNC_METHODS.eval, [options], readAhead) as Promise<R[]>;
  return {
    [Symbol.asyncIterator]: async function* () {
      let offset = 0;
      const nextOf = (rows: R[]) => (rows.length < chunkSize ? null : chunk((offset += chunkSize)));
      for await (const rows of chunks(ordered.db, chunk(0), nextOf)) yield* rows;
    },
  };
}

/**
 * The chunks of an iteration on `alias`, in order: `first` asks for the first, `nextOf(chunk)` says how to ask
 * for the one after it (null: it was the last). The next chunk is asked for as soon as one arrives, while the
 * loop consumes it (one chunk of read-ahead, no more: backpressure), except inside an aatomic() block: its
 * calls run one at a time on its writer anyway, and a chunk read ahead for a loop that then stops early
 * would still run in the block, where a cancel or a time-out meant for that chunk would lose the block.
 * Every chunk's rejection is marked handled when it is asked for: one read ahead may fail while the loop is
 * on the chunk before, or after the loop stopped; the loop sees the error when it gets there, or never.
 */
async function* chunks<C>(
  alias: string,
  first: (readAhead: boolean) => Promise<C>,
  nextOf: (chunk: C) => ((readAhead: boolean) => Promise<C>) | null,
): AsyncGenerator<C> {
  const readAhead = currentBlock(alias) === null;
  let pending: Promise<C> | null = handled(first(false));
  while (pending) {
    const chunk: C = await pending;
    const next = nextOf(chunk);
    pending = readAhead && next ? handled(next(true)) : null;
    yield chunk;
    if (!readAhead && next) pending = handled(next(false));
  }
}

function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** Runs `instance.<method>(...args)` in a worker (save, delete, refreshFromDb) and copies back what it wrote. */
export async function evaluateOnInstance(instance: Model, method: AsyncMethod, args: readonly unknown[]): Promise<unknown> {
  const [plain, options] = splitQueryOptions(args, method.options);
  const alias = instanceAlias(instance, method, plain);
  const payload: CallPayload = { kind: 'instance', instance: encode(instance), method: method.name, args: encode(plain) };
  const result = await send(payload, method.writes, options, alias);
  mergeInstance(instance, decode(result.instance) as Model);
  return decode(result.value);
}

/**
 * The database an instance call runs on: `asave({ using })` / `adelete({ using })` as given, else the routers'
 * choice for the instance (which falls back to the database it came from), as the sync call would choose.
 */
function instanceAlias(instance: Model, method: AsyncMethod, plain: readonly unknown[]): string {
  const given = (plain[0] as { using?: unknown } | undefined)?.using;
  if (typeof given === 'string') return given;
  const model = instance.constructor as ModelClass;
  return method.writes ? dbForWrite(model, { instance }) : dbForRead(model, { instance });
}

/** Creates the schema through the writer of `using` (default 'default'; for mainThread: 'forbid'). */
export async function acreateSchema(options: { using?: string } = {}): Promise<void> {
  await send({ kind: 'schema' }, true, NO_OPTIONS, options.using ?? DEFAULT_DB_ALIAS);
}

/** migrate() on the writer worker of `database` (works under mainThread: 'forbid'); `log` gets the report once it is done. */
export async function amigrate(options: MigrateOptions = {}): Promise<MigrateResult> {
  const { log, ...rest } = options;
  const alias = rest.database ?? DEFAULT_DB_ALIAS;
  const result = await send({ kind: 'migrate', options: { ...rest, migrations: migrationsDirectory(rest) } }, true, { timeoutMs: 0 }, alias);
  const { lines, ...report } = result.value as MigrateResult & { lines: string[] };
  for (const line of lines) log?.(line);
  return report;
}

setAsyncExecutor({ evaluate, iterate });
setSyncFunctionExecutor(async (definition, args, { readOnly }) => {
  const result = await send({ kind: 'function', key: definition.key, file: definition.file, args: encode(args) }, !readOnly);
  return decode(result.value);
});
