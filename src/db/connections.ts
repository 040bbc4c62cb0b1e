import { ImproperlyConfigured, SynchronousOnlyOperation } from '../errors';
import type { DatabaseBackend } from './backends/base/backend';
import type { DatabaseConnection } from './backends/base/connection';
import type { ConnectionOptions, ConnectionSettings } from './backends/base/types';
import { backendByVendor, defaultBackend } from './backends';

/**
 * Which connection a sync ORM call uses. Each database alias has its own: on the main thread one lazily
 * opened connection per alias, if the configuration allows the main thread to touch the database; in a pool
 * worker the worker installs a provider that answers with its reader, writer or pinned-transaction
 * connection for its own alias, and opens others on demand.
 */

/** The alias every configuration has, and the one a call uses when nothing routes it elsewhere. */
export const DEFAULT_DB_ALIAS = 'default';

/** The configured database as connections need it. */
export interface DatabaseSettings extends ConnectionSettings {
  /** The backend's vendor (`sqlite`), which pool workers look the backend up by. */
  readonly backend: string;
  /** The IANA time zone date parts and truncations of datetimes are taken in (configure({ timeZone })). */
  readonly timeZone: string;
}

interface MainDatabase {
  /** Every alias's settings; `default` is always present. */
  databases: Readonly<Record<string, DatabaseSettings>>;
  mainThread: 'allow' | 'forbid';
}

let mainDatabase: MainDatabase | null = null;
const mainConnections = new Map<string, DatabaseConnection>();
/** A pool worker's connections: `get` opens one on first use, `opened` only looks. */
export interface ConnectionProvider {
  get(alias: string): DatabaseConnection;
  opened(alias: string): DatabaseConnection | undefined;
}

let provider: ConnectionProvider | null = null;
/** The alias of the routed sync call running now (see usingDatabase), null at the top: nested ORM calls follow it. */
let currentAlias: string | null = null;
/** Whether the async layer has an open aatomic() block on an alias, for the code that runs on this thread. */
let asyncTransactionProbe: ((alias: string) => boolean) | null = null;

export function setMainDatabase(database: MainDatabase | null): void {
  for (const connection of mainConnections.values()) connection.close();
  mainConnections.clear();
  mainDatabase = database;
  currentAlias = null;
}

/** Installed by pool workers: from then on every sync call in that thread uses the provided connections. */
export function setConnectionProvider(connectionProvider: ConnectionProvider | null): void {
  provider = connectionProvider;
}

/** The configured aliases, `default` first. */
export function databaseAliases(): string[] {
  return mainDatabase ? Object.keys(mainDatabase.databases) : [DEFAULT_DB_ALIAS];
}

/** The settings of one alias; an alias that is not configured is an error naming `call`. */
export function databaseSettings(alias: string, call: string): DatabaseSettings {
  if (!mainDatabase) throw new ImproperlyConfigured(`${call} needs a database: call configure({ database: ... }) first.`);
  const settings = mainDatabase.databases[alias];
  if (!settings) throw unknownDatabase(alias, call);
  return settings;
}

export function unknownDatabase(alias: unknown, call: string): ImproperlyConfigured {
  return new ImproperlyConfigured(`${call}: the database '${String(alias)}' is not configured; the databases are ${databaseAliases().map((name) => `'${name}'`).join(', ')}.`);
}

/** The alias a call made here (without a database of its own) uses. */
export function activeAlias(): string {
  return currentAlias ?? DEFAULT_DB_ALIAS;
}

/** The database of the routed call running now (see usingDatabase), or null outside one. */
export function scopedAlias(): string | null {
  return currentAlias;
}

/**
 * Runs `fn` as one call on `alias`: the queries it makes without a database of their own (the deletion
 * collector's, a save's, a prefetch's) go there, not through the routers again, and the rows it loads are
 * marked as coming from there. Sync code runs to completion, so a plain save-and-restore scopes it exactly.
 */
export function usingDatabase<T>(alias: string, fn: () => T): T {
  if (alias === currentAlias) return fn();
  const previous = currentAlias;
  currentAlias = alias;
  try {
    return fn();
  } finally {
    currentAlias = previous;
  }
}

/** The call being chained while no query may run (see `chainingOnly`). */
let chainingCall: string | null = null;

/**
 * Runs `fn`, a chaining call such as a custom queryset method, refusing any query it tries to run: a chain
 * is built on this thread and evaluated in a worker, so a method that queries is no chaining step.
 */
export function chainingOnly<V>(call: string, fn: () => V): V {
  const previous = chainingCall;
  chainingCall = call;
  try {
    return fn();
  } finally {
    chainingCall = previous;
  }
}

/** The connection for a sync call to `alias`; `call` names the call in errors (`Pizza.objects.get()`). */
export function getConnection(call: string, alias: string = activeAlias()): DatabaseConnection {
  if (chainingCall) {
    throw new TypeError(
      `${chainingCall} ran a query (${call}) while chaining: only custom methods that return a queryset chain on an async ` +
        "queryset; for anything else write an async method (`async countVegetarian() { return this.vegetarian().acount(); }`).",
    );
  }
  if (provider) {
    if (mainDatabase && !mainDatabase.databases[alias]) throw unknownDatabase(alias, call);
    return provider.get(alias);
  }
  if (!mainDatabase) {
    throw new ImproperlyConfigured(`${call} needs a database: call configure({ database: ... }) first.`);
  }
  if (mainDatabase.mainThread === 'forbid') throw synchronousOnly(call);
  let connection = mainConnections.get(alias);
  if (!connection) {
    connection = openConnection(databaseSettings(alias, call), { label: alias === DEFAULT_DB_ALIAS ? 'main' : `main:${alias}` });
    mainConnections.set(alias, connection);
  }
  return connection;
}

/** A new connection to a configured database, through its backend (pool workers open theirs here). */
export function openConnection(settings: DatabaseSettings, options: ConnectionOptions): DatabaseConnection {
  return backendByVendor(settings.backend).connect(settings, options);
}

/** The backend of `alias` (the current one by default), without opening a connection; the default one before configure(). */
export function configuredBackend(alias: string = activeAlias()): DatabaseBackend {
  const settings = mainDatabase?.databases[alias];
  return settings ? backendByVendor(settings.backend) : defaultBackend;
}

/** The configured time zone ('UTC' before configure()), on the main thread and in pool workers alike. */
export function currentTimeZone(): string {
  return mainDatabase?.databases[DEFAULT_DB_ALIAS]?.timeZone ?? 'UTC';
}

/** Whether a sync call made here may touch the database (used by lazy related access). */
export function maySyncQuery(): boolean {
  return provider !== null || (mainDatabase !== null && mainDatabase.mainThread === 'allow');
}

/** Installed by the async layer: whether code running here is inside an aatomic() block on `alias`. */
export function setAsyncTransactionProbe(probe: ((alias: string) => boolean) | null): void {
  asyncTransactionProbe = probe;
}

/**
 * Whether code running here is inside a transaction on `alias`: an atomic() block of this thread's
 * connection (opened connections only: a transaction needs one), or an aatomic() block.
 */
export function inTransaction(alias: string): boolean {
  if (asyncTransactionProbe?.(alias)) return true;
  if (provider) return provider.opened(alias)?.inAtomicBlock ?? false;
  return mainConnections.get(alias)?.inAtomicBlock ?? false;
}

export function synchronousOnly(call: string): SynchronousOnlyOperation {
  return new SynchronousOnlyOperation(
    `${call} cannot run synchronously on the main thread (configure({ mainThread: 'forbid' })). ` +
      'Use Model.aobjects, asave() / adelete() or `await obj.a.<relation>`, or move the work into syncToAsync().',
  );
}
