import { ImproperlyConfigured } from '../errors';
import { DEFAULT_DB_ALIAS, databaseAliases, inTransaction } from './connections';

/**
 * Database routers (Django's router protocol, camelCase): objects with any of these methods, consulted in
 * the order configure() was given them; the first answer that is not undefined wins.
 */

/** What a router sees of a model: the class (its `_meta.label` names it). */
export type RoutedModel = { readonly _meta: { readonly label: string } } & Function;

/** What a router sees of an instance: its class and the database it was loaded from or saved to. */
export interface RoutedInstance {
  readonly _state: { db: string | null };
}

export interface RouterHints {
  /** The instance the query starts from (a related manager's, a forward relation's) or that is saved. */
  instance?: RoutedInstance;
  [hint: string]: unknown;
}

export interface DatabaseRouter {
  dbForRead?(model: RoutedModel, hints: RouterHints): string | undefined | null;
  dbForWrite?(model: RoutedModel, hints: RouterHints): string | undefined | null;
  allowRelation?(a: RoutedInstance, b: RoutedInstance): boolean | undefined | null;
  allowMigrate?(alias: string, model: RoutedModel, hints?: Record<string, unknown>): boolean | undefined | null;
}

/**
 * Reads go to the replicas (every alias but 'default', or those given), writes to 'default'. Inside a
 * transaction on 'default' reads stay on it, so a transaction reads its own writes. Relations are allowed
 * between 'default' and its replicas (they hold the same rows).
 */
export class ReadReplicaRouter implements DatabaseRouter {
  readonly replicas: readonly string[] | null;
  private turn = 0;

  constructor(options: { replicas?: readonly string[] } = {}) {
    if (options.replicas !== undefined && (!Array.isArray(options.replicas) || options.replicas.some((alias) => typeof alias !== 'string'))) {
      throw new ImproperlyConfigured('ReadReplicaRouter({ replicas }): replicas takes a list of database aliases.');
    }
    this.replicas = options.replicas ? [...options.replicas] : null;
  }

  private replicaAliases(): readonly string[] {
    return this.replicas ?? databaseAliases().filter((alias) => alias !== DEFAULT_DB_ALIAS);
  }

  dbForRead(): string | undefined {
    if (inTransaction(DEFAULT_DB_ALIAS)) return DEFAULT_DB_ALIAS;
    const replicas = this.replicaAliases();
    if (!replicas.length) return DEFAULT_DB_ALIAS;
    // Round robin: each replica takes its share of the reads.
    this.turn = (this.turn + 1) % replicas.length;
    return replicas[this.turn];
  }

  dbForWrite(): string {
    return DEFAULT_DB_ALIAS;
  }

  allowRelation(a: RoutedInstance, b: RoutedInstance): boolean | undefined {
    const pool = new Set([DEFAULT_DB_ALIAS, ...this.replicaAliases()]);
    if (a._state.db && b._state.db && pool.has(a._state.db) && pool.has(b._state.db)) return true;
    return undefined;
  }

  /** How a worker rebuilds it (router objects do not cross threads). */
  describe(): RouterDescription {
    return { kind: 'readReplica', replicas: this.replicas };
  }
}

/** A router as pool workers receive it: only routers that can describe themselves are rebuilt there. */
export type RouterDescription = { kind: 'readReplica'; replicas: readonly string[] | null };

let routers: readonly DatabaseRouter[] = [];

const ROUTER_METHODS = ['dbForRead', 'dbForWrite', 'allowRelation', 'allowMigrate'] as const;

/** Checks configure()'s `routers` and returns what workers need to rebuild them. */
export function checkRouters(given: unknown): DatabaseRouter[] {
  if (given === undefined) return [];
  if (!Array.isArray(given)) throw new ImproperlyConfigured('configure(): routers takes a list of router objects, e.g. routers: [new ReadReplicaRouter()].');
  return given.map((router, index) => {
    if (router === null || typeof router !== 'object') {
      throw new ImproperlyConfigured(`configure(): routers[${index}] is ${router === null ? 'null' : typeof router}; a router is an object with dbForRead, dbForWrite, allowRelation or allowMigrate.`);
    }
    const methods = ROUTER_METHODS.filter((name) => typeof (router as Record<string, unknown>)[name] === 'function');
    if (!methods.length) {
      throw new ImproperlyConfigured(`configure(): routers[${index}] (${router.constructor?.name ?? 'object'}) has none of the router methods ${ROUTER_METHODS.join(', ')}.`);
    }
    return router as DatabaseRouter;
  });
}

export function setRouters(list: readonly DatabaseRouter[]): void {
  routers = list;
}

export function describeRouters(list: readonly DatabaseRouter[]): RouterDescription[] {
  return list.flatMap((router) => (router instanceof ReadReplicaRouter ? [router.describe()] : []));
}

export function rebuildRouters(descriptions: readonly RouterDescription[]): DatabaseRouter[] {
  return descriptions.map((description) => new ReadReplicaRouter({ replicas: description.replicas ?? undefined }));
}

function checkedAlias(alias: unknown, router: DatabaseRouter, method: string): string {
  if (typeof alias !== 'string' || !databaseAliases().includes(alias)) {
    throw new ImproperlyConfigured(
      `${router.constructor?.name ?? 'A router'}.${method}() answered ${JSON.stringify(alias)}, which is no configured database; the databases are ${databaseAliases().join(', ')}.`,
    );
  }
  return alias;
}

function route(method: 'dbForRead' | 'dbForWrite', model: RoutedModel, hints: RouterHints): string {
  for (const router of routers) {
    const chosen = router[method]?.(model, hints);
    if (chosen !== undefined && chosen !== null) return checkedAlias(chosen, router, method);
  }
  // Django's fallback: where the instance the query starts from lives, else the default database.
  return hints.instance?._state.db ?? DEFAULT_DB_ALIAS;
}

/** The database to read `model` from. */
export function dbForRead(model: RoutedModel, hints: RouterHints = {}): string {
  return route('dbForRead', model, hints);
}

/** The database to write `model` to. */
export function dbForWrite(model: RoutedModel, hints: RouterHints = {}): string {
  return route('dbForWrite', model, hints);
}

/** May `a` and `b` be related? Without an answer, only when both live in the same database. */
export function allowRelation(a: RoutedInstance, b: RoutedInstance): boolean {
  for (const router of routers) {
    const allowed = router.allowRelation?.(a, b);
    if (allowed !== undefined && allowed !== null) return Boolean(allowed);
  }
  return (a._state.db ?? DEFAULT_DB_ALIAS) === (b._state.db ?? DEFAULT_DB_ALIAS);
}

/** May the operations of `model` run on `alias`? Without an answer, yes. */
export function allowMigrate(alias: string, model: RoutedModel, hints: Record<string, unknown> = {}): boolean {
  for (const router of routers) {
    const allowed = router.allowMigrate?.(alias, model, hints);
    if (allowed !== undefined && allowed !== null) return Boolean(allowed);
  }
  return true;
}
