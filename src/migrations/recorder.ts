import type { Connection } from '../db/backends/sqlite/connection';

/** The table that records applied migrations, one row per migration name. */
export const MIGRATIONS_TABLE = 'threadorm_migrations';

/**
 * Django's MigrationRecorder: which migrations the database has applied. The executor writes a record in the
 * same transaction as the migration's schema changes, so the record and the schema can never disagree.
 */
export class MigrationRecorder {
  constructor(private readonly connection: Connection) {}

  hasTable(): boolean {
    return this.connection.selectRows("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [MIGRATIONS_TABLE]).length > 0;
  }

  ensureTable(): void {
    this.connection.exec(
      `CREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, ` +
        '"name" varchar(255) NOT NULL UNIQUE, "applied" datetime NOT NULL)',
    );
  }

  /** Applied migration names, in the order they were applied. */
  applied(): string[] {
    if (!this.hasTable()) return [];
    return this.connection.selectRows(`SELECT name FROM "${MIGRATIONS_TABLE}" ORDER BY id`, []).map((row) => row[0] as string);
  }

  record(name: string): void {
    this.connection.run(`INSERT INTO "${MIGRATIONS_TABLE}" (name, applied) VALUES (?, ?)`, [name, new Date().toISOString()]);
  }

  unrecord(name: string): void {
    this.connection.run(`DELETE FROM "${MIGRATIONS_TABLE}" WHERE name = ?`, [name]);
  }
}
