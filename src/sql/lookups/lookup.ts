import type { BaseOperations } from '../../db/backends/base/operations';
import type { Field } from '../../models/fields/base';
import type { Compiler } from '../compiler';
import { Expression, type Compiled } from '../expressions';
import type { Query } from '../query';

/** What a lookup needs from the query to turn the value a user wrote into its right-hand side. */
export interface LookupContext {
  readonly query: Query;
  /** The filter key as written (`box__name__istartswith`), for messages. */
  readonly key: string;
  /** The field right-hand values go through (`toValue` / `toDb`); null: they bind as plain SQL values. */
  readonly field: Field | null;
  /** The left-hand side may be NULL (nullable column or outer join), which matters under negation. */
  readonly nullable: boolean;
  /** Throws the ValidationError of a bad value, naming the call and the key. */
  fail(message: string): never;
  /** A value compared with the left-hand side: a related instance becomes its key, others go through the field. */
  prepare(value: unknown): unknown;
  /** Whether the value is a queryset (anything with a `query`). */
  isQueryset(value: unknown): boolean;
  /** A queryset given as the value, as a subquery selecting what the left-hand side compares with. */
  subquery(value: unknown): Query;
}

/** A lookup class as the registry holds it: its name and how it builds a condition. */
export interface LookupClass {
  readonly name: string;
  readonly lookupName: string;
  readonly prototype: Lookup;
  build(lhs: Expression, value: unknown, context: LookupContext): Lookup;
}

type LookupConstructor = new (lhs: Expression, rhs: unknown, nullable: boolean) => Lookup;

/**
 * One condition of a WHERE tree (Django's Lookup): `lhs <lookup> rhs`. A lookup is a small class registered
 * on field classes (`Field.registerLookup(ExactLookup)`): `build` turns the value a user wrote into the
 * right-hand side, `asSql` renders the condition through the backend's operations. The compiler calls
 * `as<Vendor>` (`asSqlite`, `asPostgresql`) instead of `asSql` when the lookup defines one.
 */
export abstract class Lookup {
  static readonly lookupName: string = '';
  readonly kind = 'condition' as const;

  constructor(
    readonly lhs: Expression,
    /** A prepared SQL value, an array of them (in / range), an Expression, or a Query (subquery). */
    readonly rhs: unknown,
    readonly nullable: boolean,
  ) {}

  get lookupName(): string {
    return (this.constructor as unknown as LookupClass).lookupName;
  }

  /**
   * The condition for `value`: an expression is resolved against the query, a queryset is refused (see `In`),
   * anything else goes through `prepareRhs`.
   */
  static build(this: LookupConstructor & typeof Lookup, lhs: Expression, value: unknown, context: LookupContext): Lookup {
    if (value instanceof Expression) return new this(lhs, value.resolve(context.query), context.nullable);
    if (context.isQueryset(value)) context.fail(`a queryset can only be the value of an 'in' or 'exact' lookup.`);
    return new this(lhs, this.prepareRhs(value, context), context.nullable);
  }

  /** The right-hand side of a plain value (Django's `get_prep_lookup`): through the field by default. */
  static prepareRhs(value: unknown, context: LookupContext): unknown {
    if (value === null) context.fail(`null is only allowed with exact lookups; use ${context.key.replace(/__\w+$/, '')}__isnull.`);
    return context.prepare(value);
  }

  abstract asSql(compiler: Compiler, ops: BaseOperations): Compiled;

  /**
   * Under negation a nullable left side also gets `AND lhs IS NOT NULL`, so that `exclude({ name: 'x' })`
   * keeps rows whose name is NULL, as Django does. `isnull` is about NULL itself and needs no guard.
   */
  get guardsNullUnderNegation(): boolean {
    return true;
  }

  /** An aggregate on either side puts the condition in HAVING (`filter({ awards__gt: F('n').mul(2) })` over `n: Count(...)`). */
  get containsAggregate(): boolean {
    return this.lhs.containsAggregate || (this.rhs instanceof Expression && this.rhs.containsAggregate);
  }

  /** The same condition over other sides (a subquery renames its aliases). */
  relabeled(lhs: Expression, rhs: unknown): Lookup {
    return { __proto__: Object.getPrototypeOf(this), ...this, lhs, rhs } as Lookup;
  }
}

export function isLookupClass(value: unknown): value is LookupClass {
  return typeof value === 'function' && value.prototype instanceof Lookup;
}
