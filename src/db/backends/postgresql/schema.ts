import { IntegrityError, NotSupportedError } from '../../../errors';
import type { Field } from '../../../models/fields/base';
import type { ForeignKey } from '../../../models/fields/related';
import type { ModelClass } from '../../../models/types';
import { BaseSchemaEditor, describeField, hasColumnIndex, isForeignKey, isManyToMany } from '../base/schema';

/**
 * Every migrate of one database takes this advisory lock (for the length of a migration's transaction), so two
 * processes migrating at once take turns and the second sees what the first recorded. The number is arbitrary
 * but fixed: 'thrm' in ASCII.
 */
const MIGRATION_LOCK_KEY = 0x7468726d;

/**
 * The PostgreSQL schema editor. PostgreSQL alters columns in place (Django's BaseDatabaseSchemaEditor._alter_field):
 * type changes with a USING cast, NULL / NOT NULL, unique constraints, indexes, renames and foreign keys each
 * have their statement, and DDL is transactional, so a failed change rolls back whole. Constraints made by
 * CREATE TABLE have PostgreSQL's own names; the editor finds them in the catalogue rather than guessing.
 */
export class PostgresqlSchemaEditor extends BaseSchemaEditor {
  /**
   * One schema change in one transaction, holding the migration lock: a concurrent migrate waits here (told once
   * through `onLockWait`, for at most `lockTimeoutMs`), then reads the history this one committed.
   */
  override atomic<T>(fn: () => T): T {
    if (this.options.collectSql || this.options.atomic === false) return super.atomic(fn);
    const connection = this.requireConnection();
    return connection.atomic(() => {
      this.takeMigrationLock();
      const result = fn();
      this.runDeferred();
      return result;
    });
  }

  override deleteModel(model: ModelClass): void {
    // CASCADE drops the foreign key constraints of other tables that point here (not their rows), as Django does.
    this.run(`DROP TABLE ${this.quote(model._meta.dbTable)} CASCADE`);
  }

  // ------------------------------------------------------------ fields

  override addField(model: ModelClass, field: Field): void {
    if (isManyToMany(field)) {
      const through = model._meta.through(field).through;
      if (through._meta.autoCreated) {
        this.createModel(through);
        this.runDeferred();
      }
      return;
    }
    const table = model._meta.dbTable;
    const fill = field.getDefault();
    let definition = this.definition(field);
    if (fill !== null) {
      // The existing rows get the default; the column keeps none (the model supplies defaults), as in Django.
      definition = definition.replace(/ (NOT NULL|NULL)\b/, ` DEFAULT ${this.literal(field, field.toDb(fill))} $1`);
    } else if (!field.null && !field.autoIncrement) {
      const rows = this.count(`SELECT count(*) FROM ${this.quote(table)}`);
      if (rows > 0) {
        throw new IntegrityError(
          `Cannot add the non-null field ${describeField(model, field)} without a default: table '${table}' has ${rows} row(s) ` +
            'that need a value. Give the field a default, allow null, or answer makemigrations with a one-off default.',
        );
      }
    }
    this.run(`ALTER TABLE ${this.quote(table)} ADD COLUMN ${definition}`);
    if (fill !== null) this.run(`ALTER TABLE ${this.quote(table)} ALTER COLUMN ${this.quote(field.column)} DROP DEFAULT`);
    if (hasColumnIndex(field)) this.run(this.columnIndexSql(table, field));
    if (hasConstraint(field)) this.run(this.addForeignKeySql(table, field));
  }

  override removeField(model: ModelClass, field: Field): void {
    if (isManyToMany(field)) {
      const through = model._meta.through(field).through;
      if (through._meta.autoCreated) this.deleteModel(through);
      return;
    }
    // The column's indexes and constraints go with it.
    this.run(`ALTER TABLE ${this.quote(model._meta.dbTable)} DROP COLUMN ${this.quote(field.column)} CASCADE`);
  }

  override alterField(model: ModelClass, oldField: Field, newField: Field): void {
    if (isManyToMany(oldField) || isManyToMany(newField)) return this.alterManyToMany(model, oldField, newField);
    const target = newField.model ?? model;
    const table = target._meta.dbTable;
    const alter = (action: string) => this.run(`ALTER TABLE ${this.quote(table)} ${action}`);
    const oldType = this.columnType(oldField);
    const newType = this.columnType(newField);
    const typeChanges = oldType !== newType;
    const oldKey = hasConstraint(oldField) ? (oldField as ForeignKey) : null;
    const newKey = hasConstraint(newField) ? (newField as ForeignKey) : null;
    const keyChanges =
      !!oldKey !== !!newKey ||
      (oldKey && newKey && (oldKey.relatedModel._meta.dbTable !== newKey.relatedModel._meta.dbTable || oldKey.targetField.column !== newKey.targetField.column)) ||
      (typeChanges && !!oldKey);
    // 1. What refers to the old column's shape goes first: its foreign key, unique constraint, index and check.
    if (oldKey && keyChanges) {
      for (const name of this.constraintsOn(table, oldField.column, 'f', foreignKeyName(table, oldKey))) alter(`DROP CONSTRAINT ${this.quote(name)}`);
    }
    if (oldField.unique && !newField.unique) {
      for (const name of this.constraintsOn(table, oldField.column, 'u', `${table}_${oldField.column}_key`)) alter(`DROP CONSTRAINT ${this.quote(name)}`);
    }
    if (hasColumnIndex(oldField) && !hasColumnIndex(newField)) this.run(`DROP INDEX IF EXISTS ${this.quote(columnIndexName(table, oldField))}`);
    const oldCheck = this.backend.columnCheck(oldField);
    const newCheck = this.backend.columnCheck(newField);
    if (oldCheck && oldCheck !== newCheck) {
      for (const name of this.constraintsOn(table, oldField.column, 'c', `${table}_${oldField.column}_check`)) alter(`DROP CONSTRAINT ${this.quote(name)}`);
    }
    // 2. The column itself: name, type (converting every value, or failing whole), nullability.
    const column = this.quote(newField.column);
    if (oldField.column !== newField.column) alter(`RENAME COLUMN ${this.quote(oldField.column)} TO ${column}`);
    // Every stored value must be one the new field can hold: otherwise the change fails with the rows named, as on SQLite.
    if (typeChanges) this.convertStoredValues(model, table, oldField, newField, newType);
    if (typeChanges) alter(`ALTER COLUMN ${column} TYPE ${newType} USING CAST(${column} AS ${newType})`);
    if (oldField.null && !newField.null) {
      const fill = newField.getDefault();
      if (fill !== null) this.run(`UPDATE ${this.quote(table)} SET ${column} = ${this.literal(newField, newField.toDb(fill))} WHERE ${column} IS NULL`);
      else this.refuseNulls(model, table, newField.column, newField);
      alter(`ALTER COLUMN ${column} SET NOT NULL`);
    } else if (!oldField.null && newField.null) {
      alter(`ALTER COLUMN ${column} DROP NOT NULL`);
    }
    // 3. What the new column's shape needs.
    if (newField.unique && !oldField.unique && !newField.primaryKey) alter(`ADD CONSTRAINT ${this.quote(`${table}_${newField.column}_key`.slice(0, 63))} UNIQUE (${column})`);
    if (hasColumnIndex(newField) && !hasColumnIndex(oldField)) this.run(this.columnIndexSql(table, newField));
    if (newCheck && newCheck !== oldCheck) alter(`ADD CONSTRAINT ${this.quote(`${table}_${newField.column}_check`.slice(0, 63))} CHECK (${newCheck})`);
    if (newKey && keyChanges) this.run(this.addForeignKeySql(table, newKey));
  }

  override alterUniqueTogether(model: ModelClass, oldSets: ReadonlyArray<readonly string[]>, newSets: ReadonlyArray<readonly string[]>): void {
    const meta = model._meta;
    const table = meta.dbTable;
    const key = (names: readonly string[]) => names.join('\0');
    const columnsOf = (names: readonly string[]) => names.map((name) => meta.getField(name).column);
    const kept = new Set(newSets.map(key));
    const existing = new Set(oldSets.map(key));
    for (const names of oldSets) {
      if (kept.has(key(names))) continue;
      const columns = columnsOf(names);
      for (const name of this.uniqueConstraintsOver(table, columns, `${table}_${columns.join('_')}_key`)) {
        this.run(`ALTER TABLE ${this.quote(table)} DROP CONSTRAINT ${this.quote(name)}`);
      }
    }
    for (const names of newSets) {
      if (existing.has(key(names))) continue;
      const columns = columnsOf(names);
      const name = `${table}_${columns.join('_')}_key`.slice(0, 63);
      this.run(`ALTER TABLE ${this.quote(table)} ADD CONSTRAINT ${this.quote(name)} UNIQUE (${columns.map((column) => this.quote(column)).join(', ')})`);
    }
  }

  // ------------------------------------------------------------ statements

  private takeMigrationLock(): void {
    const connection = this.requireConnection();
    const granted = connection.selectRows(`SELECT pg_try_advisory_xact_lock(${MIGRATION_LOCK_KEY})`, [])[0]![0];
    if (granted === true || granted === 1) return;
    this.options.onLockWait?.();
    const timeout = this.options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    connection.exec(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(timeout))}`);
    try {
      connection.selectRows(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`, []);
    } catch (error) {
      throw new NotSupportedError(
        `Another connection held the migration lock for more than ${Math.round(timeout / 1000)} s; the schema change did not start. (${(error as Error).message})`,
      );
    }
    connection.exec('SET LOCAL lock_timeout = 0');
  }

  /** The names of the constraints of kind `type` ('f' foreign key, 'u' unique, 'c' check) on one column. */
  private constraintsOn(table: string, column: string, type: 'f' | 'u' | 'c', guess: string): string[] {
    if (!this.connection) return [guess.slice(0, 63)];
    const rows = this.connection.selectRows(
      `SELECT c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE t.relname = ? AND n.nspname = current_schema() AND c.contype = ? AND array_length(c.conkey, 1) = 1
         AND c.conkey[1] = (SELECT attnum FROM pg_attribute WHERE attrelid = t.oid AND attname = ?)`,
      [table, type, column],
    );
    return rows.map(([name]) => String(name));
  }

  /** The unique constraints over exactly `columns`, in that order. */
  private uniqueConstraintsOver(table: string, columns: readonly string[], guess: string): string[] {
    if (!this.connection) return [guess.slice(0, 63)];
    const rows = this.connection.selectRows(
      `SELECT c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE t.relname = ? AND n.nspname = current_schema() AND c.contype = 'u'
         AND ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, position)
                   JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.position) = CAST(? AS text[])`,
      [table, `{${columns.map((column) => `"${column.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`],
    );
    return rows.map(([name]) => String(name));
  }

  private columnIndexSql(table: string, field: Field): string {
    return `CREATE INDEX ${this.quote(columnIndexName(table, field))} ON ${this.quote(table)} (${this.quote(field.column)})`;
  }

  private addForeignKeySql(table: string, field: ForeignKey): string {
    return (
      `ALTER TABLE ${this.quote(table)} ADD CONSTRAINT ${this.quote(foreignKeyName(table, field))} FOREIGN KEY (${this.quote(field.column)}) ` +
      this.backend.inlineForeignKeySql(this.quote(field.relatedModel._meta.dbTable), this.quote(field.targetField.column))
    );
  }

  private alterManyToMany(model: ModelClass, oldField: Field, newField: Field): void {
    const change = this.alterThroughTable(model, oldField, newField);
    if (!change) return;
    const { oldKeys, newKeys } = change;
    const renames = [[oldKeys.source.column, newKeys.source.column], [oldKeys.target.column, newKeys.target.column]].filter(([from, to]) => from !== to);
    const table = this.quote(newKeys.through._meta.dbTable);
    // A relation to self may swap its two column names: each goes through a name of its own first.
    for (const [from] of renames) this.run(`ALTER TABLE ${table} RENAME COLUMN ${this.quote(from!)} TO ${this.quote(`${from}__renamed`)}`);
    for (const [from, to] of renames) this.run(`ALTER TABLE ${table} RENAME COLUMN ${this.quote(`${from}__renamed`)} TO ${this.quote(to!)}`);
  }

  /** A value as an SQL literal of the field's column type (the editor's statements are shown as one text). */
  private literal(field: Field, value: unknown): string {
    if (value === null || value === undefined) return 'NULL';
    if (Buffer.isBuffer(value) || value instanceof Uint8Array) return this.backend.operations.literal(Buffer.from(value));
    return `CAST('${String(value).replace(/'/g, "''")}' AS ${this.columnType(field)})`;
  }

  private count(sql: string): number {
    if (!this.connection) return 0;
    return Number(this.connection.selectRows(sql, [])[0]![0]);
  }
}

const DEFAULT_LOCK_TIMEOUT_MS = 10 * 60_000;

function columnIndexName(table: string, field: Field): string {
  return `${table}_${field.column}_idx`;
}

/** The name the base editor gives a foreign key it adds after the tables (foreignKeyStatements). */
function foreignKeyName(table: string, field: ForeignKey): string {
  return `${table}_${field.column}_fk_${field.relatedModel._meta.dbTable}_${field.targetField.column}`.slice(0, 63);
}

function hasConstraint(field: Field): field is ForeignKey {
  return isForeignKey(field) && field.relationOptions.dbConstraint !== false;
}
