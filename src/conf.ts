import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { didYouMean } from './close-match';
import { backendByVendor, backendForDatabase } from './db/backends';
import { DEFAULT_DB_ALIAS, setMainDatabase, type DatabaseSettings } from './db/connections';
import { checkRouters, describeRouters, rebuildRouters, setRouters, type DatabaseRouter, type RouterDescription } from './db/routers';
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
  database?: string;
  /**
   * Several databases by alias (each a path, ':memory:' or URL, as `database`; backends may be mixed);
   * `default` is required. Give either `database` or `databases`.
   */
  databases?: Readonly<Record<string, string>>;
  /** Objects that pick the database of each read and write (Django's router protocol), consulted in order. */
  routers?: readonly DatabaseRouter[];
  /** Modules that define models (absolute paths, e.g. `require.resolve('./models')`); every worker imports them. */
  models?: readonly string[];
  /** Reader threads in the pool. Default: the number of cores. */
  workers?: number;
  /**
   * Writer threads in the pool, each with a connection of its own: writes outside `aatomic()` spread over the
   * free ones, and each `aatomic()` block holds one for its whole run. Default 2 where the database allows
   * several writers at once (PostgreSQL), 1 on SQLite, which has one write lock and refuses more.
   */
  writers?: number;
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

/** One database alias of the configuration. */
export interface AliasSettings extends DatabaseSettings {
  /** As configure() was given it; `backend` is chosen from it. */
  database: string;
  /** What every connection opens: for SQLite the file (for ':memory:', a temporary file that close() removes). */
  databasePath: string;
  /** The writer threads of this database's pool (see ConfigureOptions.writers). */
  writers: number;
}

/** The configuration in force, as workers receive it; its own database fields are the default alias's. */
export interface Settings extends AliasSettings {
  /** Every alias, `default` first. */
  databases: Record<string, AliasSettings>;
  /** The routers that pool workers can rebuild (see routers.ts). */
  routers: RouterDescription[];
  /** In a pool's workers only: the alias of the database that pool serves. */
  poolAlias?: string;
  models: string[];
  workers: number;
  mainThread: 'allow' | 'forbid';
  queryTimeoutMs: number;
  debug: boolean;
}

/** Every key configure() understands; anything else is a typo or an option from a later version. */
const OPTION_NAMES: ReadonlyArray<keyof ConfigureOptions> = ['database', 'databases', 'routers', 'models', 'workers', 'writers', 'mainThread', 'queryTimeoutMs', 'debug', 'timeZone'];

let settings: Settings | null = null;
let temporaryDirectory: string | null = null;
const closeHooks: Array<() => Promise<void> | void> = [];

/** Sets threadorm up: the database, the model modules (imported here and in every worker) and the pool. */
export function configure(options: ConfigureOptions): void {
  if (settings) {
    throw new ImproperlyConfigured('threadorm is already configured; call `await close()` before configure() again.');
  }
  const resolved = validate(options);
  const routers = checkRouters(options.routers);
  resolved.routers = describeRouters(routers);
  for (const [alias, database] of Object.entries(resolved.databases)) {
    if (!database.ephemeral) continue;
    if (!temporaryDirectory) {
      temporaryDirectory = mkdtempSync(join(tmpdir(), 'threadorm-'));
      // A program that ends without close() must not leave the temporary database behind.
      process.once('exit', removeTemporaryDirectory);
    }
    database.databasePath = join(temporaryDirectory, alias === DEFAULT_DB_ALIAS ? 'memory.sqlite3' : `memory-${encodeURIComponent(alias)}.sqlite3`);
  }
  Object.assign(resolved, resolved.databases[DEFAULT_DB_ALIAS]);
  applySettings(resolved);
  setRouters(routers);
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
  setMainDatabase({ databases: resolved.databases, mainThread: resolved.mainThread });
  setRouters(rebuildRouters(resolved.routers));
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
  setRouters([]);
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
  const timeZone = canonicalTimeZone(options.timeZone ?? 'UTC');
  if (!timeZone) {
    throw new ImproperlyConfigured(`configure(): timeZone must be an IANA time zone name such as 'UTC' or 'Europe/Paris'; got ${JSON.stringify(options.timeZone)}.`);
  }
  const databases = resolveDatabases(options, timeZone);
  const workers = options.workers ?? Math.max(cpus().length, 1);
  if (!Number.isInteger(workers) || workers < 1) throw new ImproperlyConfigured(`configure(): workers must be a positive integer; got ${options.workers}.`);
  assignWriters(options.writers, databases);
  const mainThread = options.mainThread ?? 'allow';
  if (mainThread !== 'allow' && mainThread !== 'forbid') {
    throw new ImproperlyConfigured(`configure(): mainThread must be 'allow' or 'forbid'; got ${String(options.mainThread)}.`);
  }
  const queryTimeoutMs = options.queryTimeoutMs ?? 30_000;
  if (typeof queryTimeoutMs !== 'number' || queryTimeoutMs < 0) {
    throw new ImproperlyConfigured(`configure(): queryTimeoutMs must be a number of milliseconds (0 for none).`);
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
    ...databases[DEFAULT_DB_ALIAS]!,
    databases,
    routers: [],
    models,
    workers,
    mainThread,
    queryTimeoutMs,
    debug: options.debug ?? false,
  };
}

/** `database`, or each alias of `databases`, with its backend and what its connections open. */
function resolveDatabases(options: ConfigureOptions, timeZone: string): Record<string, AliasSettings> {
  if (options.database !== undefined && options.databases !== undefined) {
    throw new ImproperlyConfigured("configure(): give either database or databases, not both; with databases the default database is databases.default.");
  }
  let given: Readonly<Record<string, unknown>>;
  if (options.databases !== undefined) {
    if (options.databases === null || typeof options.databases !== 'object' || Array.isArray(options.databases)) {
      throw new ImproperlyConfigured("configure(): databases maps aliases to databases: configure({ databases: { default: 'app.sqlite3', other: 'other.sqlite3' } }).");
    }
    given = options.databases;
    if (!(DEFAULT_DB_ALIAS in given)) {
      throw new ImproperlyConfigured(
        `configure(): databases needs a 'default' database; got ${Object.keys(given).map((alias) => `'${alias}'`).join(', ') || 'none'}. ` +
          'Calls that name no database (and routers without an answer) use it.',
      );
    }
  } else {
    if (typeof options.database !== 'string' || !options.database) {
      throw new ImproperlyConfigured("configure() needs a database: configure({ database: 'app.sqlite3' }) or ':memory:'.");
    }
    given = { [DEFAULT_DB_ALIAS]: options.database };
  }
  const databases: Record<string, AliasSettings> = {};
  // The default alias first: it is the one every listing of the databases starts with.
  for (const alias of [DEFAULT_DB_ALIAS, ...Object.keys(given).filter((name) => name !== DEFAULT_DB_ALIAS)]) {
    const database = given[alias];
    if (typeof database !== 'string' || !database) {
      throw new ImproperlyConfigured(`configure(): databases.${alias} must be a path, ':memory:' or a URL; got ${database === '' ? "''" : typeof database}.`);
    }
    const backend = backendForDatabase(database);
    const { databasePath, ephemeral } = backend.resolveDatabase(database);
    databases[alias] = { database, backend: backend.vendor, databasePath, ephemeral, timeZone, writers: 1 };
  }
  return databases;
}

/**
 * Each database's writer threads: `writers` (default 2) where the database lets several connections write at
 * once, capped at what its backend allows (one on SQLite). Asking for more than every configured database
 * allows is a mistake worth saying.
 */
function assignWriters(value: number | undefined, databases: Record<string, AliasSettings>): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new ImproperlyConfigured(`configure(): writers must be a positive integer; got ${value}.`);
  const wanted = value ?? DEFAULT_WRITERS;
  const limits = Object.values(databases).map((database) => ({ database, backend: backendByVendor(database.backend) }));
  if (value !== undefined && limits.every(({ backend }) => backend.features.maxWriters < value)) {
    const { backend } = limits[0]!;
    const allowed = backend.features.maxWriters;
    throw new ImproperlyConfigured(
      `configure(): writers: ${backend.displayName} lets ${allowed} connection(s) write at once, so ${value} writer threads would only wait ` +
        `for each other's lock. Leave writers out (or give ${allowed}).`,
    );
  }
  for (const { database, backend } of limits) database.writers = Math.min(wanted, backend.features.maxWriters);
}

/** Two writers keep one long transaction from holding up every other write, and cost two connections. */
const DEFAULT_WRITERS = 2;

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
