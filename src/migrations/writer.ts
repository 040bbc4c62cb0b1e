import { MigrationError } from './errors';
import type { Operation } from './operations/base';
import * as operations from './operations';
import { ArrayCode, Call, Imports, ObjectCode, Raw, quoteString, render, valueCode } from './serializer';

const OPERATION_NAMES = new Map<unknown, string>(
  Object.entries(operations).filter(([name]) => name !== 'Operation').map(([name, cls]) => [cls, name]),
);

const HEADER = "// Made by `threadorm makemigrations`. Review it like code; `threadorm migrate` applies it.";

export interface MigrationSource {
  dependencies: readonly string[];
  operations: readonly Operation[];
  initial?: boolean;
  /** The folder the file goes to (functions a models module exports are imported relative to it). */
  directory: string;
}

/**
 * A migration file's text: imports sorted, one operation per entry, a model's fields one per line, values in
 * one canonical form. The same changes always give the same bytes, so a file reads well in a pull request
 * and makemigrations run twice writes nothing new.
 */
export function migrationSource(migration: MigrationSource): string {
  const imports = new Imports(migration.directory);
  imports.add('threadorm/migrations', 'Migration');
  const calls = migration.operations.map((operation) => {
    const name = OPERATION_NAMES.get(operation.constructor);
    if (!name) throw new MigrationError(`${operation.constructor.name} is not an operation of threadorm/migrations; makemigrations cannot write it.`);
    imports.add('threadorm/migrations', name);
    return new Call(name, operation.deconstruct().map((argument) => valueCode(argument, imports, `${name} (${operation.describe()})`)));
  });
  const entries: Array<[string, ObjectCode | ArrayCode | Raw]> = [];
  if (migration.initial) entries.push(['initial', new Raw('true')]);
  entries.push(['dependencies', new ArrayCode(migration.dependencies.map((name) => new Raw(quoteString(name))))]);
  entries.push(['operations', new ArrayCode(calls, true)]);
  return `${HEADER}\n${imports.render()}\n\nexport default new Migration(${render(new ObjectCode(entries, true))});\n`;
}

/** An empty migration to fill in by hand (`makemigrations --empty`), with the shape of a data migration as a hint. */
export function emptyMigrationSource(dependencies: readonly string[]): string {
  const list = `[${dependencies.map(quoteString).join(', ')}]`;
  return [
    HEADER,
    "import { Migration } from 'threadorm/migrations';",
    '',
    'export default new Migration({',
    `  dependencies: ${list},`,
    '  operations: [',
    '    // A data migration, with the models as they are at this point of the history:',
    "    // new RunCode((apps) => { const Pizza = apps.getModel('Pizza'); ... }, RunCode.noop),",
    "    // new RunSQL('UPDATE ...', 'UPDATE ...'),",
    '  ],',
    '});',
    '',
  ].join('\n');
}
