import type { BaseOperations } from '../db/backends/base/operations';
import type { SqlValue } from '../db/backends/base/types';
import { FieldError } from '../errors';
import type { Field } from '../models/fields/base';
import type { DecimalField } from '../models/fields/scalar';
import { FieldValueError } from '../values';
import type { Compiler } from './compiler';
import { outputFields } from './output-fields';
import type { Query } from './query';
import type { WhereNode } from './where';

export type Compiled = [sql: string, params: SqlValue[]];

/**
 * An SQL expression. Users build unresolved trees (F, Value, functions, aggregates); a Query resolves them
 * (F becomes a column, adding joins) and the compiler turns resolved trees into SQL and parameters.
 */
export abstract class Expression {
  /** Returns a resolved copy: column references bound to table aliases of `query`. */
  abstract resolve(query: Query): Expression;
  abstract compile(compiler: Compiler): Compiled;
  /** The field that describes the value, when known (used to convert values and pick comparisons). */
  outputField(): Field | null {
    return null;
  }
  get containsAggregate(): boolean {
    return false;
  }
  /** Sub-expressions, for walkers that look for aggregates or outer references. */
  children(): Expression[] {
    return [];
  }

  add(other: unknown): CombinedExpression {
    return new CombinedExpression(this, '+', toExpression(other));
  }
  sub(other: unknown): CombinedExpression {
    return new CombinedExpression(this, '-', toExpression(other));
  }
  mul(other: unknown): CombinedExpression {
    return new CombinedExpression(this, '*', toExpression(other));
  }
  div(other: unknown): CombinedExpression {
    return new CombinedExpression(this, '/', toExpression(other));
  }
  mod(other: unknown): CombinedExpression {
    return new CombinedExpression(this, '%', toExpression(other));
  }
  asc(options: NullsOrder = {}): OrderBy {
    return new OrderBy(this, false, options);
  }
  desc(options: NullsOrder = {}): OrderBy {
    return new OrderBy(this, true, options);
  }
}

export interface NullsOrder {
  nullsFirst?: boolean;
  nullsLast?: boolean;
}

export function toExpression(value: unknown): Expression {
  return value instanceof Expression ? value : new ValueExpression(value);
}

/** Makes a class callable with or without `new`, as Django's `Q(...)`, `F(...)`, `Count(...)`. */
export type Callable<C extends abstract new (...args: any[]) => any> = C &
  ((...args: ConstructorParameters<C>) => InstanceType<C>);

export function callable<C extends new (...args: any[]) => any>(cls: C): Callable<C> {
  const factory = function (this: unknown, ...args: unknown[]) {
    return new cls(...args);
  };
  Object.defineProperty(factory, 'name', { value: cls.name });
  factory.prototype = cls.prototype;
  Object.setPrototypeOf(factory, cls);
  return factory as unknown as Callable<C>;
}

/** A reference to a field (or annotation) of the query's model, possibly across relations: `F('box__name')`. */
export class FExpression extends Expression {
  constructor(readonly name: string) {
    super();
    if (typeof name !== 'string' || !name) throw new TypeError('F() needs a field name.');
  }
  resolve(query: Query): Expression {
    return query.resolveRef(this.name);
  }
  compile(): Compiled {
    throw new FieldError(`F('${this.name}') was not resolved against a query.`);
  }
}

/** A reference to a field of the query that encloses a Subquery / Exists. */
export class OuterRefExpression extends Expression {
  constructor(readonly name: string) {
    super();
  }
  resolve(query: Query): Expression {
    const outer = query.outerQuery;
    if (!outer) return this;
    return outer.resolveRef(this.name);
  }
  compile(): Compiled {
    throw new FieldError(`OuterRef('${this.name}') is only valid inside a Subquery or Exists used by another query.`);
  }
}

/** A literal value bound as a parameter. */
export class ValueExpression extends Expression {
  constructor(
    readonly value: unknown,
    readonly field: Field | null = null,
  ) {
    super();
  }
  resolve(): Expression {
    return this;
  }
  compile(compiler: Compiler): Compiled {
    return [compiler.ops.valuePlaceholder(this.value === null ? null : this.outputField()), [toSqlValue(this.value, this.field)]];
  }
  override outputField(): Field | null {
    return this.field ?? inferField(this.value);
  }
}

/** A resolved column: table alias plus field. */
export class Col extends Expression {
  constructor(
    readonly alias: string,
    readonly field: Field,
  ) {
    super();
  }
  resolve(): Expression {
    return this;
  }
  compile(compiler: Compiler): Compiled {
    return [`${this.alias}.${compiler.ops.quoteName(this.field.column)}`, []];
  }
  override outputField(): Field {
    return this.field;
  }
}

/** A reference to an annotation by alias, once the annotation is in the query. */
export class AnnotationRef extends Expression {
  constructor(
    readonly alias: string,
    readonly source: Expression,
  ) {
    super();
  }
  resolve(): Expression {
    return this;
  }
  compile(compiler: Compiler): Compiled {
    return this.source.compile(compiler);
  }
  override outputField(): Field | null {
    return this.source.outputField();
  }
  override get containsAggregate(): boolean {
    return this.source.containsAggregate;
  }
}

/** A named column of a subquery in FROM (`"__aggregated_0"`), with the field that describes it. */
export class NamedColumn extends Expression {
  constructor(
    readonly name: string,
    readonly field: Field | null,
  ) {
    super();
  }
  resolve(): Expression {
    return this;
  }
  compile(compiler: Compiler): Compiled {
    return [compiler.ops.quoteName(this.name), []];
  }
  override outputField(): Field | null {
    return this.field;
  }
}

export class CombinedExpression extends Expression {
  constructor(
    readonly lhs: Expression,
    readonly operator: '+' | '-' | '*' | '/' | '%',
    readonly rhs: Expression,
  ) {
    super();
  }
  resolve(query: Query): Expression {
    return new CombinedExpression(this.lhs.resolve(query), this.operator, this.rhs.resolve(query));
  }
  compile(compiler: Compiler): Compiled {
    const [lhs, lhsParams] = compiler.compileNumeric(this.lhs);
    const [rhs, rhsParams] = compiler.compileNumeric(this.rhs);
    return [`(${lhs} ${this.operator} ${rhs})`, [...lhsParams, ...rhsParams]];
  }
  override outputField(): Field | null {
    const lhs = this.lhs.outputField();
    const rhs = this.rhs.outputField();
    if (this.operator === '/' && lhs?.internalType !== 'DecimalField') {
      return lhs?.internalType === 'IntegerField' && rhs?.internalType === 'IntegerField' ? lhs : outputFields().float;
    }
    return lhs ?? rhs;
  }
  override get containsAggregate(): boolean {
    return this.lhs.containsAggregate || this.rhs.containsAggregate;
  }
  override children(): Expression[] {
    return [this.lhs, this.rhs];
  }
}

export class OrderBy extends Expression {
  constructor(
    readonly expression: Expression,
    readonly descending: boolean,
    readonly nulls: NullsOrder = {},
  ) {
    super();
    if (nulls.nullsFirst && nulls.nullsLast) throw new TypeError('nullsFirst and nullsLast are mutually exclusive.');
  }
  resolve(query: Query): OrderBy {
    return new OrderBy(this.expression.resolve(query), this.descending, this.nulls);
  }
  reversed(): OrderBy {
    const nulls = this.nulls.nullsFirst ? { nullsLast: true } : this.nulls.nullsLast ? { nullsFirst: true } : {};
    return new OrderBy(this.expression, !this.descending, nulls);
  }
  compile(compiler: Compiler): Compiled {
    const [sql, params] = compiler.compileComparable(this.expression);
    const nulls = this.nulls.nullsFirst ? ' NULLS FIRST' : this.nulls.nullsLast ? ' NULLS LAST' : '';
    return [`${sql} ${this.descending ? 'DESC' : 'ASC'}${nulls}`, params];
  }
  override get containsAggregate(): boolean {
    return this.expression.containsAggregate;
  }
  override children(): Expression[] {
    return [this.expression];
  }
}

/**
 * An SQL function call over expressions, also for functions of your own: `new Func('ABS', [F('balance')])`,
 * `new Func('ROUND', [F('price'), 1], new FloatField())`. A string argument is a field reference (F).
 */
export class Func extends Expression {
  readonly args: Expression[];
  constructor(
    readonly functionName: string,
    args: unknown[] = [],
    readonly output: Field | null = null,
  ) {
    super();
    if (typeof functionName !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(functionName)) {
      throw new TypeError(`Func(): '${String(functionName)}' is not an SQL function name (letters, digits and underscores).`);
    }
    if (!Array.isArray(args)) throw new TypeError(`Func('${functionName}'): the arguments are an array ([F('name'), 2]).`);
    this.args = args.map((arg) => (typeof arg === 'string' ? new FExpression(arg) : toExpression(arg)));
  }
  protected rebuild(args: Expression[]): Func {
    return { __proto__: Object.getPrototypeOf(this), ...this, args } as Func;
  }
  resolve(query: Query): Expression {
    return this.rebuild(this.args.map((arg) => arg.resolve(query)));
  }
  compile(compiler: Compiler): Compiled {
    const parts = this.args.map((arg) => arg.compile(compiler));
    return [`${this.functionName}(${parts.map(([sql]) => sql).join(', ')})`, parts.flatMap(([, params]) => params)];
  }
  override outputField(): Field | null {
    return this.output ?? this.args[0]?.outputField() ?? null;
  }
  override get containsAggregate(): boolean {
    return this.args.some((arg) => arg.containsAggregate);
  }
  override children(): Expression[] {
    return this.args;
  }
}

class LowerExpression extends Func {
  constructor(expression: unknown) {
    super('LOWER', [expression], outputFields().text);
  }
}
class UpperExpression extends Func {
  constructor(expression: unknown) {
    super('UPPER', [expression], outputFields().text);
  }
}
class LengthExpression extends Func {
  constructor(expression: unknown) {
    super('LENGTH', [expression], outputFields().integer);
  }
}
class CoalesceExpression extends Func {
  constructor(...expressions: unknown[]) {
    super('COALESCE', expressions);
    if (expressions.length < 2) throw new TypeError('Coalesce needs at least two expressions.');
  }
}
/** Concatenation where a NULL part counts as '' (as Django's Concat). */
class ConcatExpression extends Func {
  constructor(...expressions: unknown[]) {
    super('CONCAT', expressions, outputFields().text);
    if (expressions.length < 2) throw new TypeError('Concat needs at least two expressions.');
  }
  override compile(compiler: Compiler): Compiled {
    const parts = this.args.map((arg) => arg.compile(compiler));
    return [`(${parts.map(([sql]) => `COALESCE(${compiler.ops.textOperand(sql)}, '')`).join(' || ')})`, parts.flatMap(([, params]) => params)];
  }
}

export interface AggregateOptions {
  distinct?: boolean;
  /** Only rows matching this Q (or lookups object) are aggregated. */
  filter?: unknown;
  /** Value when there are no rows (Django's `default`). */
  default?: unknown;
}

/** An aggregate over the rows of a group: Count, Sum, Avg, Min, Max. */
export abstract class Aggregate extends Expression {
  abstract readonly aggregateName: string;
  readonly source: Expression | '*';
  filterNode: WhereNode | null = null;
  constructor(
    source: unknown,
    readonly options: AggregateOptions = {},
  ) {
    super();
    this.source = source === '*' ? '*' : typeof source === 'string' ? new FExpression(source) : toExpression(source);
  }
  override get containsAggregate(): boolean {
    return true;
  }
  resolve(query: Query): Expression {
    const copy = { __proto__: Object.getPrototypeOf(this), ...this } as Aggregate;
    (copy as { source: Expression | '*' }).source = this.source === '*' ? '*' : this.source.resolve(query);
    if (this.options.filter !== undefined) copy.filterNode = query.buildFilterNode(this.options.filter, `${this.aggregateName}(filter=...)`);
    return copy;
  }
  /** The SQL function and any arguments after the source; decimal aggregates are the backend's to spell. */
  protected sqlFunction(_ops: BaseOperations): { functionName: string; extraArguments: string } {
    return { functionName: this.aggregateName, extraArguments: '' };
  }
  /** The same aggregate over another (resolved) source: aggregate() over a subquery uses its named column. */
  over(source: Expression): Aggregate {
    return { __proto__: Object.getPrototypeOf(this), ...this, source } as Aggregate;
  }
  compile(compiler: Compiler): Compiled {
    const [source, params] = this.source === '*' ? ['*', []] : this.source.compile(compiler);
    const { functionName, extraArguments } = this.sqlFunction(compiler.ops);
    let sql = `${functionName}(${this.options.distinct ? 'DISTINCT ' : ''}${source}${extraArguments})`;
    const allParams = [...params];
    if (this.filterNode) {
      const [where, whereParams] = compiler.compileWhere(this.filterNode);
      sql += ` FILTER (WHERE ${where})`;
      allParams.push(...whereParams);
    }
    if (this.options.default !== undefined) {
      sql = `COALESCE(${sql}, ${compiler.ops.placeholder()})`;
      allParams.push(toSqlValue(this.options.default, this.outputField()));
    }
    return [sql, allParams];
  }
  protected sourceField(): Field | null {
    return this.source === '*' ? null : this.source.outputField();
  }
  override outputField(): Field | null {
    return this.sourceField();
  }
  override children(): Expression[] {
    return this.source === '*' ? [] : [this.source];
  }
}

class CountAggregate extends Aggregate {
  readonly aggregateName = 'COUNT';
  constructor(source: unknown = '*', options: AggregateOptions = {}) {
    super(source, options);
  }
  override outputField(): Field {
    return outputFields().integer;
  }
}

/** Decimal columns aggregate exactly, the way the backend computes exact decimals (operations.decimalAggregate). */
abstract class DecimalAwareAggregate extends Aggregate {
  abstract override readonly aggregateName: 'SUM' | 'MIN' | 'MAX' | 'AVG';
  protected decimalSource(): DecimalField | null {
    const field = this.sourceField();
    return field?.internalType === 'DecimalField' ? (field as DecimalField) : null;
  }
  protected override sqlFunction(ops: BaseOperations): { functionName: string; extraArguments: string } {
    const decimal = this.decimalSource();
    return decimal ? ops.decimalAggregate(this.aggregateName, decimal.decimalPlaces) : super.sqlFunction(ops);
  }
}

class SumAggregate extends DecimalAwareAggregate {
  readonly aggregateName = 'SUM';
}
class MinAggregate extends DecimalAwareAggregate {
  readonly aggregateName = 'MIN';
}
class MaxAggregate extends DecimalAwareAggregate {
  readonly aggregateName = 'MAX';
}
class AvgAggregate extends DecimalAwareAggregate {
  readonly aggregateName = 'AVG';
  override outputField(): Field {
    return this.decimalSource() ?? outputFields().float;
  }
  /** Not over decimals, the average is a float, also where AVG of integers gives an exact numeric. */
  override compile(compiler: Compiler): Compiled {
    const [sql, params] = super.compile(compiler);
    return this.decimalSource() ? [sql, params] : [compiler.ops.floatValue(sql), params];
  }
}

/**
 * An aggregate that remembers, for the compiler only, its kind and its source path, so `annotate()` and
 * `aggregate()` results are typed (`Sum('amount')` over a DecimalField is `string | null`).
 */
export interface TypedAggregate<Kind extends string, Source> extends Aggregate {
  readonly '~aggregate': Kind;
  readonly '~source': Source;
}

/** `Count(...)`, `Sum(...)`, ...: callable with or without `new`. */
export interface AggregateFactory<Kind extends string, DefaultSource = never> {
  <const Source = DefaultSource>(source?: Source, options?: AggregateOptions): TypedAggregate<Kind, Source>;
  new <const Source = DefaultSource>(source?: Source, options?: AggregateOptions): TypedAggregate<Kind, Source>;
}

/** Marker for querysets used as expressions; implemented by QuerySet (kept abstract here to avoid a cycle). */
export interface QueryProvider {
  readonly query: Query;
}

function isQueryProvider(value: unknown): value is QueryProvider {
  return typeof value === 'object' && value !== null && 'query' in value && typeof (value as QueryProvider).query?.model === 'function';
}

/** A scalar subquery: `Subquery(Pizza.objects.filter({ box: OuterRef('pk') }).values('name').slice(0, 1))`. */
export class SubqueryExpression extends Expression {
  readonly inner: Query;
  constructor(
    /** The queryset as the user gave it (the async layer sends it, not the resolved Query). */
    readonly source: QueryProvider,
    readonly output: Field | null = null,
  ) {
    super();
    if (!isQueryProvider(source)) throw new TypeError('Subquery() needs a queryset.');
    this.inner = source.query;
  }
  resolve(query: Query): Expression {
    return { __proto__: Object.getPrototypeOf(this), ...this, inner: this.inner.resolveAsSubquery(query) } as SubqueryExpression;
  }
  compile(compiler: Compiler): Compiled {
    const { sql, params } = compiler.compileSubquery(this.inner);
    return [`(${sql})`, params];
  }
  override outputField(): Field | null {
    return this.output ?? this.inner.singleSelectedField();
  }
}

export class ExistsExpression extends SubqueryExpression {
  constructor(queryset: QueryProvider) {
    super(queryset, outputFields().boolean);
  }
  override compile(compiler: Compiler): Compiled {
    const { sql, params } = compiler.compileSubquery(this.inner, { exists: true });
    return [`EXISTS(${sql})`, params];
  }
}

/** A JS value as a bound parameter, through the field when one describes it. */
export function toSqlValue(value: unknown, field: Field | null): SqlValue {
  if (value === null || value === undefined) return null;
  if (field) return field.toDb(field.toValue(value));
  return plainSqlValue(value);
}

export function plainSqlValue(value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  // JSON.stringify would turn these into undefined, which binds as NULL and silently matches nothing.
  if (typeof value === 'symbol' || typeof value === 'function') {
    throw new FieldValueError(`${typeof value === 'symbol' ? String(value) : 'a function'} is not a value SQL can compare.`);
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || Buffer.isBuffer(value)) return value;
  return JSON.stringify(value);
}

function inferField(value: unknown): Field | null {
  if (typeof value === 'number') return Number.isInteger(value) ? outputFields().integer : outputFields().float;
  if (typeof value === 'string') return outputFields().text;
  if (typeof value === 'boolean') return outputFields().boolean;
  return null;
}

// ------------------------------------------------------------------ transforms

/** A transform class as the lookup registry holds it (`pubDate__year`: YearTransform under 'year'). */
export interface TransformClass {
  readonly name: string;
  readonly lookupName: string;
  readonly prototype: Transform;
  new (source: Expression): Transform;
}

/**
 * A transform changes the left-hand side before the lookup (`pubDate__year`, `created__date`; Django's
 * Transform). Registered on field classes like lookups; made from an already resolved source. The compiler
 * calls `as<Vendor>` (`asSqlite`) instead of `asSql` when the transform defines one.
 */
export abstract class Transform extends Expression {
  static readonly lookupName: string = '';

  constructor(readonly source: Expression) {
    super();
  }
  get lookupName(): string {
    return (this.constructor as TransformClass).lookupName;
  }
  resolve(): Expression {
    return this;
  }
  compile(compiler: Compiler): Compiled {
    return compiler.compileNode(this);
  }
  abstract asSql(compiler: Compiler, ops: BaseOperations): Compiled;
  /** A transform this transform's value has by itself, besides those registered on its class (JSON keys). */
  getTransform(_name: string): TransformClass | undefined {
    return undefined;
  }
  override outputField(): Field | null {
    return this.source.outputField();
  }
  override get containsAggregate(): boolean {
    return this.source.containsAggregate;
  }
  override children(): Expression[] {
    return [this.source];
  }
}

/**
 * A key path into a JSON column (`data__owner__name`): its SQL value (text, number or NULL), its JSON text
 * (for containment), or its JSON type name (telling a key holding JSON null from a missing one). Lookups
 * registered on KeyTransform come first; the others compare the value as a plain SQL value.
 */
export class KeyTransform extends Transform {
  readonly keys: readonly string[];

  /** A key of a key (`data__owner__name`) is one path from the column: `$.owner.name`. */
  constructor(
    source: Expression,
    keys: readonly string[],
    readonly mode: 'value' | 'json' | 'type' = 'value',
  ) {
    super(source instanceof KeyTransform ? source.source : source);
    this.keys = source instanceof KeyTransform ? [...source.keys, ...keys] : keys;
  }

  /** Every name that is not a lookup is a further key. */
  override getTransform(name: string): TransformClass {
    return keyTransform(name);
  }
  withMode(mode: 'value' | 'json' | 'type'): KeyTransform {
    return new KeyTransform(this.source, this.keys, mode);
  }
  asSql(compiler: Compiler, ops: BaseOperations): Compiled {
    const [sql, params] = this.source.compile(compiler);
    const [path, pathParams] = ops.jsonPathOperand(this.keys);
    const text = this.mode === 'json' ? ops.jsonKeyJson(sql, path) : this.mode === 'type' ? ops.jsonKeyType(sql, path) : ops.jsonKeyValue(sql, path);
    return [text, [...params, ...pathParams]];
  }
  override outputField(): Field | null {
    return null;
  }
}

/** The transform that reads key `name` of a JSON value (Django's KeyTransformFactory). */
export function keyTransform(name: string): TransformClass {
  return class extends KeyTransform {
    constructor(source: Expression) {
      super(source, [name]);
    }
  };
}

// Public, callable with or without `new`.
export const F = callable(FExpression);
export const OuterRef = callable(OuterRefExpression);
export const Value = callable(ValueExpression);
export const Lower = callable(LowerExpression);
export const Upper = callable(UpperExpression);
export const Length = callable(LengthExpression);
export const Concat = callable(ConcatExpression);
export const Coalesce = callable(CoalesceExpression);
export const Count = callable(CountAggregate) as unknown as AggregateFactory<'count', '*'>;
export const Sum = callable(SumAggregate) as unknown as AggregateFactory<'sum'>;
export const Avg = callable(AvgAggregate) as unknown as AggregateFactory<'avg'>;
export const Min = callable(MinAggregate) as unknown as AggregateFactory<'min'>;
export const Max = callable(MaxAggregate) as unknown as AggregateFactory<'max'>;
export const Subquery = callable(SubqueryExpression);
export const Exists = callable(ExistsExpression);

// ---------------------------------------------------------------- conditional expressions

/** `When({ registered__gt: date }, Value('new'))`: one branch of a `Case`; the condition is a Q, lookups or a boolean expression. */
export class WhenExpression extends Expression {
  readonly result: Expression;
  /** The resolved condition (named as an aggregate's filter, so subqueries rename its aliases the same way). */
  readonly filterNode: WhereNode | null = null;

  constructor(
    readonly condition: unknown,
    then: unknown,
  ) {
    super();
    if (condition === undefined || condition === null || (typeof condition === 'object' && !(condition instanceof Expression) && !Object.keys(condition).length && !('children' in condition))) {
      throw new TypeError('When() needs a condition: a Q, a lookups object or a boolean expression.');
    }
    if (then === undefined) throw new TypeError('When() needs a result (its second argument, the THEN value).');
    this.result = referenceOrValue(then);
  }
  resolve(query: Query): WhenExpression {
    const filterNode = query.buildFilterNode(this.condition, 'When()');
    return { __proto__: WhenExpression.prototype, ...this, filterNode, result: this.result.resolve(query) } as WhenExpression;
  }
  compile(compiler: Compiler): Compiled {
    if (!this.filterNode) throw new FieldError('When() was not resolved against a query.');
    const [condition, conditionParams] = compiler.compileWhere(this.filterNode);
    const [result, resultParams] = this.result.compile(compiler);
    return [`WHEN ${condition} THEN ${result}`, [...conditionParams, ...resultParams]];
  }
  override outputField(): Field | null {
    return this.result.outputField();
  }
  override get containsAggregate(): boolean {
    return this.result.containsAggregate || (this.filterNode !== null && whereHasAggregate(this.filterNode));
  }
  override children(): Expression[] {
    return [this.result];
  }
}

export interface CaseOptions {
  /** The value when no branch matches (SQL NULL when omitted). */
  default?: unknown;
  /** The field describing the result, when the branches' own types do not (`new IntegerField()`). */
  outputField?: Field;
}

/** `Case(When(...), When(...), { default: Value('other') })`: the first matching branch's result (SQL CASE). */
export class CaseExpression extends Expression {
  readonly cases: WhenExpression[];
  readonly fallback: Expression;
  readonly output: Field | null;

  constructor(...args: Array<WhenExpression | CaseOptions>) {
    super();
    const last = args[args.length - 1];
    const options: CaseOptions = last !== undefined && !(last instanceof Expression) ? (args.pop() as CaseOptions) : {};
    for (const item of args) {
      if (!(item instanceof WhenExpression)) throw new TypeError('Case() takes When() branches, then an options object ({ default, outputField }).');
    }
    this.cases = args as WhenExpression[];
    this.fallback = referenceOrValue(options.default ?? null);
    this.output = options.outputField ?? null;
  }
  resolve(query: Query): CaseExpression {
    return {
      __proto__: CaseExpression.prototype,
      ...this,
      cases: this.cases.map((branch) => branch.resolve(query)),
      fallback: this.fallback.resolve(query),
    } as CaseExpression;
  }
  compile(compiler: Compiler): Compiled {
    // No branch: only the default is left (Django compiles it alone too).
    if (!this.cases.length) return this.fallback.compile(compiler);
    const parts = this.cases.map((branch) => branch.compile(compiler));
    const [fallback, fallbackParams] = this.fallback.compile(compiler);
    return [`CASE ${parts.map(([sql]) => sql).join(' ')} ELSE ${fallback} END`, [...parts.flatMap(([, params]) => params), ...fallbackParams]];
  }
  override outputField(): Field | null {
    if (this.output) return this.output;
    for (const branch of this.cases) {
      const field = branch.outputField();
      if (field) return field;
    }
    return this.fallback.outputField();
  }
  override get containsAggregate(): boolean {
    return this.cases.some((branch) => branch.containsAggregate) || this.fallback.containsAggregate;
  }
  override children(): Expression[] {
    return [...this.cases, this.fallback];
  }
}

/** `ExpressionWrapper(F('price').mul(F('qty')), new DecimalField(...))`: an expression with the field that describes its values. */
export class ExpressionWrapperExpression extends Expression {
  constructor(
    readonly expression: Expression,
    readonly output: Field,
  ) {
    super();
    if (!(expression instanceof Expression)) throw new TypeError('ExpressionWrapper() wraps an expression (F, Value, arithmetic, ...).');
    if (!output || typeof (output as Field).internalType !== 'string') throw new TypeError('ExpressionWrapper() needs the output field (new IntegerField(), ...).');
  }
  resolve(query: Query): ExpressionWrapperExpression {
    return new ExpressionWrapperExpression(this.expression.resolve(query), this.output);
  }
  compile(compiler: Compiler): Compiled {
    return this.expression.compile(compiler);
  }
  override outputField(): Field {
    return this.output;
  }
  override get containsAggregate(): boolean {
    return this.expression.containsAggregate;
  }
  override children(): Expression[] {
    return [this.expression];
  }
}

export const When = callable(WhenExpression);
export const Case = callable(CaseExpression);
export const ExpressionWrapper = callable(ExpressionWrapperExpression);

/** A string is a field reference, as in Django's Case and When (`default: 'integer'` is F('integer')); anything else a value. */
function referenceOrValue(value: unknown): Expression {
  return typeof value === 'string' ? new FExpression(value) : toExpression(value);
}

/** Whether a condition tree has an aggregate (where.ts has the same walk; it imports this module, so not from there). */
function whereHasAggregate(node: WhereNode | { kind: 'condition'; containsAggregate: boolean }): boolean {
  if (node.kind === 'condition') return node.containsAggregate;
  return (node as WhereNode).children.some((child) => whereHasAggregate(child as WhereNode));
}

/**
 * A date or datetime truncated to the start of its year, month, week, day (as a date) or, for datetimes, of its
 * hour, minute or second (as a datetime): what `dates()` and `datetimes()` select.
 */
export class TruncExpression extends Expression {
  constructor(
    readonly source: Expression,
    readonly kind: 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second',
    /** 'date': the result is a date; 'datetime': a datetime described by the source's field. */
    readonly to: 'date' | 'datetime',
    /** The IANA zone a datetime is truncated in (Django's tzinfo); null: the configured one. */
    readonly timeZone: string | null = null,
  ) {
    super();
  }
  resolve(query: Query): TruncExpression {
    return new TruncExpression(this.source.resolve(query), this.kind, this.to, this.timeZone);
  }
  compile(compiler: Compiler): Compiled {
    const [sql, params] = this.source.compile(compiler);
    const ops = compiler.ops;
    const timeZone = this.timeZone ?? compiler.timeZone;
    if (this.to === 'datetime') return [ops.datetimeTrunc(this.kind, sql, timeZone), params];
    // A datetime's date is the one its time zone shows.
    const date = this.source.outputField()?.internalType === 'DateTimeField' ? ops.datetimeCastDate(sql, timeZone) : sql;
    return [ops.dateTrunc(this.kind as 'year' | 'month' | 'week' | 'day', date), params];
  }
  override outputField(): Field | null {
    return this.to === 'date' ? outputFields().date : this.source.outputField();
  }
  override get containsAggregate(): boolean {
    return this.source.containsAggregate;
  }
  override children(): Expression[] {
    return [this.source];
  }
}
