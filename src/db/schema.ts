import { allModels } from '../models/registry';
import type { ModelClass } from '../models/types';
import { ImproperlyConfigured, SynchronousOnlyOperation } from '../errors';
import { MigrationRecorder } from '../migrations/recorder';
import type { DatabaseConnection } from './backends/base/connection';
import { configuredBackend, DEFAULT_DB_ALIAS, getConnection } from './connections';
import { allowMigrate } from './routers';

/** Every registered model with a table of its own (not a proxy), after following relations (which registers targets and M2M tables). */
export function schemaModels(): ModelClass[] {
  let count = -1;
  while (count !== allModels().length) {
    count = allModels().length;
    for (const model of allModels()) model._meta.resolveRelations();
  }
  return allModels().filter((model) => !model._meta.proxy);
}

/** CREATE TABLE / INDEX IF NOT EXISTS statements for every registered model and M2M table, in the configured backend's SQL. */
export function schemaStatements(models: readonly ModelClass[] = schemaModels()): string[] {
  const editor = configuredBackend().schemaEditor(null, { collectSql: true, ifNotExists: true });
  for (const model of models) editor.createModel(model);
  editor.runDeferred();
  return [...editor.collectedSql];
}

/**
 * Creates the tables and indexes of every registered model through the schema editor (sync; under mainThread
 * 'forbid' use acreateSchema). A table that exists already is kept only if its columns are the model's: CREATE
 * TABLE IF NOT EXISTS would otherwise keep an old table silently and the first insert would fail far from the
 * cause. A database whose schema is managed by migrations is refused: its tables change through `migrate`,
 * which records each step.
 */
export function createSchema(options: { using?: string } = {}): void {
  const alias = options.using ?? DEFAULT_DB_ALIAS;
  const connection = schemaConnection(alias);
  // As migrate does, a database gets the tables of the models the routers allow there.
  const models = schemaModels().filter((model) => allowMigrate(alias, model));
  if (!models.length) {
    throw new ImproperlyConfigured(
      "createSchema(): no models are registered. List the modules that define them: configure({ database, models: [require.resolve('./models')] }).",
    );
  }
  // Tables are only created, never rebuilt: a plain transaction, foreign keys left on.
  const editor = connection.backend.schemaEditor(connection, { ifNotExists: true });
  connection.atomic(() => {
    refuseMigratedDatabase(connection, alias);
    checkExistingTables(connection, models);
    for (const model of models) editor.createModel(model);
    editor.runDeferred();
  });
}

function refuseMigratedDatabase(connection: DatabaseConnection, alias: string): void {
  const applied = new MigrationRecorder(connection, alias).applied();
  if (!applied.length) return;
  throw new ImproperlyConfigured(
    `createSchema(): this database's schema is managed by migrations (${applied.length} applied, the latest ${applied[applied.length - 1]}). ` +
      'Use migrate() (or `npx threadorm migrate`) to bring it up to date; createSchema() would create tables no migration records.',
  );
}

function schemaConnection(alias: string): DatabaseConnection {
  try {
    return getConnection('createSchema()', alias);
  } catch (error) {
    if (!(error instanceof SynchronousOnlyOperation)) throw error;
    throw new SynchronousOnlyOperation(
      `${error.message} To create the schema: \`await acreateSchema()\` creates the same tables through the worker pool.`,
    );
  }
}

/** Throws when a model's table exists with other columns than the model's fields. */
function checkExistingTables(connection: DatabaseConnection, models: readonly ModelClass[]): void {
  const introspection = connection.backend.introspection(connection);
  const drifted: string[] = [];
  for (const model of models) {
    const meta = model._meta;
    const existing = introspection.columns(meta.dbTable).map((column) => column.name);
    if (!existing.length) continue;
    const expected = meta.localConcreteFields.map((field) => field.column);
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
        'createSchema() only creates missing tables and never alters one: change tables with migrations ' +
        '(`npx threadorm makemigrations`, then `migrate`; `migrate --fake-initial` adopts a database made by createSchema()), ' +
        'or drop the table (or delete the database file) to recreate it.',
    );
  }
}
