import { ImproperlyConfigured, SynchronousOnlyOperation } from '../errors';
import { Connection } from './backends/sqlite/connection';

/**
 * Which connection a sync ORM call uses. On the main thread that is one lazily opened connection, if
 * the configuration allows the main thread to touch the database; in a pool worker the worker installs
 * a provider that answers with its reader, writer or pinned-transaction connection.
 */

interface MainDatabase {
  path: string;
  mainThread: 'allow' | 'forbid';
  synchronous: 'NORMAL' | 'OFF';
}

let mainDatabase: MainDatabase | null = null;
let mainConnection: Connection | null = null;
let provider: (() => Connection) | null = null;

export function setMainDatabase(database: MainDatabase | null): void {
  mainConnection?.close();
  mainConnection = null;
  mainDatabase = database;
}

/** Installed by pool workers: from then on every sync call in that thread uses the provided connection. */
export function setConnectionProvider(connectionProvider: (() => Connection) | null): void {
  provider = connectionProvider;
}

/** The connection for a sync call; `call` names the call in errors (`Pizza.objects.get()`). */
export function getConnection(call: string): Connection {
  if (provider) return provider();
  if (!mainDatabase) {
    throw new ImproperlyConfigured(`${call} needs a database: call configure({ database: ... }) first.`);
  }
  if (mainDatabase.mainThread === 'forbid') throw synchronousOnly(call);
  mainConnection ??= new Connection(mainDatabase.path, { label: 'main', synchronous: mainDatabase.synchronous });
  return mainConnection;
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
