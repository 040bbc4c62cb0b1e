/**
 * A scratch project for the migration tests: a temporary folder with a database and a migrations folder,
 * migration files written as a person would write them, and a plain connection of the database's own (a
 * better-sqlite3 handle, the same SQLite copy as the ORM's; with THREADORM_TEST_DATABASE=postgresql a libpq
 * one to a fresh database) to seed and read rows behind the ORM's back.
 */
import BetterSqlite3 from 'better-sqlite3';
import { numberPlaceholders } from '../../../src/db/backends/postgresql/connection';
import { connectSync, type SyncPgConnection } from '../../../src/db/backends/postgresql/driver';
import { onPostgresql } from '../test-database';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OPERATIONS = [
  'AddField',
  'AddIndex',
  'AlterField',
  'AlterModelOptions',
  'AlterModelTable',
  'AlterUniqueTogether',
  'byLabel',
  'CreateModel',
  'DeleteModel',
  'Migration',
  'RemoveField',
  'RemoveIndex',
  'RenameField',
  'RenameModel',
  'RunCode',
  'RunSQL',
];

const ORM = [
  'AutoField',
  'BooleanField',
  'CASCADE',
  'CharField',
  'DateTimeField',
  'DecimalField',
  'ForeignKey',
  'IntegerField',
  'ManyToManyField',
  'OneToOneField',
  'PositiveIntegerField',
  'PROTECT',
  'SET_NULL',
  'TextField',
];

/** The plain connection: SQL with `?` markers, rows as objects. */
interface PlainDatabase {
  all(sql: string, params: unknown[]): Record<string, unknown>[];
  exec(sql: string): void;
  close(): void;
}

const PG_SERVER_URL = process.env.THREADORM_TEST_PG_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
let pgDatabases = 0;

export class ScratchProject {
  readonly directory: string;
  /** What configure() takes: the database file, or on PostgreSQL the URL of a database of this project's own. */
  readonly database: string;
  /** What the project's threadorm.config.ts names: the file relative to the project, or the URL. */
  readonly configDatabase: string;
  readonly migrations: string;
  private handle: PlainDatabase | null = null;
  private readonly pgName: string | null = null;

  /** `database`: the database file, relative to the project folder. */
  constructor(prefix = 'threadorm-migrations-', database = 'db.sqlite3') {
    this.directory = mkdtempSync(join(tmpdir(), prefix));
    this.migrations = join(this.directory, 'migrations');
    mkdirSync(this.migrations);
    if (!onPostgresql) {
      this.database = join(this.directory, database);
      this.configDatabase = database;
      return;
    }
    this.pgName = `threadorm_scratch_${process.pid}_${++pgDatabases}_${Date.now().toString(36)}`.slice(0, 63);
    onServer(`DROP DATABASE IF EXISTS "${this.pgName}"`, `CREATE DATABASE "${this.pgName}"`);
    const url = new URL(PG_SERVER_URL);
    url.pathname = `/${this.pgName}`;
    this.database = url.toString();
    this.configDatabase = this.database;
  }

  /** Writes migrations/<name>.ts: `body` is the text inside `new Migration({ ... })`. */
  write(name: string, body: string): void {
    const source = [
      `import { ${OPERATIONS.join(', ')} } from 'threadorm/migrations';`,
      `import { ${ORM.join(', ')} } from 'threadorm';`,
      `export default new Migration({ ${body} });`,
      '',
    ].join('\n');
    writeFileSync(join(this.migrations, `${name}.ts`), source);
  }

  /** Writes a migration file with its own full text. */
  writeFile(file: string, source: string): void {
    writeFileSync(join(this.migrations, file), source);
  }

  /** A plain connection to the database, opened on first use. */
  private get db(): PlainDatabase {
    return (this.handle ??= this.pgName ? pgDatabase(this.database) : sqliteDatabase(this.database));
  }

  all(sql: string, ...params: unknown[]): Record<string, unknown>[] {
    return this.db.all(sql, params);
  }

  run(sql: string): void {
    this.db.exec(sql);
    if (this.pgName) this.moveIdentitySequences();
  }

  /**
   * Rows seeded here with explicit keys, as the application would have written them: each identity column's
   * sequence moves past the largest key (PostgreSQL does not move it for an explicit key), never back.
   */
  private moveIdentitySequences(): void {
    const columns = this.all("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'");
    for (const { table_name: table, column_name: column } of columns) {
      const sequence = this.all('SELECT pg_get_serial_sequence(?, ?) AS name', `"${table}"`, column)[0]?.name as string | null;
      if (!sequence) continue;
      this.all(
        `SELECT setval(?, m) FROM (SELECT max("${column}") AS m FROM "${table}") AS t, ${sequence} AS s WHERE m IS NOT NULL AND (m > s.last_value OR NOT s.is_called)`,
        sequence,
      );
    }
  }

  /** Every user table's rows, in insertion order (rowid; on PostgreSQL the first column, the key): what "no row lost" compares. */
  data(): Record<string, Record<string, unknown>[]> {
    const tables = this.tables().filter((table) => table !== 'threadorm_migrations');
    const order = this.pgName ? '1' : 'rowid';
    return Object.fromEntries(tables.map((table) => [table, this.all(`SELECT * FROM "${table}" ORDER BY ${order}`)]));
  }

  tables(): string[] {
    if (this.pgName) {
      return this.all("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name").map((row) => row.name as string);
    }
    return this.all("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").map((row) => row.name as string);
  }

  /** The schema as the database stores it (tables and indexes with their definitions), for comparisons. */
  schema(): Array<Record<string, unknown>> {
    if (this.pgName) {
      return this.all(
        `SELECT 'column' AS type, table_name || '.' || column_name AS name, data_type || ' ' || is_nullable || ' ' || COALESCE(character_maximum_length, 0) AS sql
           FROM information_schema.columns WHERE table_schema = current_schema()
         UNION ALL SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
         UNION ALL SELECT 'constraint', conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
         ORDER BY 1, 2`,
      );
    }
    return this.all("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name");
  }

  columns(table: string): string[] {
    if (this.pgName) {
      return this.all('SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position', table).map(
        (row) => row.name as string,
      );
    }
    return this.all('SELECT name FROM pragma_table_info(?)', table).map((row) => row.name as string);
  }

  /** Columns with type, null and key, by name: the shape of a table, whatever order its columns are in (SQLite's text). */
  shape(table: string): Record<string, string> {
    if (this.pgName) {
      return Object.fromEntries(
        this.all(
          `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notnull",
                  EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY(i.indkey)) AS pk
             FROM pg_attribute a WHERE a.attrelid = CAST(? AS regclass) AND a.attnum > 0 AND NOT a.attisdropped`,
          `"${table}"`,
        ).map((row) => [row.name as string, `${row.type}${row.notnull ? ' NOT NULL' : ''}${row.pk ? ' PK' : ''}`]),
      );
    }
    return Object.fromEntries(
      this.all('SELECT name, type, "notnull", pk FROM pragma_table_info(?)', table).map((row) => [
        row.name as string,
        `${row.type}${row.notnull ? ' NOT NULL' : ''}${row.pk ? ' PK' : ''}`,
      ]),
    );
  }

  indexes(table: string): Record<string, string> {
    if (this.pgName) {
      // The indexes made by CREATE INDEX and UNIQUE constraints, as SQLite's origin 'c' ones: not the primary key.
      return Object.fromEntries(
        this.all(
          `SELECT c.relname AS name, i.indisunique AS "unique",
                  ARRAY(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, position)
                        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.position) AS columns
             FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = CAST(? AS regclass) AND NOT i.indisprimary`,
          `"${table}"`,
        ).map((row) => [row.name as string, `${row.unique ? 'unique ' : ''}(${(row.columns as string[]).join(', ')})`]),
      );
    }
    return Object.fromEntries(
      this.all("SELECT name, \"unique\" FROM pragma_index_list(?) WHERE origin = 'c'", table).map((row) => [
        row.name as string,
        `${row.unique ? 'unique ' : ''}(${this.all('SELECT name FROM pragma_index_info(?) ORDER BY seqno', row.name).map((column) => column.name).join(', ')})`,
      ]),
    );
  }

  /** Each foreign key of the table: its column, the table and column it refers to. */
  foreignKeys(table: string): Array<{ from: string; table: string; to: string }> {
    if (this.pgName) {
      return this.all(
        `SELECT a.attname AS "from", CAST(c.confrelid AS regclass)::text AS "table", b.attname AS "to"
           FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
           JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attnum = c.confkey[1]
          WHERE c.contype = 'f' AND c.conrelid = CAST(? AS regclass) ORDER BY 1`,
        `"${table}"`,
      ).map((row) => ({ from: row.from as string, table: String(row.table).replace(/^"|"$/g, ''), to: row.to as string }));
    }
    return this.all('SELECT "from", "table", "to" FROM pragma_foreign_key_list(?) ORDER BY "from"', table) as Array<{ from: string; table: string; to: string }>;
  }

  applied(): string[] {
    if (!this.tables().includes('threadorm_migrations')) return [];
    return this.all('SELECT name FROM threadorm_migrations ORDER BY id').map((row) => row.name as string);
  }

  close(): void {
    this.handle?.close();
    this.handle = null;
  }

  remove(): void {
    this.close();
    rmSync(this.directory, { recursive: true, force: true });
    if (this.pgName) onServer(`DROP DATABASE IF EXISTS "${this.pgName}" WITH (FORCE)`);
  }
}

function sqliteDatabase(file: string): PlainDatabase {
  const db = new BetterSqlite3(file);
  return {
    all: (sql, params) => db.prepare(sql).all(...params) as Record<string, unknown>[],
    exec: (sql) => void db.exec(sql),
    close: () => void db.close(),
  };
}

function pgDatabase(url: string): PlainDatabase {
  const db: SyncPgConnection = connectSync(url);
  return {
    all: (sql, params) => {
      const result = db.query(numberPlaceholders(sql), params);
      return result.rows.map((row) => Object.fromEntries(result.columns.map((column, index) => [column, row[index]])));
    },
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
  };
}

function onServer(...statements: string[]): void {
  const connection = connectSync(PG_SERVER_URL);
  try {
    for (const statement of statements) connection.exec(statement);
  } finally {
    connection.close();
  }
}
