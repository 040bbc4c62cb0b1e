import { ImproperlyConfigured } from '../../../errors';
import { DatabaseBackend } from '../base/backend';
import type { DatabaseConnection } from '../base/connection';
import type { SchemaEditor, SchemaEditorOptions } from '../base/schema';
import type { ConnectionOptions, ConnectionSettings } from '../base/types';
import { PostgresqlConnection } from './connection';
import { postgresqlDataTypeCheckConstraints, postgresqlDataTypes, postgresqlDataTypeSuffixes } from './data-types';
import { cancel, driverUnavailableReason } from './driver';
import { postgresqlFeatures } from './features';
import { PostgresqlIntrospection } from './introspection';
import { postgresqlOperations } from './operations';
import { PostgresqlSchemaEditor } from './schema';
import './errors';

/** SQLSTATE query_canceled. */
const QUERY_CANCELED = '57014';

/** PostgreSQL through the synchronous libpq driver (./driver), an optional native package. */
export class PostgresqlBackend extends DatabaseBackend {
  readonly vendor = 'postgresql';
  readonly displayName = 'PostgreSQL';
  readonly operations = postgresqlOperations;
  readonly features = postgresqlFeatures;
  readonly dataTypes = postgresqlDataTypes;
  readonly dataTypeSuffixes = postgresqlDataTypeSuffixes;
  override readonly dataTypeCheckConstraints = postgresqlDataTypeCheckConstraints;

  /** A `postgresql://` or `postgres://` URL, passed to libpq as it is; the driver must be installed. */
  resolveDatabase(database: string): ConnectionSettings {
    let url: URL;
    try {
      url = new URL(database);
    } catch {
      // The message repeats only the scheme: the rest of a URL may hold a password.
      throw new ImproperlyConfigured(`configure(): the PostgreSQL database URL ('${database.split('://')[0]}://…') is malformed.`);
    }
    if (url.pathname === '' || url.pathname === '/') {
      throw new ImproperlyConfigured(`configure(): the PostgreSQL database URL names no database: write postgresql://user@host:5432/<database>.`);
    }
    const unavailable = driverUnavailableReason();
    if (unavailable) throw new ImproperlyConfigured(`configure(): the PostgreSQL backend cannot be used: ${unavailable}`);
    return { databasePath: database, ephemeral: false };
  }

  connect(settings: ConnectionSettings, options: ConnectionOptions): PostgresqlConnection {
    return new PostgresqlConnection(this, settings, options);
  }

  introspection(connection: DatabaseConnection): PostgresqlIntrospection {
    return new PostgresqlIntrospection(connection);
  }

  /** Columns altered in place, in one transaction holding the migration lock (./schema). */
  schemaEditor(connection: DatabaseConnection | null, options?: SchemaEditorOptions): SchemaEditor {
    return new PostgresqlSchemaEditor(this, connection, options);
  }

  /** libpq's cancel request (blocking for a connection round trip to the server); the statement fails with 57014. */
  override interruptStatement(token: number): boolean {
    return cancel(token);
  }

  override isInterruption(error: unknown): boolean {
    return (error as { code?: unknown } | null)?.code === QUERY_CANCELED;
  }

  /** Checked at COMMIT, so rows may refer to each other within a transaction. */
  inlineForeignKeySql(table: string, column: string): string {
    return `REFERENCES ${table} (${column}) DEFERRABLE INITIALLY DEFERRED`;
  }

  /** A table may refer to one created after it, so foreign keys are added once every table exists. */
  override readonly foreignKeysAfterTables = true;
}

export const postgresqlBackend = new PostgresqlBackend();
