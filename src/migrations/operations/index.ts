export { Operation } from './base';
export { AddIndex, AlterModelOptions, AlterModelTable, AlterUniqueTogether, CreateModel, DeleteModel, RemoveIndex, RenameModel } from './models';
export type { CreateModelOptions } from './models';
export { AddField, AlterField, RemoveField, RenameField } from './fields';
export { RunCode, RunSQL, type RunCodeFunction, type SqlStatements } from './special';
