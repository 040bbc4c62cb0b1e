import type { SqlValue } from '../../db/backends/base/types';
import type { Model } from '../base';
import type { OnDelete } from '../deletion-rules';
import type { InstanceOf, ModelClass } from '../types';
import { Field, FieldValueError, lowerFirst, type FieldOptions } from './base';

/**
 * A lazily resolved target, so models may refer to each other (and to themselves) before they are declared.
 * `M` is left unconstrained on purpose: checking a constraint would make the compiler resolve the target class
 * while it is still building it (a self-reference, `() => Person`, would be a type cycle).
 */
export type ModelThunk<M = ModelClass> = () => M;


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
}

/**
 * A many-to-one relation. The instance attribute `box` is the related instance; `boxId` is the raw key,
 * stored in the column `box_id`.
 */
export class ForeignKey<M = ModelClass, N extends boolean = false> extends Field<InstanceOf<M>, N> {
  declare readonly '~target': M;
  readonly internalType: string = 'ForeignKey';
  override readonly isRelation = true;
  readonly onDelete: OnDelete;
  readonly relationOptions: ForeignKeyOptions<N>;
  /** The target as declared: a thunk, or the label of a model of the same registry (migration files use labels). */
  readonly target: ModelThunk<M> | string;
  private resolvedTarget: M | null = null;

  constructor(to: ModelThunk<M> | string, options: ForeignKeyOptions<N> = {} as ForeignKeyOptions<N>) {
    super({ ...options, dbIndex: options.dbIndex ?? true });
    if (typeof to !== 'function' && typeof to !== 'string') {
      throw new TypeError('ForeignKey needs a target thunk: new ForeignKey(() => Target, { onDelete })');
    }
    this.target = to;
    this.onDelete = options.onDelete;
    this.relationOptions = options;
  }

  override contribute(model: ModelClass, name: string): void {
    super.contribute(model, name);
    if (!this.onDelete) throw new TypeError(`${this.label}: a ${this.internalType} needs an onDelete rule (CASCADE, SET_NULL, ...).`);
    this.attname = `${name}Id`;
    this.column = this.options.dbColumn ?? `${this.column}_id`;
  }

  get relatedModel(): M & ModelClass {
    if (!this.resolvedTarget) {
      const target = resolveTarget(this.target, this.model);
      if (typeof target !== 'function' || !('fields' in target)) {
        throw new TypeError(`${this.label}: the relation thunk did not return a model class.`);
      }
      this.resolvedTarget = target;
    }
    return this.resolvedTarget as M & ModelClass;
  }

  /** The field on the target that the key holds. */
  get targetField(): Field {
    const meta = this.relatedModel._meta;
    return this.relationOptions.toField ? meta.getField(this.relationOptions.toField) : meta.pk;
  }

  get dbType(): string {
    const target = this.targetField;
    return target.autoIncrement ? 'integer' : (target.dbType ?? 'integer');
  }

  override get needsSafeIntegers(): boolean {
    return this.targetField.needsSafeIntegers;
  }

  get relatedName(): string | undefined {
    return this.relationOptions.relatedName;
  }

  /** The reverse accessor on the target (`pizzaSet`, or `pizza` for one-to-one), or null when hidden by `'+'`. */
  get accessorName(): string | null {
    const relatedName = this.relationOptions.relatedName;
    if (relatedName?.endsWith('+')) return null;
    return relatedName ?? (this.oneToOne ? lowerFirst(this.model.name) : `${lowerFirst(this.model.name)}Set`);
  }

  /** The name reverse lookups use from the target (`Box.objects.filter({ pizza__name: ... })`). */
  get relatedQueryName(): string {
    return this.relationOptions.relatedQueryName ?? this.relationOptions.relatedName ?? lowerFirst(this.model.name);
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
}

export class OneToOneField<M = ModelClass, N extends boolean = false> extends ForeignKey<M, N> {
  override readonly internalType = 'OneToOneField';
  override readonly oneToOne = true;
  constructor(to: ModelThunk<M> | string, options: ForeignKeyOptions<N> = {} as ForeignKeyOptions<N>) {
    super(to, { ...options, unique: true });
  }
}

export interface ManyToManyOptions {
  /** An explicit intermediate model with foreign keys to both sides (and extra columns); a thunk or a label. */
  through?: ModelThunk<object> | string;
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
  readonly dbType = null;
  override readonly isRelation = true;
  override readonly manyToMany = true;
  readonly m2mOptions: ManyToManyOptions;
  /** The target as declared: a thunk, or the label of a model of the same registry. */
  readonly target: ModelThunk<M> | string;
  private resolvedTarget: M | null = null;

  constructor(to: ModelThunk<M> | string, options: ManyToManyOptions = {}) {
    super({ blank: options.blank });
    if (typeof to !== 'function' && typeof to !== 'string') {
      throw new TypeError('ManyToManyField needs a target thunk: new ManyToManyField(() => Target)');
    }
    this.target = to;
    this.m2mOptions = options;
  }

  override contribute(model: ModelClass, name: string): void {
    super.contribute(model, name);
    this.column = '';
  }

  get relatedModel(): M & ModelClass {
    this.resolvedTarget ??= resolveTarget(this.target, this.model);
    return this.resolvedTarget as M & ModelClass;
  }

  get isSelfReferential(): boolean {
    return this.relatedModel === (this.model as unknown);
  }

  get symmetrical(): boolean {
    return this.m2mOptions.symmetrical ?? this.isSelfReferential;
  }

  get accessorName(): string | null {
    if (this.symmetrical) return null;
    const relatedName = this.m2mOptions.relatedName;
    if (relatedName?.endsWith('+')) return null;
    return relatedName ?? `${lowerFirst(this.model.name)}Set`;
  }

  get relatedQueryName(): string {
    return this.m2mOptions.relatedQueryName ?? this.m2mOptions.relatedName ?? lowerFirst(this.model.name);
  }

  get throughThunk(): ModelThunk | undefined {
    const through = this.m2mOptions.through;
    if (through === undefined) return undefined;
    return () => resolveTarget(through, this.model) as ModelClass;
  }
}

/** A relation's target: the thunk's model, or the model registered under the label in the declaring model's registry. */
function resolveTarget<M>(target: ModelThunk<M> | string, model: ModelClass): M {
  return typeof target === 'string' ? (model._meta.apps.getModel(target) as M) : target();
}

export function describeInstance(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') {
    const ctor = (value as object).constructor;
    const pk = (value as Partial<Model>).pk;
    return pk !== undefined ? `${ctor?.name ?? 'object'}(pk=${String(pk)})` : `a ${ctor?.name ?? 'plain'} object`;
  }
  return `${typeof value} ${JSON.stringify(value)}`;
}
