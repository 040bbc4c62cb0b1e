import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { didYouMean } from '../close-match';
import { close, configure } from '../conf';
import { ImproperlyConfigured, ThreadormError } from '../errors';
import { findConfig, isDatabaseUrl, loadConfig } from './config';
import { migrate, showMigrations, sqlMigrate } from './executor';
import { withOwnThreadorm } from './loader';
import { makeMigrations } from './makemigrations';
import { parseDefaultValue } from './questioner';

/**
 * `npx threadorm <command>`: makemigrations, migrate, showmigrations and sqlmigrate, Django's manage.py
 * commands, over the functions of the same names. Exit status: 0 done, 1 failed (or `makemigrations
 * --check` found changes), 2 the command line was wrong.
 */

interface CommandSpec {
  summary: string;
  usage: string;
  /** Options without a value. */
  flags: readonly string[];
  /** Options with a value (`--name NAME` or `--name=NAME`); `repeatable` may be given several times. */
  values: readonly string[];
  repeatable?: readonly string[];
  positionals: { min: number; max: number; names: string };
}

const COMMON_VALUES = ['config'];

const COMMANDS: Record<string, CommandSpec> = {
  makemigrations: {
    summary: 'write a migration for the changes of the models',
    usage:
      'makemigrations [--name NAME] [--empty] [--check] [--dry-run] [--merge]\n' +
      '                 [--rename Model.old=new | --rename Old=New]... [--no-rename] [--default Model.field=VALUE]...\n' +
      '                 [--no-input | --interactive]',
    flags: ['empty', 'check', 'dry-run', 'merge', 'no-rename', 'no-input', 'interactive'],
    values: ['name', 'rename', 'default'],
    repeatable: ['rename', 'default'],
    positionals: { min: 0, max: 0, names: '' },
  },
  migrate: {
    summary: 'apply the migrations (or unapply down to TARGET; zero unapplies all)',
    usage: 'migrate [TARGET | zero] [--plan] [--fake] [--fake-initial] [--database ALIAS]',
    flags: ['plan', 'fake', 'fake-initial'],
    values: ['database'],
    positionals: { min: 0, max: 1, names: 'TARGET' },
  },
  showmigrations: {
    summary: 'list the migrations: [X] applied, [ ] not yet',
    usage: 'showmigrations [--database ALIAS]',
    flags: [],
    values: ['database'],
    positionals: { min: 0, max: 0, names: '' },
  },
  sqlmigrate: {
    summary: 'print the SQL a migration runs',
    usage: 'sqlmigrate NAME [--backwards] [--database ALIAS]',
    flags: ['backwards'],
    values: ['database'],
    positionals: { min: 1, max: 1, names: 'NAME' },
  },
};

function usage(): string {
  const lines = ['Usage: threadorm <command> [options] [--config PATH]', '', 'Commands:'];
  for (const [name, spec] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(15)} ${spec.summary}`, `    threadorm ${spec.usage}`);
  lines.push(
    '',
    'The configuration is threadorm.config.ts (or .js) in this folder or a parent up to the project root, or --config PATH:',
    "  export default { database: 'app.sqlite3', models: ['./models.ts'], migrations: 'migrations' };",
  );
  return lines.join('\n');
}

class UsageError extends Error {}

interface Parsed {
  command: string;
  flags: Set<string>;
  values: Map<string, string[]>;
  positionals: string[];
}

export function parseArguments(argv: readonly string[]): Parsed {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') throw new UsageError('');
  const spec = COMMANDS[command];
  if (!spec) throw new UsageError(`Unknown command '${command}'.${didYouMean(command, Object.keys(COMMANDS))}`);
  const parsed: Parsed = { command, flags: new Set(), values: new Map(), positionals: [] };
  const valueOptions = [...spec.values, ...COMMON_VALUES];
  for (let index = 0; index < rest.length; index++) {
    const argument = rest[index]!;
    if (argument === '--help' || argument === '-h') throw new UsageError(`Usage: threadorm ${spec.usage}`);
    if (!argument.startsWith('--')) {
      parsed.positionals.push(argument);
      continue;
    }
    const [name, inline] = argument.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (spec.flags.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value.`);
      parsed.flags.add(name);
    } else if (valueOptions.includes(name)) {
      const value = inline ?? rest[++index];
      if (value === undefined) throw new UsageError(`--${name} needs a value.`);
      const list = parsed.values.get(name) ?? [];
      if (list.length && !spec.repeatable?.includes(name)) throw new UsageError(`--${name} is given twice.`);
      parsed.values.set(name, [...list, value]);
    } else {
      const known = [...spec.flags, ...valueOptions];
      throw new UsageError(`threadorm ${command}: unknown option --${name}.${didYouMean(name, known)} Usage: threadorm ${spec.usage}`);
    }
  }
  const { min, max, names } = spec.positionals;
  if (parsed.positionals.length < min) throw new UsageError(`threadorm ${command} needs ${names}. Usage: threadorm ${spec.usage}`);
  if (parsed.positionals.length > max) {
    throw new UsageError(`threadorm ${command} takes ${max ? `one ${names}` : 'no arguments'}; got ${parsed.positionals.join(' ')}. Usage: threadorm ${spec.usage}`);
  }
  if (parsed.flags.has('no-input') && parsed.flags.has('interactive')) throw new UsageError('--no-input and --interactive contradict each other.');
  for (const entry of parsed.values.get('default') ?? []) {
    if (!DEFAULT_ANSWER.test(entry)) throw new UsageError(`--default ${entry}: write Model.field=VALUE (VALUE is JSON, or text).`);
  }
  return parsed;
}

const DEFAULT_ANSWER = /^([^=.]+\.[^=.]+)=(.*)$/s;

const print = (line: string) => void process.stdout.write(`${line}\n`);

/** Runs one command line; resolves to the exit status. */
export async function main(argv: readonly string[], cwd = process.cwd()): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (!error.message) {
      process.stdout.write(`${usage()}\n`);
      return 0;
    }
    process.stderr.write(`${error.message}\nRun 'threadorm --help' for the commands and their options.\n`);
    return 2;
  }
  try {
    return withOwnThreadorm(() => {
      const config = loadConfig(findConfig(cwd, parsed.values.get('config')?.[0]));
      const alias = parsed.values.get('database')?.[0] ?? 'default';
      const { database: single, databases } = config.configure;
      const database = databases ? databases[alias] : alias === 'default' ? single : undefined;
      if (typeof database !== 'string') {
        const aliases = databases ? Object.keys(databases) : ['default'];
        throw new ImproperlyConfigured(`--database ${alias}: the configuration has no such database; its databases are ${aliases.map((name) => `'${name}'`).join(', ')}.`);
      }
      // makemigrations and sqlmigrate read the migration files and the models only, never the database; a
      // database that does not exist yet has nothing applied, and showmigrations does not create it.
      const needsDatabase = parsed.command === 'migrate' || (parsed.command === 'showmigrations' && (isDatabaseUrl(database) || existsSync(database)));
      // migrate creates the database, so it creates the database's folder too (SQLite creates only the file).
      if (parsed.command === 'migrate' && database !== ':memory:' && !isDatabaseUrl(database)) mkdirSync(dirname(database), { recursive: true });
      // The commands are synchronous and this process serves nothing else: the main thread may use the database.
      const used = needsDatabase ? database : ':memory:';
      // A command works on one database: the configuration's others stand in as empty ones it never touches.
      const others = databases ? Object.fromEntries(Object.keys(databases).map((name) => [name, ':memory:'])) : {};
      configure({ ...config.configure, ...(databases ? { databases: { ...others, [alias]: used } } : { database: used }), mainThread: 'allow' });
      return runCommand(parsed, config.migrations);
    });
  } catch (error) {
    if (error instanceof ThreadormError) process.stderr.write(`Error: ${error.message}\n`);
    else process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  } finally {
    await close().catch(() => {});
  }
}

function runCommand(parsed: Parsed, migrations: string): number {
  const has = (flag: string) => parsed.flags.has(flag);
  const database = parsed.values.get('database')?.[0];
  switch (parsed.command) {
    case 'makemigrations': {
      const defaults: Record<string, unknown> = {};
      for (const entry of parsed.values.get('default') ?? []) {
        const [, key, value] = DEFAULT_ANSWER.exec(entry)!;
        defaults[key!] = parseDefaultValue(value!);
      }
      const interactive = has('interactive') || (!has('no-input') && process.stdin.isTTY === true);
      const result = makeMigrations({
        migrations,
        log: print,
        name: parsed.values.get('name')?.[0],
        empty: has('empty'),
        check: has('check'),
        dryRun: has('dry-run'),
        merge: has('merge'),
        renames: parsed.values.get('rename'),
        noRename: has('no-rename'),
        defaults,
        interactive,
      });
      return has('check') && result.changes.length ? 1 : 0;
    }
    case 'migrate':
      migrate({ migrations, database, log: print, target: parsed.positionals[0], plan: has('plan'), fake: has('fake'), fakeInitial: has('fake-initial') });
      return 0;
    case 'showmigrations':
      showMigrations({ migrations, database, log: print });
      return 0;
    case 'sqlmigrate':
      sqlMigrate(parsed.positionals[0]!, { migrations, database, log: print, backwards: has('backwards') });
      return 0;
  }
  return 2;
}

/** The `bin` entry. */
export function run(): void {
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (error) => {
      process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
