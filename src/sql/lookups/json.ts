import type { BaseOperations } from '../../db/backends/base/operations';
import type { SqlValue } from '../../db/backends/base/types';
import { describeInstance } from '../../values';
import type { Compiler } from '../compiler';
import { Expression, KeyTransform, type Compiled } from '../expressions';
import { ContainsLookup, ExactLookup, IExactLookup, IsNullLookup } from './builtin';
import { Lookup, type LookupContext } from './lookup';

/**
 * Django's JSONField lookups: keys present (`has_key`, `has_keys`, `has_any_keys`), containment (`contains`,
 * `contained_by`, compared as JSON), and on a key a missing key (`__isnull: true`) apart from a key holding
 * JSON null (`data__owner: null`). Registered by the model layer on JSONField and on KeyTransform; other
 * lookups compare a key's value as a plain SQL value.
 */

/** The column and the key path a JSON lookup starts from (no keys: the field itself). */
function jsonParts(lhs: Expression): { source: Expression; keys: readonly string[] } {
  return lhs instanceof KeyTransform ? { source: lhs.source, keys: lhs.keys } : { source: lhs, keys: [] };
}

function keyPath(keys: readonly string[], key: unknown, context: LookupContext): string[] {
  if (typeof key !== 'string' && typeof key !== 'number') context.fail(`keys are strings; got ${describeInstance(key)}.`);
  return [...keys, String(key)];
}

function isPlainValue(value: unknown, context: LookupContext): boolean {
  return !(value instanceof Expression) && !context.isQueryset(value);
}

/** `data__has_key: 'owner'`: the rhs is the key path, bound in the backend's path syntax. */
export class HasKeyLookup extends Lookup {
  static override readonly lookupName = 'has_key';

  static override build(lhs: Expression, value: unknown, context: LookupContext): Lookup {
    if (!isPlainValue(value, context)) return super.build(lhs, value, context);
    const { source, keys } = jsonParts(lhs);
    return new HasKeyLookup(source, keyPath(keys, value, context), context.nullable);
  }

  asSql(compiler: Compiler, ops: BaseOperations): Compiled {
    const [lhs, lhsParams] = this.lhs.compile(compiler);
    if (this.rhs instanceof Expression) {
      const [rhs, rhsParams] = this.rhs.compile(compiler);
      return [ops.jsonHasKey(lhs, rhs), [...lhsParams, ...rhsParams]];
    }
    return [ops.jsonHasKey(lhs, ops.placeholder()), [...lhsParams, ops.jsonPath(this.rhs as string[])]];
  }
}

/** `has_keys` (every key) and `has_any_keys` (one of them): the rhs is the key paths, bound as a JSON array. */
export class HasKeysLookup extends Lookup {
  static override readonly lookupName: string = 'has_keys';
  protected get all(): boolean {
    return true;
  }

  static override build(lhs: Expression, value: unknown, context: LookupContext): Lookup {
    if (!isPlainValue(value, context)) return super.build(lhs, value, context);
    if (!Array.isArray(value)) context.fail(`the ${this.lookupName} lookup takes an array of keys; got ${describeInstance(value)}.`);
    const { source, keys } = jsonParts(lhs);
    return new this(source, (value as unknown[]).map((key) => keyPath(keys, key, context)), context.nullable);
  }

  asSql(compiler: Compiler, ops: BaseOperations): Compiled {
    const [lhs, lhsParams] = this.lhs.compile(compiler);
    if (this.rhs instanceof Expression) {
      const [rhs, rhsParams] = this.rhs.compile(compiler);
      return [ops.jsonHasKeys(lhs, rhs, this.all), [...lhsParams, ...rhsParams]];
    }
    const paths = JSON.stringify((this.rhs as string[][]).map((keys) => ops.jsonPath(keys)));
    return [ops.jsonHasKeys(lhs, ops.placeholder(), this.all), [...lhsParams, paths]];
  }
}

export class HasAnyKeysLookup extends HasKeysLookup {
  static override readonly lookupName = 'has_any_keys';
  protected override get all(): boolean {
    return false;
  }
}

/** `contains` and `contained_by` compare JSON texts: the column's (or a key's) and the value's. */
abstract class JsonContainmentLookup extends Lookup {
  static override build(lhs: Expression, value: unknown, context: LookupContext): Lookup {
    if (!isPlainValue(value, context)) return super.build(lhs, value, context);
    if (value === undefined || typeof value === 'function' || typeof value === 'bigint') context.fail(`the ${this.lookupName} lookup takes a JSON value.`);
    const json = lhs instanceof KeyTransform ? lhs.withMode('json') : lhs;
    return new (this as unknown as new (lhs: Expression, rhs: unknown, nullable: boolean) => Lookup)(json, JSON.stringify(value), context.nullable);
  }

  asSql(compiler: Compiler, ops: BaseOperations): Compiled {
    const [lhs, lhsParams] = this.lhs.compile(compiler);
    const [rhs, rhsParams] = this.rhs instanceof Expression ? this.rhs.compile(compiler) : [ops.placeholder(), [this.rhs as SqlValue]];
    return [this.containment(lhs, rhs, ops), [...lhsParams, ...rhsParams]];
  }

  protected abstract containment(lhs: string, rhs: string, ops: BaseOperations): string;
}

export class JsonContainsLookup extends JsonContainmentLookup {
  static override readonly lookupName = 'contains';

  /** Against an expression, `contains` is the text lookup. */
  static override build(lhs: Expression, value: unknown, context: LookupContext): Lookup {
    if (value instanceof Expression) return ContainsLookup.build(lhs, value, context);
    return super.build(lhs, value, context);
  }

  protected containment(lhs: string, rhs: string, ops: BaseOperations): string {
    return ops.jsonContains(lhs, rhs);
  }
}

export class JsonContainedByLookup extends JsonContainmentLookup {
  static override readonly lookupName = 'contained_by';
  protected containment(lhs: string, rhs: string, ops: BaseOperations): string {
    return ops.jsonContainedBy(lhs, rhs);
  }
}

/** `iexact` on the JSONField itself compares the value as it is (a key's does so anyway: no field describes it). */
export class JsonIExactLookup extends IExactLookup {
  static override prepareRhs(value: unknown, context: LookupContext): unknown {
    return context.prepare(value);
  }
}

/** `data__owner: null`: the key holds JSON null (a missing key does not match). */
export class KeyIsJsonNullLookup extends Lookup {
  static override readonly lookupName = 'exact';

  static override build(lhs: Expression, value: unknown, context: LookupContext): Lookup {
    if (lhs instanceof KeyTransform && value !== null && isPlainValue(value, context) && isJsonScalar(value)) {
      return new KeyExactLookup(lhs, value, context.nullable);
    }
    if (value !== null || !(lhs instanceof KeyTransform)) return ExactLookup.build(lhs, value, context);
    return new KeyIsJsonNullLookup(lhs.withMode('type'), null, context.nullable);
  }

  asSql(compiler: Compiler, ops: BaseOperations): Compiled {
    const [lhs, params] = this.lhs.compile(compiler);
    return [`${lhs} = ${ops.placeholder()}`, [...params, ops.jsonNullType]];
  }
}

/**
 * `data__size: 1`: the key holds that JSON value, so the number 1 is not the string "1" (Django compares jsonb on
 * PostgreSQL). A backend that reads a key as a typed SQL value compares that (operations.jsonKeyExact).
 */
export class KeyExactLookup extends Lookup {
  static override readonly lookupName = 'exact';

  asSql(compiler: Compiler, ops: BaseOperations): Compiled {
    const key = this.lhs as KeyTransform;
    const [source, sourceParams] = key.source.compile(compiler);
    const [path, pathParams] = ops.jsonPathOperand(key.keys);
    const asJson = ops.jsonKeyExact(source, path, ops.placeholder());
    if (asJson) return [asJson, [...sourceParams, ...pathParams, JSON.stringify(this.rhs)]];
    const [lhs, lhsParams] = key.compile(compiler);
    return [`${lhs} = ${ops.placeholder()}`, [...lhsParams, this.rhs as SqlValue]];
  }
}

function isJsonScalar(value: unknown): boolean {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean';
}

/** `data__owner__isnull: true`: the key is missing (a key holding JSON null is present). */
export class KeyIsNullLookup extends IsNullLookup {
  static override build(lhs: Expression, value: unknown, context: LookupContext): Lookup {
    if (typeof value !== 'boolean' || !(lhs instanceof KeyTransform)) return IsNullLookup.build(lhs, value, context);
    return new KeyIsNullLookup(lhs.withMode('type'), value, context.nullable);
  }
}

/** What JSONField registers; KeyTransform registers the same plus the two key lookups. */
export const JSON_FIELD_LOOKUPS = [HasKeyLookup, HasKeysLookup, HasAnyKeysLookup, JsonContainsLookup, JsonContainedByLookup, JsonIExactLookup] as const;
export const KEY_TRANSFORM_LOOKUPS = [HasKeyLookup, HasKeysLookup, HasAnyKeysLookup, JsonContainsLookup, JsonContainedByLookup, KeyIsJsonNullLookup, KeyIsNullLookup] as const;
