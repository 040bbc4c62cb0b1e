import type { BaseOperations } from '../db/backends/base/operations';
import type { SqlValue } from '../db/backends/base/types';
import { FieldError, NotSupportedError } from '../errors';
import type { Field } from '../models/fields/base';
import type { ForeignKey } from '../models/fields/related';
import type { DecimalField } from '../models/fields/scalar';
import type { FieldSetter } from '../models/hydrate';
import type { ModelClass } from '../models/types';
import { currentOperations, currentTimeZone } from './backend';
import {
  Aggregate,
  AnnotationRef,
  Col,
  NamedColumn,
  Expression,
  OrderBy,
  type Compiled,
} from './expressions';
import { OPERAND } from './lookups/builtin';
import { cachedPlan } from './plan-cache';
import { registerSelectCompiler, reverseJoinKey, type Join, type Query, type RelatedTree } from './query';
import { CompiledSql } from './sql-text';
import { whereContainsAggregate, type Condition, type WhereNode } from './where';

type Converter = ((raw: unknown) => unknown) | null;

/** How to build a model instance (and its selectRelated instances) from a slice of a row. */
export interface ModelPlan {
  model: ModelClass;
  fields: Field[];
  converters: Converter[];
  /** Index of the first column of this model in the row. */
  start: number;
  /** Deferred field names (loaded lazily on access). */
  deferred: string[];
  related: Array<{ name: string; plan: ModelPlan; reverse: boolean }>;
  annotations: Array<{ name: string; index: number; converter: Converter }>;
  /** The generated code that sets its fields on a new instance (see hydrate.ts), made on first use. */
  build?: FieldSetter;
}

export type RowPlan =
  | { kind: 'models'; plan: ModelPlan }
  | { kind: 'values'; names: string[]; converters: Converter[] }
  | { kind: 'valuesList'; names: string[]; converters: Converter[]; flat: boolean; named: boolean };

export interface CompiledSelect {
  sql: string;
  params: SqlValue[];
  plan: RowPlan;
  /** The statement must read integers as bigint (a BigIntegerField is selected). */
  safeIntegers: boolean;
}

const numberFromBigint = (raw: unknown): unknown => (typeof raw === 'bigint' ? Number(raw) : raw);

/** The internal types whose values are JavaScript numbers. */
const NUMBER_TYPES = new Set(['AutoField', 'IntegerField', 'SmallIntegerField', 'PositiveIntegerField', 'PositiveSmallIntegerField', 'FloatField']);
const numberFromNumeric = (raw: unknown): unknown => (typeof raw === 'string' || typeof raw === 'bigint' ? Number(raw) : raw);

/**
 * How a computed value (annotation, aggregate) is read as its output field. A number field's value may arrive
 * as exact numeric text where the backend computes in numeric (PostgreSQL's SUM of integers, integer times
 * decimal): it becomes a number, as Django's convert_value makes it an int or a float.
 */
function expressionConverter(field: Field | null): Converter {
  const converter = field ? field.converter() : null;
  if (converter || !field) return converter;
  return NUMBER_TYPES.has(field.internalType) ? numberFromNumeric : null;
}

/** A node of the tree that renders itself (lookups, transforms), optionally its own way per backend (`asSqlite`). */
export interface SqlNode {
  asSql(compiler: Compiler, ops: BaseOperations): Compiled;
}

/** `asSqlite`, `asPostgresql`: the method a node defines to render itself for one backend. */
const vendorMethods = new Map<string, string>();

/**
 * Turns a Query into SQL for one backend's operations. A compiler instance compiles one statement; it works
 * on a clone of the query, because default ordering and selectRelated may still add joins.
 */
export class Compiler {
  private safeIntegers = false;
  private readonly vendorMethod: string;
  /** The table alias of each selectRelated path this statement joined, for selectForUpdate({ of }). */
  private readonly relatedAliases = new Map<string, string>();
  /** A subquery or a part of a union: its columns are fixed by the enclosing statement. */
  isSubquery = false;
  /** The time zone date parts and truncations of datetimes are taken in (configure({ timeZone })). */
  readonly timeZone = currentTimeZone();

  constructor(
    private readonly query: Query,
    readonly ops: BaseOperations,
  ) {
    let method = vendorMethods.get(ops.vendor);
    if (!method) vendorMethods.set(ops.vendor, (method = `as${ops.vendor[0]!.toUpperCase()}${ops.vendor.slice(1)}`));
    this.vendorMethod = method;
  }

  static select(query: Query, ops: BaseOperations): CompiledSelect {
    return new Compiler(query.clone(), ops).compileSelect();
  }

  /**
   * The row plan of `select(query, ops)` without writing its statement: the plan comes from the select list
   * alone, so the thread that builds results from rows a worker fetched resolves only that (a tenth of the
   * cost of compiling WHERE, ORDER BY and the rest again). A combined query takes its first part's plan.
   */
  static rowPlan(query: Query, ops: BaseOperations): RowPlan {
    if (query.combinator) return Compiler.select(query, ops).plan;
    return new Compiler(query.clone(), ops).selectColumns().plan;
  }

  /** Renders a lookup or transform: its `as<Vendor>` when it has one, else `asSql` (Django's `compile()`). */
  compileNode(node: SqlNode): Compiled {
    const vendor = (node as unknown as Record<string, SqlNode['asSql'] | undefined>)[this.vendorMethod];
    return typeof vendor === 'function' ? vendor.call(node, this, this.ops) : node.asSql(this, this.ops);
  }

  // ------------------------------------------------------------------ SELECT

  compileSelect(): CompiledSelect {
    const query = this.query;
    if (query.combinator) return this.compileCombined();
    const { columns, params: selectParams, plan } = this.selectColumns();
    const ordering = this.orderingClauses();
    const distinct = query.distinct ? this.distinctClause() : null;
    // DISTINCT ON compares its own expressions only: the ordering columns need not be selected.
    if (query.distinct && !query.distinctFields.length && !this.isSubquery) this.selectOrderingColumns(columns, selectParams);
    // Before FROM: resolving GROUP BY names may still add joins.
    const groupBy = this.groupBy();
    const from = this.fromClause();
    const { where, having } = this.splitWhere();
    const parts = [`SELECT ${distinct ? `${distinct[0]} ` : ''}${columns.join(', ')}`, `FROM ${from.sql}`];
    const params = [...(distinct?.[1] ?? []), ...selectParams, ...from.params];
    if (query.empty) parts.push(`WHERE ${this.ops.falseCondition}`);
    else if (where) {
      parts.push(`WHERE ${where[0]}`);
      params.push(...where[1]);
    }
    if (groupBy) {
      parts.push(`GROUP BY ${groupBy[0]}`);
      params.push(...groupBy[1]);
    }
    if (having) {
      parts.push(`HAVING ${having[0]}`);
      params.push(...having[1]);
    }
    if (ordering.sql.length) {
      parts.push(`ORDER BY ${ordering.sql.join(', ')}`);
      params.push(...ordering.params);
    }
    parts.push(...this.limitClause());
    if (query.lock && !this.isSubquery) parts.push(this.lockClause());
    return { sql: parts.join(' '), params, plan, safeIntegers: this.safeIntegers };
  }

  private selectColumns(): { columns: string[]; params: SqlValue[]; plan: RowPlan } {
    const query = this.query;
    const columns: string[] = [];
    const params: SqlValue[] = [];
    // Annotations and values() columns are named (`AS "alias"`), so a query wrapped in another can refer to them.
    const add = (expression: Expression, field: Field | null, alias?: string): Converter => {
      const [sql, expressionParams] = expression.compile(this);
      columns.push(alias === undefined ? sql : `${sql} AS ${this.ops.quoteName(alias)}`);
      params.push(...expressionParams);
      if (field?.needsSafeIntegers) this.safeIntegers = true;
      if (expression instanceof Col) return field ? field.converter() : null;
      return expressionConverter(field);
    };
    if (query.shape.kind === 'models') {
      const plan = this.modelPlan(query.model, query.baseAlias, query.selectRelated, add, columns, 0);
      for (const [name, annotation] of query.annotations) {
        if (!annotation.selected) continue;
        plan.annotations.push({ name, index: columns.length, converter: add(new AnnotationRef(name, annotation.expression), annotation.expression.outputField(), name) });
      }
      const rows = this.withSafeIntegers({ kind: 'models' as const, plan });
      // A model's plain row (every field, nothing joined or annotated) has one plan, shared through the plan
      // cache: its hydration code is generated once, not per query.
      if (!plan.related.length && !plan.annotations.length && !plan.deferred.length) {
        rows.plan = cachedPlan(this.ops, query.meta, this.safeIntegers ? 'rows:bigint' : 'rows', () => plan);
      }
      return { columns, params, plan: rows };
    }
    const names = this.shapeNames();
    const converters = names.map((name) => {
      const expression = this.valueExpression(name);
      return add(expression, expression.outputField(), name);
    });
    const shape = query.shape;
    const plan: RowPlan =
      shape.kind === 'values'
        ? { kind: 'values', names, converters }
        : { kind: 'valuesList', names, converters, flat: shape.flat, named: shape.named };
    return { columns, params, plan: this.withSafeIntegers(plan) };
  }

  /** values() with no names: every concrete field (FKs under their attname), then annotations. */
  private shapeNames(): string[] {
    const query = this.query;
    if (query.shape.kind === 'models') return [];
    if (query.shape.names.length) return query.shape.names;
    return [
      ...query.meta.concreteFields.map((field) => field.attname),
      ...[...query.annotations].filter(([, annotation]) => annotation.selected).map(([name]) => name),
    ];
  }

  private valueExpression(name: string): Expression {
    const annotation = this.query.annotations.get(name);
    if (annotation) return new AnnotationRef(name, annotation.expression);
    return this.query.resolveRef(name);
  }

  private modelPlan(
    model: ModelClass,
    alias: string,
    related: RelatedTree | true | null,
    add: (expression: Expression, field: Field | null) => Converter,
    columns: string[],
    depth: number,
    path = '',
  ): ModelPlan {
    const meta = model._meta;
    const deferred = depth === 0 ? this.deferredNames() : new Set<string>();
    const plan: ModelPlan = { model, fields: [], converters: [], start: columns.length, deferred: [...deferred], related: [], annotations: [] };
    for (const field of meta.concreteFields) {
      if (deferred.has(field.name)) continue;
      plan.fields.push(field);
      plan.converters.push(add(new Col(this.query.fieldAlias(alias, meta, field), field), field));
    }
    if (!related || depth > 8) return plan;
    const paths: RelatedTree = related === true ? this.nonNullForeignKeys(model) : related;
    for (const [name, subtree] of Object.entries(paths)) {
      const field = asForeignKey(meta.findField(name));
      if (field && name === field.name) {
        const fieldAlias = this.query.fieldAlias(alias, meta, field);
        const joinAlias = this.query.join(
          {
            parentAlias: fieldAlias, parentColumn: field.column, model: field.relatedModel, column: field.targetField.column,
            type: field.null || this.aliasIsOuter(fieldAlias) ? 'LEFT' : 'INNER', multiValued: false, key: `${fieldAlias}.${field.name}`,
          },
          new Set(),
        );
        const nested = related === true ? true : subtree;
        const relatedPath = path ? `${path}__${name}` : name;
        this.relatedAliases.set(relatedPath, joinAlias);
        plan.related.push({ name, reverse: false, plan: this.modelPlan(field.relatedModel, joinAlias, Object.keys(subtree).length || related === true ? nested : null, add, columns, depth + 1, relatedPath) });
        continue;
      }
      const relation = meta.findReverseRelation(name);
      const reverseKey = relation && !relation.multiple ? asForeignKey(relation.field) : null;
      if (relation && reverseKey) {
        const holderAlias = this.query.ancestorAlias(alias, meta, reverseKey.relatedModel);
        const joinAlias = this.query.join(
          {
            parentAlias: holderAlias, parentColumn: reverseKey.targetField.column, model: relation.relatedModel, column: reverseKey.column,
            type: 'LEFT', multiValued: false, key: reverseJoinKey(holderAlias, reverseKey),
          },
          new Set(),
        );
        const relatedPath = path ? `${path}__${name}` : name;
        this.relatedAliases.set(relatedPath, joinAlias);
        plan.related.push({ name: relation.accessorName ?? name, reverse: true, plan: this.modelPlan(relation.relatedModel, joinAlias, Object.keys(subtree).length ? subtree : null, add, columns, depth + 1, relatedPath) });
        continue;
      }
      const choices = [...meta.foreignKeys.map((fk) => fk.name), ...meta.reverseRelations().filter((r) => !r.multiple).map((r) => r.queryName)];
      throw new FieldError(`selectRelated(): '${name}' is not a foreign key or one-to-one relation of ${meta.label}. Choices are: ${choices.join(', ') || '(none)'}.`);
    }
    return plan;
  }

  private nonNullForeignKeys(model: ModelClass): RelatedTree {
    // A parent link is not followed: the parent's fields are selected as the child's own.
    return Object.fromEntries(model._meta.foreignKeys.filter((field) => !field.null && !field.relationOptions.parentLink).map((field) => [field.name, {}]));
  }

  private aliasIsOuter(alias: string): boolean {
    return this.query.joins.some((join) => join.alias === alias && join.type === 'LEFT');
  }

  private deferredNames(): Set<string> {
    const query = this.query;
    const meta = query.meta;
    const names = new Set<string>();
    if (query.only) for (const field of meta.concreteFields) if (!query.only.has(field.name) && field !== meta.pk) names.add(field.name);
    if (query.deferred) for (const name of query.deferred) if (name !== meta.pk.name) names.add(name);
    return names;
  }

  /** With bigint reads on, integer columns that are plain numbers get converted back. */
  private withSafeIntegers<P extends RowPlan>(plan: P): P {
    if (!this.safeIntegers) return plan;
    const wrap = (converter: Converter, field: Field | null): Converter =>
      converter ?? (field?.needsSafeIntegers ? null : numberFromBigint);
    const walk = (model: ModelPlan) => {
      model.converters = model.converters.map((converter, i) => wrap(converter, model.fields[i]!));
      model.annotations = model.annotations.map((annotation) => ({ ...annotation, converter: annotation.converter ?? numberFromBigint }));
      for (const related of model.related) walk(related.plan);
    };
    if (plan.kind === 'models') walk(plan.plan);
    else plan.converters = plan.converters.map((converter) => converter ?? numberFromBigint);
    return plan;
  }

  private fromClause(): { sql: string; params: SqlValue[] } {
    const query = this.query;
    let sql = `${this.ops.quoteName(query.meta.dbTable)} AS ${query.baseAlias}`;
    for (const join of query.joins) sql += ` ${this.joinSql(join)}`;
    return { sql, params: [] };
  }

  private splitWhere(): { where: Compiled | null; having: Compiled | null } {
    const node = this.query.where;
    if (!node.children.length) return { where: null, having: null };
    if (!whereContainsAggregate(node)) return { where: this.compileWhere(node), having: null };
    if (node.connector === 'AND' && !node.negated) {
      const plain = node.children.filter((child) => !whereContainsAggregate(child));
      const aggregate = node.children.filter((child) => whereContainsAggregate(child));
      const build = (children: typeof plain): Compiled | null =>
        children.length ? this.compileWhere({ kind: 'node', connector: 'AND', negated: false, children }) : null;
      return { where: build(plain), having: build(aggregate) };
    }
    return { where: null, having: this.compileWhere(node) };
  }

  private groupBy(): Compiled | null {
    const query = this.query;
    if (!query.hasAggregateAnnotations) return null;
    const expressions: Expression[] = [];
    if (query.shape.kind === 'models') {
      // The key of each selected model: its other columns depend on it, which PostgreSQL requires of a joined
      // table's columns too (selectRelated), not only of the main table's.
      expressions.push(new Col(query.baseAlias, query.meta.pk));
      for (const alias of this.relatedAliases.values()) {
        const join = query.joins.find((candidate) => candidate.alias === alias);
        if (join) expressions.push(new Col(alias, join.model._meta.pk));
      }
    } else {
      for (const name of new Set([...(query.groupBy ?? []), ...this.shapeNames()])) {
        const expression = this.valueExpression(name);
        if (!expression.containsAggregate) expressions.push(expression);
      }
    }
    // What the rows are ordered by is grouped by too (as Django does): PostgreSQL refuses to order groups by a
    // column they are not grouped by (ordering by a foreign key orders by the related model's own ordering).
    for (const item of this.orderingItems()) {
      if (item !== '?' && !item.expression.containsAggregate) expressions.push(item.expression);
    }
    if (!expressions.length) return null;
    const seen = new Set<string>();
    const compiled = expressions.map((expression) => expression.compile(this)).filter(([sql]) => !seen.has(sql) && Boolean(seen.add(sql)));
    return [compiled.map(([sql]) => sql).join(', '), compiled.flatMap(([, params]) => params)];
  }

  /**
   * DISTINCT over rows ordered by columns it does not select: the ordering columns are selected too, as Django
   * does, so that rows differing only in them stay apart (the row plans read the leading columns only).
   */
  private selectOrderingColumns(columns: string[], params: SqlValue[]): void {
    const selected = new Set(columns.map((column) => column.replace(/ AS "[^"]*"$/, '')));
    for (const item of this.orderingItems()) {
      if (item === '?') continue;
      const [sql, itemParams] = this.compileComparable(item.expression);
      if (selected.has(sql) || item.expression instanceof AnnotationRef) continue;
      selected.add(sql);
      columns.push(`${sql} AS ${this.ops.quoteName(`__orderbycol${columns.length}`)}`);
      params.push(...itemParams);
    }
  }

  /**
   * `DISTINCT`, or `DISTINCT ON (…)` for distinct('name', ...). Which row of each group is kept is decided by
   * the ordering, so it must start with the distinct fields (PostgreSQL's rule, checked here with a message
   * that names them).
   */
  private distinctClause(): Compiled {
    const query = this.query;
    const names = query.distinctFields;
    if (!names.length) return [this.ops.distinctSql([]), []];
    const call = `distinct(${names.map((name) => `'${name}'`).join(', ')})`;
    if (query.hasAggregateAnnotations) throw new NotSupportedError(`${call}: annotate() with an aggregate and distinct(fields) is not implemented.`);
    const compiled = names.map((name) => query.resolveRef(name, call).compile(this));
    const fields = compiled.map(([sql]) => sql);
    const leading = this.orderingItems().slice(0, fields.length);
    const stray = leading.find((item) => item === '?' || !fields.includes(item.expression.compile(this)[0]));
    if (stray !== undefined) {
      const ordering = query.ordering === null ? `the default ordering of ${query.meta.label} (${query.meta.ordering.join(', ')})` : 'orderBy()';
      throw new FieldError(`${call}: the ordering must start with the distinct fields, so that it decides which row of each group is kept; ${ordering} does not. Call orderBy(${names.map((name) => `'${name}'`).join(', ')}, ...) first.`);
    }
    return [this.ops.distinctSql(fields), compiled.flatMap(([, params]) => params)];
  }

  private orderingClauses(): { sql: string[]; params: SqlValue[] } {
    const query = this.query;
    const items = this.orderingItems();
    const sql: string[] = [];
    const params: SqlValue[] = [];
    for (const item of items) {
      if (item === '?') {
        sql.push(this.ops.randomOrder());
        continue;
      }
      const [itemSql, itemParams] = (query.orderingReversed ? item.reversed() : item).compile(this);
      sql.push(itemSql);
      params.push(...itemParams);
    }
    return { sql, params };
  }

  /** Explicit ordering, else the model's default ordering (not applied to grouped values queries). */
  private orderingItems(): Array<OrderBy | '?'> {
    const query = this.query;
    const ordering = query.ordering ?? (query.shape.kind !== 'models' && query.hasAggregateAnnotations ? [] : query.meta.ordering);
    return ordering.flatMap<OrderBy | '?'>((item) => (item === '?' ? ['?' as const] : typeof item === 'string' ? resolveOrderNames(query, item) : [item]));
  }

  /**
   * `FOR UPDATE …` of selectForUpdate(); `of` names 'self', the parent links of a multi-table child
   * (`placePtr`, `placePtr__grandPtr`: 'self' locks the child's own table only, as in Django) and the
   * selectRelated paths this statement joined.
   */
  private lockClause(): string {
    const lock = this.query.lock!;
    const lockable = new Map([['self', this.query.baseAlias], ...this.parentLinkAliases(), ...this.relatedAliases]);
    const invalid = lock.of.filter((name) => !lockable.has(name));
    if (invalid.length) {
      throw new FieldError(
        `selectForUpdate(): invalid name(s) in of: ${invalid.map((name) => `'${name}'`).join(', ')}. Only 'self', parent links and relations followed with selectRelated() are allowed. Choices are: ${[...lockable.keys()].join(', ')}.`,
      );
    }
    const of = [...new Set(lock.of.map((name) => lockable.get(name)!))];
    return this.ops.forUpdateSql({ ...lock, of });
  }

  /** The parent tables this statement joined for the base model's inherited fields, by parent link path. */
  private parentLinkAliases(): Array<[string, string]> {
    const found: Array<[string, string]> = [];
    let alias = this.query.baseAlias;
    let path: string[] = [];
    for (let link = this.query.meta.parentLink; link; link = link.relatedModel._meta.parentLink) {
      const key = `${alias}.${link.name}`;
      const join = this.query.joins.find((candidate) => candidate.key === key);
      if (!join) break;
      path = [...path, link.name];
      alias = join.alias;
      found.push([path.join('__'), alias]);
    }
    return found;
  }

  private limitClause(): string[] {
    return this.ops.limitOffset(this.query.low, this.query.high);
  }

  private joinSql(join: Join): string {
    const quote = (name: string) => this.ops.quoteName(name);
    return `${join.type === 'LEFT' ? 'LEFT OUTER JOIN' : 'INNER JOIN'} ${quote(join.table)} AS ${join.alias} ON ${join.parentAlias}.${quote(join.parentColumn)} = ${join.alias}.${quote(join.column)}`;
  }

  private compileCombined(): CompiledSelect {
    const query = this.query;
    const combinator = query.combinator!;
    // The combined query's own ordering and slice apply to the whole result, not to its first part.
    const parts = [query, ...combinator.queries].map((part, index) => {
      const inner = part.clone();
      inner.combinator = null;
      if (query.shape.kind !== 'models') inner.shape = query.shape;
      if (index === 0) {
        inner.low = 0;
        inner.high = null;
      }
      if (!inner.isSliced) inner.ordering = [];
      const partCompiler = new Compiler(inner, this.ops);
      partCompiler.isSubquery = true;
      const compiled = partCompiler.compileSelect();
      return { ...compiled, sql: inner.isSliced ? `SELECT * FROM (${compiled.sql})` : compiled.sql };
    });
    const first = parts[0]!;
    const glue = ` ${combinator.operator}${combinator.all ? ' ALL' : ''} `;
    let sql = parts.map((part) => part.sql).join(glue);
    const params = parts.flatMap((part) => part.params);
    const order = this.combinedOrdering(first.plan);
    if (order.length) sql += ` ORDER BY ${order.join(', ')}`;
    sql += this.limitClause().length ? ` ${this.limitClause().join(' ')}` : '';
    return { sql, params, plan: first.plan, safeIntegers: parts.some((part) => part.safeIntegers) };
  }

  /** Ordering of a union orders by result column positions, the only references SQLite accepts there. */
  private combinedOrdering(plan: RowPlan): string[] {
    const query = this.query;
    if (!query.ordering) return [];
    const names: string[] =
      plan.kind === 'models' ? plan.plan.fields.map((field) => field.name) : plan.names;
    const attnames = plan.kind === 'models' ? plan.plan.fields.map((field) => field.attname) : plan.names;
    return query.ordering.map((item) => {
      if (typeof item !== 'string' || item === '?') {
        throw new NotSupportedError('Ordering a combined query takes field names (e.g. orderBy("-name")).');
      }
      const descending = item.startsWith('-') !== query.orderingReversed;
      const name = item.replace(/^-/, '');
      const index = Math.max(names.indexOf(name), attnames.indexOf(name), name === 'pk' ? names.indexOf(query.meta.pk.name) : -1);
      if (index < 0) throw new FieldError(`Cannot order the combined query by '${name}': it is not one of the selected columns (${names.join(', ')}).`);
      return `${index + 1} ${descending ? 'DESC' : 'ASC'}`;
    });
  }

  // ------------------------------------------------------------------ other statements

  /** `SELECT COUNT(*)`, wrapping the query when it is distinct, sliced, grouped or combined. */
  compileCount(): { sql: string; params: SqlValue[] } {
    const query = this.query;
    if (query.distinct || query.isSliced || query.combinator || query.hasAggregateAnnotations) {
      const inner = Compiler.select(withoutUnneededOrdering(query), this.ops);
      return { sql: `SELECT COUNT(*) FROM (${inner.sql}) AS counted`, params: inner.params };
    }
    const from = this.fromClause();
    const { where } = this.splitWhere();
    const sql = `SELECT COUNT(*) FROM ${from.sql}${this.whereClause(where)}`;
    return { sql, params: where && !query.empty ? where[1] : [] };
  }

  /** `SELECT agg1, agg2 FROM ...`, over a subquery when the query is sliced, distinct or grouped. */
  compileAggregate(aggregates: Array<[string, Expression]>): { sql: string; params: SqlValue[]; converters: Converter[] } {
    const query = this.query;
    const needsSubquery = query.distinct || query.isSliced || query.combinator !== null || query.hasAggregateAnnotations;
    if (query.distinctFields.length) throw new NotSupportedError('aggregate() over distinct(fields) is not implemented.');
    for (const [alias, expression] of aggregates) {
      if (!expression.containsAggregate) throw new TypeError(`aggregate(): '${alias}' is not an aggregate expression.`);
    }
    if (needsSubquery) return this.compileAggregateOverSubquery(aggregates);
    const resolved = aggregates.map(([alias, expression]) => [alias, expression.resolve(query)] as const);
    const compiled = resolved.map(([, expression]) => expression.compile(this));
    const converters = resolved.map(([, expression]) => expressionConverter(expression.outputField()) ?? (this.safeIntegers ? numberFromBigint : null));
    const from = this.fromClause();
    const { where } = this.splitWhere();
    const sql = `SELECT ${compiled.map(([sql]) => sql).join(', ')} FROM ${from.sql}${this.whereClause(where)}`;
    const params = [...compiled.flatMap(([, params]) => params), ...(where && !query.empty ? where[1] : [])];
    return { sql, params, converters };
  }

  /**
   * Aggregates over a sliced, distinct or grouped query, as Django does it: the query becomes a subquery
   * that also selects each aggregate's source as a named column, and the aggregates run over those.
   */
  private compileAggregateOverSubquery(aggregates: Array<[string, Expression]>): { sql: string; params: SqlValue[]; converters: Converter[] } {
    const inner = this.query.clone();
    if (inner.combinator) throw new NotSupportedError('aggregate() over union(), intersection() or difference() is not supported.');
    const outer = aggregates.map(([alias, expression], index) => {
      if (!(expression instanceof Aggregate) || expression.options.filter !== undefined) {
        throw new NotSupportedError(
          `aggregate(): '${alias}' over a sliced, distinct or grouped query must be a plain aggregate of one field or expression (Sum('f'), Count('*')), without filter.`,
        );
      }
      if (expression.source === '*') return expression;
      const column = `__aggregated_${index}`;
      inner.addAnnotation(column, expression.source, true, 'aggregate()');
      if (inner.shape.kind !== 'models' && inner.shape.names.length) inner.shape = { ...inner.shape, names: [...inner.shape.names, column] };
      return expression.over(new NamedColumn(column, inner.annotations.get(column)!.expression.outputField()));
    });
    const { sql: innerSql, params: innerParams } = Compiler.select(withoutUnneededOrdering(inner), this.ops);
    const compiled = outer.map((expression) => expression.compile(this));
    const converters = outer.map((expression) => expressionConverter(expression.outputField()));
    return {
      sql: `SELECT ${compiled.map(([sql]) => sql).join(', ')} FROM (${innerSql}) AS aggregated`,
      params: [...compiled.flatMap(([, params]) => params), ...innerParams],
      converters,
    };
  }

  /** The primary keys the query selects, as a subquery (for UPDATE / DELETE with joins). */
  compilePkSubquery(): { sql: string; params: SqlValue[] } {
    const query = this.query.clone();
    query.shape = { kind: 'values', names: ['pk'] };
    // Kept but not selected: a filter on an aggregate annotation still needs its GROUP BY and HAVING.
    query.annotations = new Map([...query.annotations].map(([name, annotation]) => [name, { ...annotation, selected: false }]));
    if (!query.isSliced) query.ordering = [];
    const compiler = new Compiler(query, this.ops);
    compiler.isSubquery = true;
    return compiler.compileSelect();
  }

  /**
   * Whether the query has a row, as one row at most: the slice `[low, low + 1)` of the query's own slice
   * (a LIMIT in the query, not text around it), so a sliced or combined query needs no wrapping.
   */
  compileExists(): { sql: string; params: SqlValue[] } {
    const query = this.query;
    query.high = query.high === null ? query.low + 1 : Math.min(query.high, query.low + 1);
    return this.compileSelect();
  }

  /** UPDATE of the rows the query selects; `assignments` are compiled against the base table. */
  compileUpdate(assignments: Array<[Field, Expression | SqlValue]>): { sql: string; params: SqlValue[] } {
    const query = this.query;
    const sets: string[] = [];
    const params: SqlValue[] = [];
    for (const [field, value] of assignments) {
      if (value instanceof Expression) {
        if (value.containsAggregate) {
          throw new FieldError(`update(): aggregate functions are not allowed in an update (${field.name}); a row's new value cannot come from an aggregate over rows.`);
        }
        if (expressionHasJoinedColumns(value, query.baseAlias)) {
          throw new FieldError(`update(): joined field references are not permitted (${field.name}).`);
        }
        const [sql, expressionParams] = value.compile(this);
        // Computed decimals are stored with the field's places, as the backend keeps exact decimals.
        const stored = field.internalType === 'DecimalField' ? this.ops.decimalAssignment(sql, (field as DecimalField).decimalPlaces) : sql;
        sets.push(`${this.ops.quoteName(field.column)} = ${stored}`);
        params.push(...expressionParams);
      } else {
        sets.push(`${this.ops.quoteName(field.column)} = ${this.ops.placeholder()}`);
        params.push(value);
      }
    }
    const target = `${this.ops.quoteName(query.meta.dbTable)} AS ${query.baseAlias}`;
    const filtered = query.where.children.length || query.isSliced || query.joins.length || query.empty;
    if (!filtered) return { sql: `UPDATE ${target} SET ${sets.join(', ')}`, params };
    const subquery = this.compilePkSubquery();
    const pk = `${query.baseAlias}.${this.ops.quoteName(query.meta.pk.column)}`;
    return { sql: `UPDATE ${target} SET ${sets.join(', ')} WHERE ${pk} IN (${subquery.sql})`, params: [...params, ...subquery.params] };
  }

  // ------------------------------------------------------------------ expressions

  compileWhere(node: WhereNode, negated = false): Compiled {
    const inner = negated !== node.negated;
    const parts: string[] = [];
    const params: SqlValue[] = [];
    for (const child of node.children) {
      const [sql, childParams] = child.kind === 'node' ? this.compileWhere(child, inner) : this.compileCondition(child, inner);
      parts.push(child.kind === 'node' && child.children.length > 1 && !child.negated ? `(${sql})` : sql);
      params.push(...childParams);
    }
    let sql = parts.length ? parts.join(` ${node.connector} `) : this.ops.trueCondition;
    if (node.negated) sql = `NOT (${sql})`;
    return [sql, params];
  }

  /**
   * One condition. Under negation a nullable left side gets `AND lhs IS NOT NULL`, so that
   * `exclude({ name: 'x' })` keeps rows whose name is NULL, as Django does.
   */
  compileCondition(condition: Condition, negated: boolean): Compiled {
    const [sql, params] = this.compileNode(condition);
    if (negated && condition.nullable && condition.guardsNullUnderNegation) {
      const [plainLhs, plainParams] = condition.lhs.compile(this);
      return [`(${sql} AND ${plainLhs} IS NOT NULL)`, [...params, ...plainParams]];
    }
    return [sql, params];
  }

  /** A template naming an expression more than once (at OPERAND): its SQL and its parameters go in each time. */
  repeatOperand(template: string, sql: string, leadingParams: SqlValue[], params: SqlValue[]): Compiled {
    const pieces = template.split(OPERAND);
    const repeated: SqlValue[] = [...leadingParams];
    for (let i = 1; i < pieces.length; i++) repeated.push(...params);
    return [pieces.join(sql), repeated];
  }

  /** An operand of arithmetic: a field that compares numerically (decimals) as the backend computes with it. */
  compileNumeric(expression: Expression): Compiled {
    const [sql, params] = expression.compile(this);
    const field = expression.outputField();
    return field?.comparison === 'numeric' ? [this.ops.numericOperand(sql, field), params] : [sql, params];
  }

  /** An ORDER BY operand or a side of an ordering comparison: decimals compare numerically, not as text. */
  compileComparable(expression: Expression): Compiled {
    const [sql, params] = expression.compile(this);
    return [this.comparable(sql, expression.outputField()), params];
  }

  /** `sql` as a side of a comparison of values of `field` (see compileComparable). */
  comparable(sql: string, field: Field | null): string {
    return field?.comparison === 'numeric' ? this.ops.numericComparisonOperand(sql, field) : sql;
  }

  private whereClause(where: Compiled | null): string {
    if (this.query.empty) return ` WHERE ${this.ops.falseCondition}`;
    return where ? ` WHERE ${where[0]}` : '';
  }

  compileSubquery(query: Query, options: { exists?: boolean } = {}): { sql: string; params: SqlValue[] } {
    const inner = query.clone();
    if (options.exists) {
      inner.shape = { kind: 'values', names: ['pk'] };
      inner.annotations = new Map([...inner.annotations].map(([name, annotation]) => [name, { ...annotation, selected: false }]));
      if (!inner.isSliced) inner.ordering = [];
    } else if (!inner.isSliced && inner.ordering === null) {
      inner.ordering = [];
    }
    const subqueryCompiler = new Compiler(inner, this.ops);
    subqueryCompiler.isSubquery = true;
    const compiled = subqueryCompiler.compileSelect();
    if (compiled.safeIntegers) this.safeIntegers = true;
    return compiled;
  }
}

/**
 * `-name`, `box__name`, an annotation name or `pk`, as OrderBy terms. A name ending at a foreign key orders by
 * the related model's own `ordering` (Django's find_ordering_name), prefixed with the path and flipped when
 * descending; a foreign key met twice on that walk is a cycle of default orderings, a FieldError.
 */
export function resolveOrderNames(query: Query, item: string, call = 'orderBy()', seen: readonly ForeignKey[] = []): OrderBy[] {
  const descending = item.startsWith('-');
  const name = descending ? item.slice(1) : item;
  const annotation = query.annotations.get(name);
  if (annotation) return [new OrderBy(new AnnotationRef(name, annotation.expression), descending)];
  const expression = query.resolveRef(name, call);
  const lastPart = name.split('__').pop();
  const foreignKey = expression instanceof Col ? asForeignKey(expression.field) : null;
  const relatedOrdering = foreignKey?.relatedModel._meta.ordering ?? [];
  if (!foreignKey || lastPart !== foreignKey.name || !relatedOrdering.length) return [new OrderBy(expression, descending)];
  if (seen.includes(foreignKey)) {
    const cycle = [...seen, foreignKey].map((field) => `${field.model?.name}.${field.name}`).join(' -> ');
    throw new FieldError(`${call}: infinite loop caused by ordering ('${name}': ${cycle}); the default orderings of these models refer to each other.`);
  }
  return relatedOrdering.flatMap((related) => {
    const relatedDescending = related.startsWith('-');
    const path = `${name}__${relatedDescending ? related.slice(1) : related}`;
    return resolveOrderNames(query, descending !== relatedDescending ? `-${path}` : path, call, [...seen, foreignKey]);
  });
}

/** A ForeignKey or OneToOneField (the relations with a column), else null. */
function asForeignKey(field: Field | null | undefined): ForeignKey | null {
  return field && field.isRelation && !field.manyToMany ? (field as ForeignKey) : null;
}

/** The query without its ordering when no slice depends on it (Django's clear_ordering(force=False)): counting and aggregating ignore row order. */
function withoutUnneededOrdering(query: Query): Query {
  if (query.isSliced || query.combinator) return query;
  const copy = query.clone();
  copy.ordering = [];
  return copy;
}

function expressionHasJoinedColumns(expression: Expression, baseAlias: string): boolean {
  if (expression instanceof Col) return expression.alias !== baseAlias;
  return expression.children().some((child) => expressionHasJoinedColumns(child, baseAlias));
}

registerSelectCompiler((query) => {
  const ops = currentOperations();
  const { sql, params } = Compiler.select(query, ops);
  return new CompiledSql(sql, params, ops);
});
