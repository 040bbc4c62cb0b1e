import { Model } from '../models/base';
import { CASCADE } from '../models/deletion-rules';
import { Field } from '../models/fields/base';
import { byLabel, ForeignKey, labelOf, ManyToManyField, OneToOneField, type ModelThunk } from '../models/fields/related';
import * as scalar from '../models/fields/scalar';
import type { ModelClass } from '../models/types';
import { MigrationError } from './errors';

/** The field classes a migration file may name, by class name (all exported by `threadorm`). */
export const FIELD_CLASSES: ReadonlyMap<string, FieldClass> = new Map<string, FieldClass>([
  ...(Object.entries(scalar) as Array<[string, unknown]>).filter((entry): entry is [string, FieldClass] => isFieldClass(entry[1])),
  ['ForeignKey', ForeignKey as unknown as FieldClass],
  ['OneToOneField', OneToOneField as unknown as FieldClass],
  ['ManyToManyField', ManyToManyField as unknown as FieldClass],
]);

type FieldClass = (new (...args: any[]) => Field) & { name: string };

function isFieldClass(value: unknown): boolean {
  return typeof value === 'function' && value.prototype instanceof Field;
}

/**
 * The options a migration keeps of a field, in the order they are written: what reaches the schema (type,
 * null, unique, indexes, column, length, digits, relations) and what historical models need to behave
 * (defaults, reverse names, onDelete). Validation-only options (blank, choices, validators) are left out, so
 * changing them makes no migration.
 */
const KEPT_OPTIONS = [
  'maxLength',
  'maxDigits',
  'decimalPlaces',
  'onDelete',
  'primaryKey',
  'null',
  'unique',
  'dbIndex',
  'dbColumn',
  'default',
  'autoNow',
  'autoNowAdd',
  'toField',
  'dbConstraint',
  'parentLink',
  'relatedName',
  'relatedQueryName',
  'through',
  'throughFields',
  'symmetrical',
  'dbTable',
] as const;

/** Options written even when they equal what the class would pick: the constructor requires them. */
const REQUIRED_OPTIONS = new Set<string>(['maxDigits', 'decimalPlaces', 'onDelete']);

/**
 * A field as migrations know it: its class, its relation target (a model label) and its kept options. Plain
 * data, compared by what the writer would write, and built into a real field for each historical model.
 */
export class FieldSpec {
  constructor(
    readonly type: string,
    readonly options: Readonly<Record<string, unknown>>,
    readonly to: string | null = null,
  ) {
    if (!FIELD_CLASSES.has(type)) throw new MigrationError(`Unknown field class '${type}' in a migration.`);
  }

  get isRelation(): boolean {
    return this.to !== null;
  }

  get manyToMany(): boolean {
    return this.type === 'ManyToManyField';
  }

  get hasDefault(): boolean {
    return this.options.default !== undefined;
  }

  /** The same field with some options replaced (`undefined` removes one). */
  with(changes: Record<string, unknown>, to: string | null = this.to): FieldSpec {
    const options: Record<string, unknown> = { ...this.options, ...changes };
    for (const key of Object.keys(changes)) if (changes[key] === undefined) delete options[key];
    return new FieldSpec(this.type, ordered(options), to);
  }

  /**
   * A new, unbound field instance (a field belongs to one model class, so each rendering builds its own), whose
   * relation names its target by label, resolved in the registry of the historical model it is part of.
   */
  build(): Field {
    const cls = FIELD_CLASSES.get(this.type)!;
    const options: Record<string, unknown> = { ...this.options };
    if (typeof options.through === 'string') options.through = byLabel(options.through);
    return this.to !== null ? new cls(byLabel(this.to), options) : new cls(options);
  }
}

/** The spec of a field: a live model's, or one written in a migration file (which names targets by label). */
export function deconstruct(field: Field, where: string): FieldSpec {
  const [type, cls] = builtInClass(field, where);
  const declared = (field instanceof ManyToManyField ? field.m2mOptions : field.options) as Record<string, unknown>;
  const implied = bareOptions(cls);
  const options: Record<string, unknown> = {};
  for (const key of KEPT_OPTIONS) {
    let value = declared[key];
    if (value === undefined) continue;
    if (key === 'through') value = targetLabel(value as ModelThunk, field, where);
    if (!REQUIRED_OPTIONS.has(key) && sameOption(value, implied[key], key)) continue;
    options[key] = value;
  }
  const to = field instanceof ForeignKey || field instanceof ManyToManyField ? targetLabel(field.target, field, where) : null;
  return new FieldSpec(type, options, to);
}

/** The nearest threadorm class of a field: a custom subclass is stored as the built-in class it extends. */
function builtInClass(field: Field, where: string): [string, FieldClass] {
  for (let cls = field.constructor as FieldClass; cls && cls !== (Field as unknown); cls = Object.getPrototypeOf(cls)) {
    for (const [name, known] of FIELD_CLASSES) if (known === cls) return [name, cls];
  }
  throw new MigrationError(`${where}: ${field.constructor.name} is not a threadorm field class and extends none, so a migration cannot describe it.`);
}

const bareCache = new Map<FieldClass, Record<string, unknown>>();

/** The options a class fills in by itself (EmailField's maxLength 254, ForeignKey's dbIndex), from a bare instance. */
function bareOptions(cls: FieldClass): Record<string, unknown> {
  let options = bareCache.get(cls);
  if (!options) {
    const required = { onDelete: CASCADE, maxDigits: 1, decimalPlaces: 0 };
    const bare = cls === (ManyToManyField as unknown) || cls.prototype instanceof ForeignKey || cls === (ForeignKey as unknown)
      ? new cls(() => Model, required)
      : new cls(required);
    options = (bare instanceof ManyToManyField ? bare.m2mOptions : bare.options) as Record<string, unknown>;
    bareCache.set(cls, options);
  }
  return options;
}

/** What a field assumes for an option it was not given. */
const OPTION_DEFAULTS: Record<string, unknown> = {
  primaryKey: false,
  null: false,
  unique: false,
  dbIndex: false,
  autoNow: false,
  autoNowAdd: false,
  dbConstraint: true,
};

/** An option given with the value the field would assume anyway is left out, so `null: false` makes no change. */
function sameOption(value: unknown, implied: unknown, key: string): boolean {
  return value === (implied ?? OPTION_DEFAULTS[key]);
}

/** A relation target or through model as a label: a migration's `byLabel()`, `'self'`, or a live thunk's model. */
/** The label a relation points at in a migration: a proxy has no state there, so a key to it is a key to its concrete model. */
function targetLabel(target: ModelThunk<unknown> | 'self', field: Field, where: string): string {
  const label = labelOf(target);
  if (label !== null) {
    const named = field.model?._meta.apps.findModel(label);
    return named && named._meta.proxy ? named._meta.concreteModel._meta.label : label;
  }
  if (target === 'self') {
    if (!field.model) throw new MigrationError(`${where}: 'self' names the model that declares the field; in a migration write byLabel('Model').`);
    return field.model._meta.label;
  }
  const model = (target as ModelThunk<unknown>)();
  if (typeof model !== 'function' || !(model.prototype instanceof Model)) {
    throw new MigrationError(`${where}: the relation thunk did not return a model class.`);
  }
  return (model as ModelClass)._meta.concreteModel._meta.label;
}

function ordered(options: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of KEPT_OPTIONS) if (options[key] !== undefined) result[key] = options[key];
  return result;
}
