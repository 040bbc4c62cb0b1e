import { dirname, extname, join } from 'node:path';
import { getSettings, isConfigured } from './conf';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { decode, encode } from './async/codec';
import { ImproperlyConfigured } from './errors';

/**
 * syncToAsync / asyncToSync: move a whole unit of work across the thread boundary. A wrapped function is
 * found in the other thread by (module file, position among the module's wrapped functions), which is why
 * it must be defined once, at module level, in a module that thread can import.
 */

interface Definition {
  key: string;
  file: string;
}

type Executor = (definition: Definition, args: unknown[], options: { readOnly: boolean }) => Promise<unknown>;

const functions = new Map<string, (...args: any[]) => unknown>();
const counters = new Map<string, number>();
let executor: Executor | null = null;

/** Installed by the async layer: runs a registered function in a pool worker. */
export function setSyncFunctionExecutor(value: Executor | null): void {
  executor = value;
}

/**
 * Wraps a sync function (a multi-query unit of work, e.g. `atomic(() => ...)`) so that calling it runs it
 * in a pool worker and returns a promise of its result: one thread hop for the whole unit.
 * `{ readOnly: true }` lets it run on a reader.
 */
export function syncToAsync<A extends unknown[], R>(
  fn: (...args: A) => R,
  options: { readOnly?: boolean } = {},
): (...args: A) => Promise<Awaited<R>> {
  if (typeof fn !== 'function') throw new TypeError('syncToAsync() takes a function.');
  const definition = define(fn, 'syncToAsync');
  const readOnly = options.readOnly ?? false;
  return (...args: A) => {
    if (!executor) {
      return Promise.reject(new ImproperlyConfigured(`syncToAsync(${definition.key}) needs the worker pool: call configure() first.`));
    }
    return executor(definition, args, { readOnly }) as Promise<Awaited<R>>;
  };
}

/** The function a worker runs for a call: registered when its module loaded (imported now if needed). */
export function findSyncFunction(key: string, file: string): (...args: unknown[]) => unknown {
  if (!functions.has(key)) {
    try {
      require(file);
    } catch (error) {
      throw notImportable(key, `the worker cannot import ${file} (${(error as Error).message})`);
    }
  }
  const fn = functions.get(key);
  if (!fn) throw notImportable(key, 'it is not defined when its module is imported by another thread');
  return fn;
}

function notImportable(key: string, reason: string): ImproperlyConfigured {
  return new ImproperlyConfigured(
    `syncToAsync/asyncToSync: cannot run ${key}: ${reason}. ` +
      'Define it once, at module level (`export const transfer = syncToAsync((from, to, amount) => atomic(() => ...))`), ' +
      'in a module that workers can import (not inside a function, a loop, or a test file).',
  );
}

function define(fn: (...args: any[]) => unknown, helper: string): Definition {
  const file = callerFile();
  if (!file) throw new ImproperlyConfigured(`${helper}() must be called at module level in a module file.`);
  const index = counters.get(file) ?? 0;
  counters.set(file, index + 1);
  const key = `${file}#${index}${fn.name ? `(${fn.name})` : ''}`;
  functions.set(key, fn);
  return { key, file };
}

/** The file of the module that called syncToAsync / asyncToSync, from the stack. */
function callerFile(): string | null {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  for (const line of stack) {
    const match = /\(?((?:\/|[A-Za-z]:\\)[^():]+\.[cm]?[jt]s):\d+:\d+\)?$/.exec(line.trim());
    if (match && match[1] !== __filename && !match[1]!.includes(`${dirname(__filename)}/sync.`)) return match[1]!;
  }
  return null;
}

// ---------------------------------------------------------------- asyncToSync

const ASYNC_RUNNER = `
const { workerData, parentPort } = require('node:worker_threads');
const { file, key, entry, conf, codecEntry, settings, tsNode, port, signal } = workerData;
if (tsNode) require('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
if (settings) require(conf).applySettings({ ...settings, mainThread: 'allow' });
const sync = require(entry);
const codec = require(codecEntry);
port.on('message', async ({ args }) => {
  let reply;
  try {
    const fn = sync.findSyncFunction(key, file);
    reply = { ok: true, value: codec.encode(await fn(...codec.decode(args))) };
  } catch (error) {
    reply = { ok: false, error: codec.encode(error instanceof Error ? error : new Error(String(error))) };
  }
  try { port.postMessage(reply); } catch (error) { port.postMessage({ ok: false, error: codec.encode(new TypeError('asyncToSync: the result cannot be sent across threads: ' + error.message)) }); }
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
`;

/**
 * Wraps an async function so sync code can call it and get its result: the function runs in a helper
 * thread (configured like the caller's, with its own connections) while the caller blocks. Same rule as
 * syncToAsync: define it at module level. Arguments and the result cross by structured clone.
 */
export function asyncToSync<A extends unknown[], R>(fn: (...args: A) => Promise<R> | R): (...args: A) => R {
  if (typeof fn !== 'function') throw new TypeError('asyncToSync() takes a function.');
  const definition = define(fn, 'asyncToSync');
  let runner: { worker: Worker; port: import('node:worker_threads').MessagePort; signal: Int32Array } | null = null;
  return (...args: A): R => {
    if (!runner) {
      const { port1, port2 } = new MessageChannel();
      const signal = new Int32Array(new SharedArrayBuffer(4));
      const worker = new Worker(ASYNC_RUNNER, {
        eval: true,
        workerData: {
          file: definition.file,
          key: definition.key,
          entry: __filename,
          conf: join(__dirname, `conf${extname(__filename)}`),
          codecEntry: join(__dirname, 'async', `codec${extname(__filename)}`),
          settings: isConfigured() ? getSettings() : null,
          tsNode: __filename.endsWith('.ts'),
          port: port2,
          signal,
        },
        transferList: [port2],
      });
      worker.unref();
      runner = { worker, port: port1, signal };
    }
    Atomics.store(runner.signal, 0, 0);
    runner.port.postMessage({ args: encode(args) });
    Atomics.wait(runner.signal, 0, 0);
    const message = receiveMessageOnPort(runner.port)?.message as { ok: boolean; value?: unknown; error?: unknown } | undefined;
    if (!message) throw new Error(`asyncToSync(${definition.key}): the helper thread ended without a result.`);
    if (message.ok) return decode(message.value) as R;
    throw decode(message.error);
  };
}
