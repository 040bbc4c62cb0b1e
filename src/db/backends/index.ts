import { ImproperlyConfigured } from '../../errors';
import type { DatabaseBackend } from './base/backend';
import { sqliteBackend } from './sqlite/backend';

/**
 * The backends of this build by vendor. A new backend adds its entry here and its URL schemes below; a
 * backend whose driver is an optional dependency loads it lazily, on its first connection.
 */
const BACKENDS: Readonly<Record<string, DatabaseBackend>> = { sqlite: sqliteBackend };

/** The backend of a plain path, and of code that asks before anything is configured. */
export const defaultBackend: DatabaseBackend = sqliteBackend;

/** URL schemes of backends that exist but are not part of this build, with what to tell the user. */
const UNAVAILABLE: Readonly<Record<string, string>> = {
  postgres: 'PostgreSQL',
  postgresql: 'PostgreSQL',
};

/**
 * The backend for `configure({ database })`'s value: SQLite for a path, `':memory:'`, a `file:` or a `sqlite:`
 * URL; any other URL names a backend by its scheme.
 */
export function backendForDatabase(database: string): DatabaseBackend {
  if (/^(file|sqlite):/i.test(database)) return sqliteBackend;
  // Only `scheme://` makes a URL: a file may well be called 'db:1.sqlite3'.
  const scheme = /^([a-z][a-z0-9+.-]+):\/\//i.exec(database)?.[1]?.toLowerCase();
  if (!scheme) return defaultBackend;
  // The message repeats only the scheme: the rest of a URL may hold a password.
  const missing = UNAVAILABLE[scheme];
  if (missing) {
    throw new ImproperlyConfigured(
      `configure(): database URLs ('${scheme}://…') are not supported yet: the ${missing} backend is not available in this build, ` +
        "which runs on SQLite. Give the path of a SQLite file (database: 'app.sqlite3') or ':memory:'.",
    );
  }
  throw new ImproperlyConfigured(
    `configure(): database URLs ('${scheme}://…') are not supported: no backend serves '${scheme}'. ` +
      "Give the path of a SQLite file (database: 'app.sqlite3'), ':memory:', or a file: or sqlite: URL.",
  );
}

/** The backend settings name (`settings.backend`), as pool workers find it again. */
export function backendByVendor(vendor: string): DatabaseBackend {
  const backend = BACKENDS[vendor];
  if (!backend) throw new ImproperlyConfigured(`No database backend '${vendor}' in this build; the backends are ${Object.keys(BACKENDS).join(', ')}.`);
  return backend;
}
