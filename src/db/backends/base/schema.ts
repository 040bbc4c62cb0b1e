import type { Field } from '../../../models/fields/base';
import type { IndexSpec } from '../../../models/options';
import type { ModelClass } from '../../../models/types';

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
