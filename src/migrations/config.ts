import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { ConfigureOptions } from '../conf';
import { ImproperlyConfigured } from '../errors';
import { requireModule } from '../loader';

/** `threadorm.config.ts`: the options of configure(), plus the migrations folder. */
export interface ProjectConfig extends ConfigureOptions {
  /** The migrations folder, relative to the configuration file. Default 'migrations'. */
  migrations?: string;
}

export interface LoadedConfig {
  file: string;
  /** configure()'s options, paths made absolute (relative ones are relative to the configuration file). */
  configure: ConfigureOptions;
  migrations: string;
}

export const CONFIG_FILES = ['threadorm.config.ts', 'threadorm.config.mts', 'threadorm.config.cts', 'threadorm.config.js', 'threadorm.config.mjs', 'threadorm.config.cjs'];

/**
 * The configuration file: `explicit` (`--config`), else the first of CONFIG_FILES in `start` or a parent
 * folder, up to the project root (the nearest folder with a package.json).
 */
export function findConfig(start: string, explicit?: string): string {
  if (explicit !== undefined) {
    const file = resolve(start, explicit);
    if (!existsSync(file)) throw new ImproperlyConfigured(`--config ${explicit}: there is no file ${file}.`);
    return file;
  }
  for (let directory = resolve(start); ; directory = dirname(directory)) {
    for (const name of CONFIG_FILES) {
      const file = join(directory, name);
      if (existsSync(file)) return file;
    }
    if (existsSync(join(directory, 'package.json')) || dirname(directory) === directory) {
      throw new ImproperlyConfigured(
        `No threadorm.config.ts (or .js) in ${resolve(start)}${directory === resolve(start) ? '' : ` or its parents up to ${directory}`}. ` +
          "Create one, `export default { database: 'app.sqlite3', models: ['./models.ts'], migrations: 'migrations' }`, or pass --config PATH.",
      );
    }
  }
}

export function loadConfig(file: string): LoadedConfig {
  let exported: unknown;
  try {
    exported = requireModule(file);
  } catch (error) {
    throw new ImproperlyConfigured(`Cannot load the configuration ${file}: ${(error as Error).message}`);
  }
  const config = ((exported as { default?: unknown } | null)?.default ?? exported) as ProjectConfig | null;
  const hasDatabases = Boolean(config && typeof config === 'object' && config.databases && typeof config.databases === 'object');
  if (!config || typeof config !== 'object' || (typeof config.database !== 'string' && !hasDatabases)) {
    throw new ImproperlyConfigured(
      `The configuration ${file} must export an object with a database (or databases): \`export default { database: 'app.sqlite3', models: ['./models.ts'] }\`.`,
    );
  }
  const root = dirname(file);
  const { migrations = 'migrations', ...options } = config;
  // Paths are relative to the configuration file; ':memory:' and URLs are kept as they are.
  const located = (database: string) => (database === ':memory:' || isAbsolute(database) || /^[a-z][a-z0-9+.-]*:/i.test(database) ? database : resolve(root, database));
  const databaseOptions =
    options.databases && typeof options.databases === 'object'
      ? { databases: Object.fromEntries(Object.entries(options.databases).map(([alias, database]) => [alias, typeof database === 'string' ? located(database) : database])) }
      : { database: located(options.database as string) };
  const models = Array.isArray(options.models) ? options.models.map((path) => (typeof path === 'string' ? resolve(root, path) : path)) : options.models;
  return { file, configure: { ...options, ...databaseOptions, models }, migrations: resolve(root, migrations) };
}

/** `scheme://…`: a database server's URL, not a file (the backends choose by the same test). */
export function isDatabaseUrl(database: string): boolean {
  return /^[a-z][a-z0-9+.-]+:\/\//i.test(database);
}
