import { existsSync, readdirSync, statSync } from 'node:fs';
import Module from 'node:module';
import { extname, join } from 'node:path';
import { requireModule } from '../loader';
import { MigrationError } from './errors';
import { MigrationGraph } from './graph';
import { Migration } from './migration';

/** Files that are migrations: modules named like `0002_pizza_size.ts`, not declarations, not `_private` or `.hidden`. */
const MIGRATION_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/** The migrations of one folder and their graph. */
export interface LoadedMigrations {
  directory: string;
  graph: MigrationGraph;
  /** The file of each migration, by name. */
  files: ReadonlyMap<string, string>;
}

/** Loads every migration module of `directory` (none when the folder does not exist yet). */
export function loadMigrations(directory: string): LoadedMigrations {
  const files = migrationFiles(directory);
  const migrations = withOwnThreadorm(() => [...files].map(([name, file]) => loadMigration(name, file)));
  return { directory, graph: new MigrationGraph(migrations, directory), files };
}

function migrationFiles(directory: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(directory)) return files;
  if (!statSync(directory).isDirectory()) throw new MigrationError(`The migrations folder ${directory} is not a folder.`);
  for (const entry of readdirSync(directory).sort()) {
    const extension = extname(entry);
    if (!MIGRATION_EXTENSIONS.includes(extension) || /\.d\.[mc]?ts$/.test(entry) || /^[._]/.test(entry) || entry.startsWith('index.')) continue;
    const name = entry.slice(0, -extension.length);
    const other = files.get(name);
    if (other) {
      throw new MigrationError(`Two files define migration ${name}: ${other} and ${join(directory, entry)}. Keep one of them in ${directory}.`);
    }
    files.set(name, join(directory, entry));
  }
  return files;
}

function loadMigration(name: string, file: string): Migration {
  let exported: unknown;
  delete require.cache[file]; // a file written since the last load (makemigrations in a long-running process) is read again
  try {
    exported = requireModule(file);
  } catch (error) {
    throw new MigrationError(`Cannot load migration ${name} (${file}): ${(error as Error).message}`);
  }
  const migration = (exported as { default?: unknown } | null)?.default ?? exported;
  if (!(migration instanceof Migration)) {
    throw new MigrationError(
      `Migration ${name} (${file}) does not export a migration: write \`export default new Migration({ dependencies, operations })\` ` +
        "with Migration imported from 'threadorm/migrations'.",
    );
  }
  if (migration.name && migration.name !== name) {
    throw new MigrationError(`Migration ${name} (${file}) exports the migration object of ${migration.name}; each file needs its own.`);
  }
  migration.name = name;
  return migration;
}

/**
 * Migration files import `threadorm` and `threadorm/migrations`. While they load, those names resolve to the
 * threadorm that loads them, so a migration's `new Migration(...)` and field classes are the classes this
 * copy checks with `instanceof`, even where the package is not installed under that name (this repository,
 * a globally installed CLI).
 */
export function withOwnThreadorm<T>(fn: () => T): T {
  const internals = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = internals._resolveFilename;
  const own: Record<string, string> = {
    threadorm: require.resolve('../index'),
    'threadorm/migrations': require.resolve('./index'),
    'threadorm/mixins': require.resolve('../../mixins/index'),
  };
  internals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return own[request] ?? original.call(this, request, ...rest);
  };
  try {
    return fn();
  } finally {
    internals._resolveFilename = original;
  }
}
