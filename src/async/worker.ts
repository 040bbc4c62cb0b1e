import { threadId, workerData } from 'node:worker_threads';
import { applySettings, type Settings } from '../conf';
import { Connection } from '../db/connection';
import { setConnectionProvider } from '../db/connections';
import { addObserver, type ExecutedStatement } from '../db/observers';
import { createSchema } from '../db/schema';
import type { Model } from '../models/base';
import type { QuerySet } from '../query/queryset';
import { findSyncFunction, importUnitModules } from '../sync';
import { decode, encode, flattenRows } from './codec';
import { selectKeyed } from './keyed-get';
import type { CallPayload, CallResult, Role, Task } from './protocol';

/**
 * A pool worker: it imports the model modules, opens its own connection (read-only for readers) and runs
 * the sync ORM for each call it receives.
 */
const { settings, role } = workerData as { settings: Settings; role: Role };
applySettings({ ...settings, mainThread: 'allow' });
const connection = new Connection(settings.databasePath, {
  label: `${role}-${threadId}`,
  synchronous: settings.ephemeral ? 'OFF' : 'NORMAL',
});
if (role === 'reader') connection.db.pragma('query_only = ON');
setConnectionProvider(() => connection);

function runTask(task: Task): CallResult[] {
  if (!task.groupCommit) return task.calls.map((call) => runCall(call, connection.inAtomicBlock));
  try {
    return connection.atomic(() => task.calls.map((call) => runCall(call, true)));
  } catch (error) {
    return task.calls.map(() => ({ ok: false, error: encode(error) }));
  }
}

/** Runs one call; inside a transaction it gets a savepoint, so a failing call leaves the others intact. */
function runCall(call: CallPayload, isolate: boolean): CallResult {
  const statements: ExecutedStatement[] | undefined = call.capture ? [] : undefined;
  const stopObserving = statements ? addObserver((statement) => statements.push(statement)) : null;
  try {
    const result = isolate && call.kind !== 'transaction' ? connection.atomic(() => execute(call)) : execute(call);
    return statements ? { ...result, statements } : result;
  } catch (error) {
    return { ok: false, error: encode(error), ...(statements ? { statements } : {}) };
  } finally {
    stopObserving?.();
  }
}

function execute(call: CallPayload): CallResult & { ok: true } {
  switch (call.kind) {
    case 'query': {
      const queryset = decode(call.queryset) as QuerySet<any, any>;
      const args = decode(call.args) as unknown[];
      const method = (queryset as unknown as Record<string, (...args: unknown[]) => unknown>)[call.method];
      if (typeof method !== 'function') throw new TypeError(`Unknown queryset method '${call.method}'.`);
      const value = method.apply(queryset, args);
      if (call.method === 'evalRows') return { ok: true, value: flattenRows(value as unknown[][]) };
      return { ok: true, value: encode(value), ...(call.returnArgs ? { args: encode(args) } : {}) };
    }
    case 'instance': {
      const instance = decode(call.instance) as Model & Record<string, (...args: unknown[]) => unknown>;
      const value = instance[call.method]!.apply(instance, decode(call.args) as unknown[]);
      return { ok: true, value: encode(value), instance: encode(instance) };
    }
    case 'function': {
      const fn = findSyncFunction(call.key, call.file);
      const args = decode(call.args) as unknown[];
      const value = fn(...args);
      if (value instanceof Promise) throw new TypeError(`syncToAsync(${call.key}) wraps a function that returned a Promise; it must be synchronous.`);
      return { ok: true, value: encode(value) };
    }
    case 'schema':
      createSchema();
      return { ok: true, value: null };
    case 'keyedGet':
      return { ok: true, value: flattenRows(selectKeyed(connection, call.label, call.field, [call.param])) };
    case 'keyedGets':
      return { ok: true, value: flattenRows(selectKeyed(connection, call.label, call.field, call.params)) };
    case 'transaction':
      if (call.op === 'begin') connection.enterAtomic();
      else connection.exitAtomic(call.op === 'commit');
      return { ok: true, value: null };
  }
}

/** Units defined in ES modules are imported (asynchronously) before the task that first calls them runs. */
function runTaskWithUnits(task: Task): CallResult[] | Promise<CallResult[]> {
  const importing = importUnitModules(task.calls);
  return importing ? importing.then(() => runTask(task)) : runTask(task);
}

export = runTaskWithUnits;
