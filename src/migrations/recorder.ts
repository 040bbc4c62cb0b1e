import type { DatabaseConnection } from '../db/backends/base/connection';
import type { SchemaEditor } from '../db/backends/base/schema';
import { DEFAULT_DB_ALIAS } from '../db/connections';
import { Model } from '../models/base';
import { CharField, DateTimeField } from '../models/fields/scalar';
import { Apps } from '../models/registry';

/** The table that records applied migrations, one row per migration name. */
export const MIGRATIONS_TABLE = 'threadorm_migrations';

/** The record's own registry: it is no model of the project, so makemigrations never sees it. */
const recorderApps = new Apps('the migration recorder');

class MigrationRecord extends Model {
  static override fields = {
    name: new CharField({ maxLength: 255, unique: true }),
    applied: new DateTimeField(),
  };
  static override meta = { dbTable: MIGRATIONS_TABLE, apps: recorderApps };
}

/**
 * Django's MigrationRecorder: which migrations the database has applied, kept through a model of its own.
 * The executor writes a record in the same transaction as the migration's schema changes, so the record and
 * the schema can never disagree.
 */
export class MigrationRecorder {
  /** The records of the database `alias`, whose connection is `connection` (they are read and written there, whatever the routers say). */
  constructor(
    private readonly connection: DatabaseConnection,
    private readonly alias: string = DEFAULT_DB_ALIAS,
  ) {}

  hasTable(): boolean {
    return this.connection.backend.introspection(this.connection).tableNames().includes(MIGRATIONS_TABLE);
  }

  /** Creates the table with `editor` (inside the migration's transaction) unless it exists. */
  ensureTable(editor: SchemaEditor): void {
    if (!this.hasTable()) editor.createModel(MigrationRecord);
  }

  /** Applied migration names, in the order they were applied. */
  applied(): string[] {
    if (!this.hasTable()) return [];
    return MigrationRecord.objects.using(this.alias).orderBy('id').valuesList('name', { flat: true }).eval() as string[];
  }

  record(name: string): void {
    MigrationRecord.objects.using(this.alias).create({ name, applied: new Date() });
  }

  unrecord(name: string): void {
    MigrationRecord.objects.using(this.alias).filter({ name }).delete();
  }
}
