import { getSettings, onClose } from '../conf';
import { Connection } from '../db/backends/sqlite/connection';
import type { Model } from '../models/base';
import { setAsyncExecutor, type QueryOptions } from '../models/async-bridge';
import { WRITE_METHODS, type QuerySet } from '../models/queryset';
import { migrationsDirectory, type MigrateOptions, type MigrateResult } from '../migrations/executor';
import { setSyncFunctionExecutor } from '../sync';
import { currentCapture } from '../testing';
import { decode, encode, mergeArguments, mergeInstance, unpackRows, type PackedRows } from './codec';
import { keyedGetOf } from './keyed-get';
import { bulkCreateOf, mergeBulkCreate } from './bulk-create';
import { describeCall } from './calls';
import { Pool } from './pool';
import type { CallPayload, CallResult } from './protocol';
import { currentBlock, type Block } from './transaction-context';

let pool: Pool | null = null;

/** The pool, started on first use (so a sync-only program never starts threads). */
export function getPool(call: string): Pool {
  if (!pool) {
    const settings = getSettings(call);
    // Create the file and switch it to WAL once, before several threads open it at the same time.
    new Connection(settings.databasePath, { label: 'setup', synchronous: settings.ephemeral ? 'OFF' : 'NORMAL' }).close();
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
 * Separates the trailing `{ signal, timeoutMs }` (which stays on this thread) from the call's arguments.
 * Without one, the arguments come back as they are (not copied: this runs for every async call).
 */
export function splitQueryOptions(args: readonly unknown[]): [readonly unknown[], QueryOptions] {
  const last = args[args.length - 1];
  if (last === null || typeof last !== 'object' || Array.isArray(last) || !('signal' in last || 'timeoutMs' in last)) {
    return [args, NO_OPTIONS];
  }
  const { signal, timeoutMs, ...rest } = last as QueryOptions & Record<string, unknown>;
  const plain = args.slice(0, -1);
  if (Object.keys(rest).length) plain.push(rest);
  return [plain, { signal, timeoutMs }];
}

/** Runs `queryset.<method>(...args)` in a worker and decodes the result; instances in the arguments are updated. */
export function evaluate(queryset: QuerySet<any, any>, method: string, args: readonly unknown[]): Promise<unknown> {
  const [plain, options] = splitQueryOptions(args);
  if (method === 'get' && plain.length === 1) {
    const keyed = keyedGetOf(queryset, plain[0]);
    if (keyed) return poolFor(keyed).get(keyed, options, currentBlock(), currentCapture());
  }
  return evaluateInWorker(queryset, method, plain, options);
}

async function evaluateInWorker(queryset: QuerySet<any, any>, method: string, plain: readonly unknown[], options: QueryOptions): Promise<unknown> {
  if (method === 'eval' && !queryset.hasPrefetches) return queryset.hydrate(await fetchRows(queryset, options));
  const bulk = method === 'bulkCreate' ? bulkCreateOf(queryset, plain) : null;
  if (bulk) return mergeBulkCreate(queryset.model, plain[0] as Model[], (await send(bulk, true, options)).value);
  const write = WRITE_METHODS.has(method);
  const payload: CallPayload = { kind: 'query', queryset: encode(queryset), method, args: encode(plain), returnArgs: write };
  const result = await send(payload, write, options);
  if (result.args) mergeArguments(plain, decode(result.args));
  return decode(result.value);
}

/**
 * The raw rows of a queryset, fetched in a worker (packed, see codec.packRows) as one flat array; this thread compiles
 * the same query and builds the instances (`queryset.hydrate` / `queryset.rowHydrator()`).
 */
export async function fetchRows(queryset: QuerySet<any, any>, options: QueryOptions = NO_OPTIONS): Promise<unknown[]> {
  const result = await send({ kind: 'query', queryset: encode(queryset), method: 'evalRows', args: [], returnArgs: false }, false, options);
  return unpackRows(result.value as PackedRows);
}

/** Runs `instance.<method>(...args)` in a worker (save, delete, refreshFromDb) and copies back what it wrote. */
export async function evaluateOnInstance(instance: Model, method: string, args: readonly unknown[], write: boolean): Promise<unknown> {
  const [plain, options] = splitQueryOptions(args);
  const payload: CallPayload = { kind: 'instance', instance: encode(instance), method, args: encode(plain) };
  const result = await send(payload, write, options);
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
