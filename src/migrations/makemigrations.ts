import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ImproperlyConfigured } from '../errors';
import { projectApps } from '../models/registry';
import { detectChanges } from './autodetector';
import { MigrationError } from './errors';
import { migrationsDirectory, type CommandOptions } from './executor';
import { loadMigrations } from './loader';
import type { Operation } from './operations/base';
import {
  AnsweringQuestioner,
  DetectingQuestioner,
  InteractiveQuestioner,
  NonInteractiveQuestioner,
  parseRenames,
  type Answers,
  type Questioner,
  type Terminal,
} from './questioner';
import { ProjectState } from './state';
import { emptyMigrationSource, migrationSource } from './writer';

export interface MakeMigrationsOptions extends CommandOptions, Answers {
  /** The name after the number (`0002_<name>`); default: made from the operations. */
  name?: string;
  /** Write an empty migration, to fill in by hand (a data migration). */
  empty?: boolean;
  /** Write nothing; the result's `changes` lists what a migration would hold (CI: fail when it is not empty). */
  check?: boolean;
  /** Report what would be written, write nothing. */
  dryRun?: boolean;
  /** Join the branches of a history that forked (two latest migrations) with a migration that depends on both. */
  merge?: boolean;
  /** Ask the questions (renames, one-off defaults) on a terminal. Default false: unanswered questions are an error naming the flags. */
  interactive?: boolean | Terminal;
}

export interface WrittenMigration {
  name: string;
  path: string;
  operations: string[];
  source: string;
}

export interface MakeMigrationsResult {
  /** What the migration (would) hold, described ("Add field size to Pizza"). */
  changes: string[];
  /** The migrations written (or, with dryRun / check, that would be). */
  migrations: WrittenMigration[];
}

/**
 * Compares the state the migration files build with the current models and writes a migration for the
 * difference, Django's makemigrations. Renames and one-off defaults are questions: asked on a terminal,
 * answered by `renames` / `noRename` / `defaults`, or else an error that says which of those answers them.
 */
export function makeMigrations(options: MakeMigrationsOptions = {}): MakeMigrationsResult {
  const log = options.log ?? (() => {});
  const directory = migrationsDirectory(options);
  const loaded = loadMigrations(directory);
  const graph = loaded.graph;
  const leaves = graph.leafNodes();
  const next = nextNumber(graph.names);
  if (options.name !== undefined && !/^\w+$/.test(options.name)) {
    throw new MigrationError(`makemigrations: --name '${options.name}' may use letters, digits and '_' only (it becomes the file name).`);
  }

  if (options.merge) {
    if (leaves.length < 2) {
      log('No conflicts detected to merge.');
      return { changes: [], migrations: [] };
    }
    const name = `${next}_${options.name ?? mergeName(leaves)}`;
    return finish([{ name, source: migrationSource({ dependencies: leaves, operations: [], directory }), operations: [`Merge ${leaves.join(', ')}`] }]);
  }
  if (leaves.length > 1) {
    throw new MigrationError(
      `Conflicting migrations: the history branches into ${leaves.join(', ')} (two migrations made on different branches). ` +
        "Run 'threadorm makemigrations --merge' to join them.",
    );
  }

  if (options.empty) {
    const name = `${next}_${options.name ?? 'custom'}`;
    return finish([{ name, source: emptyMigrationSource(leaves), operations: [] }]);
  }

  if (!projectApps.allModels().length) {
    throw new ImproperlyConfigured("makemigrations: no models are registered. List the modules that define them in the configuration's models.");
  }
  const renames = parseRenames(options.renames);
  const { questioner, unanswered } = questionerFor(options);
  const operations = detectChanges(graph.stateAt(), ProjectState.fromApps(), { questioner, renames });
  unanswered?.check();
  if (!operations.length) {
    log('No changes detected.');
    return { changes: [], migrations: [] };
  }
  const initial = leaves.length === 0;
  const name = `${next}_${options.name ?? suggestName(operations, initial)}`;
  return finish([{ name, source: migrationSource({ dependencies: leaves, operations, initial, directory }), operations: operations.map((operation) => operation.describe()) }]);

  function finish(made: Array<Omit<WrittenMigration, 'path'>>): MakeMigrationsResult {
    const migrations = made.map((migration) => ({ ...migration, path: join(directory, `${migration.name}.ts`) }));
    const changes = migrations.flatMap((migration) => migration.operations);
    const writing = !options.check && !options.dryRun;
    log(options.check ? 'Changes that no migration has yet:' : writing ? 'Migrations written:' : 'Migrations that would be written:');
    for (const migration of migrations) {
      log(`  ${relative(process.cwd(), migration.path) || migration.path}`);
      for (const operation of migration.operations) log(`    - ${operation}`);
      if (!writing) continue;
      if (existsSync(migration.path)) throw new MigrationError(`makemigrations: ${migration.path} exists already; nothing was written.`);
      mkdirSync(directory, { recursive: true });
      writeFileSync(migration.path, migration.source);
    }
    return { changes, migrations };
  }
}

/** Flags first; then a terminal, or (without one) a questioner that collects what nobody answered. */
function questionerFor(options: MakeMigrationsOptions): { questioner: Questioner; unanswered?: NonInteractiveQuestioner } {
  if (options.interactive) {
    const terminal = options.interactive === true ? undefined : options.interactive;
    return { questioner: new AnsweringQuestioner(options, new InteractiveQuestioner(terminal)) };
  }
  // --check writes nothing and asks nothing: a rename or a default changes the file, not whether there are changes.
  if (options.check) return { questioner: new AnsweringQuestioner(options, new DetectingQuestioner()) };
  const unanswered = new NonInteractiveQuestioner();
  return { questioner: new AnsweringQuestioner(options, unanswered), unanswered };
}

/** One more than the highest number in use, four digits: `0003`. */
function nextNumber(names: readonly string[]): string {
  const numbers = names.map((name) => /^(\d+)/.exec(name)).filter((match) => match !== null).map((match) => Number(match[1]));
  return String((numbers.length ? Math.max(...numbers) : 0) + 1).padStart(4, '0');
}

const MAX_NAME_LENGTH = 52;

/** Django's suggest_name: 'initial', else the operations' fragments while they fit, then '_and_more'. */
function suggestName(operations: readonly Operation[], initial: boolean): string {
  if (initial) return 'initial';
  const fragments = operations.map((operation) => operation.migrationNameFragment);
  if (fragments.some((fragment) => fragment === null)) return 'auto';
  let name = fragments[0]!;
  for (const fragment of fragments.slice(1)) {
    const longer = `${name}_${fragment}`;
    if (longer.length > MAX_NAME_LENGTH) return `${name}_and_more`;
    name = longer;
  }
  return name;
}

function mergeName(leaves: readonly string[]): string {
  const name = `merge_${leaves.join('_')}`;
  return name.length > MAX_NAME_LENGTH ? 'merge' : name;
}
