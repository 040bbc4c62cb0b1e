import { ImproperlyConfigured } from '../../errors';
import type { DatabaseBackend } from './base/backend';
import { sqliteBackend } from './sqlite/backend';

/**
 * The backends of this build by vendor. A backend whose driver is an optional dependency is required inside
 * its loader, so a program that never selects it never loads the driver.
 */
const BACKENDS: Readonly<Record<string, () => DatabaseBackend>> = {
  sqlite: () => sqliteBackend,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  postgresql: () => (require('./postgresql/backend') as typeof import('./postgresql/backend')).postgresqlBackend,
};

/** The vendor each `scheme://` selects (`file:` and `sqlite:` URLs are SQLite's, with or without `//`). */
const SCHEMES: Readonly<Record<string, string>> = { postgres: 'postgresql', postgresql: 'postgresql' };

/** The backend of a plain path, and of code that asks before anything is configured. */
export const defaultBackend: DatabaseBackend = sqliteBackend;

/**
 * The backend for `configure({ database })`'s value: SQLite for a path, `':memory:'`, a `file:` or a `sqlite:`
 * URL; any other URL (`scheme://…`) selects a backend by its scheme.
 */
export function backendForDatabase(database: string): DatabaseBackend {
  if (/^(file|sqlite):/i.test(database)) return sqliteBackend;
  // Only `scheme://` makes a URL otherwise: a file may well be called 'db:1.sqlite3'.
  const scheme = /^([a-z][a-z0-9+.-]+):\/\//i.exec(database)?.[1]?.toLowerCase();
  if (!scheme) return defaultBackend;
  const vendor = SCHEMES[scheme];
  const load = vendor ? BACKENDS[vendor] : undefined;
  if (load) return load();
  // The message repeats only the scheme: the rest of a URL may hold a password.
  throw new ImproperlyConfigured(
    `configure(): database URLs ('${scheme}://…') are not supported: no backend serves '${scheme}'. ` +
      "Give the path of a SQLite file (database: 'app.sqlite3'), ':memory:', or a file: or sqlite: URL.",
  );
}

/** The backend that settings name (`settings.backend`, a vendor), as pool workers find it again. */
export function backendByVendor(vendor: string): DatabaseBackend {
  const load = BACKENDS[vendor];
  if (!load) throw new ImproperlyConfigured(`No database backend '${vendor}' in this build; the backends are ${Object.keys(BACKENDS).join(', ')}.`);
  return load();
}
