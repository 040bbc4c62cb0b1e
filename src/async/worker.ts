import { MessageChannel, parentPort, threadId, workerData } from 'node:worker_threads';
import { applySettings, type Settings } from '../conf';
import type { DatabaseConnection } from '../db/backends/base/connection';
import { TransactionManagementError } from '../errors';
import { DEFAULT_DB_ALIAS, databaseSettings, openConnection, setConnectionProvider, usingDatabase } from '../db/connections';
import { addObserver, type ExecutedStatement } from '../db/observers';
import { createSchema } from '../db/schema';
import { migrate } from '../migrations/executor';
import type { Model } from '../models/base';
import type { QuerySet } from '../models/queryset';
import { findSyncFunction, importUnitModules } from '../sync';
import { decode, encode, packRows, querysetTarget } from './codec';
import { runBulkCreate } from './bulk-create';
import { selectKeyed } from './keyed-get';
import { permittedMethod } from './methods';
import type { CallPayload, CallResult, Role, Task } from './protocol';

/**
 * A pool worker: it imports the model modules, opens its own connection (read-only for readers) and runs
 * the sync ORM for each call it receives.
 */
const { settings, role, commitMark, channel } = workerData as { settings: Settings; role: Role; commitMark?: Int32Array; channel?: boolean };
/** The database of this worker's pool: every call but a syncToAsync unit runs as a call on it. */
const alias = settings.poolAlias ?? DEFAULT_DB_ALIAS;
/** The connection of this worker's lane, to the database of its pool (`alias`). */
let connection!: DatabaseConnection;
/** Connections to the other databases, opened when a call here (a syncToAsync unit) first uses one. */
const otherConnections = new Map<string, DatabaseConnection>();
/** Why this worker could not start, if it could not. */
let startupError: unknown = null;
start();

/**
 * Imports the model modules and opens the connection. A worker that cannot start says why (the pool then
 * fails the lane's calls with the reason) and answers every task with that error, rather than dying and
 * being replaced by another that fails the same way.
 */
function start(): void {
  try {
    applySettings({ ...settings, mainThread: 'allow' });
    const label = (name: string) => (name === DEFAULT_DB_ALIAS ? `${role}-${threadId}` : `${role}:${name}-${threadId}`);
    connection = openConnection(databaseSettings(alias, 'A pool worker'), { label: label(alias), queryOnly: role === 'reader' });
    setConnectionProvider({
      get(name) {
        if (name === alias) return connection;
        let other = otherConnections.get(name);
        if (!other) {
          other = openConnection(databaseSettings(name, 'A pool worker'), { label: label(name), queryOnly: role === 'reader' });
          otherConnections.set(name, other);
        }
        return other;
      },
      opened: (name) => (name === alias ? connection : otherConnections.get(name)),
    });
  } catch (error) {
    startupError = error;
    parentPort!.postMessage({ workerFailed: encode(error) });
  }
}

/**
 * Runs one task. The writer runs a batch outside an async transaction as one transaction (a savepoint per
 * call when there are several), then sets its commit mark, by which the pool knows the batch's outcome
 * should this thread die before it answers.
 */
function runTask(task: Task): CallResult[] {
  if (startupError) return task.calls.map(() => ({ ok: false, error: encode(startupError) }));
  if (!task.groupCommit) return task.calls.map((call) => runCall(call, connection.inAtomicBlock));
  // migrate() opens a transaction per migration and switches foreign keys off around it, which SQLite allows
  // only outside a transaction: it runs on its own, the other calls of the batch in batches of one.
  if (task.calls.some((call) => call.kind === 'migrate')) {
    return task.calls.map((call) => (call.kind === 'migrate' ? runCall(call, false) : runTask({ ...task, calls: [call] })[0]!));
  }
  // Several calls get a savepoint each; a lone call that fails rolls the whole transaction back instead.
  // Either way a call that rejects has taken no effect, even one that wrote before it threw.
  const isolate = task.calls.length > 1;
  let results: CallResult[];
  try {
    results = connection.atomic(() => {
      const outcomes = task.calls.map((call) => runCall(call, isolate));
      if (!isolate && !outcomes[0]!.ok) throw new RolledBack(outcomes);
      return outcomes;
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.results;
    return task.calls.map(() => ({ ok: false, error: encode(error) }));
  }
  Atomics.store(commitMark!, 0, task.seq);
  return results;
}

/** Unwinds a lone call's batch transaction, carrying that call's failure out. */
class RolledBack {
  constructor(readonly results: CallResult[]) {}
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

/**
 * A call sent to this pool runs as a call on its database; a syncToAsync unit runs as the function would on
 * the main thread, with the routers choosing each query's database.
 */
function execute(call: CallPayload): CallResult & { ok: true } {
  return call.kind === 'function' ? executeCall(call) : usingDatabase(alias, () => executeCall(call));
}

function executeCall(call: CallPayload): CallResult & { ok: true } {
  switch (call.kind) {
    case 'query': {
      const method = permittedMethod(call.method, querysetTarget(call.queryset), role);
      const queryset = decode(call.queryset) as QuerySet<any, any>;
      const args = decode(call.args) as unknown[];
      const value = methodOf(queryset, method.name).apply(queryset, args);
      return { ok: true, value: encode(value), ...(method.returnArgs ? { args: encode(args) } : {}) };
    }
    case 'select':
      return { ok: true, value: packRows(connection.selectRows(call.sql, call.params, call.safeIntegers)) };
    case 'instance': {
      const method = permittedMethod(call.method, 'instance', role);
      const instance = decode(call.instance) as Model;
      const value = methodOf(instance, method.name).apply(instance, decode(call.args) as unknown[]);
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
      createSchema({ using: alias });
      return { ok: true, value: null };
    case 'migrate': {
      const lines: string[] = [];
      const result = migrate({ ...call.options, database: alias, log: (line) => lines.push(line) });
      return { ok: true, value: { ...result, lines } };
    }
    case 'bulkCreate':
      return { ok: true, value: runBulkCreate(call) };
    case 'keyedGet':
      return { ok: true, value: selectKeyed(connection, call.label, call.field, [call.param]) };
    case 'keyedGets':
      return { ok: true, value: selectKeyed(connection, call.label, call.field, call.params) };
    case 'transaction':
      runStep(call.op, call.depth);
      return { ok: true, value: null };
  }
}

/** `target.<name>`, which the method table lets the call run; a target without it (a forged root) is an error. */
function methodOf(target: object, name: string): (...args: unknown[]) => unknown {
  const method = (target as Record<string, unknown>)[name];
  if (typeof method !== 'function') throw new TypeError(`A pool worker found no method '${name}' on ${target.constructor.name}.`);
  return method as (...args: unknown[]) => unknown;
}

/** Units defined in ES modules are imported (asynchronously) before the task that first calls them runs. */
function runTaskWithUnits(task: Task): CallResult[] | Promise<CallResult[]> {
  const importing = importUnitModules(task.calls);
  return importing ? importing.then(() => runTask(task)) : runTask(task);
}

/**
 * An aatomic() step. The pool runs the blocks of a transaction one at a time, so the connection's depth
 * must match the block's; the outermost rollback undoes everything still open (it also ends a transaction
 * whose nested blocks were abandoned), and is a no-op on a connection that never saw it (a replaced writer).
 */
function runStep(op: 'begin' | 'commit' | 'rollback', depth: number): void {
  const open = connection.atomicDepth;
  if (op === 'rollback' && depth === 1) {
    while (connection.inAtomicBlock) connection.exitAtomic(false);
    return;
  }
  const expected = op === 'begin' ? depth - 1 : depth;
  if (open !== expected) {
    throw new TransactionManagementError(`aatomic() ${op} of a block at depth ${depth} found ${open} open block(s) on the writer; the transaction was lost.`);
  }
  if (op === 'begin') connection.enterAtomic();
  else connection.exitAtomic(op === 'commit');
}

/** A reader takes its batches on a channel of its own (see ReaderLane), handed to the pool once it is ready. */
if (channel && !startupError) {
  const { port1, port2 } = new MessageChannel();
  const reply = (results: CallResult[]) => {
    try {
      port1.postMessage({ results });
    } catch (error) {
      port1.postMessage({ results: results.map(() => ({ ok: false, error: encode(error) })) });
    }
  };
  port1.on('message', (task: Task) => {
    const results = runTaskWithUnits(task);
    if (Array.isArray(results)) reply(results);
    else void results.then(reply);
  });
  // After piscina's own ready message (posted once this module has loaded): a thread the pool ends before
  // piscina counts it ready would make piscina stop replacing threads altogether.
  setImmediate(() => parentPort!.postMessage({ readerPort: port2, threadId, interruptToken: connection.interruptToken }, [port2]));
} else if (!startupError && connection.interruptToken !== null) {
  // The writer's token, by which the pool stops a statement of an aatomic() call that was cancelled. Posted
  // at once: between tasks a writer waits in Atomics.wait, so a callback scheduled for later would not run.
  parentPort!.postMessage({ interruptToken: connection.interruptToken, threadId });
}


export = runTaskWithUnits;
