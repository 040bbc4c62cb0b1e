import { ImproperlyConfigured, SynchronousOnlyOperation } from '../errors';
import type { DatabaseBackend } from './backends/base/backend';
import type { DatabaseConnection } from './backends/base/connection';
import type { ConnectionOptions, ConnectionSettings } from './backends/base/types';
import { backendByVendor, defaultBackend } from './backends';

/**
 * Which connection a sync ORM call uses. On the main thread that is one lazily opened connection, if
 * the configuration allows the main thread to touch the database; in a pool worker the worker installs
 * a provider that answers with its reader, writer or pinned-transaction connection.
 */

/** The configured database as connections need it. */
export interface DatabaseSettings extends ConnectionSettings {
  /** The backend's vendor (`sqlite`), which pool workers look the backend up by. */
  readonly backend: string;
}

interface MainDatabase {
  settings: DatabaseSettings;
  mainThread: 'allow' | 'forbid';
}

let mainDatabase: MainDatabase | null = null;
let mainConnection: DatabaseConnection | null = null;
let provider: (() => DatabaseConnection) | null = null;

export function setMainDatabase(database: MainDatabase | null): void {
  mainConnection?.close();
  mainConnection = null;
  mainDatabase = database;
}

/** Installed by pool workers: from then on every sync call in that thread uses the provided connection. */
export function setConnectionProvider(connectionProvider: (() => DatabaseConnection) | null): void {
  provider = connectionProvider;
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

/** The connection for a sync call; `call` names the call in errors (`Pizza.objects.get()`). */
export function getConnection(call: string): DatabaseConnection {
  if (chainingCall) {
    throw new TypeError(
      `${chainingCall} ran a query (${call}) while chaining: only custom methods that return a queryset chain on an async ` +
        "queryset; for anything else write an async method (`async countVegetarian() { return this.vegetarian().acount(); }`).",
    );
  }
  if (provider) return provider();
  if (!mainDatabase) {
    throw new ImproperlyConfigured(`${call} needs a database: call configure({ database: ... }) first.`);
  }
  if (mainDatabase.mainThread === 'forbid') throw synchronousOnly(call);
  mainConnection ??= openConnection(mainDatabase.settings, { label: 'main' });
  return mainConnection;
}

/** A new connection to the configured database, through its backend (pool workers open theirs here). */
export function openConnection(settings: DatabaseSettings, options: ConnectionOptions): DatabaseConnection {
  return backendByVendor(settings.backend).connect(settings, options);
}

/** The backend sync calls made here use, without opening a connection; the default one before configure(). */
export function configuredBackend(): DatabaseBackend {
  if (provider) return provider().backend;
  return mainDatabase ? backendByVendor(mainDatabase.settings.backend) : defaultBackend;
}

/** Whether a sync call made here may touch the database (used by lazy related access). */
export function maySyncQuery(): boolean {
  return provider !== null || (mainDatabase !== null && mainDatabase.mainThread === 'allow');
}

export function synchronousOnly(call: string): SynchronousOnlyOperation {
  return new SynchronousOnlyOperation(
    `${call} cannot run synchronously on the main thread (configure({ mainThread: 'forbid' })). ` +
      'Use Model.aobjects, asave() / adelete() or `await obj.a.<relation>`, or move the work into syncToAsync().',
  );
}
