import { extname, join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { decode, encode } from './async/codec';
import { getSettings, isConfigured } from './conf';
import { definitionSite, misplaced } from './definition-site';
import { ImproperlyConfigured } from './errors';
import { requireModule } from './loader';

/**
 * syncToAsync / asyncToSync: move a whole unit of work across the thread boundary. A wrapped function is
 * found in the other thread by (module file, position among the module's wrapped functions): that thread
 * imports the module, which defines its units again in the same order. Hence the rule, checked when a unit
 * is defined (src/definition-site.ts): once, at module level, in a module other than the entry script.
 */

interface Definition {
  key: string;
  /** The defining module: an absolute path (CommonJS) or a `file://` URL (ES module). */
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
  const definition = define(fn, definitionSite('syncToAsync', syncToAsync));
  const readOnly = options.readOnly ?? false;
  return (...args: A) => {
    if (!executor) {
      return Promise.reject(new ImproperlyConfigured(`syncToAsync(${definition.key}) needs the worker pool: call configure() first.`));
    }
    return executor(definition, args, { readOnly }) as Promise<Awaited<R>>;
  };
}

/** The function a worker runs for a call: registered when its module loaded (required now if needed). */
export function findSyncFunction(key: string, file: string): (...args: unknown[]) => unknown {
  const position = positionOf(key);
  if (!functions.has(position)) {
    const failure = isModuleUrl(file) ? importFailure(file) : requireFailure(file);
    if (failure) throw notImportable(key, `the worker cannot import ${file} (${failure})`);
  }
  const fn = functions.get(position);
  if (!fn) throw notImportable(key, 'it is not defined when its module is imported by another thread');
  return fn;
}

/** ES modules imported in this thread for their units: done (null), still loading, or the reason they failed. */
const moduleImports = new Map<string, Promise<void> | { failed: string } | null>();

/** A real `import()`: compiled to CommonJS, a plain one would become `require()`, which cannot load ES modules. */
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

/**
 * ES modules load asynchronously: a worker awaits this before running calls of units defined in ES modules
 * it has not imported yet (null when there is nothing to import, so other tasks stay synchronous).
 */
export function importUnitModules(calls: readonly { kind: string; file?: string }[]): Promise<void> | null {
  let pending: Promise<void>[] | null = null;
  for (const call of calls) {
    const file = call.kind === 'function' ? call.file : undefined;
    if (!file || !isModuleUrl(file)) continue;
    let state = moduleImports.get(file);
    if (state === undefined) {
      state = importModule(file).then(
        () => void moduleImports.set(file, null),
        (error: Error) => void moduleImports.set(file, { failed: error?.message ?? String(error) }),
      );
      moduleImports.set(file, state);
    }
    if (state instanceof Promise) (pending ??= []).push(state);
  }
  return pending && Promise.all(pending).then(() => undefined);
}

function requireFailure(file: string): string | null {
  try {
    requireModule(file);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

function importFailure(file: string): string | null {
  const state = moduleImports.get(file);
  if (state === undefined || state instanceof Promise) return 'the ES module was not imported before the call ran';
  return state?.failed ?? null;
}

function isModuleUrl(file: string): boolean {
  return file.startsWith('file://');
}

function notImportable(key: string, reason: string): ImproperlyConfigured {
  return misplaced('syncToAsync/asyncToSync', `cannot run ${key}: ${reason}`);
}

/**
 * Registers a unit under its position in its module (`units.ts#2`); the key sent to workers adds the
 * function's name for messages (`units.ts#2(transfer)`). Lookups go by position only: a transpiler may
 * rename a function (esbuild turns `const vote = syncToAsync(function vote() {})` into `vote2`).
 */
function define(fn: (...args: any[]) => unknown, file: string): Definition {
  const index = counters.get(file) ?? 0;
  counters.set(file, index + 1);
  const position = `${file}#${index}`;
  functions.set(position, fn);
  return { key: fn.name ? `${position}(${fn.name})` : position, file };
}

function positionOf(key: string): string {
  return /^.*#\d+/.exec(key)?.[0] ?? key;
}

// ---------------------------------------------------------------- asyncToSync

/** The asyncToSync helper thread: configured like its parent, it runs the unit for each message while the parent waits. */
const ASYNC_RUNNER = `
const { workerData } = require('node:worker_threads');
const { file, key, entry, conf, codecEntry, settings, bootstrap, port, signal } = workerData;
if (bootstrap) require(bootstrap);
if (settings) require(conf).applySettings({ ...settings, mainThread: 'allow' });
const sync = require(entry);
const codec = require(codecEntry);
port.on('message', async ({ args }) => {
  let reply;
  try {
    await sync.importUnitModules([{ kind: 'function', file }]);
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
  const definition = define(fn, definitionSite('asyncToSync', asyncToSync));
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
          // From the TypeScript sources the helper thread needs the transpiler before it can load this module.
          bootstrap: __filename.endsWith('.ts') ? join(__dirname, 'bootstrap-typescript.js') : null,
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
