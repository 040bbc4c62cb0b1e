import { randomUUID } from 'node:crypto';
import type { SqlValue } from '../../db/backends/base/types';
import { countDigits, formatDecimal, parseDecimal, rescale, type ScaledDecimal } from '../../db/decimal';
import { KeyTransform, keyTransform, plainSqlValue, type TransformClass } from '../../sql/expressions';
import { JSON_FIELD_LOOKUPS, KEY_TRANSFORM_LOOKUPS } from '../../sql/lookups/json';
import { registerLookup } from '../../sql/lookups/registry';
import { DATE_TRANSFORMS, DATETIME_TRANSFORMS, TIME_TRANSFORMS } from '../../sql/lookups/transforms';
import { provideOutputFields } from '../../sql/output-fields';
import { Field, FieldValueError, type FieldOptions } from './base';
import { cleanIPv6Address, isValidIPv4Address, isValidIPv6Address } from './ip-address';

const describe = (value: unknown): string =>
  typeof value === 'string' ? `'${value}'` : typeof value === 'bigint' ? `${value}n` : String(value);

// ---------------------------------------------------------------- integers

interface IntegerRange {
  min: number | bigint;
  max: number | bigint;
}

abstract class IntegerFamily<N extends boolean, P extends boolean = false> extends Field<number, N, P> {
  protected readonly range: IntegerRange = { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };

  override toValue(value: unknown): number {
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value === 'bigint' && value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
      return Number(value);
    }
    if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) {
      const parsed = Number(value);
      if (Number.isSafeInteger(parsed)) return parsed;
    }
    throw new FieldValueError(`${describe(value)} value must be an integer.`, 'invalid', { value });
  }

  /** The range is Django's validation rule (fullClean); SQLite itself stores any 64-bit integer. */
  override validate(value: number | null): string[] {
    const errors = super.validate(value);
    const { min, max } = this.range;
    if (typeof value === 'number' && value < min) {
      errors.push(this.errorMessage('min_value', `Ensure this value is greater than or equal to ${min}.`, { limit_value: min, value }));
    }
    if (typeof value === 'number' && value > max) {
      errors.push(this.errorMessage('max_value', `Ensure this value is less than or equal to ${max}.`, { limit_value: max, value }));
    }
    return errors;
  }
}

export class IntegerField<N extends boolean = false, P extends boolean = false> extends IntegerFamily<N, P> {
  readonly internalType: string = 'IntegerField';
  protected override readonly range: IntegerRange = { min: -2147483648, max: 2147483647 };
}

export class SmallIntegerField<N extends boolean = false, P extends boolean = false> extends IntegerFamily<N, P> {
  readonly internalType = 'SmallIntegerField';
  protected override readonly range = { min: -32768, max: 32767 };
}

export class PositiveIntegerField<N extends boolean = false, P extends boolean = false> extends IntegerFamily<N, P> {
  readonly internalType = 'PositiveIntegerField';
  protected override readonly range = { min: 0, max: 2147483647 };
}

/** The automatic primary key. */
export class AutoField extends IntegerFamily<false, true> {
  readonly internalType: string = 'AutoField';
  override readonly autoIncrement = true;
  constructor(options: Omit<FieldOptions<number, false, true>, 'null'> = {}) {
    super({ primaryKey: true, ...options });
  }
}

/**
 * A 64-bit automatic key. Values stay `number`: a key past 2^53 cannot be represented losslessly and is
 * refused when read rather than silently rounded.
 */
export class BigAutoField extends AutoField {
  override readonly internalType = 'BigAutoField';
  override fromDb(raw: unknown): number {
    if (typeof raw === 'bigint' || (typeof raw === 'number' && !Number.isSafeInteger(raw))) {
      const value = BigInt(raw);
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new RangeError(`${this.label}: key ${value} is beyond 2^53 and cannot be a number.`);
      }
      return Number(value);
    }
    return raw as number;
  }
}

/** A 64-bit integer, always a `bigint` in JS so values beyond 2^53 round-trip exactly. */
export class BigIntegerField<N extends boolean = false, P extends boolean = false> extends Field<bigint, N, P> {
  readonly internalType = 'BigIntegerField';
  override get needsSafeIntegers(): boolean {
    return true;
  }

  override toValue(value: unknown): bigint {
    if (typeof value === 'bigint') return value;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
    if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return BigInt(value.trim());
    throw new FieldValueError(`${describe(value)} value must be an integer (a bigint, a safe integer or a string of digits).`, 'invalid', { value });
  }

  override fromDb(raw: unknown): bigint {
    return (typeof raw === 'bigint' ? raw : BigInt(raw as number));
  }

  override checkValue(value: bigint): string[] {
    if (value < -(2n ** 63n) || value > 2n ** 63n - 1n) return [this.errorMessage('max_value', 'Ensure this value fits in a signed 64-bit integer.', { value })];
    return [];
  }
}

// ---------------------------------------------------------------- numbers

export class FloatField<N extends boolean = false> extends Field<number, N> {
  readonly internalType = 'FloatField';

  override toValue(value: unknown): number {
    if (typeof value === 'number' && !Number.isNaN(value)) return value;
    if (typeof value === 'bigint') return Number(value);
    if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
    throw new FieldValueError(`${describe(value)} value must be a float.`, 'invalid', { value });
  }
}

export interface DecimalFieldOptions<N extends boolean> extends FieldOptions<string, N> {
  maxDigits: number;
  decimalPlaces: number;
}

/**
 * An exact decimal, exposed as a string (`'12.50'`). Stored as text so no digit is lost; lookups and
 * ordering compare numerically and aggregates are computed exactly by SQL functions of our own.
 */
export class DecimalField<N extends boolean = false> extends Field<string, N> {
  readonly internalType = 'DecimalField';
  override readonly comparison = 'numeric';
  readonly maxDigits: number;
  readonly decimalPlaces: number;

  constructor(options: DecimalFieldOptions<N>) {
    super(options);
    if (!Number.isInteger(options?.maxDigits) || !Number.isInteger(options?.decimalPlaces)) {
      throw new TypeError('DecimalField needs integer maxDigits and decimalPlaces options.');
    }
    if (options.decimalPlaces > options.maxDigits) {
      throw new TypeError('DecimalField: decimalPlaces cannot be greater than maxDigits.');
    }
    this.maxDigits = options.maxDigits;
    this.decimalPlaces = options.decimalPlaces;
  }

  /**
   * The exact decimal written, as Django's to_python: `'2.345'` stays `'2.345'`, so that fullClean() can say it
   * has too many places; saving rounds it (toDb). A number is read by its shortest decimal form, to maxDigits
   * significant digits (Django's context for floats).
   */
  override toValue(value: unknown): string {
    const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : typeof value === 'bigint' ? value.toString() : value;
    const parsed = typeof text === 'string' ? parseDecimal(text) : null;
    if (!parsed) throw new FieldValueError(`${describe(value)} value must be a decimal number.`, 'invalid', { value });
    return formatDecimal(typeof value === 'number' ? this.toSignificantDigits(parsed) : parsed);
  }

  private toSignificantDigits(value: ScaledDecimal): ScaledDecimal {
    const digits = (value.units < 0n ? -value.units : value.units).toString().length;
    const scale = value.scale - Math.max(digits - this.maxDigits, 0);
    return scale >= 0 ? rescale(value, scale) : value;
  }

  /** The value as stored: rounded half-even to decimalPlaces, as a NUMERIC column rounds. */
  quantize(value: string): string {
    const parsed = parseDecimal(value);
    return parsed ? formatDecimal(rescale(parsed, this.decimalPlaces)) : value;
  }

  override toDb(value: string): SqlValue {
    return this.quantize(value);
  }

  override storedValue(value: string): string {
    return this.quantize(value);
  }

  /** What the column refuses: more whole digits than it holds, once rounded to its places (save and fullClean). */
  override checkValue(value: string): string[] {
    const parsed = parseDecimal(value);
    if (!parsed) return [this.errorMessage('invalid', 'Enter a number.', { value })];
    const { whole } = countDigits(rescale(parsed, this.decimalPlaces));
    const maxWhole = this.maxDigits - this.decimalPlaces;
    if (whole > maxWhole) return [this.maxWholeDigitsMessage(value)];
    return [];
  }

  /**
   * Django's DecimalValidator, for fullClean(): the value as written may have no more digits, places, or whole
   * digits than the field declares (`'2.345'` in two places is refused here, rounded by save()).
   */
  protected override validationChecks(value: string): string[] {
    const parsed = parseDecimal(value);
    if (!parsed) return [this.errorMessage('invalid', 'Enter a number.', { value })];
    const significant = (parsed.units < 0n ? -parsed.units : parsed.units).toString();
    // As Python's Decimal counts them: '0.01' has two digits (both places), '0' one, '1.50' three.
    const decimals = parsed.scale;
    const digits = significant === '0' ? Math.max(decimals, 1) : Math.max(significant.length, decimals);
    const whole = digits - decimals;
    const plural = (count: number, one: string, many: string) => (count === 1 ? one : many);
    if (digits > this.maxDigits) {
      const max = this.maxDigits;
      return [this.errorMessage('max_digits', `Ensure that there are no more than ${max} ${plural(max, 'digit', 'digits')} in total.`, { max, value })];
    }
    if (decimals > this.decimalPlaces) {
      const max = this.decimalPlaces;
      return [this.errorMessage('max_decimal_places', `Ensure that there are no more than ${max} ${plural(max, 'decimal place', 'decimal places')}.`, { max, value })];
    }
    if (whole > this.maxDigits - this.decimalPlaces) return [this.maxWholeDigitsMessage(value)];
    return [];
  }

  private maxWholeDigitsMessage(value: string): string {
    const max = this.maxDigits - this.decimalPlaces;
    return this.errorMessage('max_whole_digits', `Ensure that there are no more than ${max} ${max === 1 ? 'digit' : 'digits'} before the decimal point.`, { max, value });
  }

  /** Stored values are normalised text already; computed ones (REAL from F() arithmetic) get the field's places. */
  override fromDb(raw: unknown): string {
    if (typeof raw === 'string' && this.isNormalised(raw)) return raw;
    const parsed = parseDecimal(String(raw));
    return parsed ? formatDecimal(rescale(parsed, this.decimalPlaces)) : String(raw);
  }

  private isNormalised(text: string): boolean {
    const point = text.length - this.decimalPlaces - 1;
    return this.decimalPlaces === 0 ? /^-?\d+$/.test(text) : text[point] === '.' && /^-?\d+\.\d+$/.test(text);
  }
}

export class BooleanField<N extends boolean = false> extends Field<boolean, N> {
  readonly internalType = 'BooleanField';

  override toValue(value: unknown): boolean {
    if (value === true || value === 1 || value === 1n || value === 't' || value === 'true' || value === 'True' || value === '1') return true;
    if (value === false || value === 0 || value === 0n || value === 'f' || value === 'false' || value === 'False' || value === '0') return false;
    throw new FieldValueError(`${describe(value)} value must be either true or false.`, 'invalid', { value });
  }

  override toDb(value: boolean): SqlValue {
    return value ? 1 : 0;
  }

  override fromDb(raw: unknown): boolean {
    return raw === 1 || raw === 1n;
  }
}

// ---------------------------------------------------------------- text

export interface CharFieldOptions<N extends boolean, P extends boolean = false> extends FieldOptions<string, N, P> {
  maxLength?: number;
}

export class CharField<N extends boolean = false, P extends boolean = false> extends Field<string, N, P> {
  readonly internalType: string = 'CharField';
  readonly maxLength: number | null;

  constructor(options: CharFieldOptions<N, P> = {}) {
    super(options);
    this.maxLength = options.maxLength ?? null;
  }

  protected override emptyDefault(): string | null {
    return this.null ? null : '';
  }

  override toValue(value: unknown): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'bigint') return String(value);
    throw new FieldValueError(`${describe(value)} value must be a string.`, 'invalid', { value });
  }

  override checkValue(value: string): string[] {
    const length = [...value].length;
    if (this.maxLength !== null && length > this.maxLength) {
      const message = `Ensure this value has at most ${this.maxLength} characters (it has ${length}).`;
      return [this.errorMessage('max_length', message, { limit_value: this.maxLength, show_value: length, value })];
    }
    return [];
  }
}

export class TextField<N extends boolean = false, P extends boolean = false> extends CharField<N, P> {
  override readonly internalType = 'TextField';
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SLUG_PATTERN = /^[-a-zA-Z0-9_]+$/;
const URL_PATTERN = /^(?:https?|ftps?):\/\/[^\s/$.?#][^\s]*$/i;

export class EmailField<N extends boolean = false, P extends boolean = false> extends CharField<N, P> {
  override readonly internalType = 'EmailField';
  constructor(options: CharFieldOptions<N, P> = {}) {
    super({ maxLength: 254, ...options });
  }
  override checkValue(value: string): string[] {
    const errors = super.checkValue(value);
    if (value !== '' && !EMAIL_PATTERN.test(value)) errors.push(this.errorMessage('invalid', 'Enter a valid email address.', { value }));
    return errors;
  }
}

export class SlugField<N extends boolean = false, P extends boolean = false> extends CharField<N, P> {
  override readonly internalType = 'SlugField';
  constructor(options: CharFieldOptions<N, P> = {}) {
    super({ maxLength: 50, dbIndex: true, ...options });
  }
  override checkValue(value: string): string[] {
    const errors = super.checkValue(value);
    if (value !== '' && !SLUG_PATTERN.test(value)) {
      errors.push(this.errorMessage('invalid', 'Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.', { value }));
    }
    return errors;
  }
}

export class URLField<N extends boolean = false, P extends boolean = false> extends CharField<N, P> {
  override readonly internalType = 'URLField';
  constructor(options: CharFieldOptions<N, P> = {}) {
    super({ maxLength: 200, ...options });
  }
  override checkValue(value: string): string[] {
    const errors = super.checkValue(value);
    if (value !== '' && !URL_PATTERN.test(value)) errors.push(this.errorMessage('invalid', 'Enter a valid URL.', { value }));
    return errors;
  }
}


/** A UUID as its canonical lowercase hyphenated string. */
export class UUIDField<N extends boolean = false, P extends boolean = false> extends Field<string, N, P> {
  readonly internalType = 'UUIDField';

  override toValue(value: unknown): string {
    // Python's uuid.UUID(hex): braces, a urn:uuid: prefix and hyphens anywhere are ignored; 32 hex digits remain.
    const hex = typeof value === 'string' ? value.trim().replace(/^urn:/i, '').replace(/^uuid:/i, '').replace(/^\{|\}$/g, '').replace(/-/g, '').toLowerCase() : '';
    if (/^[0-9a-f]{32}$/.test(hex)) {
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
    throw new FieldValueError(`${describe(value)} is not a valid UUID.`, 'invalid', { value });
  }

  /** `new UUIDField({ primaryKey: true, default: UUIDField.random })`. */
  static random(): string {
    return randomUUID();
  }
}

export type IPProtocol = 'both' | 'IPv4' | 'IPv6';

export interface GenericIPAddressFieldOptions<N extends boolean, P extends boolean = false> extends FieldOptions<string, N, P> {
  /** Which addresses are valid (case does not matter, as in Django). Default 'both'. */
  protocol?: IPProtocol;
  /** Store an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) as the IPv4 address (`10.0.0.1`); only with protocol 'both'. */
  unpackIpv4?: boolean;
}

const IP_MESSAGES: Record<Lowercase<IPProtocol>, string> = {
  both: 'Enter a valid IPv4 or IPv6 address.',
  ipv4: 'Enter a valid IPv4 address.',
  ipv6: 'Enter a valid IPv6 address.',
};

/**
 * An IPv4 or IPv6 address as text. IPv6 addresses are normalised as Django does (`2001:0::0:01` is stored as
 * `2001::1`, `::ffff:0a0a:0a0a` as `::ffff:10.10.10.10`, or `10.10.10.10` with `unpackIpv4`), so equal
 * addresses compare equal in queries and unique checks. Saving refuses what is no IP address at all;
 * fullClean() also refuses an address of the other protocol. A blank value is stored as NULL (Django's rule),
 * which is why `blank: true` needs `null: true`.
 */
export class GenericIPAddressField<N extends boolean = false, P extends boolean = false> extends Field<string, N, P> {
  readonly internalType = 'GenericIPAddressField';
  readonly protocol: Lowercase<IPProtocol>;
  readonly unpackIpv4: boolean;

  constructor(options: GenericIPAddressFieldOptions<N, P> = {}) {
    super(options);
    const protocol = (options.protocol ?? 'both').toLowerCase();
    if (!(protocol in IP_MESSAGES)) {
      throw new TypeError(`GenericIPAddressField: the protocol '${options.protocol}' is unknown; use 'both', 'IPv4' or 'IPv6'.`);
    }
    this.protocol = protocol as Lowercase<IPProtocol>;
    this.unpackIpv4 = options.unpackIpv4 ?? false;
    if (this.unpackIpv4 && this.protocol !== 'both') {
      throw new TypeError("GenericIPAddressField: unpackIpv4 can only be used with protocol 'both'.");
    }
    if (this.blank && !this.null) {
      throw new TypeError('GenericIPAddressField cannot have blank: true without null: true, as blank values are stored as NULL.');
    }
  }

  /** Text, trimmed; a valid IPv6 address normalised. Validity is checked by checkValue and validate. */
  override toValue(value: unknown): string {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') {
      const plain = typeof value === 'object' && value !== null && [Object.prototype, null].includes(Object.getPrototypeOf(value));
      const given = plain ? 'a plain object' : typeof value === 'object' && value !== null ? `a ${value.constructor.name} instance` : describe(value);
      throw new FieldValueError(`${given} is not an IP address; give it as a string.`, 'invalid', { value });
    }
    const text = String(value).trim();
    return text.includes(':') ? (cleanIPv6Address(text, this.unpackIpv4) ?? text) : text;
  }

  /** On every save, what an address column (PostgreSQL's inet) would check: some IPv4 or IPv6 address. */
  override checkValue(value: string): string[] {
    if (value === '' || isValidIPv4Address(value) || isValidIPv6Address(value)) return [];
    return [this.errorMessage('invalid', IP_MESSAGES[this.protocol], { value })];
  }

  /** fullClean() also holds the address to the field's protocol, as Django's validators do. */
  override validate(value: string | null): string[] {
    const errors = super.validate(value);
    if (errors.length || value === null || value === '' || this.protocol === 'both') return errors;
    const valid = this.protocol === 'ipv4' ? isValidIPv4Address(value) : isValidIPv6Address(value);
    if (!valid) errors.push(this.errorMessage('invalid', IP_MESSAGES[this.protocol], { value }));
    return errors;
  }

  /** Blank is stored as NULL. */
  override toDb(value: string): SqlValue {
    return value === '' ? null : value;
  }
}

// ---------------------------------------------------------------- dates and times

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_PATTERN = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/;

interface AutoNowOptions {
  /** Stamp the current time on every save(). */
  autoNow?: boolean;
  /** Stamp the current time when the row is first inserted. */
  autoNowAdd?: boolean;
}

abstract class TemporalField<T, N extends boolean> extends Field<T, N> {
  readonly autoNow: boolean;
  readonly autoNowAdd: boolean;

  constructor(options: FieldOptions<T, N> & AutoNowOptions = {}) {
    super(options.autoNow || options.autoNowAdd ? { editable: false, blank: true, ...options } : options);
    this.autoNow = options.autoNow ?? false;
    this.autoNowAdd = options.autoNowAdd ?? false;
  }

  protected abstract now(): T;

  override preSave(instance: Record<string, unknown>, adding: boolean): unknown {
    if (this.autoNow || (this.autoNowAdd && adding)) instance[this.attname] = this.now();
    return instance[this.attname];
  }
}

/** A calendar date as `'YYYY-MM-DD'`; a Date is accepted and read in UTC. */
export class DateField<N extends boolean = false> extends TemporalField<string, N> {
  readonly internalType = 'DateField';

  protected now(): string {
    return new Date().toISOString().slice(0, 10);
  }

  override toValue(value: unknown): string {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
    if (typeof value === 'string') {
      const match = DATE_PATTERN.exec(value.trim());
      if (match) {
        const date = new Date(`${match[0]}T00:00:00Z`);
        if (!Number.isNaN(date.getTime()) && date.toISOString().startsWith(match[0])) return match[0];
      }
    }
    throw new FieldValueError(`${describe(value)} value has an invalid date format. It must be in YYYY-MM-DD format.`, 'invalid', { value });
  }
}

/** An instant as a Date, stored as UTC ISO-8601 text (which sorts chronologically). */
export class DateTimeField<N extends boolean = false> extends TemporalField<Date, N> {
  readonly internalType = 'DateTimeField';

  protected now(): Date {
    return new Date();
  }

  override toValue(value: unknown): Date {
    const date =
      value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime())) {
      throw new FieldValueError(`${describe(value)} value has an invalid format. It must be a Date or an ISO-8601 string.`, 'invalid', { value });
    }
    return date;
  }

  override toDb(value: Date): SqlValue {
    return value.toISOString();
  }

  override fromDb(raw: unknown): Date {
    return new Date(raw as string);
  }
}

/** A time of day as `'HH:MM:SS[.ffffff]'`. */
export class TimeField<N extends boolean = false> extends TemporalField<string, N> {
  readonly internalType = 'TimeField';

  protected now(): string {
    return new Date().toISOString().slice(11, 23) + '000';
  }

  override toValue(value: unknown): string {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(11, 23) + '000';
    if (typeof value === 'string') {
      const match = TIME_PATTERN.exec(value.trim());
      if (match && Number(match[1]) < 24 && Number(match[2]) < 60 && Number(match[3] ?? 0) < 60) {
        const seconds = `${match[1]}:${match[2]}:${match[3] ?? '00'}`;
        return match[4] ? `${seconds}.${match[4].padEnd(6, '0')}` : seconds;
      }
    }
    throw new FieldValueError(`${describe(value)} value has an invalid format. It must be in HH:MM[:ss[.uuuuuu]] format.`, 'invalid', { value });
  }
}

/** A length of time in milliseconds, stored as integer microseconds. */
export class DurationField<N extends boolean = false> extends Field<number, N> {
  readonly internalType = 'DurationField';

  override toValue(value: unknown): number {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    throw new FieldValueError(`${describe(value)} value must be a number of milliseconds.`, 'invalid', { value });
  }

  override toDb(value: number): SqlValue {
    return Math.round(value * 1000);
  }

  override fromDb(raw: unknown): number {
    return Number(raw) / 1000;
  }
}

// ---------------------------------------------------------------- structured and binary

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const notJson = (value: number): string => `${value} is not a JSON value (JSON has no NaN or Infinity).`;

/**
 * A JSON.stringify replacer that refuses NaN and Infinity, which JSON.stringify would write as null.
 * (Functions and symbols inside a value are left out, as JSON.stringify always does.)
 */
function refuseNonFinite(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new FieldValueError(notJson(value));
  return value;
}

export class JSONField<N extends boolean = false, T = JsonValue> extends Field<T, N> {
  readonly internalType = 'JSONField';

  override toValue(value: unknown): T {
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
      throw new FieldValueError(`${describe(value)} value is not JSON serializable.`, 'invalid', { value });
    }
    if (typeof value === 'number' && !Number.isFinite(value)) throw new FieldValueError(notJson(value));
    return value as T;
  }

  override toDb(value: T): SqlValue {
    try {
      return JSON.stringify(value, refuseNonFinite);
    } catch (error) {
      if (error instanceof FieldValueError) throw error;
      throw new FieldValueError(`value is not JSON serializable: ${(error as Error).message}`);
    }
  }

  override fromDb(raw: unknown): T {
    return JSON.parse(raw as string) as T;
  }

  /** Every name that is not a lookup or a registered transform is a key of the JSON value (`data__owner`). */
  override getTransform(name: string): TransformClass | undefined {
    return super.getTransform(name) ?? keyTransform(name);
  }

  /** Compared as plain SQL values, but refused as the field would refuse them (a Symbol, NaN, a cycle). */
  override lookupValue(value: unknown): SqlValue {
    this.toDb(this.toValue(value));
    return plainSqlValue(value);
  }

  protected override isEmpty(value: unknown): boolean {
    return value === '' || (Array.isArray(value) && value.length === 0) || (value !== null && typeof value === 'object' && Object.keys(value).length === 0);
  }
}

export class BinaryField<N extends boolean = false> extends Field<Buffer, N> {
  readonly internalType = 'BinaryField';

  constructor(options: FieldOptions<Buffer, N> = {}) {
    super({ editable: false, ...options });
  }

  override toValue(value: unknown): Buffer {
    if (Buffer.isBuffer(value)) return value;
    if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    throw new FieldValueError(`${describe(value)} value must be a Buffer.`, 'invalid', { value });
  }

  /** Rows that crossed a thread arrive as Uint8Array (structured clone drops the Buffer class). */
  override fromDb(raw: unknown): Buffer {
    return this.toValue(raw);
  }
}

// ---------------------------------------------------------------- lookups, transforms and the fields of SQL values

for (const transform of DATE_TRANSFORMS) DateField.registerLookup(transform);
for (const transform of DATETIME_TRANSFORMS) DateTimeField.registerLookup(transform);
for (const transform of TIME_TRANSFORMS) TimeField.registerLookup(transform);
for (const lookup of JSON_FIELD_LOOKUPS) JSONField.registerLookup(lookup);
for (const lookup of KEY_TRANSFORM_LOOKUPS) registerLookup(KeyTransform, lookup);

provideOutputFields({
  integer: new IntegerField(),
  float: new FloatField(),
  text: new TextField(),
  boolean: new BooleanField(),
  date: new DateField(),
  time: new TimeField(),
  root: Field,
});
