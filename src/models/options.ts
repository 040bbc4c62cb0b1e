import { FieldError, ImproperlyConfigured } from '../errors';
import { concreteAncestor, freshState, isConcreteModel, Model } from './base';
import { CASCADE } from './deletion-rules';
import { Field, lowerFirst, toSnakeCase } from './fields/base';
import { ForeignKey, ManyToManyField, OneToOneField } from './fields/related';
import { AutoField } from './fields/scalar';
import { projectApps, type Apps } from './registry';
import type { ModelClass } from './types';

export interface IndexSpec {
  fields: readonly string[];
  name?: string;
  unique?: boolean;
}

/** `static meta` of a model. */
export interface ModelMeta {
  dbTable?: string;
  /** Registry key; default: the class name. */
  label?: string;
  ordering?: readonly string[];
  uniqueTogether?: ReadonlyArray<readonly string[]>;
  indexes?: ReadonlyArray<IndexSpec | readonly string[]>;
  /** An abstract model has no table; concrete subclasses inherit its fields and its meta (never `abstract`). */
  abstract?: boolean;
  /** A proxy model shares its concrete parent's table and fields; it has its own class, ordering and methods. */
  proxy?: boolean;
  verboseName?: string;
  /** Default field(s) for latest() / earliest(). */
  getLatestBy?: string | readonly string[];
  /** Set on the intermediate models that ManyToManyField creates. */
  autoCreated?: boolean;
  /** The registry the model belongs to; default: the project's. Migrations render historical models into their own. */
  apps?: Apps;
}

/** A relation seen from its target: `Box` sees `Pizza.box` as the reverse relation `pizzaSet` / `pizza`. */
export interface ReverseRelation {
  /** The forward field (on `relatedModel`) that points here. */
  field: ForeignKey | ManyToManyField;
  /** The model that declares the forward field. */
  relatedModel: ModelClass;
  /** Instance attribute on this model, or null when hidden (`relatedName: '+'`). */
  accessorName: string | null;
  /** Lookup name on this model. */
  queryName: string;
  /** Many rows on the other side (reverse FK, M2M) rather than one (reverse one-to-one). */
  multiple: boolean;
}

/** The two foreign keys of a many-to-many intermediate model. */
export interface ThroughKeys {
  through: ModelClass;
  /** FK on `through` pointing at the model that declares the ManyToManyField. */
  source: ForeignKey;
  /** FK on `through` pointing at the target model. */
  target: ForeignKey;
}

/**
 * Everything the ORM derives from a model class: fields by name, columns, the primary key, relations in
 * both directions, ordering and constraints. Built once per class, on first use.
 */
export class Options {
  readonly label: string;
  /** The registry this model is part of; relations by label and reverse relations are looked up there. */
  readonly apps: Apps;
  /** `meta.verboseName`, else the label in words (`ModelToValidate` → `'model to validate'`), as Django. */
  readonly verboseName: string;
  readonly dbTable: string;
  readonly fields: Field[] = [];
  /** Fields with a column: a multi-table child lists its parents' before its own (their columns are in their tables: localConcreteFields). */
  readonly concreteFields: Field[] = [];
  readonly manyToMany: ManyToManyField[] = [];
  readonly foreignKeys: ForeignKey[] = [];
  readonly pk: Field;
  readonly ordering: readonly string[];
  readonly uniqueTogether: ReadonlyArray<readonly string[]>;
  readonly indexes: IndexSpec[];
  readonly autoCreated: boolean;
  readonly hasSafeIntegerColumns: boolean;
  private readonly byName = new Map<string, Field>();
  private reverseCache: { version: number; relations: ReverseRelation[] } | null = null;
  private readonly throughCache = new Map<ManyToManyField, ThroughKeys>();

  /** The model whose table holds this model's own columns: itself, or the concrete model a proxy stands for. */
  readonly concreteModel: ModelClass;
  readonly proxy: boolean;
  /** Multi-table inheritance: the concrete parent model and the one-to-one key (`placePtr`) that links to it. */
  readonly parentModel: ModelClass | null;
  readonly parentLink: ForeignKey | null;
  /** Fields with a column in this model's own table (`concreteFields` adds those of the parents' tables), primary key first. */
  readonly localConcreteFields: Field[] = [];
  readonly getLatestBy: string | readonly string[] | undefined;

  constructor(readonly model: ModelClass) {
    const parent = concreteAncestor(model);
    const own: ModelMeta = Object.prototype.hasOwnProperty.call(model, 'meta') ? (model.meta ?? {}) : {};
    const meta = inheritedMeta(model, own, parent);
    this.label = own.label ?? model.name;
    if (!this.label) throw new ImproperlyConfigured('A model class needs a name (or meta.label).');
    this.proxy = own.proxy ?? false;
    const parentMeta = parent ? parent._meta : null;
    this.apps = own.apps ?? parentMeta?.apps ?? projectApps;
    this.verboseName = own.verboseName ?? toSnakeCase(this.label).replace(/_+/g, ' ');
    this.autoCreated = own.autoCreated ?? false;
    this.ordering = meta.ordering ?? [];
    this.getLatestBy = meta.getLatestBy;
    this.hasSafeIntegerColumns = false;
    const declared = collectFields(model);
    if (this.proxy) {
      if (!parentMeta) throw new ImproperlyConfigured(`Proxy model '${this.label}' has no concrete model base class to stand for.`);
      if (Object.keys(declared).length) {
        throw new ImproperlyConfigured(`Proxy model '${this.label}' declares fields (${Object.keys(declared).join(', ')}); a proxy shares the fields of ${parentMeta.label}.`);
      }
      this.concreteModel = parentMeta.concreteModel;
      this.dbTable = parentMeta.dbTable;
      this.pk = parentMeta.pk;
      this.parentModel = parentMeta.parentModel;
      this.parentLink = parentMeta.parentLink;
      this.uniqueTogether = parentMeta.uniqueTogether;
      this.indexes = [];
      this.fields.push(...parentMeta.fields);
      this.concreteFields.push(...parentMeta.concreteFields);
      this.localConcreteFields.push(...parentMeta.localConcreteFields);
      this.manyToMany.push(...parentMeta.manyToMany);
      this.foreignKeys.push(...parentMeta.foreignKeys);
      for (const field of this.fields) this.index(field);
      this.apps.register(model, this.label);
      return;
    }
    this.concreteModel = model;
    this.dbTable = own.dbTable ?? toSnakeCase(this.label);
    this.uniqueTogether = meta.uniqueTogether ?? [];
    this.indexes = (meta.indexes ?? []).map((spec) => (isIndexSpec(spec) ? spec : { fields: spec }));

    for (const [name, field] of Object.entries(declared)) {
      if (!(field instanceof Field)) {
        throw new ImproperlyConfigured(`${this.label}.${name} is not a field instance (did you forget 'new'?).`);
      }
      if (field.model && field.model !== model) {
        throw new ImproperlyConfigured(`${this.label}.${name}: a field instance cannot be shared by two models.`);
      }
      const clash = parentMeta?.findField(name);
      if (clash && clash.name === name) {
        throw new ImproperlyConfigured(`${this.label}.${name} clashes with the field '${name}' it inherits from ${clash.model.name}; a multi-table child cannot override its parent's fields.`);
      }
    }
    const all: Array<[string, Field]> = Object.entries(declared);
    this.parentModel = parent;
    this.parentLink = parent ? parentLinkOf(this.label, parent, all) : null;
    let pk = all.find(([, field]) => field.primaryKey)?.[1];
    if (!pk) {
      if ('id' in declared && !parent) throw new ImproperlyConfigured(`${this.label}.id is declared but is not a primary key; set primaryKey: true.`);
      pk = new AutoField();
      all.unshift(['id', pk]);
    }
    if (all.filter(([, field]) => field.primaryKey).length > 1) {
      throw new ImproperlyConfigured(`${this.label} declares more than one primary key.`);
    }
    this.pk = pk;
    if (parentMeta) {
      // As Django: a child has its parents' fields first, then its own; they stay the parents' fields (their `model`).
      this.fields.push(...parentMeta.fields);
      this.concreteFields.push(...parentMeta.concreteFields);
      this.manyToMany.push(...parentMeta.manyToMany);
      this.foreignKeys.push(...parentMeta.foreignKeys);
      for (const field of parentMeta.fields) this.index(field);
    }
    for (const [name, field] of all) {
      if (name === 'pk' || name.includes('__')) {
        throw new ImproperlyConfigured(`${this.label}: '${name}' cannot be a field name ('pk' is reserved and names cannot contain '__').`);
      }
      field.contribute(model, name);
      this.fields.push(field);
      this.index(field);
      if (field instanceof ManyToManyField) this.manyToMany.push(field);
      else this.localConcreteFields.push(field);
      if (field instanceof ForeignKey) this.foreignKeys.push(field);
    }
    this.localConcreteFields.sort((a, b) => (a === pk ? -1 : b === pk ? 1 : 0));
    this.concreteFields.push(...this.localConcreteFields);
    this.apps.register(model, this.label);
  }

  private index(field: Field): void {
    this.byName.set(field.name, field);
    if (field.attname !== field.name) this.byName.set(field.attname, field);
  }

  /** The part of an instance of a multi-table child that is this (parent) model's row, as an instance of this model. */
  asInstance(child: Model): Model {
    const instance = Object.create(this.model.prototype) as Model;
    instance._state = freshState(false);
    const source = child as unknown as Record<string, unknown>;
    const target = instance as unknown as Record<string, unknown>;
    for (const field of this.concreteFields) target[field.attname] = source[field.attname];
    return instance;
  }

  /** The concrete models whose tables hold this model's rows, from the root of its multi-table chain down to its own. */
  get tableChain(): ModelClass[] {
    const chain: ModelClass[] = [];
    for (let meta: Options | null = this.concreteModel._meta; meta; meta = meta.parentModel?._meta ?? null) chain.unshift(meta.model);
    return chain;
  }

  /** The field by name or attname (`box` or `boxId`), or by `pk`. */
  findField(name: string): Field | undefined {
    return name === 'pk' ? this.pk : this.byName.get(name);
  }

  /** Like findField, but an unknown name is a FieldError listing the choices. */
  getField(name: string): Field {
    const field = this.findField(name);
    if (!field) {
      throw new FieldError(`${this.label} has no field named '${name}'. Choices are: ${this.fieldNames().join(', ')}.`);
    }
    return field;
  }

  /** The names usable in lookups: fields, `pk`, and reverse query names. */
  fieldNames(): string[] {
    const names = this.fields.map((field) => field.name);
    for (const relation of this.inheritedReverseRelations()) if (!relation.queryName.endsWith('+')) names.push(relation.queryName);
    return [...new Set(names)].sort();
  }

  /** Relations that other models (including auto-created M2M tables) declare towards this one. */
  reverseRelations(): ReverseRelation[] {
    if (this.proxy) return this.concreteModel._meta.reverseRelations();
    const version = this.apps.version;
    if (this.reverseCache?.version === version) return this.reverseCache.relations;
    const relations: ReverseRelation[] = [];
    for (const other of this.apps.allModels()) {
      const meta = other._meta;
      // A proxy repeats its concrete model's fields, and a child its parents': each relation is counted where it is declared.
      if (meta.proxy) continue;
      for (const field of meta.foreignKeys) {
        // A key to a proxy is a key to its concrete model's rows (the link of a multi-table child of a proxy, too).
        if (field.model !== other || (field.relatedModel !== this.model && field.relatedModel._meta.concreteModel !== this.model)) continue;
        relations.push({
          field,
          relatedModel: other,
          accessorName: meta.autoCreated ? null : field.accessorName,
          queryName: meta.autoCreated ? `${meta.label}+` : field.relatedQueryName,
          multiple: !field.oneToOne,
        });
      }
      for (const field of meta.manyToMany) {
        if (field.relatedModel !== this.model || field.symmetrical || field.model !== other) continue;
        relations.push({
          field,
          relatedModel: other,
          accessorName: field.accessorName,
          queryName: field.relatedQueryName,
          multiple: true,
        });
      }
    }
    if (this.reverseCache?.version !== this.apps.version) this.reverseCache = { version: this.apps.version, relations };
    return relations;
  }

  /**
   * A reverse relation by query name, this model's own or one it inherits from a multi-table parent. As in
   * Django, a parent's links to its other children are not inherited (a Restaurant has no `supplier`).
   */
  findReverseRelation(queryName: string): ReverseRelation | undefined {
    return this.inheritedReverseRelations().find((relation) => relation.queryName === queryName);
  }

  /** This model's reverse relations, then those of its multi-table parents but their links to their other children. */
  inheritedReverseRelations(): ReverseRelation[] {
    const own = this.reverseRelations();
    const parent = this.parentModel?._meta;
    if (!parent) return own;
    return [...own, ...parent.inheritedReverseRelations().filter((relation) => !isParentLink(relation.field))];
  }

  /** The intermediate model of a many-to-many field declared on this model, with its two keys. */
  through(field: ManyToManyField): ThroughKeys {
    // An inherited many-to-many keeps the intermediate table of the model that declares it.
    if (field.model !== this.model) return field.model._meta.through(field);
    let keys = this.throughCache.get(field);
    if (!keys) {
      const through = field.throughThunk ? field.throughThunk() : createThroughModel(this.model, field);
      keys = throughKeys(field, through);
      this.throughCache.set(field, keys);
    }
    return keys;
  }

  /** Touches every relation target, so their models register and reverse relations are complete. */
  resolveRelations(): void {
    for (const field of this.foreignKeys) void field.relatedModel._meta;
    for (const field of this.manyToMany) {
      void field.relatedModel._meta;
      void this.through(field).through._meta;
    }
  }
}

function isParentLink(field: Field): boolean {
  return field instanceof ForeignKey && Boolean(field.relationOptions.parentLink);
}

function isIndexSpec(spec: IndexSpec | readonly string[]): spec is IndexSpec {
  return !Array.isArray(spec);
}

/** Abstract classes between `model` and its concrete parent (or Model), nearest first: they lend their fields and meta. */
function abstractAncestors(model: ModelClass): ModelClass[] {
  const ancestors: ModelClass[] = [];
  for (let cls = Object.getPrototypeOf(model); cls && cls !== Model && cls.prototype && !isConcreteModel(cls); cls = Object.getPrototypeOf(cls)) {
    if (Object.prototype.hasOwnProperty.call(cls, 'meta') && cls.meta?.abstract) ancestors.push(cls as ModelClass);
  }
  return ancestors;
}

/** Meta options that pass from abstract bases to their children, key by key (a child's own value wins). */
const FROM_ABSTRACT = ['ordering', 'getLatestBy', 'uniqueTogether', 'indexes'] as const;
/** Those that pass from a concrete parent to a multi-table child or a proxy, as in Django. */
const FROM_CONCRETE = ['ordering', 'getLatestBy'] as const;

/**
 * `meta` with what the model inherits: Django copies an abstract base's Meta into its children (never
 * `abstract` itself), and a concrete parent's ordering and getLatestBy into a child that sets none.
 */
function inheritedMeta(model: ModelClass, own: ModelMeta, parent: ModelClass | null): ModelMeta {
  const meta: Record<string, unknown> = { ...own };
  for (const base of abstractAncestors(model)) {
    for (const key of FROM_ABSTRACT) if (meta[key] === undefined && base.meta?.[key] !== undefined) meta[key] = base.meta[key];
  }
  if (parent) {
    const parentMeta = parent._meta;
    const inherited = { ordering: parentMeta.ordering.length ? parentMeta.ordering : undefined, getLatestBy: parentMeta.getLatestBy };
    for (const key of FROM_CONCRETE) if (meta[key] === undefined && inherited[key] !== undefined) meta[key] = inherited[key];
  }
  return meta as ModelMeta;
}

/**
 * The one-to-one from a multi-table child to its parent: a declared `parentLink: true` field, else an automatic
 * `<parent>Ptr` (column `<parent>_ptr_id`), the child's primary key, cascading as Django's.
 */
function parentLinkOf(label: string, parent: ModelClass, fields: Array<[string, Field]>): ForeignKey {
  const declared = fields.filter(([, field]) => field instanceof OneToOneField && field.relationOptions.parentLink);
  if (declared.length > 1) throw new ImproperlyConfigured(`${label} declares more than one parentLink field (${declared.map(([name]) => name).join(', ')}).`);
  if (declared.length) {
    const [name, field] = declared[0]! as [string, OneToOneField];
    if (field.relatedModel !== parent) {
      throw new ImproperlyConfigured(`${label}.${name}: a parentLink must point at the parent model ${parent.name}, not ${field.relatedModel.name}.`);
    }
    if (!field.primaryKey && !fields.some(([, other]) => other.primaryKey)) {
      throw new ImproperlyConfigured(`${label}.${name}: the parentLink of a model without another primary key must be its primary key; set primaryKey: true.`);
    }
    return field;
  }
  const name = `${lowerFirst(parent.name)}Ptr`;
  if (fields.some(([other]) => other === name)) {
    throw new ImproperlyConfigured(`${label}.${name} clashes with the automatic link to its parent ${parent.name}; declare it with parentLink: true, or rename it.`);
  }
  const link = new OneToOneField(() => parent, { onDelete: CASCADE, primaryKey: true, parentLink: true });
  fields.unshift([name, link]);
  return link;
}

/**
 * Own fields, after the fields of abstract ancestors (up to the concrete parent, whose fields are its own).
 * A child may override an abstract base's field, or remove it by naming it with `null` (as Django's `= None`).
 */
function collectFields(model: ModelClass): Record<string, Field> {
  const chain = [...abstractAncestors(model).reverse(), model];
  const fields: Record<string, Field> = {};
  for (const cls of chain) {
    if (!Object.prototype.hasOwnProperty.call(cls, 'fields')) continue;
    const isAncestor = cls !== model;
    for (const [name, field] of Object.entries(cls.fields as Record<string, Field | null>)) {
      if (field === null) delete fields[name];
      else fields[name] = isAncestor ? cloneField(field) : field;
    }
  }
  return fields;
}

/** Fields of an abstract parent are copied per concrete child, since a field instance belongs to one model. */
function cloneField(field: Field): Field {
  return { __proto__: Object.getPrototypeOf(field), ...field, model: undefined } as unknown as Field;
}

function createThroughModel(source: ModelClass, field: ManyToManyField): ModelClass {
  const target = field.relatedModel;
  const self = field.isSelfReferential;
  const fromName = self ? `from${source.name}` : lowerFirst(source.name);
  const toName = self ? `to${target.name}` : lowerFirst(target.name);
  const label = `${source._meta.label}_${field.name}`;
  const through = {
    [label]: class extends Model {
      static override fields = {
        [fromName]: new ForeignKey(() => source, { onDelete: CASCADE, relatedName: `${label}+` }),
        [toName]: new ForeignKey(() => target, { onDelete: CASCADE, relatedName: `${label}+` }),
      };
      static override meta: ModelMeta = {
        label,
        dbTable: field.m2mOptions.dbTable ?? `${source._meta.dbTable}_${toSnakeCase(field.name)}`,
        uniqueTogether: [[fromName, toName]],
        autoCreated: true,
        apps: source._meta.apps,
      };
    },
  }[label] as ModelClass;
  void through._meta;
  return through;
}

/**
 * The two foreign keys of an intermediate model, by Django's rules: `throughFields` names them (source side
 * first); otherwise the intermediate model has exactly one key to each side, or, for a relation to the model
 * itself, exactly two keys to it (the first is the source). Anything ambiguous is refused.
 */
function throughKeys(field: ManyToManyField, through: ModelClass): ThroughKeys {
  const meta = through._meta;
  const source = field.model;
  const target = field.relatedModel;
  const selfReferential = source === target;
  if (field.m2mOptions.symmetrical && !selfReferential) {
    throw new ImproperlyConfigured(`${field.label}: symmetrical applies to a relation to the model itself ('self'); ${source.name} to ${target.name} is not one.`);
  }
  const names = field.m2mOptions.throughFields;
  if (names) {
    if (!Array.isArray(names) || names.length !== 2 || !names.every((name) => typeof name === 'string')) {
      throw new ImproperlyConfigured(`${field.label}: throughFields is a pair of field names of ${meta.label}: [key to ${source.name}, key to ${target.name}].`);
    }
    const named = (name: string, model: ModelClass): ForeignKey => {
      const fk = meta.findField(name);
      if (!fk) throw new ImproperlyConfigured(`${field.label}: throughFields names '${name}', but ${meta.label} has no such field. Fields: ${meta.fields.map((f) => f.name).join(', ')}.`);
      if (!(fk instanceof ForeignKey) || fk.relatedModel !== model) {
        throw new ImproperlyConfigured(`${field.label}: throughFields '${name}' must be a foreign key from ${meta.label} to ${model.name}.`);
      }
      return fk;
    };
    return { through, source: named(names[0]!, source), target: named(names[1]!, target) };
  }
  const pointingAt = (model: ModelClass) => meta.foreignKeys.filter((fk) => fk.relatedModel === model);
  const keyNames = (keys: ForeignKey[]) => keys.map((fk) => fk.name).join(', ');
  const hint = `name the keys to use with throughFields: [key to ${source.name}, key to ${target.name}]`;
  if (selfReferential) {
    const keys = pointingAt(source);
    if (keys.length === 2) return { through, source: keys[0]!, target: keys[1]! };
    throw new ImproperlyConfigured(
      keys.length > 2
        ? `${field.label}: the intermediate model ${meta.label} has more than two foreign keys to ${source.name} (${keyNames(keys)}), which is ambiguous; ${hint}.`
        : `${field.label}: the intermediate model ${meta.label} needs two foreign keys to ${source.name}; it has ${keys.length}.`,
    );
  }
  const only = (model: ModelClass, direction: string): ForeignKey => {
    const keys = pointingAt(model);
    if (keys.length === 1) return keys[0]!;
    throw new ImproperlyConfigured(
      keys.length
        ? `${field.label}: the intermediate model ${meta.label} has more than one foreign key ${direction} ${model.name} (${keyNames(keys)}), which is ambiguous; ${hint}.`
        : `${field.label}: the intermediate model ${meta.label} has no foreign key to ${model.name}.`,
    );
  };
  return { through, source: only(source, 'from'), target: only(target, 'to') };
}
