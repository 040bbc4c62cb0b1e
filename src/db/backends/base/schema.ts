import { IntegrityError, NotSupportedError } from '../../../errors';
import type { Field } from '../../../models/fields/base';
import type { ForeignKey, ManyToManyField } from '../../../models/fields/related';
import type { IndexSpec, ThroughKeys } from '../../../models/options';
import type { ModelClass } from '../../../models/types';
import type { DatabaseBackend } from './backend';
import type { DatabaseConnection } from './connection';

/**
 * Django's schema editor: DDL for models and fields, written by one backend. Every method takes model
 * classes and field objects (live ones for `createSchema()`, historical ones rendered from migration state),
 * so one editor serves both. Statements either run on the editor's connection or, with `collectSql`, are
 * only collected (`sqlmigrate`).
 *
 * An editor comes from `backend.schemaEditor(connection, options)` and makes its changes inside
 * `editor.atomic(fn)` (Django's `with connection.schema_editor():`), which opens the transaction (when the
 * backend has transactional DDL and `atomic` is not false), runs `fn`, checks what the backend must check
 * before commit (SQLite: `PRAGMA foreign_key_check` after table rebuilds) and commits, or rolls back on error.
 */
export interface SchemaEditor {
  /** The statements run (or only collected) so far, in order, with parameters inlined for reading. */
  readonly collectedSql: readonly string[];

  /** Runs `fn` as one schema change (see above); an editor that only collects just runs it. */
  atomic<T>(fn: () => T): T;
  /**
   * Runs the statements held back until every table exists (foreign keys, on a backend that adds them after
   * the tables: `backend.foreignKeysAfterTables`). `atomic()` runs them before it commits.
   */
  runDeferred(): void;

  /** The table, its indexes and unique-together constraints; auto-created M2M tables are models of their own. */
  createModel(model: ModelClass): void;
  deleteModel(model: ModelClass): void;
  /** Renames the table (`meta.dbTable` of the two states). */
  alterDbTable(model: ModelClass, oldTable: string, newTable: string): void;

  /** Adds the column of `field` (already part of `model`'s meta) and fills it with the field's default. */
  addField(model: ModelClass, field: Field): void;
  removeField(model: ModelClass, field: Field): void;
  /**
   * Changes the column of `oldField` into that of `newField`: type, null, default, unique, dbIndex,
   * column name (a rename), relation target and constraint. Backends that cannot ALTER rebuild the table,
   * keeping every row.
   */
  alterField(model: ModelClass, oldField: Field, newField: Field): void;

  addIndex(model: ModelClass, index: IndexSpec): void;
  removeIndex(model: ModelClass, index: IndexSpec): void;
  alterUniqueTogether(model: ModelClass, oldSets: ReadonlyArray<readonly string[]>, newSets: ReadonlyArray<readonly string[]>): void;

  /** A statement of the caller's own (RunSQL); parameters use the backend's placeholders. */
  execute(sql: string, params?: readonly unknown[]): void;
}

export interface SchemaEditorOptions {
  /** Only collect the statements, run nothing (`sqlmigrate`). */
  collectSql?: boolean;
  /** Run inside one transaction; default true. */
  atomic?: boolean;
  /** CREATE TABLE / INDEX IF NOT EXISTS (createSchema()). */
  ifNotExists?: boolean;
  /** Check that no row points at a row that does not exist before commit. Default true. */
  checkForeignKeys?: boolean;
  /** How long to wait for another connection's write transaction (a concurrent migrate). Default 10 minutes. */
  lockTimeoutMs?: number;
  /** Called once when another connection holds the write lock and the editor starts waiting for it. */
  onLockWait?: () => void;
}

/** An index's name: its own, or one made from the table and the field names (the same on every backend). */
export function indexName(table: string, index: IndexSpec): string {
  return index.name ?? `${table}_${index.fields.map((field) => field.replace(/^-/, '')).join('_')}_idx`;
}

/**
 * What every backend's editor shares (Django's BaseDatabaseSchemaEditor): tables, indexes, renames and the
 * caller's own statements, in the backend's column types and quoting. Changing a column is each backend's own
 * business (SQLite rebuilds the table); this editor refuses it, naming the backend.
 */
export class BaseSchemaEditor implements SchemaEditor {
  readonly collectedSql: string[] = [];
  /** Statements that wait until every table of the change exists (see runDeferred). */
  protected readonly deferredSql: string[] = [];

  constructor(
    protected readonly backend: DatabaseBackend,
    protected readonly connection: DatabaseConnection | null,
    protected readonly options: SchemaEditorOptions = {},
  ) {}

  atomic<T>(fn: () => T): T {
    const run = () => {
      const result = fn();
      this.runDeferred();
      return result;
    };
    if (this.options.collectSql || this.options.atomic === false) return run();
    return this.requireConnection().atomic(run);
  }

  runDeferred(): void {
    for (const statement of this.deferredSql.splice(0)) this.run(statement);
  }

  // ------------------------------------------------------------ models

  createModel(model: ModelClass): void {
    const table = this.tableOf(model);
    // A table kept by IF NOT EXISTS has its foreign keys already.
    const addKeysLater = this.backend.foreignKeysAfterTables && !(this.options.ifNotExists && this.tableExists(table.name));
    this.run(this.createTableSql(table, table.name));
    for (const index of table.indexes) this.run(this.createIndexSql(index, table.name));
    if (addKeysLater) this.deferredSql.push(...this.foreignKeyStatements(model));
  }

  deleteModel(model: ModelClass): void {
    this.run(`DROP TABLE ${this.quote(model._meta.dbTable)}`);
  }

  alterDbTable(_model: ModelClass, oldTable: string, newTable: string): void {
    if (oldTable !== newTable) this.run(`ALTER TABLE ${this.quote(oldTable)} RENAME TO ${this.quote(newTable)}`);
  }

  // ------------------------------------------------------------ fields: each backend's own

  addField(model: ModelClass, field: Field): void {
    this.unsupported('AddField', model, field);
  }

  removeField(model: ModelClass, field: Field): void {
    this.unsupported('RemoveField', model, field);
  }

  alterField(model: ModelClass, _oldField: Field, newField: Field): void {
    this.unsupported('AlterField', model, newField);
  }

  alterUniqueTogether(model: ModelClass, _oldSets: ReadonlyArray<readonly string[]>, _newSets: ReadonlyArray<readonly string[]>): void {
    throw new NotSupportedError(`AlterUniqueTogether on ${model._meta.label}: the ${this.backend.displayName} schema editor cannot change constraints yet.`);
  }

  // ------------------------------------------------------------ indexes and the caller's own statements

  addIndex(model: ModelClass, index: IndexSpec): void {
    this.run(this.createIndexSql(this.indexOf(model, index), model._meta.dbTable));
  }

  removeIndex(model: ModelClass, index: IndexSpec): void {
    this.run(`DROP INDEX ${this.quote(this.indexOf(model, index).name)}`);
  }

  execute(sql: string, params: readonly unknown[] = []): void {
    if (!params.length) return this.run(sql);
    this.collectedSql.push(`${sql} -- parameters: ${JSON.stringify(params)}`);
    if (!this.options.collectSql) this.requireConnection().run(sql, params);
  }

  // ------------------------------------------------------------ statements

  protected createTableSql(table: TableDefinition, name: string): string {
    const parts = [...table.columns.map((column) => column.definition), ...table.constraints];
    return `CREATE TABLE ${this.options.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.quote(name)} (${parts.join(', ')})`;
  }

  protected createIndexSql(index: IndexDefinition, table: string): string {
    const ifNotExists = this.options.ifNotExists ? 'IF NOT EXISTS ' : '';
    return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${ifNotExists}${this.quote(index.name)} ON ${this.quote(table)} (${index.columns.join(', ')})`;
  }

  /** `ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY` of each foreign key, for backends that add them after the tables. */
  protected foreignKeyStatements(model: ModelClass): string[] {
    const meta = model._meta;
    return meta.localConcreteFields.filter(hasConstraint).map((field) => {
      const target = field.relatedModel._meta.dbTable;
      const name = `${meta.dbTable}_${field.column}_fk_${target}_${field.targetField.column}`.slice(0, 63);
      return (
        `ALTER TABLE ${this.quote(meta.dbTable)} ADD CONSTRAINT ${this.quote(name)} FOREIGN KEY (${this.quote(field.column)}) ` +
        this.backend.inlineForeignKeySql(this.quote(target), this.quote(field.targetField.column))
      );
    });
  }

  /** A model's table as SQL pieces; `without` leaves a field out, `uniqueTogether` replaces the model's sets. */
  protected tableOf(model: ModelClass, changes: { without?: Field; uniqueTogether?: ReadonlyArray<readonly string[]> } = {}): TableDefinition {
    const meta = model._meta;
    const fields = meta.localConcreteFields.filter((field) => field !== changes.without);
    const uses = (names: readonly string[]) => !changes.without || !names.some((name) => meta.getField(name.replace(/^-/, '')) === changes.without);
    const constraints = (changes.uniqueTogether ?? meta.uniqueTogether)
      .filter(uses)
      .map((names) => `UNIQUE (${names.map((name) => this.quote(meta.getField(name).column)).join(', ')})`);
    const indexes: IndexDefinition[] = fields
      .filter(hasColumnIndex)
      .map((field) => ({ name: `${meta.dbTable}_${field.column}_idx`, columns: [this.quote(field.column)], unique: false }));
    for (const index of meta.indexes) if (uses(index.fields)) indexes.push(this.indexOf(model, index));
    return {
      name: meta.dbTable,
      columns: fields.map((field) => ({ name: field.column, definition: this.definition(field) })),
      constraints,
      indexes,
      autoIncrement: fields.some((field) => field.primaryKey && field.autoIncrement),
    };
  }

  protected indexOf(model: ModelClass, index: IndexSpec): IndexDefinition {
    const meta = model._meta;
    const columns = index.fields.map((name) => {
      const descending = name.startsWith('-');
      return `${this.quote(meta.getField(name.replace(/^-/, '')).column)}${descending ? ' DESC' : ''}`;
    });
    return { name: indexName(meta.dbTable, index), columns, unique: index.unique ?? false };
  }

  /** The column's type: the backend's data types are the one place it comes from. */
  protected columnType(field: Field): string {
    return this.backend.columnType(field)!;
  }

  /** The column as it appears in CREATE TABLE (a foreign key's REFERENCES inline, unless the backend adds keys later). */
  protected definition(field: Field): string {
    const parts = [this.quote(field.column), this.columnType(field)];
    if (field.primaryKey) {
      parts.push('NOT NULL PRIMARY KEY');
      const suffix = this.backend.columnTypeSuffix(field);
      if (suffix) parts.push(suffix);
    } else {
      parts.push(field.null ? 'NULL' : 'NOT NULL');
      if (field.unique) parts.push('UNIQUE');
    }
    const check = this.backend.columnCheck(field);
    if (check) parts.push(`CHECK (${check})`);
    if (hasConstraint(field) && !this.backend.foreignKeysAfterTables) {
      parts.push(this.backend.inlineForeignKeySql(this.quote(field.relatedModel._meta.dbTable), this.quote(field.targetField.column)));
    }
    return parts.join(' ');
  }

  protected quote(name: string): string {
    return this.backend.operations.quoteName(name);
  }

  /** Whether the table exists (false for an editor that only collects: it has nothing to look at). */
  protected tableExists(table: string): boolean {
    if (!this.connection) return false;
    return this.backend.introspection(this.connection).tableNames().includes(table);
  }

  protected run(sql: string): void {
    this.collectedSql.push(sql);
    if (!this.options.collectSql) this.requireConnection().exec(sql);
  }

  /**
   * Refuses to make `field` NOT NULL while rows of `table` hold NULL in `column` (its column before the change),
   * naming up to five of their keys. Nothing to check when the statements are only collected.
   */
  protected refuseNulls(model: ModelClass, table: string, column: string, field: Field): void {
    if (this.options.collectSql || !this.connection) return;
    const meta = model._meta;
    const rows = this.connection.selectRows(`SELECT ${this.quote(meta.pk.column)} FROM ${this.quote(table)} WHERE ${this.quote(column)} IS NULL LIMIT 6`, []);
    if (!rows.length) return;
    const keys = rows.slice(0, 5).map((row) => String(row[0]));
    throw new IntegrityError(
      `Cannot make ${describeField(model, field)} non-null: rows with ${meta.pk.name} ${keys.join(', ')}${rows.length > 5 ? ', …' : ''} hold NULL ` +
        'and the field has no default. Give it a default (makemigrations asks for a one-off default), or fill those rows first.',
    );
  }

  /**
   * Every value `column` of `table` holds (not NULL), read as the old field and converted to the new one, each
   * with its row's key and the value as stored. A value the new field cannot hold (too long, too many digits,
   * not a number) fails the change with the rows named, up to five: never a silent truncation or the first
   * cast error. Nothing to read when the statements are only collected.
   */
  protected convertStoredValues(model: ModelClass, table: string, oldField: Field, newField: Field, newType: string): Array<[pk: unknown, value: unknown, raw: unknown]> {
    if (this.options.collectSql || !this.connection) return [];
    const meta = model._meta;
    const column = this.quote(oldField.column);
    const sql = `SELECT ${this.quote(meta.pk.column)}, ${column} FROM ${this.quote(table)} WHERE ${column} IS NOT NULL`;
    const read = oldField.converter();
    const converted: Array<[unknown, unknown, unknown]> = [];
    const failures: string[] = [];
    let failed = 0;
    for (const [pk, raw] of this.connection.selectRows(sql, [], oldField.needsSafeIntegers)) {
      let problem: string | undefined;
      try {
        const value = newField.toValue(read ? read(raw) : raw);
        problem = newField.checkValue(value)[0];
        if (problem === undefined) converted.push([pk, value, raw]);
      } catch (error) {
        problem = (error as Error).message;
      }
      if (problem === undefined) continue;
      failed++;
      if (failures.length < 5) failures.push(`${meta.pk.name}=${String(pk)}: ${problem}`);
    }
    if (failed) {
      throw new IntegrityError(
        `Cannot alter ${describeField(model, newField)} to ${newType}: ${failed} row(s) hold values the new column cannot store ` +
          `(${failures.join('; ')}${failed > failures.length ? '; …' : ''}). Fix those rows first (a RunCode or RunSQL step before this one).`,
      );
    }
    return converted;
  }

  /**
   * The part of an AlterField between two many-to-manys that every backend shares: the refusals, and the
   * rename of an automatic through table. Returns the old and new keys of an automatic through table whose
   * columns the backend may still have to change; null when nothing is left to do (an explicit through model
   * is a model of its own, migrated as such).
   */
  protected alterThroughTable(model: ModelClass, oldField: Field, newField: Field): { oldKeys: ThroughKeys; newKeys: ThroughKeys } | null {
    if (!isManyToMany(oldField) || !isManyToMany(newField)) {
      throw new NotSupportedError(
        `${describeField(model, newField)}: a field cannot change between a many-to-many relation and a column; remove it and add a new field instead.`,
      );
    }
    const oldKeys = oldField.model._meta.through(oldField);
    const newKeys = newField.model._meta.through(newField);
    if (oldKeys.through._meta.autoCreated !== newKeys.through._meta.autoCreated) {
      throw new NotSupportedError(
        `${describeField(model, newField)}: changing a many-to-many between an automatic and an explicit through model cannot be done by ` +
          'AlterField. Create the through model, copy the rows with RunCode, then replace the field.',
      );
    }
    if (!newKeys.through._meta.autoCreated) return null;
    this.alterDbTable(newKeys.through, oldKeys.through._meta.dbTable, newKeys.through._meta.dbTable);
    return { oldKeys, newKeys };
  }

  protected requireConnection(): DatabaseConnection {
    if (!this.connection) throw new NotSupportedError('This schema editor only collects statements; it has no connection to read or write.');
    return this.connection;
  }

  private unsupported(operation: string, model: ModelClass, field: Field): never {
    throw new NotSupportedError(`${operation} of ${model._meta.label}.${field.name}: the ${this.backend.displayName} schema editor cannot change columns yet.`);
  }
}

export interface ColumnDefinition {
  name: string;
  definition: string;
}

export interface IndexDefinition {
  name: string;
  /** Quoted columns, with DESC where the index says so. */
  columns: string[];
  unique: boolean;
}

export interface TableDefinition {
  name: string;
  columns: ColumnDefinition[];
  /** Table constraints (UNIQUE (...)). */
  constraints: string[];
  indexes: IndexDefinition[];
  autoIncrement: boolean;
}

/** By the field's flags, not its class: the backends do not import the model layer. */
export function isManyToMany(field: Field): field is ManyToManyField {
  return field.manyToMany;
}

export function isForeignKey(field: Field): field is ForeignKey {
  return field.isRelation && !field.manyToMany;
}

/** A foreign key with a database constraint (not `dbConstraint: false`). */
function hasConstraint(field: Field): field is ForeignKey {
  return isForeignKey(field) && field.relationOptions.dbConstraint !== false;
}

/** A column of its own index: dbIndex on a field that is not unique already. */
export function hasColumnIndex(field: Field): boolean {
  return field.dbIndex && !field.unique;
}

/** `Pizza.name`, as the editor's errors name a field. */
export function describeField(model: ModelClass, field: Field): string {
  return `${model._meta.label}.${field.name}`;
}
