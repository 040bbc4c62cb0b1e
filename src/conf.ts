import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { didYouMean } from './close-match';
import { backendForDatabase } from './db/backends';
import { setMainDatabase, type DatabaseSettings } from './db/connections';
import { setDebug } from './db/observers';
import { canonicalTimeZone } from './db/time-zones';
import { isEntryScript } from './definition-site';
import { ImproperlyConfigured } from './errors';
import { requireModule } from './loader';
import { forgetModelMeta, isConcreteModel } from './models/base';
import { allModels, clearRegistry } from './models/registry';

export interface ConfigureOptions {
  /**
   * The database; its value picks the backend. SQLite: a file path, ':memory:' (a private temporary database
   * that the worker pool shares), or a `file:` / `sqlite:` URL (`sqlite:///app.sqlite3`).
   */
  database: string;
  /** Modules that define models (absolute paths, e.g. `require.resolve('./models')`); every worker imports them. */
  models?: readonly string[];
  /** Reader threads in the pool. Default: the number of cores. */
  workers?: number;
  /** May the sync API touch the database on the main thread? Default 'allow'. */
  mainThread?: 'allow' | 'forbid';
  /** Default limit for async queries in milliseconds; 0 means none. Default 30 000. */
  queryTimeoutMs?: number;
  /** Log every statement with its duration and thread (also: THREADORM_DEBUG=1). */
  debug?: boolean;
  /**
   * The IANA time zone (`'Europe/Paris'`) in which `__year`, `__date`, `__hour`…, `dates()` and `datetimes()`
   * take datetimes, as Django's TIME_ZONE. Datetimes are stored in UTC whatever it is. Default 'UTC'.
   */
  timeZone?: string;
}

/** The configuration in force, as workers receive it. */
export interface Settings extends DatabaseSettings {
  /** As configure() was given it; `backend` is chosen from it. */
  database: string;
  /** What every connection opens: for SQLite the file (for ':memory:', a temporary file that close() removes). */
  databasePath: string;
  models: string[];
  workers: number;
  mainThread: 'allow' | 'forbid';
  queryTimeoutMs: number;
  debug: boolean;
}

/** Every key configure() understands; anything else is a typo or an option from a later version. */
const OPTION_NAMES: ReadonlyArray<keyof ConfigureOptions> = ['database', 'models', 'workers', 'mainThread', 'queryTimeoutMs', 'debug', 'timeZone'];

let settings: Settings | null = null;
let temporaryDirectory: string | null = null;
const closeHooks: Array<() => Promise<void> | void> = [];

/** Sets threadorm up: the database, the model modules (imported here and in every worker) and the pool. */
export function configure(options: ConfigureOptions): void {
  if (settings) {
    throw new ImproperlyConfigured('threadorm is already configured; call `await close()` before configure() again.');
  }
  const resolved = validate(options);
  if (resolved.ephemeral) {
    temporaryDirectory = mkdtempSync(join(tmpdir(), 'threadorm-'));
    resolved.databasePath = join(temporaryDirectory, 'memory.sqlite3');
    // A program that ends without close() must not leave the temporary database behind.
    process.once('exit', removeTemporaryDirectory);
  }
  applySettings(resolved);
}

function removeTemporaryDirectory(): void {
  process.removeListener('exit', removeTemporaryDirectory);
  if (temporaryDirectory) rmSync(temporaryDirectory, { recursive: true, force: true });
  temporaryDirectory = null;
}

/** Used by configure() and by pool workers, which receive the main thread's settings. */
export function applySettings(resolved: Settings): void {
  settings = resolved;
  setDebug(resolved.debug);
  setMainDatabase({ settings: resolved, mainThread: resolved.mainThread });
  loadModelModules(resolved.models);
}

export function getSettings(call = 'This call'): Settings {
  if (!settings) throw new ImproperlyConfigured(`${call} needs a configuration: call configure({ database, models }) first.`);
  return settings;
}

export function isConfigured(): boolean {
  return settings !== null;
}

/** Registers cleanup that close() runs (the async layer's pool). */
export function onClose(hook: () => Promise<void> | void): void {
  closeHooks.push(hook);
}

/** Finishes queued work, stops the pool, closes every connection and forgets the configuration. */
export async function close(): Promise<void> {
  const hooks = closeHooks.splice(0);
  for (const hook of hooks) await hook();
  setMainDatabase(null);
  forgetModelMeta(allModels());
  clearRegistry();
  removeTemporaryDirectory();
  settings = null;
}

function validate(options: ConfigureOptions): Settings {
  if (!options || typeof options !== 'object') {
    throw new ImproperlyConfigured("configure() takes an options object: configure({ database: 'app.sqlite3', models: [...] }).");
  }
  for (const key of Object.keys(options)) {
    if (!(OPTION_NAMES as readonly string[]).includes(key)) {
      throw new ImproperlyConfigured(
        `configure(): unknown option '${key}'.${didYouMean(key, OPTION_NAMES)} The options are ${OPTION_NAMES.join(', ')}.`,
      );
    }
  }
  if (typeof options.database !== 'string' || !options.database) {
    throw new ImproperlyConfigured("configure() needs a database: configure({ database: 'app.sqlite3' }) or ':memory:'.");
  }
  const backend = backendForDatabase(options.database);
  const { databasePath, ephemeral } = backend.resolveDatabase(options.database);
  const workers = options.workers ?? Math.max(cpus().length, 1);
  if (!Number.isInteger(workers) || workers < 1) throw new ImproperlyConfigured(`configure(): workers must be a positive integer; got ${options.workers}.`);
  const mainThread = options.mainThread ?? 'allow';
  if (mainThread !== 'allow' && mainThread !== 'forbid') {
    throw new ImproperlyConfigured(`configure(): mainThread must be 'allow' or 'forbid'; got ${String(options.mainThread)}.`);
  }
  const queryTimeoutMs = options.queryTimeoutMs ?? 30_000;
  if (typeof queryTimeoutMs !== 'number' || queryTimeoutMs < 0) {
    throw new ImproperlyConfigured(`configure(): queryTimeoutMs must be a number of milliseconds (0 for none).`);
  }
  const timeZone = canonicalTimeZone(options.timeZone ?? 'UTC');
  if (!timeZone) {
    throw new ImproperlyConfigured(`configure(): timeZone must be an IANA time zone name such as 'UTC' or 'Europe/Paris'; got ${JSON.stringify(options.timeZone)}.`);
  }
  const models = [...(options.models ?? [])].map((path) => {
    if (typeof path !== 'string') throw new ImproperlyConfigured('configure(): models takes module paths (use require.resolve).');
    const absolute = isAbsolute(path) ? path : resolve(path);
    if (isEntryScript(absolute)) {
      throw new ImproperlyConfigured(
        `configure(): the models module '${absolute}' is the program's entry script: every pool worker imports the models modules, ` +
          'so each would run the program again. Move the models into a module of their own.',
      );
    }
    return absolute;
  });
  return {
    database: options.database,
    backend: backend.vendor,
    databasePath,
    ephemeral,
    models,
    workers,
    mainThread,
    queryTimeoutMs,
    debug: options.debug ?? false,
    timeZone,
  };
}

/** Imports each models module and registers the model classes it exports. */
function loadModelModules(paths: readonly string[]): void {
  for (const path of paths) {
    let exported: Record<string, unknown>;
    try {
      exported = requireModule(path) as Record<string, unknown>;
    } catch (error) {
      throw new ImproperlyConfigured(`configure(): cannot import the models module '${path}': ${(error as Error).message}`);
    }
    for (const value of Object.values(exported ?? {})) {
      if (isConcreteModel(value)) void value._meta;
    }
  }
  for (const model of allModels()) model._meta.resolveRelations();
}
