import { FieldError, ImproperlyConfigured } from '../errors';
import { Model } from './base';
import { CASCADE } from './deletion-rules';
import { Field, lowerFirst, toSnakeCase } from './fields/base';
import { ForeignKey, ManyToManyField } from './fields/related';
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
  /** An abstract model has no table; concrete subclasses inherit its fields. */
  abstract?: boolean;
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
  /** Fields stored in columns of this table, primary key first. */
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

  constructor(readonly model: ModelClass) {
    const meta: ModelMeta = Object.prototype.hasOwnProperty.call(model, 'meta') ? (model.meta ?? {}) : {};
    this.label = meta.label ?? model.name;
    if (!this.label) throw new ImproperlyConfigured('A model class needs a name (or meta.label).');
    this.apps = meta.apps ?? projectApps;
    this.dbTable = meta.dbTable ?? toSnakeCase(this.label);
    this.verboseName = meta.verboseName ?? toSnakeCase(this.label).replace(/_+/g, ' ');
    this.autoCreated = meta.autoCreated ?? false;
    this.ordering = meta.ordering ?? [];
    this.uniqueTogether = meta.uniqueTogether ?? [];
    this.indexes = (meta.indexes ?? []).map((spec) => (isIndexSpec(spec) ? spec : { fields: spec }));

    const declared = collectFields(model);
    for (const [name, field] of Object.entries(declared)) {
      if (!(field instanceof Field)) {
        throw new ImproperlyConfigured(`${this.label}.${name} is not a field instance (did you forget 'new'?).`);
      }
      if (field.model && field.model !== model) {
        throw new ImproperlyConfigured(`${this.label}.${name}: a field instance cannot be shared by two models.`);
      }
    }
    let pk = Object.values(declared).find((field) => field.primaryKey);
    const all: Array<[string, Field]> = Object.entries(declared);
    if (!pk) {
      if ('id' in declared) throw new ImproperlyConfigured(`${this.label}.id is declared but is not a primary key; set primaryKey: true.`);
      pk = new AutoField();
      all.unshift(['id', pk]);
    }
    if (Object.values(declared).filter((field) => field.primaryKey).length > 1) {
      throw new ImproperlyConfigured(`${this.label} declares more than one primary key.`);
    }
    this.pk = pk;
    for (const [name, field] of all) {
      if (name === 'pk' || name.includes('__')) {
        throw new ImproperlyConfigured(`${this.label}: '${name}' cannot be a field name ('pk' is reserved and names cannot contain '__').`);
      }
      field.contribute(model, name);
      this.fields.push(field);
      this.byName.set(name, field);
      if (field.attname !== name) this.byName.set(field.attname, field);
      if (field instanceof ManyToManyField) this.manyToMany.push(field);
      else this.concreteFields.push(field);
      if (field instanceof ForeignKey) this.foreignKeys.push(field);
    }
    this.concreteFields.sort((a, b) => (a === pk ? -1 : b === pk ? 1 : 0));
    this.hasSafeIntegerColumns = false;
    this.apps.register(model, this.label);
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
    for (const relation of this.reverseRelations()) if (!relation.queryName.endsWith('+')) names.push(relation.queryName);
    return [...new Set(names)].sort();
  }

  /** Relations that other models (including auto-created M2M tables) declare towards this one. */
  reverseRelations(): ReverseRelation[] {
    const version = this.apps.version;
    if (this.reverseCache?.version === version) return this.reverseCache.relations;
    const relations: ReverseRelation[] = [];
    for (const other of this.apps.allModels()) {
      const meta = other._meta;
      for (const field of meta.foreignKeys) {
        if (field.relatedModel !== this.model) continue;
        relations.push({
          field,
          relatedModel: other,
          accessorName: meta.autoCreated ? null : field.accessorName,
          queryName: meta.autoCreated ? `${meta.label}+` : field.relatedQueryName,
          multiple: !field.oneToOne,
        });
      }
      for (const field of meta.manyToMany) {
        if (field.relatedModel !== this.model || field.symmetrical) continue;
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

  findReverseRelation(queryName: string): ReverseRelation | undefined {
    return this.reverseRelations().find((relation) => relation.queryName === queryName);
  }

  /** The intermediate model of a many-to-many field declared on this model, with its two keys. */
  through(field: ManyToManyField): ThroughKeys {
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

function isIndexSpec(spec: IndexSpec | readonly string[]): spec is IndexSpec {
  return !Array.isArray(spec);
}

/** Own fields, after the fields of abstract ancestors. */
function collectFields(model: ModelClass): Record<string, Field> {
  const chain: ModelClass[] = [];
  for (let cls: any = model; cls && cls.prototype; cls = Object.getPrototypeOf(cls)) chain.unshift(cls);
  const fields: Record<string, Field> = {};
  for (const cls of chain) {
    if (!Object.prototype.hasOwnProperty.call(cls, 'fields')) continue;
    const isAncestor = cls !== model;
    if (isAncestor && !(Object.prototype.hasOwnProperty.call(cls, 'meta') && cls.meta?.abstract)) continue;
    for (const [name, field] of Object.entries(cls.fields as Record<string, Field>)) {
      fields[name] = isAncestor ? cloneField(field) : field;
    }
  }
  return fields;
}

/** Fields of an abstract parent are copied per concrete child, since a field instance belongs to one model. */
function cloneField(field: Field): Field {
  return Object.assign(Object.create(Object.getPrototypeOf(field)), field, { model: undefined });
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
