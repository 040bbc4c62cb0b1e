/** `threadorm/migrations`: what migration files import. The commands (migrate, makeMigrations, …) are exported by `threadorm`. */
export { Migration, type MigrationDefinition } from './migration';
export { byLabel } from '../models/fields/related';
export {
  AddField,
  AddIndex,
  AlterField,
  AlterModelOptions,
  AlterModelTable,
  AlterUniqueTogether,
  CreateModel,
  DeleteModel,
  Operation,
  RemoveField,
  RemoveIndex,
  RenameField,
  RenameModel,
  RunCode,
  RunSQL,
  type CreateModelOptions,
  type RunCodeFunction,
  type SqlStatements,
} from './operations';
export type { ModelOptionsState } from './state';
export type { Apps } from '../models/registry';
export type { SchemaEditor } from '../db/backends/base/schema';
