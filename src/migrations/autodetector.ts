import type { IndexSpec } from '../models/options';
import { MigrationError } from './errors';
import type { FieldSpec } from './fields';
import type { Operation } from './operations/base';
import { RemoveField, AddField, AlterField, RenameField } from './operations/fields';
import {
  AddIndex,
  AlterModelOptions,
  AlterModelTable,
  AlterUniqueTogether,
  CreateModel,
  DeleteModel,
  RemoveIndex,
  RenameModel,
} from './operations/models';
import type { ParsedRenames, Questioner } from './questioner';
import { sourceOf } from './serializer';
import { STATE_ONLY_OPTIONS, type ModelState, type ProjectState } from './state';

export interface DetectOptions {
  questioner: Questioner;
  /** Renames given up front (`--rename`); they need no question and may change the field's type too. */
  renames?: ParsedRenames;
}

/**
 * The operations that turn `from` (the state the migration files build) into `to` (the current models),
 * Django's MigrationAutodetector. They are found in an order the database can follow: renames first, then new
 * models (those they point at first), index and constraint removals, field removals, additions and changes,
 * new indexes and constraints, options, and deleted models last (those pointed at last). Each operation is
 * applied to a working copy of `from` as it is made, so later steps compare against what the earlier ones did,
 * and at the end the copy must equal `to`.
 */
export function detectChanges(from: ProjectState, to: ProjectState, options: DetectOptions): Operation[] {
  return new Detector(from, to, options).run();
}

class Detector {
  private readonly operations: Operation[] = [];
  private readonly work: ProjectState;
  private readonly created = new Set<string>();
  /** Fields of new models that point at models created after them, added once those exist. */
  private readonly deferredFields: Array<[string, string]> = [];

  constructor(
    from: ProjectState,
    private readonly to: ProjectState,
    private readonly options: DetectOptions,
  ) {
    this.work = from.clone();
  }

  run(): Operation[] {
    this.renamedModels();
    this.alteredTables();
    this.renamedFields();
    this.createdModels();
    this.removedIndexesAndConstraints();
    this.removedFields();
    this.addedFields();
    this.alteredFields();
    this.addedIndexesAndConstraints();
    this.alteredOptions();
    this.deletedModels();
    this.checkComplete();
    return this.operations;
  }

  private emit(operation: Operation): void {
    operation.stateForwards(this.work);
    this.operations.push(operation);
  }

  private get questioner(): Questioner {
    return this.options.questioner;
  }

  /** Models in both states, sorted. */
  private keptModels(): string[] {
    return this.to.labels.filter((label) => this.work.has(label) && !this.created.has(label));
  }

  // ------------------------------------------------------------ models

  private renamedModels(): void {
    const added = () => this.to.labels.filter((label) => !this.work.has(label));
    const removed = () => this.work.labels.filter((label) => !this.to.has(label));
    for (const [oldLabel, newLabel] of this.options.renames?.models ?? []) {
      if (!removed().includes(oldLabel) || !added().includes(newLabel)) {
        throw new MigrationError(
          `--rename ${oldLabel}=${newLabel}: that needs a model ${oldLabel} that the models no longer have and a new model ${newLabel}. ` +
            `Gone: ${removed().join(', ') || '(none)'}; new: ${added().join(', ') || '(none)'}.`,
        );
      }
      this.emit(new RenameModel({ oldName: oldLabel, newName: newLabel }));
    }
    for (const newLabel of added()) {
      const shape = modelShape(this.to.model(newLabel, 'makemigrations'));
      for (const oldLabel of removed()) {
        if (modelShape(this.work.model(oldLabel, 'makemigrations')) !== shape) continue;
        if (this.questioner.askRenameModel(oldLabel, newLabel)) {
          this.emit(new RenameModel({ oldName: oldLabel, newName: newLabel }));
          break;
        }
      }
    }
  }

  private alteredTables(): void {
    for (const label of this.keptModels()) {
      const table = this.to.model(label, 'makemigrations').options.dbTable;
      if (this.work.model(label, 'makemigrations').options.dbTable !== table) this.emit(new AlterModelTable({ name: label, table: table ?? null }));
    }
  }

  /** New models, each after the models it points at; a field that closes a circle of new models is added afterwards. */
  private createdModels(): void {
    const pending = this.to.labels.filter((label) => !this.work.has(label));
    const exists = (label: string, self: string) => label === self || this.work.has(label);
    // An explicit through model points back at this one: that relation is added once both exist.
    const alwaysLater = (spec: FieldSpec) => spec.manyToMany && spec.options.through !== undefined;
    while (pending.length) {
      const ready = pending.find((label) =>
        [...this.to.model(label, 'makemigrations').fields.values()].every(
          (spec) => alwaysLater(spec) || relationTargets(spec).every((target) => exists(target, label) || !pending.includes(target)),
        ),
      );
      // In a circle nothing is ready: start with the model most others wait for, and defer its keys into the circle.
      const label = ready ?? mostAwaited(pending, (candidate) => this.to.model(candidate, 'makemigrations'));
      pending.splice(pending.indexOf(label), 1);
      const model = this.to.model(label, 'makemigrations');
      const fields: Array<[string, FieldSpec]> = [];
      for (const [name, spec] of model.fields) {
        const later = alwaysLater(spec) || !relationTargets(spec).every((target) => exists(target, label));
        if (later) this.deferredFields.push([label, name]);
        else fields.push([name, spec]);
      }
      const included = new Set(fields.map(([name]) => name));
      const covered = (names: readonly string[]) => names.every((name) => included.has(name.replace(/^-/, '')));
      const options = {
        ...model.options,
        uniqueTogether: model.options.uniqueTogether?.filter(covered),
        indexes: model.options.indexes?.filter((index) => covered(index.fields)),
      };
      this.created.add(label);
      this.emit(new CreateModel({ name: label, fields: Object.fromEntries(fields), options: withoutEmpty(options) }));
    }
  }

  private deletedModels(): void {
    const pending = this.work.labels.filter((label) => !this.to.has(label));
    while (pending.length) {
      const referenced = (label: string) =>
        pending.some((other) => other !== label && [...this.work.model(other, 'makemigrations').fields.values()].some((spec) => relationTargets(spec).includes(label)));
      let label = pending.find((candidate) => !referenced(candidate));
      if (label === undefined) {
        // A circle of deleted models: take the first one's relations to the others away first.
        label = pending[0]!;
        for (const other of pending) {
          if (other === label) continue;
          for (const [name, spec] of this.work.model(other, 'makemigrations').fields) {
            if (relationTargets(spec).includes(label)) this.emit(new RemoveField({ modelName: other, name }));
          }
        }
      }
      pending.splice(pending.indexOf(label), 1);
      this.emit(new DeleteModel({ name: label }));
    }
  }

  // ------------------------------------------------------------ fields

  private renamedFields(): void {
    for (const label of this.keptModels()) {
      const explicit = this.options.renames?.fields.get(label) ?? new Map<string, string>();
      const removed = () => [...this.work.model(label, 'makemigrations').fields.keys()].filter((name) => !this.to.model(label, 'makemigrations').fields.has(name));
      const added = () => [...this.to.model(label, 'makemigrations').fields.keys()].filter((name) => !this.work.model(label, 'makemigrations').fields.has(name));
      for (const [oldName, newName] of explicit) {
        if (!removed().includes(oldName) || !added().includes(newName)) {
          throw new MigrationError(
            `--rename ${label}.${oldName}=${newName}: that needs a field ${label}.${oldName} the model no longer has and a new field ${label}.${newName}. ` +
              `Gone: ${removed().join(', ') || '(none)'}; new: ${added().join(', ') || '(none)'}.`,
          );
        }
        this.emit(new RenameField({ modelName: label, oldName, newName }));
      }
      for (const newName of added()) {
        const spec = this.to.model(label, 'makemigrations').field(newName, 'makemigrations');
        for (const oldName of removed()) {
          const old = this.work.model(label, 'makemigrations').field(oldName, 'makemigrations');
          if (old.type !== spec.type || old.to !== spec.to) continue;
          if (this.questioner.askRenameField(label, oldName, newName, spec.type)) {
            this.emit(new RenameField({ modelName: label, oldName, newName }));
            break;
          }
        }
      }
    }
  }

  private removedFields(): void {
    for (const label of this.keptModels()) {
      const target = this.to.model(label, 'makemigrations');
      for (const name of [...this.work.model(label, 'makemigrations').fields.keys()]) {
        if (!target.fields.has(name)) this.emit(new RemoveField({ modelName: label, name }));
      }
    }
  }

  private addedFields(): void {
    for (const label of this.keptModels()) {
      for (const [name, spec] of this.to.model(label, 'makemigrations').fields) {
        if (this.work.model(label, 'makemigrations').fields.has(name)) continue;
        if (needsOneOffDefault(spec)) {
          const value = this.questioner.askNotNullAddition(label, name);
          this.emit(new AddField({ modelName: label, name, field: spec.with({ default: value }), preserveDefault: false }));
        } else {
          this.emit(new AddField({ modelName: label, name, field: spec }));
        }
      }
    }
    // New models are empty: their deferred relations need no default.
    for (const [label, name] of this.deferredFields) {
      this.emit(new AddField({ modelName: label, name, field: this.to.model(label, 'makemigrations').field(name, 'makemigrations') }));
    }
  }

  private alteredFields(): void {
    for (const label of this.keptModels()) {
      for (const [name, spec] of this.to.model(label, 'makemigrations').fields) {
        const old = this.work.model(label, 'makemigrations').field(name, 'makemigrations');
        if (sourceOf(old) === sourceOf(spec)) continue;
        if (old.manyToMany !== spec.manyToMany || (spec.manyToMany && (old.options.through === undefined) !== (spec.options.through === undefined))) {
          throw new MigrationError(
            `${label}.${name} changes ${old.manyToMany !== spec.manyToMany ? 'between a many-to-many relation and a column' : 'between an automatic and an explicit through model'}, ` +
              'which no AlterField can do without losing rows. Give the new field another name (a removal and an addition), or write the migration ' +
              'by hand (create the new field, copy the rows with RunCode, remove the old one).',
          );
        }
        if (old.options.null === true && spec.options.null !== true && needsOneOffDefault(spec)) {
          const value = this.questioner.askNotNullAlteration(label, name);
          this.emit(new AlterField({ modelName: label, name, field: spec.with({ default: value }), preserveDefault: false }));
        } else {
          this.emit(new AlterField({ modelName: label, name, field: spec }));
        }
      }
    }
  }

  // ------------------------------------------------------------ indexes, constraints, options

  private removedIndexesAndConstraints(): void {
    for (const label of this.keptModels()) {
      const current = this.work.model(label, 'makemigrations');
      const target = this.to.model(label, 'makemigrations');
      const wanted = new Set((target.options.indexes ?? []).map(indexSource));
      for (const index of current.options.indexes ?? []) {
        if (!wanted.has(indexSource(index))) this.emit(new RemoveIndex({ modelName: label, name: index.name! }));
      }
      // Sets that go away go first, before the fields they name are removed or changed.
      const kept = (current.options.uniqueTogether ?? []).filter((set) => (target.options.uniqueTogether ?? []).some((other) => sourceOf(other) === sourceOf(set)));
      if (kept.length !== (current.options.uniqueTogether ?? []).length) this.emit(new AlterUniqueTogether({ name: label, uniqueTogether: kept }));
    }
  }

  private addedIndexesAndConstraints(): void {
    for (const label of this.to.labels) {
      const current = this.work.model(label, 'makemigrations');
      const target = this.to.model(label, 'makemigrations');
      const present = new Set((current.options.indexes ?? []).map(indexSource));
      for (const index of target.options.indexes ?? []) {
        if (!present.has(indexSource(index))) this.emit(new AddIndex({ modelName: label, index }));
      }
      if (sourceOf(current.options.uniqueTogether ?? []) !== sourceOf(target.options.uniqueTogether ?? [])) {
        this.emit(new AlterUniqueTogether({ name: label, uniqueTogether: target.options.uniqueTogether ?? [] }));
      }
    }
  }

  private alteredOptions(): void {
    for (const label of this.to.labels) {
      const pick = (model: ModelState) => Object.fromEntries(STATE_ONLY_OPTIONS.filter((key) => model.options[key] !== undefined).map((key) => [key, model.options[key]]));
      const wanted = pick(this.to.model(label, 'makemigrations'));
      if (sourceOf(pick(this.work.model(label, 'makemigrations'))) !== sourceOf(wanted)) this.emit(new AlterModelOptions({ name: label, options: wanted }));
    }
  }

  /** The operations must have turned the working copy into the current models exactly. */
  private checkComplete(): void {
    const left = [...new Set([...this.work.labels, ...this.to.labels])].filter(
      (label) => !this.work.has(label) || !this.to.has(label) || this.work.model(label, '').source !== this.to.model(label, '').source,
    );
    if (left.length) {
      const label = left[0]!;
      const describe = (state: ProjectState) => (state.has(label) ? state.model(label, '').source : '(no model)');
      throw new MigrationError(
        `makemigrations could not describe every change of ${left.join(', ')}; please report this with the model definitions. ` +
          `${label} after the operations: ${describe(this.work)}; in the models: ${describe(this.to)}.`,
      );
    }
  }
}

/** The model that most of the others point at (the first such, by label). */
function mostAwaited(labels: readonly string[], model: (label: string) => ModelState): string {
  const awaited = (label: string) =>
    labels.filter((other) => other !== label && [...model(other).fields.values()].some((spec) => relationTargets(spec).includes(label))).length;
  return labels.reduce((best, label) => (awaited(label) > awaited(best) ? label : best));
}

/** The models a field points at: its target and an explicit through model. */
function relationTargets(spec: FieldSpec): string[] {
  const targets = spec.to === null ? [] : [spec.to];
  if (typeof spec.options.through === 'string') targets.push(spec.options.through);
  return targets;
}

/** A model's fields with references to itself made anonymous, to recognise a renamed model by its fields. */
function modelShape(model: ModelState): string {
  const fields = [...model.fields].map(([name, spec]) => [name, spec.to === model.label ? spec.with({}, '(self)') : spec]);
  return sourceOf(Object.fromEntries(fields), model.label);
}

/** Existing rows need a value: a non-null column with no default of its own (strings default to ''). */
function needsOneOffDefault(spec: FieldSpec): boolean {
  if (spec.manyToMany || spec.options.null === true || spec.hasDefault || spec.options.primaryKey === true) return false;
  const field = spec.build();
  return !field.autoIncrement && field.getDefault() === null;
}

function indexSource(index: IndexSpec): string {
  return sourceOf(index);
}

function withoutEmpty<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined && !(Array.isArray(value) && !value.length))) as T;
}
