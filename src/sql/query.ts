import { FieldError, NotSupportedError, ValidationError } from '../errors';
import type { Model } from '../models/base';
import type { Field } from '../models/fields/base';
import type { ForeignKey, ManyToManyField } from '../models/fields/related';
import type { Options, ReverseRelation } from '../models/options';
import type { ModelClass } from '../models/types';
import { describeInstance, FieldValueError } from '../values';
import {
  AnnotationRef,
  Col,
  Expression,
  KeyTransform,
  OrderBy,
  OuterRefExpression,
  Transform,
  toSqlValue,
  type QueryProvider,
  type TransformClass,
} from './expressions';
import { ExactLookup, InLookup } from './lookups/builtin';
import type { LookupClass, LookupContext } from './lookups/lookup';
import { classLookups, findLookup, findTransform } from './lookups/registry';
import { outputFields } from './output-fields';
import type { CompiledSql } from './sql-text';
import { andWhere, emptyWhere, mapWhere, QNode, type Condition, type WhereNode } from './where';

/** A table joined into the query. `t0` is the model's own table. */
export interface Join {
  alias: string;
  table: string;
  model: ModelClass;
  parentAlias: string;
  /** `parent.parentColumn = alias.column` */
  parentColumn: string;
  column: string;
  type: 'INNER' | 'LEFT';
  /** Crosses a to-many relation (reverse FK or M2M), so rows may repeat. */
  multiValued: boolean;
  /** Identifies the relation step, for reuse: parent alias plus relation. */
  key: string;
}

export interface Annotation {
  expression: Expression;
  /** `alias()` annotations are usable in filters and ordering but not selected. */
  selected: boolean;
}

export type ResultShape =
  | { kind: 'models' }
  | { kind: 'values'; names: string[] }
  | { kind: 'valuesList'; names: string[]; flat: boolean; named: boolean };

export interface Combinator {
  operator: 'UNION' | 'INTERSECT' | 'EXCEPT';
  all: boolean;
  queries: Query[];
}

/** selectForUpdate(): the rows a SELECT locks, and how (`of`: 'self' and selectRelated paths). */
export interface RowLock {
  nowait: boolean;
  skipLocked: boolean;
  noKey: boolean;
  of: readonly string[];
}

/** selectRelated paths as a tree: `{ box: {}, price: { currency: {} } }`. */
export type RelatedTree = { [name: string]: RelatedTree };

/** The left-hand side of a filter key after fields, joins and transforms are resolved. */
interface ResolvedKey {
  lhs: Expression;
  field: Field | null;
  /** The model whose instances are accepted as values (relations compared by key). */
  relatedModel: ModelClass | null;
  relatedKeyField: Field | null;
  lookup: LookupClass;
  nullable: boolean;
  multiValued: boolean;
}

interface ResolveContext {
  /** Multi-valued joins made by this filter() call, which its other conditions may reuse; null: any join (see join()). */
  reusable: Set<string> | null;
  /** Negated (exclude / ~Q): multi-valued conditions become subqueries, as Django's split_exclude. */
  negated: boolean;
}

/**
 * The query AST: a plain description of one SELECT, built immutably by QuerySet (every change happens
 * on a clone) and walked by the compiler. Filters are resolved when added, so unknown fields fail early.
 */
/** Turns a query into its SELECT; set by the compiler module, which depends on this one. */
let selectCompiler: ((query: Query) => CompiledSql) | null = null;

export function registerSelectCompiler(compile: (query: Query) => CompiledSql): void {
  selectCompiler = compile;
}

export class Query {
  readonly meta: Options;
  aliasPrefix = 't';
  joins: Join[] = [];
  where: WhereNode = emptyWhere();
  annotations = new Map<string, Annotation>();
  /** null: the model's default ordering. */
  ordering: Array<string | OrderBy> | null = null;
  orderingReversed = false;
  distinct = false;
  /** `distinct('name', ...)`: one row per distinct value of these (DISTINCT ON, where the backend has it). */
  distinctFields: readonly string[] = [];
  low = 0;
  high: number | null = null;
  shape: ResultShape = { kind: 'models' };
  /** values() names in force when an aggregate was annotated: they stay the GROUP BY when a later values() narrows the output (Django). */
  groupBy: string[] | null = null;
  /** true: follow every non-null FK; a tree: those paths. */
  selectRelated: RelatedTree | true | null = null;
  deferred: Set<string> | null = null;
  only: Set<string> | null = null;
  combinator: Combinator | null = null;
  /** selectForUpdate(): FOR UPDATE on the outermost SELECT. */
  lock: RowLock | null = null;
  empty = false;
  /** Set on subqueries, so OuterRef resolves against the enclosing query. */
  outerQuery: Query | null = null;
  /**
   * Multi-valued joins that the filter() chained next may reuse, as if its conditions were written in the same
   * call: a related manager's own condition (Django's `_next_is_sticky()`), so `club.members.filter(
   * clubmembership__inviteReason: 'x')` speaks of this club's membership rows. Lasts for one chained step.
   */
  stickyJoins: ReadonlySet<string> | null = null;
  private joinsStuckByParent: ReadonlySet<string> | null = null;

  constructor(readonly model: ModelClass) {
    this.meta = model._meta;
  }

  /** Django's `str(qs.query)`: the SELECT with its parameters written in as SQL literals. */
  toString(): string {
    return String(selectCompiler!(this));
  }

  get baseAlias(): string {
    return `${this.aliasPrefix}0`;
  }

  clone(): Query {
    // A literal, not Object.assign() onto Object.create(): an object given this many properties one by one
    // turns into a slow dictionary-mode object in V8, which made every clone (and every property read the
    // compiler makes) about fifteen times slower.
    const copy = { __proto__: Query.prototype, ...this } as unknown as Query;
    copy.joins = [...this.joins];
    copy.annotations = new Map(this.annotations);
    copy.ordering = this.ordering && [...this.ordering];
    copy.deferred = this.deferred && new Set(this.deferred);
    copy.only = this.only && new Set(this.only);
    copy.joinsStuckByParent = this.stickyJoins;
    copy.stickyJoins = null;
    return copy;
  }

  get isSliced(): boolean {
    return this.low !== 0 || this.high !== null;
  }

  // ------------------------------------------------------------------ filters

  /** Adds `filter(...)` / `exclude(...)` arguments (lookup objects and Q trees) to the WHERE tree. */
  addFilter(args: unknown[], negate: boolean, call: string): void {
    const node = this.buildFilterNodeFromArgs(args, negate, call);
    if (node.children.length) this.where = andWhere(this.where, node);
  }

  /** A condition inside an expression (an aggregate's `filter`): it reuses the query's joins, as references do. */
  buildFilterNode(spec: unknown, call: string): WhereNode {
    return this.buildFilterNodeFromArgs([spec], false, call, null);
  }

  private buildFilterNodeFromArgs(args: unknown[], negate: boolean, call: string, reusable: Set<string> | null = new Set(this.joinsStuckByParent)): WhereNode {
    const context: ResolveContext = { reusable, negated: negate };
    const children: Array<WhereNode | Condition> = [];
    for (const arg of args) {
      if (arg === undefined) continue;
      if (arg instanceof Expression) {
        children.push(this.booleanCondition(arg, call));
        continue;
      }
      const q = arg instanceof QNode ? arg : plainLookups(arg, call);
      const node = this.resolveQ(q, context, call);
      if (node.children.length) children.push(node);
    }
    const node: WhereNode = { kind: 'node', connector: 'AND', negated: negate, children };
    return children.length === 1 && !negate && children[0]!.kind === 'node' ? children[0] : node;
  }

  /** A boolean expression used as a filter on its own: `filter(Exists(...))`. */
  private booleanCondition(expression: Expression, call: string): Condition {
    const resolved = expression.resolve(this);
    if (resolved.outputField()?.internalType !== 'BooleanField') {
      throw new TypeError(`${call}: only a boolean expression (such as Exists(...)) can be a filter on its own.`);
    }
    return new ExactLookup(resolved, 1, false);
  }

  private resolveQ(q: QNode, context: ResolveContext, call: string): WhereNode {
    const negated = context.negated !== q.negated;
    const inner: ResolveContext = { reusable: context.reusable, negated };
    const children: Array<WhereNode | Condition> = [];
    for (const child of q.children) {
      if (child instanceof QNode) {
        const node = this.resolveQ(child, inner, call);
        if (node.children.length) children.push(node);
      } else {
        children.push(this.resolveCondition(child[0], child[1], inner, call));
      }
    }
    return { kind: 'node', connector: q.connector, negated: q.negated, children };
  }

  private resolveCondition(key: string, value: unknown, context: ResolveContext, call: string): WhereNode | Condition {
    if (context.negated && this.pathIsMultiValued(key)) return this.splitExclude(key, value, call);
    const resolved = this.resolveKey(key, context.reusable, call);
    return this.buildCondition(resolved, key, value, call);
  }

  /**
   * `exclude(toppings__name: 'x')` means "no topping named x", not "some topping not named x":
   * the condition becomes `pk IN (SELECT pk ... WHERE toppings__name = 'x')`, negated by the caller.
   */
  private splitExclude(key: string, value: unknown, call: string): Condition {
    const inner = new Query(this.model);
    inner.aliasPrefix = this.nextPrefix();
    inner.outerQuery = this.outerQuery;
    inner.addFilter([{ [key]: value }], false, call);
    inner.shape = { kind: 'values', names: ['pk'] };
    return new InLookup(new Col(this.baseAlias, this.meta.pk), inner, false);
  }

  private pathIsMultiValued(key: string): boolean {
    let meta = this.meta;
    for (const name of key.split('__')) {
      const field = meta.findField(name);
      if (field?.manyToMany) return true;
      const foreignKey = asForeignKey(field);
      if (foreignKey && name === foreignKey.name) {
        meta = foreignKey.relatedModel._meta;
        continue;
      }
      if (field) return false;
      const relation = meta.findReverseRelation(name);
      if (!relation) return false;
      if (relation.multiple) return true;
      meta = relation.relatedModel._meta;
    }
    return false;
  }

  private buildCondition(resolved: ResolvedKey, key: string, value: unknown, call: string): Condition {
    const fail = (message: string): never => {
      throw new ValidationError(`${call}: ${key}: ${message}`, { field: key });
    };
    // Read as IS NULL, an undefined would turn get({ id: user.id }) with a missing id into a silent DoesNotExist.
    if (value === undefined) fail('undefined is not a lookup value; pass null to match NULL, or leave the key out.');
    const context: LookupContext = {
      query: this,
      key,
      field: resolved.field,
      nullable: resolved.nullable,
      fail,
      prepare: (item) => this.prepareValue(resolved, item, key, call),
      isQueryset: isQueryProvider,
      subquery: (item) => this.subqueryFor((item as QueryProvider).query, resolved, key),
    };
    return resolved.lookup.build(resolved.lhs, value, context);
  }

  /** A value for comparison with the lhs: a related instance becomes its key, others go through the field. */
  private prepareValue(resolved: ResolvedKey, value: unknown, key: string, call: string): unknown {
    if (value instanceof Expression) return value.resolve(this);
    const { relatedModel, relatedKeyField, field } = resolved;
    if (relatedModel && isModelInstance(value)) {
      if (!(value instanceof relatedModel)) {
        throw new TypeError(`${call}: ${key} expects a ${relatedModel.name} instance or key; got ${describeInstance(value)}.`);
      }
      value = (value as unknown as Record<string, unknown>)[relatedKeyField!.attname];
      if (value === null || value === undefined) {
        throw new TypeError(`${call}: ${key}: the ${relatedModel.name} instance is unsaved and has no key.`);
      }
    } else if (isModelInstance(value)) {
      throw new TypeError(`${call}: ${key} compares against ${field?.internalType ?? 'a value'}, not a model instance (${describeInstance(value)}).`);
    }
    const target = relatedKeyField ?? field;
    try {
      if (value === null || value === undefined) return null;
      return target ? target.lookupValue(value) : toSqlValue(value, null);
    } catch (error) {
      if (error instanceof FieldValueError) {
        throw new ValidationError(`${call}: ${key}: ${error.message}`, { field: key });
      }
      throw error;
    }
  }

  private subqueryFor(inner: Query, resolved: ResolvedKey, key: string): Query {
    if (inner.shape.kind !== 'models' && inner.shape.names.length !== 1) {
      const names = inner.shape.names.length ? inner.shape.names.join(', ') : 'every field';
      throw new TypeError(`${key}: cannot use multi-field values as a filter value (the subquery selects ${names}); select one field, as values('pk').`);
    }
    const query = inner.resolveAsSubquery(this);
    if (query.shape.kind === 'models') {
      const expected = resolved.relatedModel;
      if (expected && query.model !== expected && !(query.model.prototype instanceof expected)) {
        throw new TypeError(`${key}__in got a ${query.model.name} queryset; expected ${expected.name}.`);
      }
      const keyField = resolved.relatedKeyField;
      query.shape = { kind: 'values', names: [keyField && keyField !== query.meta.pk ? keyField.name : 'pk'] };
      // A sliced subquery keeps its ordering: it decides which rows the LIMIT takes; so does distinct('f'),
      // where it decides which row of each group stays.
      if (!query.isSliced && !query.distinctFields.length) query.ordering = [];
    }
    return query;
  }

  /** A copy of this query, as a subquery of `outer`: distinct aliases, OuterRef bound to the outer query. */
  resolveAsSubquery(outer: Query): Query {
    const query = this.clone();
    const prefix = outer.nextPrefix();
    const rename = (alias: string) => prefix + alias.slice(this.aliasPrefix.length);
    query.aliasPrefix = prefix;
    query.outerQuery = outer;
    // Join keys start with the parent alias: renamed too, so later references find (and reuse) these joins.
    const renameKey = (key: string) => {
      const dot = key.indexOf('.');
      return key.startsWith(this.aliasPrefix) && dot > 0 ? rename(key.slice(0, dot)) + key.slice(dot) : key;
    };
    query.joins = this.joins.map((join) => ({ ...join, alias: rename(join.alias), parentAlias: rename(join.parentAlias), key: renameKey(join.key) }));
    const rebind = (expression: Expression): Expression => rebindExpression(expression, rename, outer);
    query.where = mapWhere(this.where, rebind, (nested) => nested.resolveAsSubquery(query));
    query.annotations = new Map(
      [...this.annotations].map(([name, annotation]) => [name, { ...annotation, expression: rebind(annotation.expression) }]),
    );
    query.ordering = this.ordering && this.ordering.map((item) => (item instanceof OrderBy ? (rebind(item) as OrderBy) : item));
    return query;
  }

  nextPrefix(): string {
    let depth = 0;
    for (let query: Query | null = this; query; query = query.outerQuery) depth++;
    return `${this.aliasPrefix}${String.fromCharCode(96 + depth)}`;
  }

  // ------------------------------------------------------------------ paths and joins

  /** Resolves `box__name__istartswith` into lhs expression (joining as needed), transforms and lookup. */
  resolveKey(key: string, reusable: Set<string> | null, call: string): ResolvedKey {
    const parts = key.split('__');
    let alias = this.baseAlias;
    let meta = this.meta;
    let nullable = false;
    let multiValued = false;
    let index = 0;
    let lhs: Expression | null = null;
    let resolvedField: Field | null = null;
    let relatedModel: ModelClass | null = null;
    let relatedKeyField: Field | null = null;

    const annotation = this.annotations.get(parts[0]!);
    if (annotation) {
      lhs = new AnnotationRef(parts[0]!, annotation.expression);
      resolvedField = annotation.expression.outputField();
      nullable = true;
      index = 1;
    }
    while (!lhs) {
      const name = parts[index]!;
      const next = parts[index + 1];
      const field = meta.findField(name);
      if (field && field.model._meta.concreteModel !== meta.concreteModel) {
        alias = this.ancestorAlias(alias, meta, field.model);
        meta = field.model._meta;
      }
      const found = asForeignKey(field);
      if (found && name === found.name) {
        const target = found.relatedModel._meta;
        const nextIsField = next !== undefined && (target.findField(next) !== undefined || target.findReverseRelation(next) !== undefined);
        const nextIsKey = nextIsField && target.findField(next!) === found.targetField && !asForeignKey(found.targetField);
        if (nextIsField && !nextIsKey) {
          nullable ||= found.null;
          alias = this.join({
            parentAlias: alias, parentColumn: found.column, model: found.relatedModel, column: found.targetField.column,
            type: nullable ? 'LEFT' : 'INNER', multiValued: false, key: `${alias}.${found.name}`,
          }, reusable);
          meta = target;
          index++;
          continue;
        }
        lhs = new Col(alias, found);
        resolvedField = found;
        relatedModel = found.relatedModel;
        relatedKeyField = found.targetField;
        nullable ||= found.null;
        index += nextIsKey ? 2 : 1;
        break;
      }
      if (field?.manyToMany) {
        const m2m = field as ManyToManyField;
        const { through, source, target } = meta.through(m2m);
        const targetMeta = m2m.relatedModel._meta;
        const throughAlias = this.join({
          parentAlias: alias, parentColumn: meta.pk.column, model: through, column: source.column,
          type: 'LEFT', multiValued: true, key: reverseJoinKey(alias, source),
        }, reusable);
        multiValued = true;
        nullable = true;
        const nextField = next !== undefined ? targetMeta.findField(next) : undefined;
        const nextIsKey = nextField !== undefined && nextField === target.targetField && !asForeignKey(nextField);
        const nextIsPath = next !== undefined && !nextIsKey && (nextField !== undefined || targetMeta.findReverseRelation(next) !== undefined);
        if (!nextIsPath) {
          lhs = new Col(throughAlias, target);
          resolvedField = target;
          relatedModel = m2m.relatedModel;
          relatedKeyField = target.targetField;
          index += nextIsKey ? 2 : 1;
          break;
        }
        alias = this.join({
          parentAlias: throughAlias, parentColumn: target.column, model: m2m.relatedModel, column: target.targetField.column,
          type: 'LEFT', multiValued: true, key: `${throughAlias}.${target.name}`,
        }, reusable);
        meta = targetMeta;
        index++;
        continue;
      }
      if (field) {
        lhs = new Col(alias, field);
        resolvedField = field;
        nullable ||= field.null;
        index++;
        break;
      }
      const relation = meta.findReverseRelation(name);
      const holder = relation && (relation.field as ForeignKey).relatedModel;
      if (holder && holder._meta.concreteModel !== meta.concreteModel) {
        alias = this.ancestorAlias(alias, meta, holder);
        meta = holder._meta;
      }
      if (!relation) {
        const where = index === 0 ? meta.label : `${meta.label} (reached through '${parts.slice(0, index).join('__')}')`;
        const annotations = index === 0 && this.annotations.size ? `; annotations: ${[...this.annotations.keys()].join(', ')}` : '';
        throw new FieldError(`${call}: cannot resolve '${name}'${inKey(name, key)}: ${where} has no field '${name}'. Choices are: ${meta.fieldNames().join(', ')}${annotations}.`);
      }
      const joined = this.joinReverse(relation, alias, meta, reusable);
      alias = joined.alias;
      nullable = true;
      multiValued ||= relation.multiple;
      const relatedMeta = relation.relatedModel._meta;
      const nextIsField = next !== undefined && (relatedMeta.findField(next) !== undefined || relatedMeta.findReverseRelation(next) !== undefined);
      if (!nextIsField) {
        lhs = new Col(alias, relatedMeta.pk);
        resolvedField = relatedMeta.pk;
        relatedModel = relation.relatedModel;
        relatedKeyField = relatedMeta.pk;
        index++;
        break;
      }
      meta = relatedMeta;
      index++;
    }

    // What remains: transforms, then the lookup (Django's build_lookup: a last name is a lookup if there is
    // one of that name, else a transform compared with `exact`).
    const field = resolvedField;
    let rest = parts.slice(index);
    let transformed: Field | null = field;
    while (rest.length) {
      const name = rest[0]!;
      const lookup = rest.length === 1 ? lookupOf(lhs, transformed, name) : undefined;
      if (lookup) return { lhs, field: transformed, relatedModel, relatedKeyField, lookup, nullable, multiValued };
      const transform = transformOf(lhs, transformed, name);
      if (transform) {
        lhs = new transform(lhs);
        transformed = lhs.outputField();
        // A JSON key may be missing, whatever the column's nullability.
        nullable ||= lhs instanceof KeyTransform;
        relatedModel = null;
        relatedKeyField = null;
        rest = rest.slice(1);
        continue;
      }
      const owner = field ? `${field.internalType} '${field.name}' of ${field.model?.name ?? 'the query'}` : 'the expression';
      const names = [...classLookups(lookupOwner(transformed)).keys()].sort();
      if (relatedModel) {
        // Right after a relation the name was most likely meant as a field of the related model.
        const target = relatedModel._meta;
        throw new FieldError(
          `${call}: cannot resolve '${name}'${inKey(name, key)}: ${target.label} has no field '${name}' and it is not a lookup of ${owner}. ` +
            `Choices are: ${target.fieldNames().join(', ')}; lookups: ${names.join(', ')}.`,
        );
      }
      throw new FieldError(`${call}: unsupported lookup '${name}'${inKey(name, key)} for ${owner}. Choices are: ${names.join(', ')}.`);
    }
    return { lhs, field: transformed, relatedModel, relatedKeyField, lookup: lookupOf(lhs, transformed, 'exact')!, nullable, multiValued };
  }

  private joinReverse(relation: ReverseRelation, alias: string, meta: Options, reusable: Set<string> | null): { alias: string } {
    const field = relation.field;
    if (field.manyToMany) {
      const { through, source, target } = relation.relatedModel._meta.through(field as ManyToManyField);
      const throughAlias = this.join({
        parentAlias: alias, parentColumn: target.targetField.column, model: through, column: target.column,
        type: 'LEFT', multiValued: true, key: reverseJoinKey(alias, target),
      }, reusable);
      return {
        alias: this.join({
          parentAlias: throughAlias, parentColumn: source.column, model: relation.relatedModel, column: source.targetField.column,
          type: 'LEFT', multiValued: true, key: `${throughAlias}.${source.name}`,
        }, reusable),
      };
    }
    const fk = field as ForeignKey;
    void meta;
    return {
      alias: this.join({
        parentAlias: alias, parentColumn: fk.targetField.column, model: relation.relatedModel, column: fk.column,
        type: 'LEFT', multiValued: relation.multiple, key: reverseJoinKey(alias, fk),
      }, reusable),
    };
  }

  /**
   * The alias of the table that holds the columns of `ancestor` (a multi-table parent of `meta`'s model),
   * joining from `alias` up the parent links: an inherited field reads as if local. The joins are those of
   * a path through the links (`placePtr__name`), so the two share them; under an outer join they stay outer.
   */
  ancestorAlias(alias: string, meta: Options, ancestor: ModelClass): string {
    const target = ancestor._meta.concreteModel;
    for (let current = meta; current.concreteModel !== target; ) {
      const link = current.parentLink;
      if (!link) throw new FieldError(`${ancestor._meta.label} is not a parent model of ${meta.label}.`);
      const outer = this.joins.some((join) => join.alias === alias && join.type === 'LEFT');
      alias = this.join({
        parentAlias: alias, parentColumn: link.column, model: link.relatedModel, column: link.targetField.column,
        type: outer ? 'LEFT' : 'INNER', multiValued: false, key: `${alias}.${link.name}`,
      }, null);
      current = link.relatedModel._meta;
    }
    return alias;
  }

  /** The alias of the table that holds `field`'s column, for a model `meta` at `alias` (see ancestorAlias). */
  fieldAlias(alias: string, meta: Options, field: Field): string {
    return field.model === meta.model || field.model._meta.concreteModel === meta.concreteModel ? alias : this.ancestorAlias(alias, meta, field.model);
  }

  /**
   * Adds a join, or reuses an equal one: single-valued joins are always shared, multi-valued ones only
   * within one filter() call (Django's rule: two filter() calls on an M2M may match different rows).
   * `reusable` null is Django's `reuse=None`, for references (F, aggregates, values, ordering): they
   * reuse any join already there, so `filter(pizza__x).annotate(Count('pizza'))` counts the filtered rows.
   */
  join(spec: Omit<Join, 'alias' | 'table'>, reusable: Set<string> | null): string {
    // The most recent candidate, as Django's: `filter(friends__age: 35).filter(friends__age: 29)` then
    // `F('friends__name')` reads the rows of the second filter.
    let existing: Join | undefined;
    for (const join of this.joins) {
      if (join.key === spec.key && (!join.multiValued || reusable === null || reusable.has(join.alias))) existing = join;
    }
    if (existing) {
      if (existing.type === 'INNER' && spec.type === 'LEFT') {
        this.joins = this.joins.map((join) => (join === existing ? { ...join, type: 'LEFT' } : join));
      }
      return existing.alias;
    }
    const alias = `${this.aliasPrefix}${this.joins.length + 1}`;
    this.joins = [...this.joins, { ...spec, alias, table: spec.model._meta.dbTable }];
    if (spec.multiValued) reusable?.add(alias);
    return alias;
  }

  /** `F('box__name')`, an annotation, or a plain field, as a resolved expression. */
  /** `call` names the user's call in errors (`Pizza.objects.orderBy()`); F() references by default. */
  resolveRef(name: string, call = `F('${name}')`): Expression {
    const annotation = this.annotations.get(name);
    if (annotation) return new AnnotationRef(name, annotation.expression);
    const resolved = this.resolveKey(name, null, call);
    if (resolved.lookup.lookupName !== 'exact' || name.endsWith('__exact')) {
      throw new FieldError(`${call}: lookups are not allowed in field references ('${name}').`);
    }
    return resolved.lhs;
  }

  // ------------------------------------------------------------------ select

  addAnnotation(alias: string, expression: unknown, selected: boolean, call: string): void {
    if (!(expression instanceof Expression)) throw new TypeError(`${call}: '${alias}' must be an expression (F, Count, Value, ...).`);
    // Under values('a', 'b') only those names are taken (Django): `values('name').annotate({ age: ... })` is allowed.
    const selectedNames = this.shape.kind !== 'models' && this.shape.names.length ? this.shape.names : null;
    const conflicts = selectedNames ? selectedNames.includes(alias) : this.meta.findField(alias) !== undefined && alias !== 'pk';
    if (conflicts) {
      throw new FieldError(`${call}: the annotation '${alias}' conflicts with ${selectedNames ? 'a selected value' : 'a field'} on ${this.meta.label}.`);
    }
    const resolved = expression.resolve(this);
    this.annotations.set(alias, { expression: resolved, selected });
  }

  /** The single field a values('x') subquery selects, for typing its output. */
  singleSelectedField(): Field | null {
    if (this.shape.kind === 'models') return this.meta.pk;
    const name = this.shape.names[0];
    if (!name) return null;
    const annotation = this.annotations.get(name);
    if (annotation) return annotation.expression.outputField();
    return this.resolveKey(name, null, 'values()').field;
  }

  get hasAggregateAnnotations(): boolean {
    for (const annotation of this.annotations.values()) if (annotation.expression.containsAggregate) return true;
    return false;
  }

  assertCanFilter(call: string): void {
    if (this.isSliced) throw new TypeError(`${call}: cannot filter a query once a slice has been taken.`);
    if (this.combinator) throw new NotSupportedError(`${call}: cannot filter after ${this.combinator.operator.toLowerCase()}().`);
  }
}

function plainLookups(arg: unknown, call: string): QNode {
  if (arg === null || typeof arg !== 'object' || Array.isArray(arg)) {
    throw new TypeError(`${call} takes lookup objects or Q(); got ${describeInstance(arg)}.`);
  }
  return new QNode(arg as Record<string, unknown>);
}

function isIterable(value: unknown): boolean {
  return value !== null && typeof value === 'object' && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function' && !Buffer.isBuffer(value);
}

function isQueryProvider(value: unknown): value is QueryProvider {
  return typeof value === 'object' && value !== null && (value as QueryProvider).query instanceof Query;
}

function isModelInstance(value: unknown): value is Model {
  return typeof value === 'object' && value !== null && typeof (value.constructor as ModelClass)?._meta === 'object' && '_state' in value;
}

/** Renames table aliases in a resolved expression and binds OuterRef to `outer`. */
function rebindExpression(expression: Expression, rename: (alias: string) => string, outer: Query): Expression {
  if (expression instanceof Col) return new Col(rename(expression.alias), expression.field);
  if (expression instanceof OuterRefExpression) return outer.resolveRef(expression.name);
  const copy = Object.create(Object.getPrototypeOf(expression)) as Record<string, unknown>;
  for (const [key, value] of Object.entries(expression)) {
    if (value instanceof Expression) copy[key] = rebindExpression(value, rename, outer);
    else if (Array.isArray(value)) copy[key] = value.map((item) => (item instanceof Expression ? rebindExpression(item, rename, outer) : item));
    else if (value instanceof Query) copy[key] = value.resolveAsSubquery(outer);
    else if (key === 'filterNode' && value) copy[key] = mapWhere(value as WhereNode, (e) => rebindExpression(e, rename, outer), (q) => q);
    else copy[key] = value;
  }
  return copy as unknown as Expression;
}

/**
 * The reuse key of a join that follows `fk` backwards (from the row it points at to the rows holding it). The
 * same step reached by two names (a reverse relation to the through model, and the M2M through it) is one key.
 */
export function reverseJoinKey(parentAlias: string, fk: ForeignKey): string {
  return `${parentAlias}.<${fk.model._meta.label}.${fk.name}`;
}

/** " in 'box__nmae'" when the failing name is part of a longer key; nothing when it is the whole key. */
function inKey(name: string, key: string): string {
  return name === key ? '' : ` in '${key}'`;
}

/** A ForeignKey or OneToOneField (the relations with a column), else null. */
function asForeignKey(field: Field | null | undefined): ForeignKey | null {
  return field && field.isRelation && !field.manyToMany ? (field as ForeignKey) : null;
}

/** The class whose registered lookups apply to values of `field` (none: the root field class's). */
function lookupOwner(field: Field | null): Function {
  return field ? field.constructor : outputFields().root;
}

/** The lookup `name` of a left-hand side: a transform's own lookups first (KeyTransform), then its field's. */
function lookupOf(lhs: Expression, field: Field | null, name: string): LookupClass | undefined {
  return (lhs instanceof Transform ? findLookup(lhs.constructor, name) : undefined) ?? findLookup(lookupOwner(field), name);
}

/** The transform `name` of a left-hand side: a transform's own first (a JSON key's further keys), then its field's. */
function transformOf(lhs: Expression, field: Field | null, name: string): TransformClass | undefined {
  if (lhs instanceof Transform) {
    const own = lhs.getTransform(name) ?? findTransform(lhs.constructor, name);
    if (own) return own;
  }
  return field ? field.getTransform(name) : findTransform(outputFields().root, name);
}
