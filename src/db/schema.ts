import { Field } from '../models/fields/base';
import { ForeignKey } from '../models/fields/related';
import type { Options } from '../models/options';
import { allModels } from '../models/registry';
import type { ModelClass } from '../models/types';
import { quote } from '../query/expressions';
import { ImproperlyConfigured } from '../errors';
import { getConnection } from './connections';

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
  return models.flatMap((model) => tableStatements(model._meta));
}

function tableStatements(meta: Options): string[] {
  const columns = meta.concreteFields.map(columnDefinition);
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

function columnDefinition(field: Field): string {
  const parts = [quote(field.column), field.dbType!];
  if (field.primaryKey) parts.push(field.autoIncrement ? 'NOT NULL PRIMARY KEY AUTOINCREMENT' : 'NOT NULL PRIMARY KEY');
  else {
    parts.push(field.null ? 'NULL' : 'NOT NULL');
    if (field.unique) parts.push('UNIQUE');
  }
  if (field instanceof ForeignKey && field.relationOptions.dbConstraint !== false) {
    const target = field.relatedModel._meta;
    parts.push(`REFERENCES ${quote(target.dbTable)} (${quote(field.targetField.column)}) DEFERRABLE INITIALLY DEFERRED`);
  }
  return parts.join(' ');
}

/** Creates the tables and indexes of every registered model (sync; under mainThread 'forbid' use acreateSchema). */
export function createSchema(): void {
  const connection = getConnection('createSchema()');
  const models = schemaModels();
  if (!models.length) {
    throw new ImproperlyConfigured(
      "createSchema(): no models are registered. List the modules that define them: configure({ database, models: [require.resolve('./models')] }).",
    );
  }
  const statements = schemaStatements(models);
  connection.atomic(() => {
    for (const statement of statements) connection.exec(statement);
  });
}
