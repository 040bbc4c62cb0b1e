import type { SchemaEditor } from '../../db/backends/base/schema';
import type { Apps } from '../../models/registry';
import { IrreversibleError, MigrationError } from '../errors';
import type { ProjectState } from '../state';
import { Operation } from './base';

/** Statements for RunSQL: one text (which may hold several statements), or a list of texts and `[sql, params]` pairs. */
export type SqlStatements = string | ReadonlyArray<string | readonly [string, readonly unknown[]]>;

/**
 * Runs SQL of the migration's own, in the migration's transaction. Without `reverseSql` it cannot be undone
 * (`migrate` refuses to go back past it); `RunSQL.noop` as the reverse makes going back do nothing.
 */
export class RunSQL extends Operation {
  /** A reverse that does nothing: `new RunSQL('UPDATE ...', RunSQL.noop)`. */
  static readonly noop: SqlStatements = '';

  constructor(
    readonly sql: SqlStatements,
    readonly reverseSql?: SqlStatements,
  ) {
    super();
    checkStatements(sql, 'RunSQL');
    if (reverseSql !== undefined) checkStatements(reverseSql, 'RunSQL reverseSql');
  }

  override get reversible(): boolean {
    return this.reverseSql !== undefined;
  }

  stateForwards(): void {}

  databaseForwards(editor: SchemaEditor): void {
    run(editor, this.sql);
  }

  databaseBackwards(editor: SchemaEditor): void {
    if (this.reverseSql === undefined) throw new IrreversibleError(`${this.describe()} has no reverseSql and cannot be undone.`);
    run(editor, this.reverseSql);
  }

  describe(): string {
    const first = (typeof this.sql === 'string' ? this.sql : [this.sql[0] ?? ''].flat()[0] as string).trim().split('\n')[0]!;
    return `Raw SQL: ${first.length > 60 ? `${first.slice(0, 57)}...` : first}`;
  }
}

function checkStatements(sql: unknown, where: string): void {
  const valid =
    typeof sql === 'string' ||
    (Array.isArray(sql) &&
      sql.every((entry) => typeof entry === 'string' || (Array.isArray(entry) && typeof entry[0] === 'string' && Array.isArray(entry[1]))));
  if (!valid) throw new MigrationError(`${where} takes SQL text, or a list of texts and [sql, params] pairs.`);
}

function run(editor: SchemaEditor, sql: SqlStatements): void {
  if (typeof sql === 'string') {
    if (sql.trim()) editor.execute(sql);
    return;
  }
  for (const entry of sql) {
    if (typeof entry === 'string') editor.execute(entry);
    else editor.execute(entry[0], entry[1]);
  }
}

/**
 * A data migration step (Django's RunPython). `forwards(apps, editor)` gets the historical models of this point
 * of the history: `apps.getModel('Pizza').objects.filter(...)` with the sync API, inside the migration's
 * transaction. Without `backwards` it cannot be undone; `RunCode.noop` as backwards makes going back do nothing.
 */
export class RunCode extends Operation {
  /** A step that does nothing, for `new RunCode(fill, RunCode.noop)`. */
  static readonly noop: RunCodeFunction = () => {};

  constructor(
    readonly forwards: RunCodeFunction,
    readonly backwards?: RunCodeFunction,
  ) {
    super();
    if (typeof forwards !== 'function') throw new MigrationError('RunCode takes a function: new RunCode((apps) => { ... }, backwards?).');
    if (backwards !== undefined && typeof backwards !== 'function') throw new MigrationError('RunCode: backwards must be a function (or RunCode.noop).');
  }

  override get reversible(): boolean {
    return this.backwards !== undefined;
  }

  override get runsCode(): boolean {
    return true;
  }

  stateForwards(): void {}

  databaseForwards(editor: SchemaEditor, from: ProjectState): void {
    returnsNothing(this.forwards(from.apps, editor), this.forwards);
  }

  databaseBackwards(editor: SchemaEditor, from: ProjectState): void {
    if (!this.backwards) throw new IrreversibleError(`${this.describe()} has no backwards function and cannot be undone.`);
    returnsNothing(this.backwards(from.apps, editor), this.backwards);
  }

  describe(): string {
    return `Run code ${this.forwards.name || '(anonymous function)'}`;
  }
}

export type RunCodeFunction = (apps: Apps, editor: SchemaEditor) => void;

function returnsNothing(result: unknown, fn: RunCodeFunction): void {
  if (result instanceof Promise) {
    throw new MigrationError(
      `RunCode ${fn.name || '(anonymous function)'} returned a Promise: a migration runs in one synchronous transaction, so its code must be ` +
        'synchronous (use Model.objects, not aobjects).',
    );
  }
}
