import { getSettings, onClose } from '../conf';
import { openConnection } from '../db/connections';
import type { Model } from '../models/base';
import { setAsyncExecutor, type QueryOptions } from '../models/async-bridge';
import { ASYNC_METHODS, isInstalledAsyncMethod, type AsyncMethod } from '../models/async-methods';
import type { QuerySet } from '../models/queryset';
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

let pool: Pool | null = null;

/** The pool, started on first use (so a sync-only program never starts threads). */
export function getPool(call: string): Pool {
  if (!pool) {
    const settings = getSettings(call);
    // One connection first: the database is created and set up (SQLite: WAL mode) before the threads open theirs at once.
    openConnection(settings, { label: 'setup' }).close();
    const started = new Pool(settings);
    pool = started;
    onClose(async () => {
      pool = null;
      await started.close();
    });
  }
  return pool;
}

/** The running pool, or the pool started for the call that needs it first. */
function poolFor(payload: CallPayload): Pool {
  return pool ?? getPool(describeCall(payload));
}

/** Routes a payload: writes and calls inside aatomic() to the writer lane, the rest to readers. */
export function send(payload: CallPayload, write: boolean, options: QueryOptions = NO_OPTIONS): Promise<CallResult & { ok: true }> {
  return poolFor(payload).call(payload, write, options, currentBlock(), currentCapture());
}

/** An aatomic() step for `block`: open it (BEGIN or SAVEPOINT), commit it, or roll it back. */
export function sendStep(block: Block, op: 'begin' | 'commit' | 'rollback'): Promise<CallResult & { ok: true }> {
  return getPool('aatomic()').call({ kind: 'transaction', op, depth: block.depth }, true, { timeoutMs: 0 }, block, currentCapture());
}

const NO_OPTIONS: QueryOptions = {};

/**
 * Runs `queryset.<method>(...args)` in a worker and decodes the result; `method` (an entry of the async
 * method table) says where its options are, which lane it takes and how it may travel.
 */
export function evaluate(queryset: QuerySet<any, any>, method: AsyncMethod, args: readonly unknown[]): Promise<unknown> {
  const [plain, options] = splitQueryOptions(args, method.options);
  const here = answerHere(queryset, method, plain, options);
  if (here) return here;
  if (method.fastPath === 'keyedGet' && plain.length === 1) {
    const keyed = keyedGetOf(queryset, plain[0]);
    if (keyed) return poolFor(keyed).get(keyed, options, currentBlock(), currentCapture());
  }
  return evaluateInWorker(queryset, method, plain, options);
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

async function evaluateInWorker(queryset: QuerySet<any, any>, method: AsyncMethod, plain: readonly unknown[], options: QueryOptions): Promise<unknown> {
  if (method.fastPath === 'rows' && !queryset.hasPrefetches) return queryset.hydrate(await fetchRows(queryset, options));
  const bulk = method.fastPath === 'columns' ? bulkCreateOf(queryset, plain) : null;
  if (bulk) return mergeBulkCreate(queryset.model, plain[0] as Model[], (await send(bulk, true, options)).value);
  const payload: CallPayload = { kind: 'query', queryset: encode(queryset), method: method.name, args: encode(plain) };
  const result = await send(payload, method.writes, options);
  if (result.args) mergeArguments(plain, decode(result.args));
  return decode(result.value);
}

/**
 * The raw rows of a queryset, fetched in a worker (packed, see codec.packRows) as one flat array; this thread compiles
 * the same query and builds the instances (`queryset.hydrate` / `queryset.rowHydrator()`).
 */
export async function fetchRows(queryset: QuerySet<any, any>, options: QueryOptions = NO_OPTIONS): Promise<unknown[]> {
  const result = await send({ kind: 'rows', queryset: encode(queryset) }, false, options);
  return unpackRows(result.value as PackedRows);
}

/** Runs `instance.<method>(...args)` in a worker (save, delete, refreshFromDb) and copies back what it wrote. */
export async function evaluateOnInstance(instance: Model, method: AsyncMethod, args: readonly unknown[]): Promise<unknown> {
  const [plain, options] = splitQueryOptions(args, method.options);
  const payload: CallPayload = { kind: 'instance', instance: encode(instance), method: method.name, args: encode(plain) };
  const result = await send(payload, method.writes, options);
  mergeInstance(instance, decode(result.instance) as Model);
  return decode(result.value);
}

/** Creates the schema through the writer (for mainThread: 'forbid'). */
export async function acreateSchema(): Promise<void> {
  await send({ kind: 'schema' }, true);
}

/** migrate() on the writer worker (works under mainThread: 'forbid'); `log` gets the report once it is done. */
export async function amigrate(options: MigrateOptions = {}): Promise<MigrateResult> {
  const { log, ...rest } = options;
  const result = await send({ kind: 'migrate', options: { ...rest, migrations: migrationsDirectory(rest) } }, true, { timeoutMs: 0 });
  const { lines, ...report } = result.value as MigrateResult & { lines: string[] };
  for (const line of lines) log?.(line);
  return report;
}

setAsyncExecutor({ evaluate });
setSyncFunctionExecutor(async (definition, args, { readOnly }) => {
  const result = await send({ kind: 'function', key: definition.key, file: definition.file, args: encode(args) }, !readOnly);
  return decode(result.value);
});
