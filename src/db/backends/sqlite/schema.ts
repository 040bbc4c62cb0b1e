import { IntegrityError, NotSupportedError } from '../../../errors';
import type { Field } from '../../../models/fields/base';
import type { ModelClass } from '../../../models/types';
import type { DatabaseConnection } from '../base/connection';
import { BaseSchemaEditor, describeField, hasColumnIndex, isManyToMany, type TableDefinition } from '../base/schema';

/**
 * The SQLite schema editor. SQLite's ALTER TABLE renames tables and columns and little else, so most field
 * changes rebuild the table the way SQLite's documentation prescribes (and Django's `_remake_table` does):
 * create `new__<table>` with the new definition, copy every row, drop the old table, rename the new one,
 * create the indexes again. A rebuild runs with foreign keys off (see `atomic`): with them on, `DROP TABLE`
 * deletes the old rows first, cascading into (or failing on) every table that refers to it.
 */
export class SqliteSchemaEditor extends BaseSchemaEditor {
  /** No transaction of the editor's own (an outer one was open, or `atomic: false`): foreign keys stay on, so no table may be rebuilt. */
  private foreignKeysEnforced = false;

  /**
   * Runs `fn` as one schema change: foreign keys are switched off (which SQLite allows only outside a
   * transaction), the transaction opens with `BEGIN IMMEDIATE` (the write lock: a concurrent migrate waits here,
   * then sees what this one recorded), and before COMMIT `PRAGMA foreign_key_check` fails the change if a row
   * points nowhere. Foreign keys are on again afterwards, whatever happened. Inside an already open transaction
   * the change nests in a savepoint with foreign keys still enforced, and tables cannot be rebuilt.
   */
  override atomic<T>(fn: () => T): T {
    if (this.options.collectSql) return fn();
    const connection = this.requireConnection();
    if (this.options.atomic === false || connection.inAtomicBlock) {
      this.foreignKeysEnforced = true;
      return super.atomic(fn);
    }
    connection.exec('PRAGMA foreign_keys = OFF');
    try {
      this.beginImmediate(connection);
      let result: T;
      try {
        result = fn();
        this.runDeferred();
        if (this.options.checkForeignKeys !== false) this.checkForeignKeys();
      } catch (error) {
        connection.exitAtomic(false);
        throw error;
      }
      connection.exitAtomic(true);
      return result;
    } finally {
      connection.exec('PRAGMA foreign_keys = ON');
    }
  }

  // ------------------------------------------------------------ fields

  override addField(model: ModelClass, field: Field): void {
    if (isManyToMany(field)) {
      const through = model._meta.through(field).through;
      if (through._meta.autoCreated) this.createModel(through);
      return;
    }
    const table = this.tableOf(model);
    const fill = field.getDefault();
    if (fill === null && !field.null && !field.autoIncrement) {
      const rows = this.count(`SELECT count(*) FROM ${this.quote(table.name)}`);
      if (rows > 0) {
        throw new IntegrityError(
          `Cannot add the non-null field ${describeField(model, field)} without a default: table '${table.name}' has ${rows} row(s) ` +
            'that need a value. Give the field a default, allow null, or answer makemigrations with a one-off default.',
        );
      }
    }
    const copy = this.sameColumns(table, field.column);
    copy.set(field.column, quoteValue(fill === null ? null : field.toDb(fill)));
    this.rebuild(table, copy);
  }

  override removeField(model: ModelClass, field: Field): void {
    if (isManyToMany(field)) {
      const through = model._meta.through(field).through;
      if (through._meta.autoCreated) this.deleteModel(through);
      return;
    }
    const table = this.tableOf(model, { without: field });
    this.rebuild(table, this.sameColumns(table));
  }

  override alterField(model: ModelClass, oldField: Field, newField: Field): void {
    if (isManyToMany(oldField) || isManyToMany(newField)) return this.alterManyToMany(model, oldField, newField);
    const target = newField.model ?? model;
    const valuesChange = this.valuesChange(oldField, newField);
    const sameColumn =
      this.definitionWithoutName(oldField) === this.definitionWithoutName(newField) && hasColumnIndex(oldField) === hasColumnIndex(newField);
    if (sameColumn && !valuesChange) {
      if (oldField.column !== newField.column) {
        this.run(`ALTER TABLE ${this.quote(target._meta.dbTable)} RENAME COLUMN ${this.quote(oldField.column)} TO ${this.quote(newField.column)}`);
      }
      return;
    }
    const table = this.tableOf(target);
    let source = this.quote(oldField.column);
    if (oldField.null && !newField.null) {
      const fill = newField.getDefault();
      if (fill === null) this.refuseNulls(model, model._meta.dbTable, oldField.column, newField);
      else source = `coalesce(${source}, ${quoteValue(newField.toDb(fill))})`;
    }
    const converted = valuesChange ? this.convertedValues(model, oldField, newField) : [];
    const copy = this.sameColumns(table);
    copy.set(newField.column, source);
    this.rebuild(table, copy, converted.length ? { column: newField.column, pk: target._meta.pk.column, values: converted } : null);
  }

  // ------------------------------------------------------------ indexes and constraints

  /** Unique-together sets are constraints in the table's definition: SQLite can only rebuild the table. */
  override alterUniqueTogether(model: ModelClass, oldSets: ReadonlyArray<readonly string[]>, newSets: ReadonlyArray<readonly string[]>): void {
    if (JSON.stringify(oldSets) === JSON.stringify(newSets)) return;
    const table = this.tableOf(model, { uniqueTogether: newSets });
    this.rebuild(table, this.sameColumns(table));
  }

  // ------------------------------------------------------------ the caller's own statements

  /** Parameters are shown inlined as SQL literals (sqlmigrate). */
  override execute(sql: string, params: readonly unknown[] = []): void {
    if (!params.length) return this.run(sql);
    this.collectedSql.push(inlineParameters(sql, params));
    if (!this.options.collectSql) this.requireConnection().run(sql, params);
  }

  // ------------------------------------------------------------ statements

  /** `PRAGMA foreign_key_check` over the whole database: a violation fails the schema change before it commits. */
  private checkForeignKeys(): void {
    const rows = this.requireConnection().selectRows('PRAGMA foreign_key_check', []);
    if (!rows.length) return;
    const described = rows.slice(0, 5).map(([table, rowid, parent]) => `'${table}' row ${rowid} refers to a missing '${parent}' row`);
    throw new IntegrityError(
      `The schema change leaves ${rows.length} row(s) pointing at rows that do not exist: ${described.join('; ')}` +
        `${rows.length > 5 ? '; …' : ''}. Nothing was changed (the transaction was rolled back).`,
    );
  }

  /** Waits for the write lock in short steps of SQLite's busy handler, so the caller hears once that it waits. */
  private beginImmediate(connection: DatabaseConnection): void {
    const timeout = this.options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    const previous = Number(connection.selectRows('PRAGMA busy_timeout', [])[0]![0]);
    const deadline = performance.now() + timeout;
    let told = false;
    connection.exec(`PRAGMA busy_timeout = ${LOCK_POLL_MS}`);
    try {
      for (;;) {
        try {
          connection.enterAtomic();
          return;
        } catch (error) {
          const busy = String((error as { code?: unknown }).code ?? '').startsWith('SQLITE_BUSY');
          if (!busy) throw error;
          if (performance.now() >= deadline) {
            throw new NotSupportedError(
              `Another connection held the database's write lock for more than ${Math.round(timeout / 1000)} s; the schema change did not start.`,
            );
          }
          if (!told) this.options.onLockWait?.();
          told = true;
        }
      }
    } finally {
      connection.exec(`PRAGMA busy_timeout = ${previous}`);
    }
  }

  /**
   * Rebuilds `table.name` with the definition `table`, each new column filled from the SQL expression `copy`
   * gives it (over the old table's columns). `converted` rewrites values that JS converted row by row.
   */
  private rebuild(table: TableDefinition, copy: Map<string, string>, converted: ConvertedColumn | null = null): void {
    if (this.foreignKeysEnforced) {
      throw new NotSupportedError(
        `Rebuilding table '${table.name}' needs foreign keys switched off, which SQLite allows only outside a transaction: ` +
          'run migrate() outside atomic() (it opens a transaction per migration itself).',
      );
    }
    const temporary = `new__${table.name}`;
    this.run(this.createTableSql(table, temporary));
    const columns = table.columns.map((column) => this.quote(column.name));
    const sources = table.columns.map((column) => copy.get(column.name) ?? 'NULL');
    this.run(`INSERT INTO ${this.quote(temporary)} (${columns.join(', ')}) SELECT ${sources.join(', ')} FROM ${this.quote(table.name)}`);
    if (converted) this.writeConverted(temporary, converted);
    if (table.autoIncrement) {
      // AUTOINCREMENT never reuses a key: the new table continues from the old one's counter, not from its largest row.
      this.run(`DELETE FROM sqlite_sequence WHERE name = ${quoteValue(temporary)}`);
      this.run(`INSERT INTO sqlite_sequence (name, seq) SELECT ${quoteValue(temporary)}, seq FROM sqlite_sequence WHERE name = ${quoteValue(table.name)}`);
    }
    this.run(`DROP TABLE ${this.quote(table.name)}`);
    this.run(`ALTER TABLE ${this.quote(temporary)} RENAME TO ${this.quote(table.name)}`);
    for (const index of table.indexes) this.run(this.createIndexSql(index, table.name));
  }

  /** Each column of `table` copied from the old column of the same name (but `except`). */
  private sameColumns(table: TableDefinition, except?: string): Map<string, string> {
    return new Map(table.columns.filter((column) => column.name !== except).map((column) => [column.name, this.quote(column.name)]));
  }

  private writeConverted(table: string, converted: ConvertedColumn): void {
    const sql = `UPDATE ${this.quote(table)} SET ${this.quote(converted.column)} = ? WHERE ${this.quote(converted.pk)} = ?`;
    this.collectedSql.push(`-- ${converted.values.length} value(s) of ${this.quote(converted.column)} converted to the new type, row by row: ${sql}`);
    if (this.options.collectSql) return;
    const connection = this.requireConnection();
    for (const [pk, value] of converted.values) connection.run(sql, [value, pk]);
  }

  /** Do stored values need a conversion or a check (type, length, digits), rather than a plain copy? */
  private valuesChange(oldField: Field, newField: Field): boolean {
    if (this.columnType(oldField) !== this.columnType(newField) || oldField.internalType !== newField.internalType) return true;
    const digits = (field: Field) => {
      const decimal = field as Field & { maxDigits?: number; decimalPlaces?: number };
      return `${decimal.maxDigits ?? ''}/${decimal.decimalPlaces ?? ''}`;
    };
    return digits(oldField) !== digits(newField);
  }

  /** The stored values the change rewrites (see convertStoredValues), by key: those whose stored form changes. */
  private convertedValues(model: ModelClass, oldField: Field, newField: Field): Array<[unknown, unknown]> {
    const changed: Array<[unknown, unknown]> = [];
    for (const [pk, value, raw] of this.convertStoredValues(model, model._meta.dbTable, oldField, newField, this.columnType(newField))) {
      const stored = newField.toDb(value);
      if (!sameStored(stored, raw)) changed.push([pk, stored]);
    }
    return changed;
  }

  private alterManyToMany(model: ModelClass, oldField: Field, newField: Field): void {
    const change = this.alterThroughTable(model, oldField, newField);
    if (!change) return;
    const { oldKeys, newKeys } = change;
    const newThrough = newKeys.through;
    const keysChange =
      this.definition(oldKeys.source) !== this.definition(newKeys.source) || this.definition(oldKeys.target) !== this.definition(newKeys.target);
    if (!keysChange) return;
    // Both keys in one rebuild: a self-referential relation renames both columns at once.
    const table = this.tableOf(newThrough);
    const copy = this.sameColumns(table);
    copy.set(newKeys.source.column, this.quote(oldKeys.source.column));
    copy.set(newKeys.target.column, this.quote(oldKeys.target.column));
    this.rebuild(table, copy);
  }

  private definitionWithoutName(field: Field): string {
    return this.definition(field).slice(this.quote(field.column).length);
  }

  private count(sql: string): number {
    if (this.options.collectSql) return 0;
    return Number(this.requireConnection().selectRows(sql, [])[0]![0]);
  }
}

const DEFAULT_LOCK_TIMEOUT_MS = 10 * 60_000;
/** Short waits inside SQLite's busy handler, so that the caller hears once that it is waiting. */
const LOCK_POLL_MS = 200;

interface ConvertedColumn {
  column: string;
  pk: string;
  values: Array<[unknown, unknown]>;
}

/** A converted value equals the stored one (a number read as a bigint, a blob as a Uint8Array, count as equal). */
function sameStored(converted: unknown, stored: unknown): boolean {
  if (Buffer.isBuffer(converted) && stored instanceof Uint8Array) return converted.equals(stored);
  const numeric = (value: unknown) => typeof value === 'number' || typeof value === 'bigint';
  if (numeric(converted) && numeric(stored)) return String(converted) === String(stored);
  return converted === stored;
}

/** A value as an SQL literal (statements of the editor are run and shown as one text). */
export function quoteValue(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${value} cannot be stored in SQLite.`);
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `X'${Buffer.from(value).toString('hex')}'`;
  return `'${String(value).replace(/'/g, "''")}'`;
}

function inlineParameters(sql: string, params: readonly unknown[]): string {
  let index = 0;
  return sql.replace(/\?/g, () => (index < params.length ? quoteValue(params[index++]) : '?'));
}
