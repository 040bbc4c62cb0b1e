import type { BaseOperations, PatternLookup as PatternName } from '../../db/backends/base/operations';
import type { SqlValue } from '../../db/backends/base/types';
import { FieldError } from '../../errors';
import { describeInstance } from '../../values';
import type { Compiler } from '../compiler';
import { Col, Expression, type Compiled } from '../expressions';
import { Lookup, type LookupContext } from './lookup';

/** The lookups every field has (registered on Field by the model layer): Django's built-in lookups. */

/**
 * `lhs <operator> rhs`, the right-hand side a bound value or an expression. Ordering comparisons set `numeric`:
 * both sides of a field that compares numerically (exact decimals) go through `numericComparisonOperand`.
 */
export abstract class OperatorLookup extends Lookup {
  protected get numeric(): boolean {
    return false;
  }

  asSql(compiler: Compiler, ops: BaseOperations): Compiled {
    const field = this.numeric ? this.lhs.outputField() : null;
    const [lhs, lhsParams] = this.lhs.compile(compiler);
    const [rhs, rhsParams] = this.rhs instanceof Expression ? this.rhs.compile(compiler) : [ops.placeholder(), [this.rhs as SqlValue]];
    return [this.operator(compiler.comparable(lhs, field), compiler.comparable(rhs, field), ops), [...lhsParams, ...rhsParams]];
  }

  protected abstract operator(lhs: string, rhs: string, ops: BaseOperations): string;
}

export class ExactLookup extends OperatorLookup {
  static override readonly lookupName = 'exact';

  /** `exact: null` is `isnull: true`; a queryset is `in` it. */
  static override build(lhs: Expression, value: unknown, context: LookupContext): Lookup {
    if (value === null) return new IsNullLookup(lhs, true, context.nullable);
    if (context.isQueryset(value)) return new InLookup(lhs, context.subquery(value), context.nullable);
    return super.build(lhs, value, context);
  }

  /**
   * A stored decimal compares as its text (stored with the field's places); a computed one (`F('price').add(1)`)
   * is a number in the backend, so both sides compare numerically.
   */
  protected override get numeric(): boolean {
    return !(this.lhs instanceof Col);
  }

  protected operator(lhs: string, rhs: string): string {
    return `${lhs} = ${rhs}`;
  }
}

abstract class OrderingLookup extends OperatorLookup {
  /**
   * A fraction compared with an integer column becomes the integer with the same answer (Django's
   * IntegerFieldFloatRounding): `gt 11.9` is `gt 11`, `lt 11.1` is `lt 12`.
   */
  static readonly roundFraction: (value: number) => number = Math.floor;

  static override prepareRhs(value: unknown, context: LookupContext): unknown {
    const integerColumn = /(?:Integer|Auto)Field$/.test(context.field?.internalType ?? '');
    if (integerColumn && typeof value === 'number' && Number.isFinite(value) && !Number.isInteger(value)) {
      value = (this as unknown as typeof OrderingLookup).roundFraction(value);
    }
    return super.prepareRhs(value, context);
  }

  protected override get numeric(): boolean {
    return true;
  }
}

export class GreaterThanLookup extends OrderingLookup {
  static override readonly lookupName = 'gt';
  protected operator(lhs: string, rhs: string): string {
    return `${lhs} > ${rhs}`;
  }
}

export class GreaterThanOrEqualLookup extends OrderingLookup {
  static override readonly lookupName = 'gte';
  static override readonly roundFraction = Math.ceil;
  protected operator(lhs: string, rhs: string): string {
    return `${lhs} >= ${rhs}`;
  }
}

export class LessThanLookup extends OrderingLookup {
  static override readonly lookupName = 'lt';
  static override readonly roundFraction = Math.ceil;
  protected operator(lhs: string, rhs: string): string {
    return `${lhs} < ${rhs}`;
  }
}

export class LessThanOrEqualLookup extends OrderingLookup {
  static override readonly lookupName = 'lte';
  protected operator(lhs: string, rhs: string): string {
    return `${lhs} <= ${rhs}`;
  }
}

export class IsNullLookup extends Lookup {
  static override readonly lookupName = 'isnull';

  static override build(lhs: Expression, value: unknown, context: LookupContext): Lookup {
    if (typeof value !== 'boolean') context.fail('the isnull lookup takes true or false.');
    return new IsNullLookup(lhs, value, context.nullable);
  }

  asSql(compiler: Compiler): Compiled {
    const [lhs, params] = this.lhs.compile(compiler);
    return [`${lhs} IS ${this.rhs ? '' : 'NOT '}NULL`, params];
  }

  override get guardsNullUnderNegation(): boolean {
    return false;
  }
}

export class InLookup extends Lookup {
  static override readonly lookupName = 'in';

  static override build(lhs: Expression, value: unknown, context: LookupContext): Lookup {
    if (context.isQueryset(value)) return new InLookup(lhs, context.subquery(value), context.nullable);
    return super.build(lhs, value, context);
  }

  /** NULL is never IN anything: dropped, as Django does. */
  static override prepareRhs(value: unknown, context: LookupContext): unknown {
    if (!isIterable(value)) context.fail(`the in lookup takes an array (or a queryset); got ${describeInstance(value)}.`);
    return [...(value as Iterable<unknown>)].filter((item) => item !== null && item !== undefined).map((item) => context.prepare(item));
  }

  asSql(compiler: Compiler, ops: BaseOperations): Compiled {
    const [lhs, lhsParams] = this.lhs.compile(compiler);
    if (this.rhs instanceof Expression) throw new FieldError(`Unsupported lookup 'in'.`);
    if (isQuery(this.rhs)) {
      const { sql, params } = compiler.compileSubquery(this.rhs);
      return [`${lhs} IN (${sql})`, [...lhsParams, ...params]];
    }
    const values = this.rhs as SqlValue[];
    if (!values.length) return [ops.falseCondition, []];
    return [`${lhs} IN (${ops.placeholders(values.length)})`, [...lhsParams, ...values]];
  }
}

export class RangeLookup extends Lookup {
  static override readonly lookupName = 'range';

  static override prepareRhs(value: unknown, context: LookupContext): unknown {
    const bounds = isIterable(value) ? [...(value as Iterable<unknown>)] : [];
    if (bounds.length !== 2) context.fail('the range lookup takes a [low, high] pair.');
    return bounds.map((bound) => context.prepare(bound));
  }

  asSql(compiler: Compiler, ops: BaseOperations): Compiled {
    if (this.rhs instanceof Expression) throw new FieldError(`Unsupported lookup 'range'.`);
    const field = this.lhs.outputField();
    const [lhs, lhsParams] = this.lhs.compile(compiler);
    const [low, high] = this.rhs as SqlValue[];
    const bound = compiler.comparable(ops.placeholder(), field);
    return [`${compiler.comparable(lhs, field)} BETWEEN ${bound} AND ${bound}`, [...lhsParams, low!, high!]];
  }
}

/**
 * Text matched inside the left-hand side. A bound pattern is escaped and wrapped by the backend
 * (`patternParameter`); an expression on the right (`name__startswith: F('prefix')`) is matched as it is.
 */
export abstract class PatternLookup extends Lookup {
  static override prepareRhs(value: unknown, context: LookupContext): unknown {
    if (value === null) return super.prepareRhs(value, context);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') {
      context.fail(`the ${this.lookupName} lookup takes a string; got ${describeInstance(value)}.`);
    }
    return String(value);
  }

  asSql(compiler: Compiler, ops: BaseOperations): Compiled {
    const name = this.lookupName as PatternName;
    const [lhs, lhsParams] = this.lhs.compile(compiler);
    if (!(this.rhs instanceof Expression)) {
      return [ops.patternLookup(name, lhs, ops.placeholder()), [...lhsParams, ops.patternParameter(name, this.rhs as string)]];
    }
    const [rhs, rhsParams] = this.rhs.compile(compiler);
    return compiler.repeatOperand(ops.patternExpressionLookup(name, lhs, OPERAND), rhs, lhsParams, rhsParams);
  }
}

/** Where an expression's SQL goes in a template that may name it more than once (its parameters repeat with it). */
export const OPERAND = '\u0000';

export class IExactLookup extends PatternLookup {
  static override readonly lookupName = 'iexact';

  static override build(lhs: Expression, value: unknown, context: LookupContext): Lookup {
    if (value === null) return new IsNullLookup(lhs, true, context.nullable);
    return super.build(lhs, value, context);
  }

  /** Compared as text against a field; a value no field describes goes through as it is. */
  static override prepareRhs(value: unknown, context: LookupContext): unknown {
    return context.field ? String(value) : context.prepare(value);
  }
}

export class ContainsLookup extends PatternLookup {
  static override readonly lookupName = 'contains';
}
export class IContainsLookup extends PatternLookup {
  static override readonly lookupName = 'icontains';
}
export class StartsWithLookup extends PatternLookup {
  static override readonly lookupName = 'startswith';
}
export class IStartsWithLookup extends PatternLookup {
  static override readonly lookupName = 'istartswith';
}
export class EndsWithLookup extends PatternLookup {
  static override readonly lookupName = 'endswith';
}
export class IEndsWithLookup extends PatternLookup {
  static override readonly lookupName = 'iendswith';
}

export class RegexLookup extends PatternLookup {
  static override readonly lookupName: string = 'regex';
  protected get caseInsensitive(): boolean {
    return false;
  }

  /** Checked here, so a bad pattern fails at the chaining call instead of inside the database. */
  static override prepareRhs(value: unknown, context: LookupContext): unknown {
    const pattern = super.prepareRhs(value, context) as string;
    try {
      new RegExp(pattern, 'u');
    } catch (error) {
      context.fail(`invalid regular expression: ${(error as Error).message}`);
    }
    return pattern;
  }

  override asSql(compiler: Compiler, ops: BaseOperations): Compiled {
    const [lhs, lhsParams] = this.lhs.compile(compiler);
    const [rhs, rhsParams] = this.rhs instanceof Expression ? this.rhs.compile(compiler) : [ops.placeholder(), [this.rhs as SqlValue]];
    return [ops.regexLookup(lhs, rhs, this.caseInsensitive), [...lhsParams, ...rhsParams]];
  }
}

export class IRegexLookup extends RegexLookup {
  static override readonly lookupName = 'iregex';
  protected override get caseInsensitive(): boolean {
    return true;
  }
}

/** Every built-in lookup, in the order error messages have always listed them. */
export const BUILTIN_LOOKUPS = [
  ExactLookup, IExactLookup, ContainsLookup, IContainsLookup, InLookup, GreaterThanLookup, GreaterThanOrEqualLookup,
  LessThanLookup, LessThanOrEqualLookup, StartsWithLookup, IStartsWithLookup, EndsWithLookup, IEndsWithLookup,
  RangeLookup, IsNullLookup, RegexLookup, IRegexLookup,
] as const;

function isIterable(value: unknown): boolean {
  return value !== null && typeof value === 'object' && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function' && !Buffer.isBuffer(value);
}

function isQuery(value: unknown): value is import('../query').Query {
  return typeof value === 'object' && value !== null && typeof (value as { resolveRef?: unknown }).resolveRef === 'function';
}
