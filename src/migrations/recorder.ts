import type { DatabaseConnection } from '../db/backends/base/connection';
import type { SchemaEditor } from '../db/backends/base/schema';
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
  constructor(private readonly connection: DatabaseConnection) {}

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
    return MigrationRecord.objects.orderBy('id').valuesList('name', { flat: true }).eval() as string[];
  }

  record(name: string): void {
    MigrationRecord.objects.create({ name, applied: new Date() });
  }

  unrecord(name: string): void {
    MigrationRecord.objects.filter({ name }).delete();
  }
}
