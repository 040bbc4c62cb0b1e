import {
  BaseOperations,
  type DatePart,
  type DateTruncKind,
  type InsertKeyReport,
  type PatternLookup,
  type TimePart,
  type TimeTruncKind,
} from '../base/operations';
import type { Field } from '../../../models/fields/base';
import type { RunResult, SqlValue } from '../base/types';

/** EXTRACT's field for each of Django's part names. */
const EXTRACT_FIELDS: Readonly<Record<DatePart | TimePart, string>> = {
  year: 'YEAR',
  month: 'MONTH',
  day: 'DAY',
  quarter: 'QUARTER',
  week: 'WEEK',
  iso_year: 'ISOYEAR',
  week_day: 'DOW',
  iso_week_day: 'ISODOW',
  hour: 'HOUR',
  minute: 'MINUTE',
  second: 'SECOND',
};

/**
 * The type a value of each internal type is cast to where nothing else types it. Text is left to PostgreSQL,
 * whose untyped literal adapts to what it meets (a text column, a varchar, a CASE of strings).
 */
const VALUE_CASTS: Readonly<Record<string, string>> = {
  AutoField: 'bigint',
  BigAutoField: 'bigint',
  IntegerField: 'bigint',
  SmallIntegerField: 'bigint',
  PositiveIntegerField: 'bigint',
  PositiveSmallIntegerField: 'bigint',
  PositiveBigIntegerField: 'bigint',
  BigIntegerField: 'bigint',
  DurationField: 'bigint',
  FloatField: 'double precision',
  DecimalField: 'numeric',
  BooleanField: 'boolean',
  DateField: 'date',
  DateTimeField: 'timestamp with time zone',
  TimeField: 'time',
};

/**
 * PostgreSQL's spelling. Columns have native types (numeric, boolean, timestamptz, jsonb), so arithmetic on
 * decimals is exact in SQL and date parts come from EXTRACT; connections run in UTC.
 *
 * JSON paths are bound as text arrays (`'{owner,0}'`) and read with `#>` / `#>>`: none of PostgreSQL's `?`
 * operators is written, since `?` is the SQL layer's placeholder.
 */
export class PostgresqlOperations extends BaseOperations {
  readonly vendor = 'postgresql';

  override literal(value: SqlValue): string {
    if (Buffer.isBuffer(value)) return `'\\x${value.toString('hex')}'::bytea`;
    return super.literal(value);
  }

  /** Parameters are sent untyped, and a VALUES column of them would be text. */
  override typedPlaceholder(columnType: string): string {
    return `CAST(${this.placeholder()} AS ${columnType})`;
  }

  override distinctSql(fields: readonly string[]): string {
    return fields.length ? `DISTINCT ON (${fields.join(', ')})` : 'DISTINCT';
  }

  /** A typed value: integers as bigint (a JavaScript integer may exceed integer's range), and so on. */
  override valuePlaceholder(field: Field | null): string {
    const type = field ? VALUE_CASTS[field.internalType] : undefined;
    return type ? `CAST(${this.placeholder()} AS ${type})` : this.placeholder();
  }

  /** `||` takes text on both sides here, where SQLite converts any value (Django's ConcatPair casts too). */
  override textOperand(sql: string): string {
    return `CAST(${sql} AS text)`;
  }

  // ------------------------------------------------------------------ decimals (native numeric)

  /** ROUND(numeric, places): a float operand (FloatField arithmetic) is made numeric first. */
  override decimalAssignment(sql: string, decimalPlaces: number): string {
    return `ROUND(CAST(${sql} AS numeric), ${decimalPlaces})`;
  }

  /** AVG of integers is numeric here: a FloatField's value is double precision. */
  override floatValue(sql: string): string {
    return `CAST(${sql} AS double precision)`;
  }

  // ------------------------------------------------------------------ dates and times

  dateExtract(part: DatePart, sql: string): string {
    // Django's week_day: 1 = Sunday ... 7 = Saturday; DOW is 0 = Sunday.
    if (part === 'week_day') return `(CAST(EXTRACT(DOW FROM ${sql}) AS integer) + 1)`;
    return `CAST(EXTRACT(${EXTRACT_FIELDS[part]} FROM ${sql}) AS integer)`;
  }

  datetimeExtract(part: DatePart | TimePart, sql: string, timeZone: string): string {
    return this.extract(part, this.atTimeZone(sql, timeZone));
  }

  timeExtract(part: TimePart, sql: string): string {
    return this.extract(part, sql);
  }

  private extract(part: DatePart | TimePart, sql: string): string {
    // SECOND has the fraction: whole seconds as on SQLite.
    if (part === 'second') return `CAST(FLOOR(EXTRACT(SECOND FROM ${sql})) AS integer)`;
    return part === 'hour' || part === 'minute' ? `CAST(EXTRACT(${EXTRACT_FIELDS[part]} FROM ${sql}) AS integer)` : this.dateExtract(part, sql);
  }

  /**
   * A timestamptz as the wall-clock timestamp of `timeZone`. The session runs in UTC, as datetimes are
   * stored, so UTC needs no conversion.
   */
  private atTimeZone(sql: string, timeZone: string): string {
    return timeZone === 'UTC' ? sql : `(${sql} AT TIME ZONE ${this.literal(timeZone)})`;
  }

  datetimeCastDate(sql: string, timeZone: string): string {
    return `CAST(${this.atTimeZone(sql, timeZone)} AS date)`;
  }

  /** date_trunc's weeks start on Monday, as Django's do. */
  override dateTrunc(kind: DateTruncKind, sql: string): string {
    return `CAST(date_trunc('${kind}', ${sql}) AS date)`;
  }

  /** Truncated on the zone's wall clock, then read back as an instant of that zone. */
  override datetimeTrunc(kind: DateTruncKind | TimeTruncKind, sql: string, timeZone: string): string {
    if (timeZone === 'UTC') return `date_trunc('${kind}', ${sql})`;
    return `(date_trunc('${kind}', ${this.atTimeZone(sql, timeZone)}) AT TIME ZONE ${this.literal(timeZone)})`;
  }

  datetimeCastTime(sql: string, timeZone: string): string {
    return `CAST(${this.atTimeZone(sql, timeZone)} AS time)`;
  }

  // ------------------------------------------------------------------ JSON (jsonb)

  /** A text array literal: `['owner', '0']` → `{"owner","0"}` (`#>` reads '0' as an index in an array). */
  jsonPath(keys: readonly string[]): string {
    return `{${keys.map((key) => `"${key.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
  }

  /**
   * The path is written into the statement as a quoted literal: the same key selected and grouped by is then the
   * same expression, which GROUP BY requires (two parameters are two values to PostgreSQL).
   */
  override jsonPathOperand(keys: readonly string[]): [sql: string, params: SqlValue[]] {
    return [`'${this.jsonPath(keys).replace(/'/g, "''")}'`, []];
  }

  override jsonKeyExact(sql: string, path: string, rhs: string): string {
    return `(${sql} #> CAST(${path} AS text[])) = CAST(${rhs} AS jsonb)`;
  }

  jsonKeyValue(sql: string, path: string): string {
    return `(${sql} #>> CAST(${path} AS text[]))`;
  }

  jsonKeyJson(sql: string, path: string): string {
    return `(${sql} #> CAST(${path} AS text[]))`;
  }

  jsonHasKey(sql: string, path: string): string {
    return `((${sql} #> CAST(${path} AS text[])) IS NOT NULL)`;
  }

  /** `paths` is a JSON array of jsonPath() texts. */
  jsonHasKeys(sql: string, paths: string, all: boolean): string {
    const test = `((${sql} #> CAST(p.value AS text[])) IS NOT NULL)`;
    return all
      ? `COALESCE((SELECT bool_and(${test}) FROM jsonb_array_elements_text(CAST(${paths} AS jsonb)) AS p(value)), TRUE)`
      : `COALESCE((SELECT bool_or(${test}) FROM jsonb_array_elements_text(CAST(${paths} AS jsonb)) AS p(value)), FALSE)`;
  }

  jsonKeyType(sql: string, path: string): string {
    return `jsonb_typeof(${sql} #> CAST(${path} AS text[]))`;
  }

  jsonContains(lhs: string, rhs: string): string {
    return `(CAST(${lhs} AS jsonb) @> CAST(${rhs} AS jsonb))`;
  }

  jsonContainedBy(lhs: string, rhs: string): string {
    return `(CAST(${lhs} AS jsonb) <@ CAST(${rhs} AS jsonb))`;
  }

  // ------------------------------------------------------------------ patterns: LIKE is case-sensitive, ILIKE not

  /** Any column type matches as text, as Django's `%s::text LIKE %s`. */
  override patternLookup(lookup: PatternLookup, lhs: string, rhs: string): string {
    return `CAST(${lhs} AS text) ${lookup.startsWith('i') ? 'ILIKE' : 'LIKE'} ${rhs} ESCAPE '\\'`;
  }

  override patternExpressionLookup(lookup: PatternLookup, lhs: string, rhs: string): string {
    const left = `CAST(${lhs} AS text)`;
    // The right-hand side's own wildcards are escaped, so only the ones added here match anything.
    const right = `REPLACE(REPLACE(REPLACE(CAST(${rhs} AS text), '\\', '\\\\'), '%', '\\%'), '_', '\\_')`;
    const like = lookup.startsWith('i') ? 'ILIKE' : 'LIKE';
    switch (lookup) {
      case 'iexact':
        return `${left} ILIKE ${right} ESCAPE '\\'`;
      case 'contains':
      case 'icontains':
        return `${left} ${like} '%' || ${right} || '%' ESCAPE '\\'`;
      case 'startswith':
      case 'istartswith':
        return `${left} ${like} ${right} || '%' ESCAPE '\\'`;
      case 'endswith':
      case 'iendswith':
        return `${left} ${like} '%' || ${right} ESCAPE '\\'`;
    }
  }

  /** POSIX regular expressions (`~`, `~*`), as Django on PostgreSQL. */
  regexLookup(lhs: string, rhs: string, caseInsensitive: boolean): string {
    return `CAST(${lhs} AS text) ${caseInsensitive ? '~*' : '~'} ${rhs}`;
  }

  // ------------------------------------------------------------------ statements

  readonly insertKeyReport: InsertKeyReport = 'returning';

  insertedKey(result: RunResult): number | bigint | null {
    return result.lastInsertRowid;
  }

  explainSql(sql: string): string {
    return `EXPLAIN ${sql}`;
  }
}

export const postgresqlOperations = new PostgresqlOperations();
