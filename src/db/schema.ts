import { Field } from '../models/fields/base';
import { ForeignKey } from '../models/fields/related';
import type { Options } from '../models/options';
import { allModels } from '../models/registry';
import type { ModelClass } from '../models/types';
import { ImproperlyConfigured, SynchronousOnlyOperation } from '../errors';
import type { DatabaseBackend } from './backends/base/backend';
import type { DatabaseConnection } from './backends/base/connection';
import { configuredBackend, getConnection } from './connections';

/** Every registered model, after following relations (which registers targets and M2M tables). */
export function schemaModels(): ModelClass[] {
  let count = -1;
  while (count !== allModels().length) {
    count = allModels().length;
    for (const model of allModels()) model._meta.resolveRelations();
  }
  return allModels();
}

/** CREATE TABLE / INDEX IF NOT EXISTS statements for every registered model and M2M table. */
export function schemaStatements(models: readonly ModelClass[] = schemaModels()): string[] {
  return statementsFor(models, configuredBackend());
}

/** The statements in the column types of `backend`. */
function statementsFor(models: readonly ModelClass[], backend: DatabaseBackend, existingTables: ReadonlySet<string> = new Set()): string[] {
  const tables = models.flatMap((model) => tableStatements(model._meta, backend));
  if (!backend.foreignKeysAfterTables) return tables;
  const created = models.filter((model) => !existingTables.has(model._meta.dbTable));
  return [...tables, ...created.flatMap((model) => foreignKeyStatements(model._meta, backend))];
}

/** `ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY` of each foreign key, for backends that add them after the tables. */
function foreignKeyStatements(meta: Options, backend: DatabaseBackend): string[] {
  const quote = (name: string) => backend.operations.quoteName(name);
  return meta.concreteFields
    .filter((field): field is ForeignKey => field instanceof ForeignKey && field.relationOptions.dbConstraint !== false)
    .map((field) => {
      const target = field.relatedModel._meta.dbTable;
      const name = `${meta.dbTable}_${field.column}_fk_${target}_${field.targetField.column}`.slice(0, 63);
      return (
        `ALTER TABLE ${quote(meta.dbTable)} ADD CONSTRAINT ${quote(name)} FOREIGN KEY (${quote(field.column)}) ` +
        backend.inlineForeignKeySql(quote(target), quote(field.targetField.column))
      );
    });
}

function tableStatements(meta: Options, backend: DatabaseBackend): string[] {
  const quote = (name: string) => backend.operations.quoteName(name);
  const columns = meta.concreteFields.map((field) => columnDefinition(field, backend));
  for (const names of meta.uniqueTogether) {
    columns.push(`UNIQUE (${names.map((name) => quote(meta.getField(name).column)).join(', ')})`);
  }
  const table = quote(meta.dbTable);
  const statements = [`CREATE TABLE IF NOT EXISTS ${table} (${columns.join(', ')})`];
  for (const field of meta.concreteFields) {
    if (field.dbIndex && !field.unique) {
      statements.push(`CREATE INDEX IF NOT EXISTS ${quote(`${meta.dbTable}_${field.column}_idx`)} ON ${table} (${quote(field.column)})`);
    }
  }
  for (const index of meta.indexes) {
    const columnsOf = index.fields.map((name) => {
      const descending = name.startsWith('-');
      return `${quote(meta.getField(name.replace(/^-/, '')).column)}${descending ? ' DESC' : ''}`;
    });
    const name = index.name ?? `${meta.dbTable}_${index.fields.map((f) => f.replace(/^-/, '')).join('_')}_idx`;
    statements.push(`CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quote(name)} ON ${table} (${columnsOf.join(', ')})`);
  }
  return statements;
}

function columnDefinition(field: Field, backend: DatabaseBackend): string {
  const quote = (name: string) => backend.operations.quoteName(name);
  const parts = [quote(field.column), backend.columnType(field)!];
  if (field.primaryKey) {
    parts.push('NOT NULL PRIMARY KEY');
    const suffix = backend.columnTypeSuffix(field);
    if (suffix) parts.push(suffix);
  } else {
    parts.push(field.null ? 'NULL' : 'NOT NULL');
    if (field.unique) parts.push('UNIQUE');
  }
  const check = backend.columnCheck(field);
  if (check) parts.push(`CHECK (${check})`);
  if (field instanceof ForeignKey && field.relationOptions.dbConstraint !== false && !backend.foreignKeysAfterTables) {
    parts.push(backend.inlineForeignKeySql(quote(field.relatedModel._meta.dbTable), quote(field.targetField.column)));
  }
  return parts.join(' ');
}

/**
 * Creates the tables and indexes of every registered model (sync; under mainThread 'forbid' use acreateSchema).
 * A table that exists already is kept only if its columns are the model's: CREATE TABLE IF NOT EXISTS would
 * otherwise keep an old table silently and the first insert would fail far from the cause.
 */
export function createSchema(): void {
  const connection = schemaConnection();
  const models = schemaModels();
  if (!models.length) {
    throw new ImproperlyConfigured(
      "createSchema(): no models are registered. List the modules that define them: configure({ database, models: [require.resolve('./models')] }).",
    );
  }
  connection.atomic(() => {
    const existingTables = checkExistingTables(connection, models);
    for (const statement of statementsFor(models, connection.backend, existingTables)) connection.exec(statement);
  });
}

function schemaConnection(): DatabaseConnection {
  try {
    return getConnection('createSchema()');
  } catch (error) {
    if (!(error instanceof SynchronousOnlyOperation)) throw error;
    throw new SynchronousOnlyOperation(
      `${error.message} To create the schema: \`await acreateSchema()\` creates the same tables through the worker pool.`,
    );
  }
}

/** The tables of `models` that exist already; throws when one has other columns than its model's fields (until migrations exist). */
function checkExistingTables(connection: DatabaseConnection, models: readonly ModelClass[]): Set<string> {
  const introspection = connection.backend.introspection(connection);
  const drifted: string[] = [];
  const existingTables = new Set<string>();
  for (const model of models) {
    const meta = model._meta;
    const existing = introspection.columns(meta.dbTable).map((column) => column.name);
    if (!existing.length) continue;
    existingTables.add(meta.dbTable);
    const expected = meta.concreteFields.map((field) => field.column);
    const missing = expected.filter((column) => !existing.includes(column));
    const extra = existing.filter((column) => !expected.includes(column));
    if (!missing.length && !extra.length) continue;
    const parts = [
      missing.length ? `missing column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c}'`).join(', ')}` : '',
      extra.length ? `column${extra.length > 1 ? 's' : ''} ${extra.map((c) => `'${c}'`).join(', ')} not in the model` : '',
    ].filter(Boolean);
    drifted.push(`table '${meta.dbTable}' (${meta.label}): ${parts.join('; ')}`);
  }
  if (drifted.length) {
    throw new ImproperlyConfigured(
      `createSchema(): the database has tables that differ from the models: ${drifted.join('. ')}. ` +
        'createSchema() only creates missing tables and never alters one; until migrations exist, drop the table ' +
        '(or delete the database file) to recreate it, or change it by hand.',
    );
  }
  return existingTables;
}
