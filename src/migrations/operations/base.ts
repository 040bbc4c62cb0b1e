import type { SchemaEditor } from '../../db/backends/base/schema';
import { MigrationError } from '../errors';
import type { ProjectState } from '../state';

/**
 * One step of a migration (Django's Operation). It changes the project state (`stateForwards`) and the
 * database (`databaseForwards` / `databaseBackwards`): `from` is the state the database is in, `to` the state
 * it moves to, so going backwards `from` is the state after the operation and `to` the one before it.
 */
export abstract class Operation {
  /** Can databaseBackwards undo it? RunSQL without reverse SQL and RunCode without a backwards function cannot. */
  get reversible(): boolean {
    return true;
  }

  /** Runs code of the migration's own rather than schema changes (sqlmigrate shows it as a comment). */
  get runsCode(): boolean {
    return false;
  }

  abstract stateForwards(state: ProjectState): void;
  abstract databaseForwards(editor: SchemaEditor, from: ProjectState, to: ProjectState): void;
  abstract databaseBackwards(editor: SchemaEditor, from: ProjectState, to: ProjectState): void;

  /** What it does, for people: "Add field size to Pizza". */
  abstract describe(): string;

  /** A piece of a migration name ("pizza_size"), or null for operations that make no good name. */
  get migrationNameFragment(): string | null {
    return null;
  }

  /** The constructor arguments the migration writer writes (only operations the autodetector makes need it). */
  deconstruct(): unknown[] {
    throw new MigrationError(`${this.constructor.name} operations are written by hand; makemigrations does not write them.`);
  }

  /** How errors name this operation: "AddField Pizza.size". */
  protected get where(): string {
    return `${this.constructor.name} (${this.describe()})`;
  }
}

/** Checks that a constructor argument is a non-empty string. */
export function requireName(value: unknown, operation: string, argument: string): string {
  if (typeof value !== 'string' || !value) {
    throw new MigrationError(`${operation} needs ${argument} (a non-empty string); got ${value === undefined ? 'nothing' : JSON.stringify(value)}.`);
  }
  return value;
}

/** Checks an options object's keys, naming the unknown one. */
export function checkKeys(options: object | undefined, allowed: readonly string[], operation: string): void {
  if (!options || typeof options !== 'object') {
    throw new MigrationError(`${operation} takes an options object ({ ${allowed.join(', ')} }).`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new MigrationError(`${operation}: unknown option '${key}'; the options are ${allowed.join(', ')}.`);
  }
}
