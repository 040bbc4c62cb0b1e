import { indexName } from '../db/backends/base/schema';
import { Model } from '../models/base';
import type { Field } from '../models/fields/base';
import { toSnakeCase } from '../models/fields/base';
import type { IndexSpec, ModelMeta } from '../models/options';
import { Apps, projectApps } from '../models/registry';
import type { ModelClass } from '../models/types';
import { MigrationError } from './errors';
import { deconstruct, FieldSpec } from './fields';
import { sourceOf } from './serializer';

/** The model options a migration keeps: the table and constraints, and ordering (state only, for historical querysets). */
export interface ModelOptionsState {
  /** Only when set explicitly; otherwise the table follows the label (and a RenameModel renames it). */
  dbTable?: string;
  ordering?: readonly string[];
  getLatestBy?: string | readonly string[];
  uniqueTogether?: ReadonlyArray<readonly string[]>;
  /** Always named: an index is found by its name when it is removed. */
  indexes?: readonly IndexSpec[];
}

export const MODEL_OPTION_NAMES = ['dbTable', 'ordering', 'getLatestBy', 'uniqueTogether', 'indexes'] as const;

/** Options that change no table: AlterModelOptions carries them. */
export const STATE_ONLY_OPTIONS = ['ordering', 'getLatestBy'] as const;

/** A model as migrations know it at one point of the history: plain data, never changed in place. */
export class ModelState {
  readonly fields: ReadonlyMap<string, FieldSpec>;
  readonly options: ModelOptionsState;

  constructor(
    readonly label: string,
    fields: Iterable<readonly [string, FieldSpec]>,
    options: ModelOptionsState = {},
  ) {
    this.fields = new Map(fields);
    this.options = normaliseOptions(options);
  }

  /** The table: the explicit dbTable, else the label in snake_case (as the live model would have it). */
  get dbTable(): string {
    return this.options.dbTable ?? toSnakeCase(this.label);
  }

  field(name: string, where: string): FieldSpec {
    const spec = this.fields.get(name);
    if (!spec) {
      throw new MigrationError(`${where}: the migration state has no field ${this.label}.${name}. Its fields: ${[...this.fields.keys()].join(', ')}.`);
    }
    return spec;
  }

  withFields(fields: Iterable<readonly [string, FieldSpec]>): ModelState {
    return new ModelState(this.label, fields, this.options);
  }

  withOptions(changes: ModelOptionsState): ModelState {
    const options: Record<string, unknown> = { ...this.options, ...changes };
    for (const [key, value] of Object.entries(changes)) if (value === undefined) delete options[key];
    return new ModelState(this.label, this.fields, options as ModelOptionsState);
  }

  renamed(label: string): ModelState {
    return new ModelState(label, this.fields, this.options);
  }

  /** The state of a live model class: its fields (with the automatic `id`) and its meta options. */
  static fromModel(model: ModelClass): ModelState {
    const meta = model._meta;
    const declared: ModelMeta = Object.prototype.hasOwnProperty.call(model, 'meta') ? (model.meta ?? {}) : {};
    const options: ModelOptionsState = {
      dbTable: declared.dbTable,
      ordering: meta.ordering.length ? [...meta.ordering] : undefined,
      getLatestBy: declared.getLatestBy,
      uniqueTogether: meta.uniqueTogether.length ? meta.uniqueTogether.map((set) => [...set]) : undefined,
      indexes: meta.indexes.length ? meta.indexes.map((index) => namedIndex(meta.dbTable, index)) : undefined,
    };
    const fields = meta.fields.filter((field) => field.model === model).map((field) => {
      const where = `${meta.label}.${field.name}`;
      const spec = deconstruct(field, where);
      // A default must be writable into a migration file: found out here, where the field can be named.
      if (spec.hasDefault) sourceOf(spec.options.default, `${where} option default`);
      return [field.name, spec] as const;
    });
    return new ModelState(meta.label, fields, options);
  }

  /**
   * The model as a migration would write it, fields sorted: what two states are compared by (column order is
   * not a change; a relation added after the model was created comes last in its table).
   */
  get source(): string {
    const fields = [...this.fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return sourceOf({ fields: Object.fromEntries(fields), options: this.options }, this.label);
  }
}

function namedIndex(table: string, index: IndexSpec): IndexSpec {
  return { name: indexName(table, index), fields: [...index.fields], ...(index.unique ? { unique: true } : {}) };
}

/** Empty lists are no option at all, and keys come in one order, so equal states write equal text. */
function normaliseOptions(options: ModelOptionsState): ModelOptionsState {
  const result: Record<string, unknown> = {};
  for (const key of MODEL_OPTION_NAMES) {
    const value = options[key];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    result[key] = value;
  }
  for (const key of Object.keys(options)) {
    if (!(MODEL_OPTION_NAMES as readonly string[]).includes(key)) {
      throw new MigrationError(`Unknown model option '${key}' in a migration; the options are ${MODEL_OPTION_NAMES.join(', ')}.`);
    }
  }
  return result as ModelOptionsState;
}

/**
 * The whole project at one point of its migration history (Django's ProjectState). Operations change it with
 * the methods below; `apps` renders it into historical model classes, in a registry of their own, for the
 * schema editor and for RunCode.
 */
export class ProjectState {
  private readonly models: Map<string, ModelState>;
  private rendered: Apps | null = null;

  constructor(models: Iterable<ModelState> = []) {
    this.models = new Map([...models].map((model) => [model.label, model]));
  }

  /** The project's current models (auto-created M2M tables come with their fields). */
  static fromApps(apps: Apps = projectApps): ProjectState {
    // Following relations registers their targets (and M2M tables) until nothing new appears.
    for (let count = -1; count !== apps.allModels().length; ) {
      count = apps.allModels().length;
      for (const model of apps.allModels()) model._meta.resolveRelations();
    }
    // A proxy has no table, so migrations leave it out; a multi-table child is its own table with its parent link.
    const models = apps.allModels().filter((model) => !model._meta.autoCreated && !model._meta.proxy);
    return new ProjectState(models.map((model) => ModelState.fromModel(model)));
  }

  clone(): ProjectState {
    return new ProjectState(this.models.values());
  }

  get labels(): string[] {
    return [...this.models.keys()].sort();
  }

  has(label: string): boolean {
    return this.models.has(label);
  }

  model(label: string, where: string): ModelState {
    const model = this.models.get(label);
    if (!model) {
      throw new MigrationError(`${where}: the migration state has no model '${label}'. Its models: ${this.labels.join(', ') || '(none)'}.`);
    }
    return model;
  }

  allModels(): ModelState[] {
    return this.labels.map((label) => this.models.get(label)!);
  }

  addModel(model: ModelState, where: string): void {
    if (this.models.has(model.label)) throw new MigrationError(`${where}: a model '${model.label}' exists already in the migration state.`);
    this.set(model);
  }

  removeModel(label: string, where: string): void {
    this.model(label, where);
    this.models.delete(label);
    this.rendered = null;
  }

  /** Replaces a model's state (same label). */
  set(model: ModelState): void {
    this.models.set(model.label, model);
    this.rendered = null;
  }

  /** Renames a model and every relation that points at it. */
  renameModel(oldLabel: string, newLabel: string, where: string): void {
    const model = this.model(oldLabel, where);
    if (this.models.has(newLabel)) throw new MigrationError(`${where}: a model '${newLabel}' exists already in the migration state.`);
    this.models.delete(oldLabel);
    this.models.set(newLabel, model.renamed(newLabel));
    for (const other of [...this.models.values()]) {
      const fields = [...other.fields].map(([name, spec]) => [name, retarget(spec, oldLabel, newLabel)] as const);
      this.models.set(other.label, other.withFields(fields));
    }
    this.rendered = null;
  }

  /** Historical model classes of this state, made on first use. */
  get apps(): Apps {
    return (this.rendered ??= render(this));
  }

  /** The historical model class `label`. */
  getModel(label: string): ModelClass {
    return this.apps.getModel(label);
  }

  /** A field of a historical model. */
  getField(label: string, name: string): Field {
    return this.getModel(label)._meta.getField(name);
  }
}

function retarget(spec: FieldSpec, oldLabel: string, newLabel: string): FieldSpec {
  const through = spec.options.through === oldLabel ? newLabel : spec.options.through;
  if (spec.to !== oldLabel && through === spec.options.through) return spec;
  return spec.with({ through }, spec.to === oldLabel ? newLabel : spec.to);
}

/** One class per model state, all registered before any meta is built, so relations resolve among them. */
function render(state: ProjectState): Apps {
  const apps = new Apps('a migration state');
  for (const model of state.allModels()) apps.register(modelClass(model, apps), model.label);
  for (const model of apps.allModels()) model._meta.resolveRelations();
  return apps;
}

function modelClass(state: ModelState, apps: Apps): ModelClass {
  const fields: Record<string, Field> = {};
  for (const [name, spec] of state.fields) fields[name] = spec.build();
  const meta: ModelMeta = {
    label: state.label,
    apps,
    dbTable: state.dbTable,
    ordering: state.options.ordering,
    getLatestBy: state.options.getLatestBy,
    uniqueTogether: state.options.uniqueTogether,
    indexes: state.options.indexes,
  };
  const label = state.label;
  return {
    [label]: class extends Model {
      static override fields = fields;
      static override meta = meta;
    },
  }[label] as ModelClass;
}
