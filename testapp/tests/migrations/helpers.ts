/**
 * A scratch project for the migration tests: a temporary folder with a database file and a migrations folder,
 * migration files written as a person would write them, and a plain better-sqlite3 handle (the same SQLite
 * copy as the ORM's) to seed and read rows behind the ORM's back.
 */
import BetterSqlite3 from 'better-sqlite3';
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

export class ScratchProject {
  readonly directory: string;
  readonly database: string;
  readonly migrations: string;
  private handle: BetterSqlite3.Database | null = null;

  /** `database`: the database file, relative to the project folder. */
  constructor(prefix = 'threadorm-migrations-', database = 'db.sqlite3') {
    this.directory = mkdtempSync(join(tmpdir(), prefix));
    this.database = join(this.directory, database);
    this.migrations = join(this.directory, 'migrations');
    mkdirSync(this.migrations);
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
  get db(): BetterSqlite3.Database {
    return (this.handle ??= new BetterSqlite3(this.database));
  }

  all(sql: string, ...params: unknown[]): Record<string, unknown>[] {
    return this.db.prepare(sql).all(...params) as Record<string, unknown>[];
  }

  run(sql: string): void {
    this.db.exec(sql);
  }

  /** Every user table's rows, ordered by rowid: what "no row lost" compares. */
  data(): Record<string, Record<string, unknown>[]> {
    const tables = this.tables().filter((table) => table !== 'threadorm_migrations');
    return Object.fromEntries(tables.map((table) => [table, this.all(`SELECT * FROM "${table}" ORDER BY rowid`)]));
  }

  tables(): string[] {
    return this.all("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").map((row) => row.name as string);
  }

  /** The schema as SQLite stores it (tables and indexes with their SQL), for byte-for-byte comparisons. */
  schema(): Array<Record<string, unknown>> {
    return this.all("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name");
  }

  columns(table: string): string[] {
    return this.all('SELECT name FROM pragma_table_info(?)', table).map((row) => row.name as string);
  }

  /** Columns with type, null and key, by name: the shape of a table, whatever order its columns are in. */
  shape(table: string): Record<string, string> {
    return Object.fromEntries(
      this.all('SELECT name, type, "notnull", pk FROM pragma_table_info(?)', table).map((row) => [
        row.name as string,
        `${row.type}${row.notnull ? ' NOT NULL' : ''}${row.pk ? ' PK' : ''}`,
      ]),
    );
  }

  indexes(table: string): Record<string, string> {
    return Object.fromEntries(
      this.all("SELECT name, \"unique\" FROM pragma_index_list(?) WHERE origin = 'c'", table).map((row) => [
        row.name as string,
        `${row.unique ? 'unique ' : ''}(${this.all('SELECT name FROM pragma_index_info(?) ORDER BY seqno', row.name).map((column) => column.name).join(', ')})`,
      ]),
    );
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
  }
}
