import type { SchemaEditor } from '../../db/backends/base/schema';
import type { Field } from '../../models/fields/base';
import { toSnakeCase } from '../../models/fields/base';
import { ManyToManyField } from '../../models/fields/related';
import type { IndexSpec } from '../../models/options';
import type { ModelClass } from '../../models/types';
import { MigrationError } from '../errors';
import { deconstruct, FieldSpec } from '../fields';
import { Multiline } from '../serializer';
import { ModelState, STATE_ONLY_OPTIONS, type ModelOptionsState, type ProjectState } from '../state';
import { checkKeys, Operation, requireName } from './base';

/** The intermediate tables that many-to-many fields of `model` made for themselves. */
function autoThroughs(model: ModelClass): ModelClass[] {
  const meta = model._meta;
  return meta.manyToMany.map((field) => meta.through(field).through).filter((through) => through._meta.autoCreated);
}

function createWithThroughs(editor: SchemaEditor, model: ModelClass): void {
  editor.createModel(model);
  for (const through of autoThroughs(model)) editor.createModel(through);
}

function deleteWithThroughs(editor: SchemaEditor, model: ModelClass): void {
  for (const through of autoThroughs(model)) editor.deleteModel(through);
  editor.deleteModel(model);
}

/**
 * After a model's table or label changed, the automatic many-to-many tables that follow it: their names
 * (`<table>_<field>`) and key columns (`<model>_id`). `oldLabel` maps a label of `to` back to `from`.
 */
function alterAutoThroughs(editor: SchemaEditor, from: ProjectState, to: ProjectState, oldLabel: (label: string) => string): void {
  for (const state of to.allModels()) {
    const model = to.getModel(state.label);
    const previous = from.has(oldLabel(state.label)) ? from.getModel(oldLabel(state.label)) : null;
    if (!previous) continue;
    for (const field of model._meta.manyToMany) {
      const old = previous._meta.findField(field.name);
      if (old instanceof ManyToManyField) editor.alterField(previous, old, field);
    }
  }
}

export interface CreateModelOptions {
  name: string;
  /** The fields in column order, the primary key included (`id: new AutoField()`). */
  fields: Record<string, Field | FieldSpec>;
  options?: ModelOptionsState;
}

/** Creates a model's table (and its automatic many-to-many tables). */
export class CreateModel extends Operation {
  readonly name: string;
  readonly fields: ReadonlyMap<string, FieldSpec>;
  readonly options: ModelOptionsState;

  constructor(options: CreateModelOptions) {
    super();
    checkKeys(options, ['name', 'fields', 'options'], 'CreateModel');
    this.name = requireName(options.name, 'CreateModel', 'a name');
    if (!options.fields || typeof options.fields !== 'object') throw new MigrationError(`CreateModel ${this.name} needs fields: { id: new AutoField(), ... }.`);
    this.fields = new Map(
      Object.entries(options.fields).map(([name, field]) => [name, field instanceof FieldSpec ? field : deconstruct(field, `CreateModel ${this.name}.${name}`)] as const),
    );
    this.options = new ModelState(this.name, [], options.options ?? {}).options;
  }

  stateForwards(state: ProjectState): void {
    state.addModel(new ModelState(this.name, this.fields, this.options), this.where);
  }

  databaseForwards(editor: SchemaEditor, _from: ProjectState, to: ProjectState): void {
    createWithThroughs(editor, to.getModel(this.name));
  }

  databaseBackwards(editor: SchemaEditor, from: ProjectState): void {
    deleteWithThroughs(editor, from.getModel(this.name));
  }

  describe(): string {
    return `Create model ${this.name}`;
  }

  override get migrationNameFragment(): string {
    return toSnakeCase(this.name);
  }

  override deconstruct(): unknown[] {
    const options = Object.keys(this.options).length ? { options: this.options } : {};
    return [{ name: this.name, fields: new Multiline(Object.fromEntries(this.fields)), ...options }];
  }
}

/** Drops a model's table (and its automatic many-to-many tables); backwards it creates them again, empty. */
export class DeleteModel extends Operation {
  readonly name: string;

  constructor(options: { name: string }) {
    super();
    checkKeys(options, ['name'], 'DeleteModel');
    this.name = requireName(options.name, 'DeleteModel', 'a name');
  }

  stateForwards(state: ProjectState): void {
    state.removeModel(this.name, this.where);
  }

  databaseForwards(editor: SchemaEditor, from: ProjectState): void {
    deleteWithThroughs(editor, from.getModel(this.name));
  }

  databaseBackwards(editor: SchemaEditor, _from: ProjectState, to: ProjectState): void {
    createWithThroughs(editor, to.getModel(this.name));
  }

  describe(): string {
    return `Delete model ${this.name}`;
  }

  override get migrationNameFragment(): string {
    return `delete_${toSnakeCase(this.name)}`;
  }

  override deconstruct(): unknown[] {
    return [{ name: this.name }];
  }
}

/**
 * Renames a model: its label, the relations that point at it and, unless `dbTable` is explicit, its table and
 * the automatic many-to-many tables and key columns named after it. Rows stay where they are.
 */
export class RenameModel extends Operation {
  readonly oldName: string;
  readonly newName: string;

  constructor(options: { oldName: string; newName: string }) {
    super();
    checkKeys(options, ['oldName', 'newName'], 'RenameModel');
    this.oldName = requireName(options.oldName, 'RenameModel', 'an oldName');
    this.newName = requireName(options.newName, 'RenameModel', 'a newName');
  }

  stateForwards(state: ProjectState): void {
    state.renameModel(this.oldName, this.newName, this.where);
  }

  databaseForwards(editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    this.rename(editor, from, to, this.oldName, this.newName);
  }

  databaseBackwards(editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    this.rename(editor, from, to, this.newName, this.oldName);
  }

  private rename(editor: SchemaEditor, from: ProjectState, to: ProjectState, oldName: string, newName: string): void {
    const model = to.getModel(newName);
    editor.alterDbTable(model, from.getModel(oldName)._meta.dbTable, model._meta.dbTable);
    alterAutoThroughs(editor, from, to, (label) => (label === newName ? oldName : label));
  }

  describe(): string {
    return `Rename model ${this.oldName} to ${this.newName}`;
  }

  override get migrationNameFragment(): string {
    return `rename_${toSnakeCase(this.oldName)}_${toSnakeCase(this.newName)}`;
  }

  override deconstruct(): unknown[] {
    return [{ oldName: this.oldName, newName: this.newName }];
  }
}

/** Sets (or, with null, clears) a model's explicit table name, renaming the table and its automatic M2M tables. */
export class AlterModelTable extends Operation {
  readonly name: string;
  readonly table: string | null;

  constructor(options: { name: string; table: string | null }) {
    super();
    checkKeys(options, ['name', 'table'], 'AlterModelTable');
    this.name = requireName(options.name, 'AlterModelTable', 'a name');
    if (options.table !== null) requireName(options.table, 'AlterModelTable', 'a table (or null for the default)');
    this.table = options.table;
  }

  stateForwards(state: ProjectState): void {
    state.set(state.model(this.name, this.where).withOptions({ dbTable: this.table ?? undefined }));
  }

  databaseForwards(editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    const model = to.getModel(this.name);
    editor.alterDbTable(model, from.getModel(this.name)._meta.dbTable, model._meta.dbTable);
    alterAutoThroughs(editor, from, to, (label) => label);
  }

  databaseBackwards(editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    this.databaseForwards(editor, from, to);
  }

  describe(): string {
    return this.table === null ? `Use the default table for ${this.name}` : `Rename table for ${this.name} to ${this.table}`;
  }

  override get migrationNameFragment(): string {
    return `alter_${toSnakeCase(this.name)}_table`;
  }

  override deconstruct(): unknown[] {
    return [{ name: this.name, table: this.table }];
  }
}

/** Options that change no table (ordering, getLatestBy): the state changes, the database does not. */
export class AlterModelOptions extends Operation {
  readonly name: string;
  readonly options: Pick<ModelOptionsState, (typeof STATE_ONLY_OPTIONS)[number]>;

  constructor(options: { name: string; options: Pick<ModelOptionsState, (typeof STATE_ONLY_OPTIONS)[number]> }) {
    super();
    checkKeys(options, ['name', 'options'], 'AlterModelOptions');
    this.name = requireName(options.name, 'AlterModelOptions', 'a name');
    checkKeys(options.options, STATE_ONLY_OPTIONS, `AlterModelOptions ${this.name}`);
    this.options = options.options;
  }

  stateForwards(state: ProjectState): void {
    const model = state.model(this.name, this.where);
    const cleared = Object.fromEntries(STATE_ONLY_OPTIONS.map((key) => [key, undefined]));
    state.set(model.withOptions({ ...cleared, ...this.options }));
  }

  databaseForwards(): void {}

  databaseBackwards(): void {}

  describe(): string {
    return `Change options on ${this.name}`;
  }

  override get migrationNameFragment(): string {
    return `alter_${toSnakeCase(this.name)}_options`;
  }

  override deconstruct(): unknown[] {
    return [{ name: this.name, options: this.options }];
  }
}

/** Creates an index (named: RemoveIndex finds it by its name). */
export class AddIndex extends Operation {
  readonly modelName: string;
  readonly index: IndexSpec;

  constructor(options: { modelName: string; index: IndexSpec }) {
    super();
    checkKeys(options, ['modelName', 'index'], 'AddIndex');
    this.modelName = requireName(options.modelName, 'AddIndex', 'a modelName');
    checkKeys(options.index, ['name', 'fields', 'unique'], `AddIndex on ${this.modelName}`);
    requireName(options.index.name, `AddIndex on ${this.modelName}`, 'an index name');
    if (!Array.isArray(options.index.fields) || !options.index.fields.length) {
      throw new MigrationError(`AddIndex ${options.index.name} on ${this.modelName} needs fields: ['name', '-created'].`);
    }
    this.index = { name: options.index.name, fields: [...options.index.fields], ...(options.index.unique ? { unique: true } : {}) };
  }

  stateForwards(state: ProjectState): void {
    const model = state.model(this.modelName, this.where);
    const indexes = model.options.indexes ?? [];
    if (indexes.some((index) => index.name === this.index.name)) {
      throw new MigrationError(`${this.where}: ${this.modelName} has an index named '${this.index.name}' already.`);
    }
    state.set(model.withOptions({ indexes: [...indexes, this.index] }));
  }

  databaseForwards(editor: SchemaEditor, _from: ProjectState, to: ProjectState): void {
    editor.addIndex(to.getModel(this.modelName), this.index);
  }

  databaseBackwards(editor: SchemaEditor, from: ProjectState): void {
    editor.removeIndex(from.getModel(this.modelName), this.index);
  }

  describe(): string {
    return `Create ${this.index.unique ? 'unique ' : ''}index ${this.index.name} on ${this.modelName} (${this.index.fields.join(', ')})`;
  }

  override get migrationNameFragment(): string {
    return `${toSnakeCase(this.modelName)}_${this.index.name!.toLowerCase()}`;
  }

  override deconstruct(): unknown[] {
    return [{ modelName: this.modelName, index: this.index }];
  }
}

/** Drops an index by its name; backwards it is created again from the state before. */
export class RemoveIndex extends Operation {
  readonly modelName: string;
  readonly name: string;

  constructor(options: { modelName: string; name: string }) {
    super();
    checkKeys(options, ['modelName', 'name'], 'RemoveIndex');
    this.modelName = requireName(options.modelName, 'RemoveIndex', 'a modelName');
    this.name = requireName(options.name, 'RemoveIndex', 'an index name');
  }

  stateForwards(state: ProjectState): void {
    const model = state.model(this.modelName, this.where);
    this.find(model);
    state.set(model.withOptions({ indexes: (model.options.indexes ?? []).filter((index) => index.name !== this.name) }));
  }

  databaseForwards(editor: SchemaEditor, from: ProjectState): void {
    editor.removeIndex(from.getModel(this.modelName), this.find(from.model(this.modelName, this.where)));
  }

  databaseBackwards(editor: SchemaEditor, _from: ProjectState, to: ProjectState): void {
    editor.addIndex(to.getModel(this.modelName), this.find(to.model(this.modelName, this.where)));
  }

  private find(model: ModelState): IndexSpec {
    const index = (model.options.indexes ?? []).find((candidate) => candidate.name === this.name);
    if (!index) {
      const names = (model.options.indexes ?? []).map((candidate) => candidate.name).join(', ') || '(none)';
      throw new MigrationError(`${this.where}: ${this.modelName} has no index named '${this.name}'. Its indexes: ${names}.`);
    }
    return index;
  }

  describe(): string {
    return `Remove index ${this.name} from ${this.modelName}`;
  }

  override get migrationNameFragment(): string {
    return `remove_${toSnakeCase(this.modelName)}_${this.name.toLowerCase()}`;
  }

  override deconstruct(): unknown[] {
    return [{ modelName: this.modelName, name: this.name }];
  }
}

/** Replaces a model's unique-together sets (SQLite rebuilds the table: they are part of its definition). */
export class AlterUniqueTogether extends Operation {
  readonly name: string;
  readonly uniqueTogether: ReadonlyArray<readonly string[]>;

  constructor(options: { name: string; uniqueTogether: ReadonlyArray<readonly string[]> }) {
    super();
    checkKeys(options, ['name', 'uniqueTogether'], 'AlterUniqueTogether');
    this.name = requireName(options.name, 'AlterUniqueTogether', 'a name');
    if (!Array.isArray(options.uniqueTogether) || !options.uniqueTogether.every((set) => Array.isArray(set))) {
      throw new MigrationError(`AlterUniqueTogether ${this.name} needs uniqueTogether: [['a', 'b'], ...] (an empty list removes them all).`);
    }
    this.uniqueTogether = options.uniqueTogether.map((set) => [...set]);
  }

  stateForwards(state: ProjectState): void {
    state.set(state.model(this.name, this.where).withOptions({ uniqueTogether: this.uniqueTogether }));
  }

  databaseForwards(editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    const model = to.getModel(this.name);
    editor.alterUniqueTogether(model, from.getModel(this.name)._meta.uniqueTogether, model._meta.uniqueTogether);
  }

  databaseBackwards(editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    this.databaseForwards(editor, from, to);
  }

  describe(): string {
    const count = this.uniqueTogether.length;
    return `Alter uniqueTogether for ${this.name} (${count} constraint${count === 1 ? '' : 's'})`;
  }

  override get migrationNameFragment(): string {
    return `alter_${toSnakeCase(this.name)}_unique_together`;
  }

  override deconstruct(): unknown[] {
    return [{ name: this.name, uniqueTogether: this.uniqueTogether }];
  }
}
