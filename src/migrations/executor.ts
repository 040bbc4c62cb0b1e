import { resolve } from 'node:path';
import type { DatabaseConnection } from '../db/backends/base/connection';
import type { Introspection } from '../db/backends/base/introspection';
import { configuredBackend, databaseAliases, DEFAULT_DB_ALIAS, getConnection, unknownDatabase } from '../db/connections';
import { allowMigrate } from '../db/routers';
import type { ModelClass } from '../models/types';
import type { Operation } from './operations/base';
import { ImproperlyConfigured, SynchronousOnlyOperation } from '../errors';
import { projectApps } from '../models/registry';
import { postMigrate } from '../models/signals';
import { detectChanges } from './autodetector';
import { InconsistentMigrationHistory, IrreversibleError, MigrationError } from './errors';
import type { MigrationGraph } from './graph';
import { loadMigrations, type LoadedMigrations } from './loader';
import type { Migration } from './migration';
import { AddField } from './operations/fields';
import { CreateModel } from './operations/models';
import { DetectingQuestioner } from './questioner';
import { MigrationRecorder } from './recorder';
import { ProjectState } from './state';

/** Options every command takes. */
export interface CommandOptions {
  /** The migrations folder; default `migrations` in the current directory. */
  migrations?: string;
  /** The database alias (a key of configure()'s `databases`); default 'default'. */
  database?: string;
  /** Receives the command's report, line by line (the CLI prints it). Default: nothing is printed. */
  log?: (line: string) => void;
}

export interface MigrateOptions extends CommandOptions {
  /** A migration name (or a unique prefix of one: '0002'): apply up to it, or unapply what comes after it. 'zero' unapplies all. */
  target?: string;
  /** Only report what would be done. */
  plan?: boolean;
  /** Record (or unrecord) the migrations without running them. */
  fake?: boolean;
  /** Mark an initial migration applied without running it when all of its tables exist (a database made by createSchema()). */
  fakeInitial?: boolean;
  /** How long to wait for another migrate's transaction. Default 10 minutes. */
  lockTimeoutMs?: number;
}

export interface PlannedStep {
  migration: string;
  backwards: boolean;
  /** What each operation does ("Add field size to Pizza"; "Undo …" going backwards). */
  operations: string[];
}

export interface MigrateResult {
  plan: PlannedStep[];
  applied: string[];
  unapplied: string[];
  /** Recorded or unrecorded without running (`fake`, `fakeInitial`). */
  faked: string[];
  /** Done by another process while this one waited for the lock. */
  skipped: string[];
  /** Model changes that no migration has yet (the warning migrate prints). */
  unmigratedChanges: string[];
  durationMs: number;
}

/** The migrations folder a command uses. */
export function migrationsDirectory(options: CommandOptions): string {
  return resolve(options.migrations ?? 'migrations');
}

/** The alias a command runs on; one that is not configured is an error naming the command. */
function checkDatabase(options: CommandOptions, call: string): string {
  const alias = options.database ?? DEFAULT_DB_ALIAS;
  if (!databaseAliases().includes(alias)) throw unknownDatabase(alias, call);
  return alias;
}

function commandConnection(call: string, alias: string): DatabaseConnection {
  try {
    return getConnection(call, alias);
  } catch (error) {
    if (!(error instanceof SynchronousOnlyOperation)) throw error;
    throw new SynchronousOnlyOperation(`${error.message} To migrate from async code: \`await amigrate()\` runs the same migrations through the pool.`);
  }
}

/**
 * Applies (or unapplies down to `target`) the migrations of the folder, Django's `migrate`. Each migration runs
 * in one transaction with its record in `threadorm_migrations`, under SQLite's write lock, so a failure leaves
 * schema, data and records as they were, and a concurrent migrate waits and then skips what this one did.
 */
export function migrate(options: MigrateOptions = {}): MigrateResult {
  const alias = checkDatabase(options, 'migrate()');
  const started = performance.now();
  const log = options.log ?? (() => {});
  const connection = commandConnection('migrate()', alias);
  if (connection.inAtomicBlock) {
    throw new MigrationError('migrate() cannot run inside atomic(): each migration opens its own transaction, with foreign keys switched off around it.');
  }
  const loaded = loadMigrations(migrationsDirectory(options));
  const recorder = new MigrationRecorder(connection, alias);
  const applied = new Set(recorder.applied());
  checkConsistency(loaded.graph, applied);
  const steps = planSteps(loaded, applied, options.target);
  const order = loaded.graph.forwardsPlan(...loaded.graph.leafNodes());
  const plan = steps.map((step) => describeStep(loaded.graph.get(step.migration), step.backwards));
  const result: MigrateResult = { plan, applied: [], unapplied: [], faked: [], skipped: [], unmigratedChanges: [], durationMs: 0 };

  for (const step of steps) {
    if (!step.backwards) continue;
    const migration = loaded.graph.get(step.migration);
    const irreversible = migration.operations.find((operation) => !operation.reversible);
    if (irreversible && !options.fake) {
      throw new IrreversibleError(
        `Cannot unapply ${migration.name}: its operation "${irreversible.describe()}" is irreversible (no reverse given). Nothing was unapplied. ` +
          'Give the operation a reverse (RunSQL reverseSql, RunCode backwards, or RunCode.noop), or use --fake to unrecord it without running it.',
      );
    }
  }

  if (options.plan) {
    log('Planned operations:');
    if (!plan.length) log('  No planned migration operations.');
    for (const step of plan) {
      log(`${step.migration}${step.backwards ? ' (unapply)' : ''}`);
      for (const operation of step.operations) log(`    ${operation}`);
    }
    return { ...result, durationMs: performance.now() - started };
  }

  log('Operations to perform:');
  log(`  ${targetDescription(options.target, steps)}`);
  log('Running migrations:');
  if (!steps.length) log('  No migrations to apply.');
  const current = new Set(applied);
  for (const step of steps) {
    const migration = loaded.graph.get(step.migration);
    const stepStarted = performance.now();
    const before = replay(loaded.graph, order, step.backwards ? [...current].filter((name) => name !== migration.name) : [...current]);
    const outcome = runStep(connection, alias, recorder, migration, before, step.backwards, options, log);
    const took = `${Math.round(performance.now() - stepStarted)} ms`;
    const verb = step.backwards ? 'Unapplying' : 'Applying';
    if (outcome === 'skipped') {
      log(`  ${verb} ${migration.name}... skipped: another process ${step.backwards ? 'unapplied' : 'applied'} it meanwhile`);
      result.skipped.push(migration.name);
    } else {
      log(`  ${verb} ${migration.name}... ${outcome === 'faked' ? 'FAKED' : 'OK'} (${took})`);
      if (outcome === 'faked') result.faked.push(migration.name);
      else (step.backwards ? result.unapplied : result.applied).push(migration.name);
    }
    if (step.backwards) current.delete(migration.name);
    else current.add(migration.name);
  }
  // Django's post_migrate: once migrate has run, even with nothing to apply; the models as they now stand.
  if (postMigrate.hasListeners(null)) {
    const ran = steps.map((step) => [loaded.graph.get(step.migration), step.backwards] as const);
    postMigrate.send(null, { using: alias, plan: ran, apps: replay(loaded.graph, order, [...current]).apps });
  }
  if (options.target === undefined) {
    result.unmigratedChanges = unmigratedChanges(loaded.graph);
    if (result.unmigratedChanges.length) {
      log('Your models have changes that are not yet reflected in a migration, and so are not applied:');
      for (const change of result.unmigratedChanges) log(`  - ${change}`);
      log("Run 'threadorm makemigrations' to make a migration for them, then 'threadorm migrate' to apply it.");
    }
  }
  result.durationMs = performance.now() - started;
  log(`Done in ${formatDuration(result.durationMs)}.`);
  return result;
}

type Outcome = 'done' | 'faked' | 'skipped';

/**
 * One migration in one transaction. The applied set is read again once the write lock is held: another
 * process may have applied (or unapplied) this migration while this one waited.
 */
function runStep(
  connection: DatabaseConnection,
  alias: string,
  recorder: MigrationRecorder,
  migration: Migration,
  before: ProjectState,
  backwards: boolean,
  options: MigrateOptions,
  log: (line: string) => void,
): Outcome {
  const states = migration.intermediateStates(before);
  // The routers' allowMigrate() picks which operations touch this database; the record is kept either way.
  const allowed = migration.operations.map((operation, index) => {
    const model = operationModel(operation, states[index]!, states[index + 1]!);
    return model === null || allowMigrate(alias, model);
  });
  try {
    const editor = connection.backend.schemaEditor(connection, {
      lockTimeoutMs: options.lockTimeoutMs,
      onLockWait: () => log(`  Waiting for the database's write lock (another migrate running?) before ${migration.name}...`),
    });
    return editor.atomic((): Outcome => {
        recorder.ensureTable(editor);
        const applied = new Set(recorder.applied());
        if (applied.has(migration.name) !== backwards) return 'skipped';
        if (backwards) {
          if (!options.fake) {
            for (let index = migration.operations.length - 1; index >= 0; index--) {
              if (allowed[index]) migration.operations[index]!.databaseBackwards(editor, states[index + 1]!, states[index]!);
            }
          }
          recorder.unrecord(migration.name);
          return options.fake ? 'faked' : 'done';
        }
        const missing = migration.dependencies.filter((dependency) => !applied.has(dependency));
        if (missing.length) {
          throw new InconsistentMigrationHistory(`${migration.name} depends on ${missing.join(', ')}, which another process has unapplied meanwhile.`);
        }
        const initial = isInitial(migration);
        const existing = initial ? existingTables(connection.backend.introspection(connection), migration, states) : null;
        if (options.fake || (options.fakeInitial && existing?.complete)) {
          recorder.record(migration.name);
          return 'faked';
        }
        if (existing?.tables.length) {
          throw new MigrationError(
            `table${existing.tables.length > 1 ? 's' : ''} ${existing.tables.map((table) => `'${table}'`).join(', ')} of ${migration.name} exist already ` +
              "(a database made by createSchema()?). If they match the migration, 'migrate --fake-initial' marks it applied without running it.",
          );
        }
        migration.operations.forEach((operation, index) => {
          if (allowed[index]) operation.databaseForwards(editor, states[index]!, states[index + 1]!);
        });
        recorder.record(migration.name);
        return 'done';
    });
  } catch (error) {
    log(`  ${backwards ? 'Unapplying' : 'Applying'} ${migration.name}... FAILED`);
    // Not `instanceof Error`: a driver error may come from another realm's Error class (see translateError).
    if (typeof error === 'object' && error !== null && typeof (error as Error).message === 'string') {
      (error as Error).message = `${backwards ? 'Unapplying' : 'Applying'} ${migration.name} failed, and its transaction was rolled back (schema, data and record are as before): ${(error as Error).message}`;
    }
    throw error;
  }
}

/**
 * The model an operation changes, as the state has it where the model exists (after the operation, or before
 * it for one that removes it), for allowMigrate(); null for operations on no model (RunSQL, RunCode).
 */
function operationModel(operation: Operation, from: ProjectState, to: ProjectState): ModelClass | null {
  const named = operation as unknown as { modelName?: string; name?: string; newName?: string; oldName?: string };
  const label = named.modelName ?? named.name ?? named.newName;
  if (typeof label !== 'string') return null;
  for (const [state, name] of [[to, label], [from, label], [from, named.oldName]] as const) {
    if (typeof name !== 'string') continue;
    try {
      return state.getModel(name);
    } catch {
      // Not in this state: the model is created or removed by this operation.
    }
  }
  return null;
}

function isInitial(migration: Migration): boolean {
  return migration.initial || migration.dependencies.length === 0;
}

/**
 * The tables (and added columns) of an initial migration that the database has already. `complete` when every
 * one exists: then `--fake-initial` may mark it applied (Django's detect_soft_applied).
 */
function existingTables(introspection: Introspection, migration: Migration, states: ProjectState[]): { tables: string[]; complete: boolean } {
  const existing = new Set(introspection.tableNames());
  const tables: string[] = [];
  let complete = true;
  let checked = 0;
  migration.operations.forEach((operation, index) => {
    const state = states[index + 1]!;
    if (operation instanceof CreateModel) {
      const model = state.getModel(operation.name);
      const meta = model._meta;
      for (const table of [meta.dbTable, ...meta.manyToMany.map((field) => meta.through(field).through).filter((through) => through._meta.autoCreated).map((through) => through._meta.dbTable)]) {
        checked++;
        if (existing.has(table)) tables.push(table);
        else complete = false;
      }
    } else if (operation instanceof AddField) {
      const field = state.getField(operation.modelName, operation.name);
      checked++;
      const model = state.getModel(operation.modelName);
      const present = field.manyToMany
        ? existing.has(model._meta.through(field as never).through._meta.dbTable)
        : introspection.columns(model._meta.dbTable).some((column) => column.name === field.column);
      if (!present) complete = false;
    }
  });
  return { tables, complete: complete && checked > 0 };
}

/** The database must not record a migration as applied while one it depends on is not. */
function checkConsistency(graph: MigrationGraph, applied: ReadonlySet<string>): void {
  for (const name of graph.names) {
    if (!applied.has(name)) continue;
    const missing = graph.get(name).dependencies.filter((dependency) => !applied.has(dependency));
    if (missing.length) {
      throw new InconsistentMigrationHistory(
        `Migration ${name} is applied before its dependency ${missing.join(', ')}. Apply ${missing.join(', ')} with 'migrate --fake ${missing[0]}' ` +
          'if its changes are in the database already, or unapply the later migrations first.',
      );
    }
  }
}

interface Step {
  migration: string;
  backwards: boolean;
}

/** Django's migration_plan: the migrations to apply, or to unapply, to reach `target`. */
function planSteps(loaded: LoadedMigrations, applied: ReadonlySet<string>, target: string | undefined): Step[] {
  const graph = loaded.graph;
  const leaves = graph.leafNodes();
  if (leaves.length > 1) {
    throw new MigrationError(
      `Conflicting migrations: the history branches into ${leaves.join(', ')} (each is the latest of its branch). ` +
        "Run 'threadorm makemigrations --merge' to join them.",
    );
  }
  const order = graph.forwardsPlan(...leaves);
  if (target === 'zero') {
    return order.filter((name) => applied.has(name)).reverse().map((migration) => ({ migration, backwards: true }));
  }
  if (target === undefined) return order.filter((name) => !applied.has(name)).map((migration) => ({ migration, backwards: false }));
  const name = resolveTarget(graph, target, loaded.directory);
  if (!applied.has(name)) return graph.forwardsPlan(name).filter((step) => !applied.has(step)).map((migration) => ({ migration, backwards: false }));
  const undo = graph.backwardsPlan(name).filter((step) => step !== name && applied.has(step));
  return undo.map((migration) => ({ migration, backwards: true }));
}

/** A migration by its name or by a prefix only it has ('0002'). */
export function resolveTarget(graph: MigrationGraph, target: string, directory: string): string {
  if (graph.has(target)) return target;
  const matches = graph.names.filter((name) => name.startsWith(target));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new MigrationError(`'${target}' matches several migrations (${matches.join(', ')}); give more of the name.`);
  throw new MigrationError(`There is no migration '${target}' in ${directory}. Migrations: ${graph.names.join(', ') || '(none)'}; 'zero' unapplies all.`);
}

function targetDescription(target: string | undefined, steps: Step[]): string {
  const count = (n: number) => `${n} migration${n === 1 ? '' : 's'}`;
  if (target === undefined) return `Apply all migrations: ${steps.length ? `${count(steps.length)} to apply` : 'none to apply'}`;
  if (target === 'zero') return `Unapply all migrations: ${count(steps.length)} to unapply`;
  const backwards = steps.some((step) => step.backwards);
  return `Target ${target}: ${count(steps.length)} to ${backwards ? 'unapply' : 'apply'}`;
}

function describeStep(migration: Migration, backwards: boolean): PlannedStep {
  const operations = migration.operations.map((operation) => {
    const text = operation.describe();
    if (!backwards) return text;
    return operation.reversible ? `Undo ${text}` : `${text} (IRREVERSIBLE)`;
  });
  return { migration: migration.name, backwards, operations: backwards ? operations.reverse() : operations };
}

/** The state of the applied migrations `names`, replayed in the graph's order. */
function replay(graph: MigrationGraph, order: readonly string[], names: readonly string[]): ProjectState {
  const wanted = new Set(names);
  let state = new ProjectState();
  for (const name of order) if (wanted.has(name)) state = graph.get(name).applyToState(state);
  return state;
}

/** What makemigrations would write now, described; empty when the project has no models. */
export function unmigratedChanges(graph: MigrationGraph): string[] {
  if (!projectApps.allModels().length || graph.leafNodes().length > 1) return [];
  try {
    const operations = detectChanges(graph.stateAt(), ProjectState.fromApps(), { questioner: new DetectingQuestioner() });
    return operations.map((operation) => operation.describe());
  } catch (error) {
    if (error instanceof MigrationError) return [error.message];
    throw error;
  }
}

export interface ShownMigration {
  name: string;
  applied: boolean;
}

/** Every migration in the order migrate applies them, with `[X]` for applied ones (Django's showmigrations). */
export function showMigrations(options: CommandOptions = {}): ShownMigration[] {
  const alias = checkDatabase(options, 'showMigrations()');
  const log = options.log ?? (() => {});
  const loaded = loadMigrations(migrationsDirectory(options));
  const applied = new Set(new MigrationRecorder(commandConnection('showMigrations()', alias), alias).applied());
  const graph = loaded.graph;
  const shown = graph.forwardsPlan(...graph.leafNodes()).map((name) => ({ name, applied: applied.has(name) }));
  if (!shown.length) log(` (no migrations in ${loaded.directory})`);
  for (const { name, applied: done } of shown) log(` [${done ? 'X' : ' '}] ${name}`);
  for (const name of applied) if (!graph.has(name)) log(` [X] ${name} (recorded as applied, but no file has it)`);
  return shown;
}

export interface SqlMigrateOptions extends CommandOptions {
  /** The SQL that unapplying the migration runs. */
  backwards?: boolean;
}

/**
 * The statements a migration runs on this backend (Django's sqlmigrate), computed from the migration files
 * alone: no database is read or changed. RunCode steps show as comments.
 */
export function sqlMigrate(name: string, options: SqlMigrateOptions = {}): string {
  const alias = checkDatabase(options, 'sqlMigrate()');
  const loaded = loadMigrations(migrationsDirectory(options));
  const graph = loaded.graph;
  const migration = graph.get(resolveTarget(graph, name, loaded.directory));
  const before = graph.stateAt(migration.dependencies);
  const states = migration.intermediateStates(before);
  const lines = ['-- Foreign keys are switched off around this transaction and checked (PRAGMA foreign_key_check) before COMMIT.', 'BEGIN;'];
  const editor = configuredBackend(alias).schemaEditor(null, { collectSql: true });
  const indexes = migration.operations.map((_, index) => index);
  for (const index of options.backwards ? indexes.reverse() : indexes) {
    const operation = migration.operations[index]!;
    lines.push('--', `-- ${options.backwards ? 'Undo ' : ''}${operation.describe()}`, '--');
    if (options.backwards && !operation.reversible) {
      throw new IrreversibleError(`${migration.name}: "${operation.describe()}" is irreversible, so it has no backwards SQL.`);
    }
    if (operation.runsCode) {
      lines.push('-- (runs code of the migration: no SQL to show)');
      continue;
    }
    const start = editor.collectedSql.length;
    if (options.backwards) operation.databaseBackwards(editor, states[index + 1]!, states[index]!);
    else operation.databaseForwards(editor, states[index]!, states[index + 1]!);
    const statements = editor.collectedSql.slice(start);
    if (!statements.length) lines.push('-- (no SQL: this changes the migration state only)');
    for (const statement of statements) lines.push(statement.startsWith('--') ? statement : `${statement};`);
  }
  lines.push('COMMIT;');
  const sql = lines.join('\n');
  options.log?.(sql);
  return sql;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
