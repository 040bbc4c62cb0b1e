import type { SqlValue } from '../db/backends/base/types';
import { FieldError } from '../errors';
import type { Field } from '../models/fields/base';
import { DateField, DateTimeField, IntegerField, JSONField, TimeField } from '../models/fields/scalar';

/** A transform changes the left-hand side before the lookup (`pubDate__year`, `created__date`). */
export interface Transform {
  output: Field;
  sql(lhs: string): string;
}

const INTEGER = new IntegerField();
const DATE = new DateField();
const TIME = new TimeField();

/**
 * The time of a stored datetime (`'2024-01-15T08:05:00.000Z'`) as TimeField text: `'08:05:00'`, or
 * `'08:05:00.250000'` with a fraction, so it compares with TimeField values and `'HH:MM[:SS]'` strings.
 */
const timeOfDateTime = (lhs: string) => `(CASE substr(${lhs}, 20, 4) WHEN '.000' THEN substr(${lhs}, 12, 8) ELSE substr(${lhs}, 12, 12) || '000' END)`;

const substrInteger = (start: number, length: number) => (lhs: string) => `CAST(substr(${lhs}, ${start}, ${length}) AS INTEGER)`;
const strftimeInteger = (format: string) => (lhs: string) => `CAST(strftime('${format}', ${lhs}) AS INTEGER)`;

const DATE_TRANSFORMS: Record<string, ((lhs: string) => string) | undefined> = {
  year: substrInteger(1, 4),
  month: substrInteger(6, 2),
  day: substrInteger(9, 2),
  quarter: (lhs) => `((CAST(substr(${lhs}, 6, 2) AS INTEGER) + 2) / 3)`,
  week: strftimeInteger('%V'),
  iso_year: strftimeInteger('%G'),
  /** Django's numbering: 1 = Sunday ... 7 = Saturday. */
  week_day: (lhs) => `(CAST(strftime('%w', ${lhs}) AS INTEGER) + 1)`,
  iso_week_day: strftimeInteger('%u'),
};

const DATETIME_TRANSFORMS: Record<string, ((lhs: string) => string) | undefined> = {
  ...DATE_TRANSFORMS,
  hour: substrInteger(12, 2),
  minute: substrInteger(15, 2),
  second: substrInteger(18, 2),
};

const TIME_TRANSFORMS: Record<string, ((lhs: string) => string) | undefined> = {
  hour: substrInteger(1, 2),
  minute: substrInteger(4, 2),
  second: substrInteger(7, 2),
};

/** The transform `name` for values of `field`, or undefined. */
export function findTransform(field: Field | null, name: string): Transform | undefined {
  if (field instanceof DateTimeField) {
    if (name === 'date') return { output: DATE, sql: (lhs) => `substr(${lhs}, 1, 10)` };
    if (name === 'time') return { output: TIME, sql: timeOfDateTime };
    const sql = Object.prototype.hasOwnProperty.call(DATETIME_TRANSFORMS, name) ? DATETIME_TRANSFORMS[name] : undefined;
    return sql ? { output: INTEGER, sql } : undefined;
  }
  const table = field instanceof DateField ? DATE_TRANSFORMS : field instanceof TimeField ? TIME_TRANSFORMS : {};
  const sql = Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
  return sql ? { output: INTEGER, sql } : undefined;
}

export function transformNames(field: Field | null): string[] {
  if (field instanceof DateTimeField) return ['date', 'time', ...Object.keys(DATETIME_TRANSFORMS)];
  if (field instanceof DateField) return Object.keys(DATE_TRANSFORMS);
  if (field instanceof TimeField) return Object.keys(TIME_TRANSFORMS);
  return [];
}

/** A JSON key path: `data__owner__name` reads `$.owner.name`; numeric parts index arrays. */
export function jsonPath(keys: readonly string[]): string {
  return '$' + keys.map((key) => (/^\d+$/.test(key) ? `[${key}]` : `."${key.replace(/["\\]/g, (c) => `\\${c}`)}"`)).join('');
}

export const LOOKUP_NAMES = [
  'exact', 'iexact', 'contains', 'icontains', 'in', 'gt', 'gte', 'lt', 'lte', 'startswith', 'istartswith',
  'endswith', 'iendswith', 'range', 'isnull', 'regex', 'iregex',
] as const;

/** Lookups of a JSONField and of its keys (`data__has_key`, `data__owner__contained_by`) only. */
export const JSON_LOOKUPS = ['has_key', 'has_keys', 'has_any_keys', 'contained_by'] as const;

export type LookupName = (typeof LOOKUP_NAMES)[number] | (typeof JSON_LOOKUPS)[number];

const LOOKUP_SET = new Set<string>([...LOOKUP_NAMES, ...JSON_LOOKUPS]);
const JSON_LOOKUP_SET = new Set<string>(JSON_LOOKUPS);

export function isLookupName(name: string): name is LookupName {
  return LOOKUP_SET.has(name);
}

/** Whether `lookup` applies to values of `field` (JSON lookups need a JSONField). */
export function lookupAppliesTo(lookup: string, field: Field | null): boolean {
  return !JSON_LOOKUP_SET.has(lookup) || field instanceof JSONField;
}

export function lookupNamesFor(field: Field | null): string[] {
  const names: string[] = [...LOOKUP_NAMES];
  if (field instanceof JSONField) names.push(...JSON_LOOKUPS);
  return [...names, ...transformNames(field)].sort();
}

/** Lookups whose right-hand side is text matched inside the left-hand side (never converted by the field). */
export const PATTERN_LOOKUPS = new Set(['contains', 'icontains', 'startswith', 'istartswith', 'endswith', 'iendswith', 'regex', 'iregex']);
export const ORDERING_LOOKUPS = new Set(['gt', 'gte', 'lt', 'lte', 'range']);

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
const escapeGlob = (text: string) => text.replace(/[*?[]/g, (c) => `[${c}]`);

/** The bound value of a pattern lookup: GLOB patterns are case-sensitive, LIKE ones ASCII case-insensitive. */
export function patternParameter(lookup: string, text: string): SqlValue {
  switch (lookup) {
    case 'contains':
      return `*${escapeGlob(text)}*`;
    case 'startswith':
      return `${escapeGlob(text)}*`;
    case 'endswith':
      return `*${escapeGlob(text)}`;
    case 'icontains':
      return `%${escapeLike(text)}%`;
    case 'istartswith':
      return `${escapeLike(text)}%`;
    case 'iendswith':
      return `%${escapeLike(text)}`;
    case 'iexact':
      return escapeLike(text);
    default:
      return text;
  }
}

/** SQL for `lhs <lookup> rhs` where rhs is a single placeholder or a compiled expression. */
export function lookupSql(lookup: string, lhs: string, rhs: string): string {
  switch (lookup) {
    case 'exact':
      return `${lhs} = ${rhs}`;
    case 'gt':
      return `${lhs} > ${rhs}`;
    case 'gte':
      return `${lhs} >= ${rhs}`;
    case 'lt':
      return `${lhs} < ${rhs}`;
    case 'lte':
      return `${lhs} <= ${rhs}`;
    case 'contains':
    case 'startswith':
    case 'endswith':
      return `${lhs} GLOB ${rhs}`;
    case 'iexact':
    case 'icontains':
    case 'istartswith':
    case 'iendswith':
      return `${lhs} LIKE ${rhs} ESCAPE '\\'`;
    case 'regex':
      return `${lhs} REGEXP ${rhs}`;
    case 'iregex':
      return `threadorm_iregexp(${rhs}, ${lhs})`;
    case 'has_key':
      return `json_type(${lhs}, ${rhs}) IS NOT NULL`;
    // rhs: a JSON array of paths; every one (has_keys) or any one (has_any_keys) must be present.
    case 'has_keys':
      return `(SELECT coalesce(min(json_type(${lhs}, p.value) IS NOT NULL), 1) FROM json_each(${rhs}) AS p) = 1`;
    case 'has_any_keys':
      return `(SELECT coalesce(max(json_type(${lhs}, p.value) IS NOT NULL), 0) FROM json_each(${rhs}) AS p) = 1`;
    // lhs and rhs: JSON texts.
    case 'json_contains':
      return `threadorm_json_contains(${lhs}, ${rhs})`;
    case 'json_contained_by':
      return `threadorm_json_contained_by(${lhs}, ${rhs})`;
    default:
      throw new FieldError(`Unsupported lookup '${lookup}'.`);
  }
}

/** Pattern lookups against an expression (`name__startswith: F('prefix')`). */
export function expressionPatternSql(lookup: string, lhs: string, rhs: string): string {
  switch (lookup) {
    case 'contains':
      return `instr(${lhs}, ${rhs}) > 0`;
    case 'icontains':
      return `instr(lower(${lhs}), lower(${rhs})) > 0`;
    case 'startswith':
      return `substr(${lhs}, 1, length(${rhs})) = ${rhs}`;
    case 'istartswith':
      return `lower(substr(${lhs}, 1, length(${rhs}))) = lower(${rhs})`;
    case 'endswith':
      return `substr(${lhs}, -length(${rhs})) = ${rhs}`;
    case 'iendswith':
      return `lower(substr(${lhs}, -length(${rhs}))) = lower(${rhs})`;
    case 'iexact':
      return `lower(${lhs}) = lower(${rhs})`;
    default:
      return lookupSql(lookup, lhs, rhs);
  }
}
