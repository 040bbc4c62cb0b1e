import type { SchemaEditor } from '../../db/backends/base/schema';
import { Field, toSnakeCase } from '../../models/fields/base';
import { MigrationError } from '../errors';
import { deconstruct, FieldSpec } from '../fields';
import type { ModelState, ProjectState } from '../state';
import { checkKeys, Operation, requireName } from './base';

interface FieldOperationOptions {
  modelName: string;
  name: string;
  field: Field | FieldSpec;
  /**
   * False when the default is a one-off value for the rows that exist (asked by makemigrations): the column is
   * filled with it, and the model state keeps no default.
   */
  preserveDefault?: boolean;
}

abstract class FieldOperation extends Operation {
  readonly modelName: string;
  readonly name: string;

  constructor(options: { modelName: string; name: string }, allowed: readonly string[]) {
    super();
    const operation = new.target.name;
    checkKeys(options, allowed, operation);
    this.modelName = requireName(options.modelName, operation, 'a modelName');
    this.name = requireName(options.name, operation, 'a field name');
  }
}

/** A field operation that carries a field: its spec, and whether the default outlives the migration. */
abstract class FieldWithSpecOperation extends FieldOperation {
  readonly field: FieldSpec;
  readonly preserveDefault: boolean;

  constructor(options: FieldOperationOptions) {
    super(options, ['modelName', 'name', 'field', 'preserveDefault']);
    const where = `${new.target.name} ${this.modelName}.${this.name}`;
    if (!(options.field instanceof FieldSpec) && !(options.field instanceof Field)) {
      throw new MigrationError(`${where} needs a field: new CharField({ maxLength: 50 }).`);
    }
    this.field = options.field instanceof FieldSpec ? options.field : deconstruct(options.field, where);
    this.preserveDefault = options.preserveDefault ?? true;
    if (!this.preserveDefault && !this.field.hasDefault) throw new MigrationError(`${where}: preserveDefault: false needs a default on the field.`);
  }

  /** The spec the state keeps: without a one-off default. */
  protected get stateSpec(): FieldSpec {
    return this.preserveDefault ? this.field : this.field.with({ default: undefined });
  }

  /** The state the database change is made against: `to`, with the one-off default still on the field. */
  protected withOneOffDefault(to: ProjectState): ProjectState {
    if (this.preserveDefault) return to;
    const state = to.clone();
    const model = state.model(this.modelName, this.where);
    state.set(model.withFields([...model.fields].map(([name, spec]) => [name, name === this.name ? this.field : spec] as const)));
    return state;
  }

  override deconstruct(): unknown[] {
    return [{ modelName: this.modelName, name: this.name, field: this.field, ...(this.preserveDefault ? {} : { preserveDefault: false }) }];
  }
}

/** Adds a column (or an automatic many-to-many table); existing rows get the field's default. */
export class AddField extends FieldWithSpecOperation {
  stateForwards(state: ProjectState): void {
    const model = state.model(this.modelName, this.where);
    if (model.fields.has(this.name)) throw new MigrationError(`${this.where}: ${this.modelName} has a field '${this.name}' already.`);
    state.set(model.withFields([...model.fields, [this.name, this.stateSpec]]));
  }

  databaseForwards(editor: SchemaEditor, _from: ProjectState, to: ProjectState): void {
    const model = this.withOneOffDefault(to).getModel(this.modelName);
    editor.addField(model, model._meta.getField(this.name));
  }

  databaseBackwards(editor: SchemaEditor, from: ProjectState): void {
    const model = from.getModel(this.modelName);
    editor.removeField(model, model._meta.getField(this.name));
  }

  describe(): string {
    return `Add field ${this.name} to ${this.modelName}`;
  }

  override get migrationNameFragment(): string {
    return `${toSnakeCase(this.modelName)}_${toSnakeCase(this.name)}`;
  }
}

/** Drops a column (or an automatic many-to-many table); backwards the column comes back with its default. */
export class RemoveField extends FieldOperation {
  constructor(options: { modelName: string; name: string }) {
    super(options, ['modelName', 'name']);
  }

  stateForwards(state: ProjectState): void {
    const model = state.model(this.modelName, this.where);
    model.field(this.name, this.where);
    const fields = [...model.fields].filter(([name]) => name !== this.name);
    const uses = (names: readonly string[]) => names.some((name) => name.replace(/^-/, '') === this.name);
    const trimmed = model.withFields(fields).withOptions({
      uniqueTogether: (model.options.uniqueTogether ?? []).filter((set) => !uses(set)),
      indexes: (model.options.indexes ?? []).filter((index) => !uses(index.fields)),
    });
    state.set(trimmed);
  }

  databaseForwards(editor: SchemaEditor, from: ProjectState): void {
    const model = from.getModel(this.modelName);
    editor.removeField(model, model._meta.getField(this.name));
  }

  databaseBackwards(editor: SchemaEditor, _from: ProjectState, to: ProjectState): void {
    const model = to.getModel(this.modelName);
    editor.addField(model, model._meta.getField(this.name));
  }

  describe(): string {
    return `Remove field ${this.name} from ${this.modelName}`;
  }

  override get migrationNameFragment(): string {
    return `remove_${toSnakeCase(this.modelName)}_${toSnakeCase(this.name)}`;
  }

  override deconstruct(): unknown[] {
    return [{ modelName: this.modelName, name: this.name }];
  }
}

/**
 * Changes a field: type, null, default, unique, dbIndex, dbColumn, length, digits, relation. SQLite rebuilds
 * the table for most of these, converting and checking every stored value against the new field.
 */
export class AlterField extends FieldWithSpecOperation {
  stateForwards(state: ProjectState): void {
    const model = state.model(this.modelName, this.where);
    model.field(this.name, this.where);
    state.set(model.withFields([...model.fields].map(([name, spec]) => [name, name === this.name ? this.stateSpec : spec] as const)));
  }

  databaseForwards(editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    const target = this.withOneOffDefault(to);
    editor.alterField(from.getModel(this.modelName), from.getField(this.modelName, this.name), target.getField(this.modelName, this.name));
  }

  databaseBackwards(editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    editor.alterField(from.getModel(this.modelName), from.getField(this.modelName, this.name), to.getField(this.modelName, this.name));
  }

  describe(): string {
    return `Alter field ${this.name} on ${this.modelName}`;
  }

  override get migrationNameFragment(): string {
    return `alter_${toSnakeCase(this.modelName)}_${toSnakeCase(this.name)}`;
  }
}

/** Renames a field: the column (RENAME COLUMN, rows untouched), or an automatic many-to-many table. */
export class RenameField extends Operation {
  readonly modelName: string;
  readonly oldName: string;
  readonly newName: string;

  constructor(options: { modelName: string; oldName: string; newName: string }) {
    super();
    checkKeys(options, ['modelName', 'oldName', 'newName'], 'RenameField');
    this.modelName = requireName(options.modelName, 'RenameField', 'a modelName');
    this.oldName = requireName(options.oldName, 'RenameField', 'an oldName');
    this.newName = requireName(options.newName, 'RenameField', 'a newName');
  }

  stateForwards(state: ProjectState): void {
    const model = state.model(this.modelName, this.where);
    model.field(this.oldName, this.where);
    if (model.fields.has(this.newName)) throw new MigrationError(`${this.where}: ${this.modelName} has a field '${this.newName}' already.`);
    state.set(this.renamedIn(model));
    // Keys of other models that point at this field by name (toField) follow it.
    for (const other of state.allModels()) {
      const fields = [...other.fields].map(([name, spec]) => {
        const follows = spec.to === this.modelName && spec.options.toField === this.oldName;
        return [name, follows ? spec.with({ toField: this.newName }) : spec] as const;
      });
      if (fields.some(([name, spec]) => spec !== other.fields.get(name))) state.set(other.withFields(fields));
    }
  }

  private renamedIn(model: ModelState): ModelState {
    const rename = (name: string) => (name.replace(/^-/, '') === this.oldName ? name.replace(this.oldName, this.newName) : name);
    return model.withFields([...model.fields].map(([name, spec]) => [name === this.oldName ? this.newName : name, spec] as const)).withOptions({
      uniqueTogether: model.options.uniqueTogether?.map((set) => set.map(rename)),
      indexes: model.options.indexes?.map((index) => ({ ...index, fields: index.fields.map(rename) })),
    });
  }

  databaseForwards(editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    editor.alterField(from.getModel(this.modelName), from.getField(this.modelName, this.oldName), to.getField(this.modelName, this.newName));
  }

  databaseBackwards(editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    editor.alterField(from.getModel(this.modelName), from.getField(this.modelName, this.newName), to.getField(this.modelName, this.oldName));
  }

  describe(): string {
    return `Rename field ${this.oldName} on ${this.modelName} to ${this.newName}`;
  }

  override get migrationNameFragment(): string {
    return `rename_${toSnakeCase(this.oldName)}_${toSnakeCase(this.modelName)}_${toSnakeCase(this.newName)}`;
  }

  override deconstruct(): unknown[] {
    return [{ modelName: this.modelName, oldName: this.oldName, newName: this.newName }];
  }
}
