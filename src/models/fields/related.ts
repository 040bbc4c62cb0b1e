import type { SqlValue } from '../../db/backends/base/types';
import type { Model } from '../base';
import type { OnDelete } from '../deletion-rules';
import type { InstanceOf, ModelClass } from '../types';
import type { QNode } from '../../sql/where';
import { ImproperlyConfigured } from '../../errors';
import { describeInstance, FieldValueError } from '../../values';
import { Field, interpolate, lowerFirst, type FieldOptions } from './base';

/** Re-exported: the model layer names values in messages through this module. */
export { describeInstance };

/**
 * A lazily resolved target, so models may refer to each other (and to themselves) before they are declared.
 * `M` is left unconstrained on purpose: checking a constraint would make the compiler resolve the target class
 * while it is still building it (a self-reference, `() => Person`, would be a type cycle).
 */
export type ModelThunk<M = ModelClass> = () => M;

/**
 * What a relation field is declared with: a thunk, or Django's `'self'` for the model that declares the field.
 * (`Extract<M, 'self'>` lets the compiler infer `M` as `'self'` from the literal; `FieldsOf` resolves it.)
 */
export type RelationTarget<M> = ModelThunk<M> | Extract<M, 'self'>;

/** The target class of a relation field typed `M` (the model itself, loosely typed, for `'self'`). */
export type RelatedModelOf<M> = M extends 'self' ? ModelClass : M & ModelClass;

const LABEL = Symbol('threadorm.modelLabel');

/**
 * A relation target (or `through` model) named by its label rather than by a thunk: it resolves in the registry
 * of the model that declares the field. Migration files name models so (`new ForeignKey(byLabel('Box'), …)`):
 * they describe models as they were, which are not the classes a thunk could return.
 */
export function byLabel(label: string): ModelThunk {
  if (typeof label !== 'string' || !label) throw new TypeError(`byLabel() takes a model label ('Pizza'); got ${String(label)}.`);
  const thunk = () => {
    throw new TypeError(`byLabel('${label}') is resolved by the field that declares it, in its model's registry; it cannot be called.`);
  };
  return Object.assign(thunk, { [LABEL]: label });
}

/** The label a `byLabel()` target names, or null for a plain thunk (or `'self'`). */
export function labelOf(target: ModelThunk<unknown> | 'self'): string | null {
  return typeof target === 'function' ? ((target as { [LABEL]?: string })[LABEL] ?? null) : null;
}

/** The model a relation points at: the thunk's result, the labelled model, or the declaring model for `'self'`. */
function resolveTarget(field: Field & { readonly label: string }, to: ModelThunk<unknown> | 'self', internalType: string): ModelClass {
  const label = labelOf(to);
  const target = to === 'self' ? field.model : label !== null ? field.model._meta.apps.getModel(label) : (to as ModelThunk<unknown>)();
  if (typeof target !== 'function' || !('fields' in target)) {
    throw new TypeError(`${field.label}: the ${internalType} target did not resolve to a model class (use () => Target or 'self').`);
  }
  return target as ModelClass;
}

/** `className` is the class being constructed, for the message. */
function checkTarget(to: unknown, className: string): void {
  if (typeof to !== 'function' && to !== 'self') {
    const example = className.includes('ManyToMany') ? '() => Target' : '() => Target, { onDelete }';
    throw new TypeError(`${className} needs a target thunk or 'self': new ${className}(${example}); got ${typeof to === 'string' ? `'${to}'` : typeof to}.`);
  }
}


/**
 * `relatedName: 'attached%(class)sSet'` on a field of an abstract base: each concrete child gets its own reverse
 * name. Django lowercases the class name; in camel case `%(class)s` is the class name as it is inside a name
 * (`attachedCommentSet`) and with a lower first letter at its start (`%(class)sSet` → `commentSet`). There are
 * no app labels, so Django's `%(app_label)s` is refused.
 */
function expandRelatedName(name: string | undefined, field: Field): string | undefined {
  if (name === undefined || !name.includes('%(')) return name;
  const className = field.model.name;
  const expanded = name.replace(/%\(class\)s/g, (_, offset: number) => (offset === 0 ? lowerFirst(className) : className));
  const left = /%\((\w*)\)s/.exec(expanded);
  if (left) {
    throw new ImproperlyConfigured(`${field.label}: relatedName '${name}' uses '%(${left[1]})s'; the only placeholder is '%(class)s' (the model's class name in lower camel case).`);
  }
  return expanded;
}

export interface ForeignKeyOptions<N extends boolean> extends Omit<FieldOptions<any, N>, 'choices'> {
  onDelete: OnDelete;
  /** Name of the reverse accessor on the target (`'+'` for none). Default: `<model>Set`. */
  relatedName?: string;
  /** Name used for reverse lookups from the target. Default: relatedName, else the lower-camel model name. */
  relatedQueryName?: string;
  /** The target field the key points at. Default: the target's primary key. */
  toField?: string;
  /** Create a FOREIGN KEY constraint. Default: true. */
  dbConstraint?: boolean;
  /** On a OneToOneField to the parent model: the link of multi-table inheritance (instead of the automatic `<parent>Ptr`). */
  parentLink?: boolean;
  /**
   * Django's `limit_choices_to`: the target rows this key may point at, as lookups or a `Q` (or a function
   * returning either, called at each check). `fullClean()` reports a key outside them.
   */
  limitChoicesTo?: LimitChoicesTo;
}

export type LimitChoicesTo = Record<string, unknown> | QNode | (() => Record<string, unknown> | QNode);

/**
 * A many-to-one relation. The instance attribute `box` is the related instance; `boxId` is the raw key,
 * stored in the column `box_id`.
 */
export class ForeignKey<M = ModelClass, N extends boolean = false> extends Field<M extends 'self' ? Model : InstanceOf<M>, N> {
  declare readonly '~target': M;
  readonly internalType: string = 'ForeignKey';
  override readonly isRelation = true;
  readonly onDelete: OnDelete;
  readonly relationOptions: ForeignKeyOptions<N>;
  /** The target as declared: a thunk, a `byLabel()` thunk or `'self'`. */
  readonly target: ModelThunk<unknown> | 'self';
  private resolvedTarget: ModelClass | null = null;

  constructor(to: RelationTarget<M>, options: ForeignKeyOptions<N> = {} as ForeignKeyOptions<N>) {
    super({ ...options, dbIndex: options.dbIndex ?? true });
    checkTarget(to, new.target.name);
    this.target = to as ModelThunk<unknown> | 'self';
    this.onDelete = options.onDelete;
    this.relationOptions = options;
  }

  override contribute(model: ModelClass, name: string): void {
    super.contribute(model, name);
    if (!this.onDelete) throw new TypeError(`${this.label}: a ${this.internalType} needs an onDelete rule (CASCADE, SET_NULL, ...).`);
    this.attname = `${name}Id`;
    this.column = this.options.dbColumn ?? `${this.column}_id`;
  }

  get relatedModel(): RelatedModelOf<M> {
    this.resolvedTarget ??= resolveTarget(this, this.target, this.internalType);
    return this.resolvedTarget as RelatedModelOf<M>;
  }

  /** The field on the target that the key holds. */
  get targetField(): Field {
    const meta = this.relatedModel._meta;
    return this.relationOptions.toField ? meta.getField(this.relationOptions.toField) : meta.pk;
  }

  override get needsSafeIntegers(): boolean {
    return this.targetField.needsSafeIntegers;
  }

  get relatedName(): string | undefined {
    return expandRelatedName(this.relationOptions.relatedName, this);
  }

  /** The reverse accessor on the target (`pizzaSet`, or `pizza` for one-to-one), or null when hidden by `'+'`. */
  get accessorName(): string | null {
    const relatedName = this.relatedName;
    if (relatedName?.endsWith('+')) return null;
    return relatedName ?? (this.oneToOne ? lowerFirst(this.model.name) : `${lowerFirst(this.model.name)}Set`);
  }

  /** The name reverse lookups use from the target (`Box.objects.filter({ pizza__name: ... })`). */
  get relatedQueryName(): string {
    return expandRelatedName(this.relationOptions.relatedQueryName, this) ?? this.relatedName ?? lowerFirst(this.model.name);
  }

  /** Accepts an instance of the target model, or a raw key; returns the raw key. */
  override toValue(value: unknown): any {
    if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
      const target = this.relatedModel;
      if (!(value instanceof target)) {
        throw new TypeError(`${this.label} must be a ${target.name} instance; got ${describeInstance(value)}.`);
      }
      const key = (value as unknown as Record<string, unknown>)[this.targetField.attname];
      if (key === null || key === undefined) {
        throw new FieldValueError(`${this.label}: the related ${target.name} is unsaved; save it first.`);
      }
      return key;
    }
    return this.targetField.toValue(value);
  }

  override toDb(value: any): SqlValue {
    return this.targetField.toDb(value);
  }

  override converter(): ((raw: unknown) => any) | null {
    return this.targetField.converter();
  }

  override checkValue(value: any): string[] {
    return this.targetField.checkValue(value);
  }

  /** The lookups (or Q) of limitChoicesTo as they stand now, or null. */
  limitChoices(): Record<string, unknown> | QNode | null {
    const limit = this.relationOptions.limitChoicesTo;
    return (typeof limit === 'function' ? limit() : limit) ?? null;
  }

  /**
   * Django's ForeignKey.validate(): besides the field checks, the key must name a target row, and one that
   * limitChoicesTo allows (one query, run by fullClean()).
   */
  override validate(value: any): string[] {
    const errors = super.validate(value);
    if (errors.length || value === null || value === undefined) return errors;
    const target = this.relatedModel;
    const limit = this.limitChoices();
    let candidates = target._baseManager.filter({ [this.targetField.name]: value });
    if (limit) candidates = candidates.filter(limit as Record<string, unknown>);
    if (!candidates.exists()) {
      const meta = target._meta;
      const params = { model: meta.verboseName, pk: value, field: this.targetField.name, value };
      errors.push(this.errorMessage('invalid', interpolate('%(model)s instance with %(field)s %(value)r is not a valid choice.', params), params));
    }
    return errors;
  }
}

export class OneToOneField<M = ModelClass, N extends boolean = false> extends ForeignKey<M, N> {
  override readonly internalType = 'OneToOneField';
  override readonly oneToOne = true;
  constructor(to: RelationTarget<M>, options: ForeignKeyOptions<N> = {} as ForeignKeyOptions<N>) {
    super(to, { ...options, unique: true });
  }
}

export interface ManyToManyOptions {
  /** An explicit intermediate model with foreign keys to both sides (and extra columns). */
  through?: ModelThunk<object>;
  /** With `through`: the names of the FKs to the source and to the target, when it has several. */
  throughFields?: readonly [string, string];
  relatedName?: string;
  relatedQueryName?: string;
  /** A self-referencing relation is symmetrical by default, as in Django. */
  symmetrical?: boolean;
  dbTable?: string;
  blank?: boolean;
  verboseName?: string;
  helpText?: string;
}

/** A many-to-many relation through an automatic or an explicit intermediate model. */
export class ManyToManyField<M = ModelClass> extends Field<unknown, false> {
  declare readonly '~target': M;
  readonly internalType = 'ManyToManyField';
  override readonly isRelation = true;
  override readonly manyToMany = true;
  readonly m2mOptions: ManyToManyOptions;
  /** The target as declared: a thunk, a `byLabel()` thunk or `'self'`. */
  readonly target: ModelThunk<unknown> | 'self';
  private resolvedTarget: ModelClass | null = null;

  constructor(to: RelationTarget<M>, options: ManyToManyOptions = {}) {
    super({ blank: options.blank });
    checkTarget(to, new.target.name);
    this.target = to as ModelThunk<unknown> | 'self';
    this.m2mOptions = options;
  }

  override contribute(model: ModelClass, name: string): void {
    super.contribute(model, name);
    this.column = '';
  }

  /** The relation lives in the intermediate table; the model's own table has no column for it. */
  override get concrete(): boolean {
    return false;
  }

  get relatedModel(): RelatedModelOf<M> {
    this.resolvedTarget ??= resolveTarget(this, this.target, this.internalType);
    return this.resolvedTarget as RelatedModelOf<M>;
  }

  get isSelfReferential(): boolean {
    return this.relatedModel === (this.model as unknown);
  }

  get symmetrical(): boolean {
    return this.m2mOptions.symmetrical ?? this.isSelfReferential;
  }

  get accessorName(): string | null {
    if (this.symmetrical) return null;
    const relatedName = expandRelatedName(this.m2mOptions.relatedName, this);
    if (relatedName?.endsWith('+')) return null;
    return relatedName ?? `${lowerFirst(this.model.name)}Set`;
  }

  get relatedQueryName(): string {
    return expandRelatedName(this.m2mOptions.relatedQueryName ?? this.m2mOptions.relatedName, this) ?? lowerFirst(this.model.name);
  }

  get throughThunk(): ModelThunk | undefined {
    const through = this.m2mOptions.through as ModelThunk | undefined;
    if (!through || labelOf(through) === null) return through;
    return () => resolveTarget(this, through, 'through model');
  }
}
