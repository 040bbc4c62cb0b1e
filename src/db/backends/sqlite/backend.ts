import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImproperlyConfigured } from '../../../errors';
import { DatabaseBackend } from '../base/backend';
import type { DatabaseConnection } from '../base/connection';
import type { SchemaEditorOptions } from '../base/schema';
import type { ConnectionOptions, ConnectionSettings } from '../base/types';
import { SqliteConnection } from './connection';
import { sqliteDataTypes, sqliteDataTypeSuffixes, sqliteDataTypeCheckConstraints } from './data-types';
import { sqliteFeatures } from './features';
import { SqliteIntrospection } from './introspection';
import { sqliteOperations } from './operations';
import { SqliteSchemaEditor } from './schema';

const MEMORY = ':memory:';

/** SQLite through better-sqlite3: the embedded default. */
export class SqliteBackend extends DatabaseBackend {
  readonly vendor = 'sqlite';
  readonly displayName = 'SQLite';
  readonly operations = sqliteOperations;
  readonly features = sqliteFeatures;
  readonly dataTypes = sqliteDataTypes;
  readonly dataTypeSuffixes = sqliteDataTypeSuffixes;
  override readonly dataTypeCheckConstraints = sqliteDataTypeCheckConstraints;

  /**
   * A file path, `':memory:'` (a private temporary file that the worker pool shares), a `file:` URL
   * (`file:///srv/app.sqlite3`, `file:app.sqlite3`) or a `sqlite:` URL as SQLAlchemy and dj-database-url write
   * them (`sqlite:///app.sqlite3` relative, `sqlite:////srv/app.sqlite3` absolute, `sqlite://` in memory).
   */
  resolveDatabase(database: string): ConnectionSettings {
    const path = sqlitePath(database);
    if (path === MEMORY) return { databasePath: '', ephemeral: true };
    if (path === '') throw new ImproperlyConfigured(`configure(): the database URL '${database}' names no file.`);
    const directory = dirname(resolve(path));
    if (!existsSync(directory) || !statSync(directory).isDirectory()) {
      throw new ImproperlyConfigured(
        `configure(): the folder of database '${database}' does not exist (${directory}); create it first, SQLite only creates the file.`,
      );
    }
    return { databasePath: resolve(path), ephemeral: false };
  }

  connect(settings: ConnectionSettings, options: ConnectionOptions): SqliteConnection {
    return new SqliteConnection(this, settings, options);
  }

  introspection(connection: DatabaseConnection): SqliteIntrospection {
    return new SqliteIntrospection(connection);
  }

  schemaEditor(connection: DatabaseConnection | null, options?: SchemaEditorOptions): SqliteSchemaEditor {
    return new SqliteSchemaEditor(this, connection, options);
  }

  /** Deferred, so rows may refer to each other within a transaction and the check runs at COMMIT. */
  inlineForeignKeySql(table: string, column: string): string {
    return `REFERENCES ${table} (${column}) DEFERRABLE INITIALLY DEFERRED`;
  }
}

/** The file (or `':memory:'`) that `database` names. */
function sqlitePath(database: string): string {
  const scheme = /^(file|sqlite):/i.exec(database)?.[1]?.toLowerCase();
  if (!scheme) return database;
  if (database.includes('?')) {
    throw new ImproperlyConfigured(
      `configure(): SQLite URL parameters ('${database.slice(database.indexOf('?'))}') are not supported; give the path alone (database: 'app.sqlite3').`,
    );
  }
  const rest = database.slice(scheme.length + 1);
  if (!rest.startsWith('//')) return rest === MEMORY ? MEMORY : decodePath(rest, database);
  if (scheme === 'file') {
    try {
      return fileURLToPath(database);
    } catch (error) {
      throw new ImproperlyConfigured(`configure(): '${database}' is not a file URL of this machine: ${(error as Error).message}.`);
    }
  }
  // sqlite://<host>/<path>, where the host is empty: what follows the third slash is the path.
  const afterHost = rest.slice(2);
  if (afterHost === '' || afterHost === MEMORY || afterHost === `/${MEMORY}`) return MEMORY;
  if (!afterHost.startsWith('/')) {
    throw new ImproperlyConfigured(
      `configure(): a sqlite: URL names no host: write 'sqlite:///relative/path.sqlite3' or 'sqlite:////absolute/path.sqlite3'.`,
    );
  }
  return afterHost === '/' ? MEMORY : decodePath(afterHost.slice(1), database);
}

function decodePath(path: string, database: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    throw new ImproperlyConfigured(`configure(): the database URL '${database}' has a malformed %-escape; write a literal % as %25.`);
  }
}

export const sqliteBackend = new SqliteBackend();
