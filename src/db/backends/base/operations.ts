import { NotSupportedError } from '../../../errors';
import type { Field } from '../../../models/fields/base';
import type { RunResult, SqlValue } from './types';

/** A date part that `year`, `month`, ... transforms extract (Django's lookup names). */
export type DatePart = 'year' | 'month' | 'day' | 'quarter' | 'week' | 'iso_year' | 'week_day' | 'iso_week_day';
export type TimePart = 'hour' | 'minute' | 'second';

/** The pattern lookups, whose right-hand side is text matched inside the left-hand side. */
export type PatternLookup = 'iexact' | 'contains' | 'icontains' | 'startswith' | 'istartswith' | 'endswith' | 'iendswith';

/** An aggregate that a backend may compute its own way over exact decimals. */
export type DecimalAggregate = 'SUM' | 'MIN' | 'MAX' | 'AVG';

/**
 * How an INSERT tells the key the database gave the row: read from the statement's result afterwards
 * (`afterInsert`), or selected by the statement itself (`returning`: the INSERT ends in `RETURNING <key>`).
 */
export type InsertKeyReport = 'afterInsert' | 'returning';

/** How insertSql writes its INSERT: `rows` rows in one statement (default 1), skipping conflicts, selecting a column. */
export interface InsertSqlOptions {
  ignoreConflicts: boolean;
  returning?: string;
  rows?: number;
}

/**
 * How one backend spells SQL (Django's DatabaseOperations): the SQL layer asks it for every piece of text
 * that differs between databases, so nothing above `db/backends` writes dialect of its own. What standard
 * SQL says is written here; what has no standard spelling is abstract.
 */
/** What `dates()` truncates to. */
export type DateTruncKind = 'year' | 'month' | 'week' | 'day';
/** What `datetimes()` truncates to beyond the date kinds. */
export type TimeTruncKind = 'hour' | 'minute' | 'second';

export abstract class BaseOperations {
  /** The backend's name, as `as<Vendor>` overrides of lookups and expressions spell it (`asSqlite`). */
  abstract readonly vendor: string;

  /** Quotes a table, column, index or savepoint name. */
  quoteName(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }

  /**
   * The parameter marker. Statements are compiled from fragments that are joined out of order, so a backend
   * whose driver numbers its parameters (`$1`, `$2`) renumbers the finished statement where it prepares it.
   */
  placeholder(): string {
    return '?';
  }

  /**
   * A parameter marker whose value must have the column type `columnType` where nothing else in the statement
   * gives it one (the first row of a VALUES table); a backend whose parameters carry no type casts it.
   */
  typedPlaceholder(_columnType: string): string {
    return this.placeholder();
  }

  /**
   * The marker of a value the query supplies (`Value(1)`, a `When` result) described by `field`: a backend whose
   * parameters carry no type casts it to the field's type, so that a value alone (`CASE … THEN ?`, a selected
   * constant) is not taken for text.
   */
  valuePlaceholder(_field: Field | null): string {
    return this.placeholder();
  }

  /** An operand of text concatenation (Concat): a backend that concatenates only text converts it here. */
  textOperand(sql: string): string {
    return sql;
  }

  /** A JSON path of `keys` as an operand: a parameter holding jsonPath(keys) (a backend may write it in instead). */
  jsonPathOperand(keys: readonly string[]): [sql: string, params: SqlValue[]] {
    return [this.placeholder(), [this.jsonPath(keys)]];
  }

  /**
   * `key = value` compared as JSON (`rhs` holds the value's JSON text), or null where a key reads as a typed SQL
   * value that compares as it is (SQLite reads a key as its own SQL value).
   */
  jsonKeyExact(_sql: string, _path: string, _rhs: string): string | null {
    return null;
  }

  /** `n` parameter markers separated by commas, for `IN (...)` and `VALUES (...)`. */
  placeholders(count: number): string {
    return Array.from({ length: count }, () => this.placeholder()).join(', ');
  }

  /** A parameter as a literal of this dialect, for printing a statement (`String(qs.query)`), never for running it. */
  literal(value: SqlValue): string {
    if (value === null) return 'NULL';
    if (typeof value === 'number' || typeof value === 'bigint') return String(value);
    if (Buffer.isBuffer(value)) return `X'${value.toString('hex')}'`;
    return `'${value.replace(/'/g, "''")}'`;
  }

  /** Conditions that are constant: an empty filter, `pk__in: []`, `none()`. */
  readonly trueCondition: string = 'TRUE';
  readonly falseCondition: string = 'FALSE';

  /** The DISTINCT of a SELECT; `fields` (compiled expressions) only where `features.canDistinctOnFields`. */
  distinctSql(fields: readonly string[]): string {
    if (fields.length) throw new NotSupportedError('DISTINCT ON fields is not supported by this database backend.');
    return 'DISTINCT';
  }

  /** `ORDER BY ?`: a random order. */
  randomOrder(): string {
    return 'RANDOM()';
  }

  /** The LIMIT / OFFSET clauses of a slice `[low, high)`; high null: to the end. */
  limitOffset(low: number, high: number | null): string[] {
    if (high !== null) return [`LIMIT ${Math.max(high - low, 0)}`, ...(low ? [`OFFSET ${low}`] : [])];
    return low ? [`OFFSET ${low}`] : [];
  }

  /**
   * The row-locking clause that ends a SELECT (Django's for_update_sql); `of` holds table aliases. Only asked
   * of a backend whose features declare row locks (and the options used).
   */
  forUpdateSql(lock: { nowait: boolean; skipLocked: boolean; noKey: boolean; of: readonly string[] }): string {
    const strength = lock.noKey ? 'FOR NO KEY UPDATE' : 'FOR UPDATE';
    const of = lock.of.length ? ` OF ${lock.of.join(', ')}` : '';
    return `${strength}${of}${lock.nowait ? ' NOWAIT' : lock.skipLocked ? ' SKIP LOCKED' : ''}`;
  }

  // ------------------------------------------------------------------ numbers and exact decimals

  /**
   * An operand of arithmetic whose field compares numerically (`comparison: 'numeric'`): a backend that stores
   * decimals as text converts it here; one with a native decimal type needs nothing.
   */
  numericOperand(sql: string, _field: Field): string {
    return sql;
  }

  /** A side of an ordering comparison (`gt`, `range`, ORDER BY) of a field that compares numerically. */
  numericComparisonOperand(sql: string, _field: Field): string {
    return sql;
  }

  /** A value the ORM reads as a float (`Avg` of integers): a backend whose arithmetic gives exact numerics casts it. */
  floatValue(sql: string): string {
    return sql;
  }

  /** The value an UPDATE stores into a decimal column from an expression: rounded to the field's places. */
  decimalAssignment(sql: string, decimalPlaces: number): string {
    return `ROUND(${sql}, ${decimalPlaces})`;
  }

  /** An aggregate over a decimal column: the function to call and any arguments after its source. */
  decimalAggregate(aggregate: DecimalAggregate, _decimalPlaces: number): { functionName: string; extraArguments: string } {
    return { functionName: aggregate, extraArguments: '' };
  }

  // ------------------------------------------------------------------ dates and times (stored as ISO text or native)

  /** A part of a date, as an integer (`week_day`: 1 = Sunday ... 7 = Saturday, as Django). */
  abstract dateExtract(part: DatePart, sql: string): string;
  /**
   * A part of a datetime, as an integer, on the wall clock of `timeZone` (an IANA name, validated by
   * configure(); datetimes are stored in UTC). So are the date, the time and the truncations below.
   */
  abstract datetimeExtract(part: DatePart | TimePart, sql: string, timeZone: string): string;
  /** A part of a time of day, as an integer. */
  abstract timeExtract(part: TimePart, sql: string): string;
  /** The date of a datetime (`created__date`) in `timeZone`, comparable with DateField values. */
  abstract datetimeCastDate(sql: string, timeZone: string): string;
  /** The time of a datetime (`created__time`) in `timeZone`, comparable with TimeField values. */
  abstract datetimeCastTime(sql: string, timeZone: string): string;

  /**
   * A date truncated to the start of its year, month, week (Monday) or day, as a date (`dates()`); `sql` is a
   * DateField value (a datetime's date comes from datetimeCastDate first).
   */
  dateTrunc(kind: DateTruncKind, _sql: string): string {
    throw new NotSupportedError(`dates(): truncating to a ${kind} is not implemented for ${this.vendor}.`);
  }

  /**
   * A datetime truncated to the start of its year ... second on the wall clock of `timeZone`, as a datetime
   * like the stored ones (`datetimes()`): Paris midnight is 23:00 UTC.
   */
  datetimeTrunc(kind: DateTruncKind | TimeTruncKind, _sql: string, _timeZone: string): string {
    throw new NotSupportedError(`datetimes(): truncating to a ${kind} is not implemented for ${this.vendor}.`);
  }

  // ------------------------------------------------------------------ JSON

  /** The path of a key inside a JSON value, bound as a parameter: `['owner', '0']` → `$."owner"[0]`. */
  abstract jsonPath(keys: readonly string[]): string;
  /** The SQL value at a path (text, number, or NULL when missing); `path` is a bound placeholder. */
  abstract jsonKeyValue(sql: string, path: string): string;
  /** The JSON text at a path, for containment. */
  abstract jsonKeyJson(sql: string, path: string): string;
  /** Whether the key at a path exists (JSON null counts as present). */
  abstract jsonHasKey(sql: string, path: string): string;
  /** Whether every (`all`) or any key of a JSON array of paths exists. */
  abstract jsonHasKeys(sql: string, paths: string, all: boolean): string;
  /** The JSON type name at a path: `'null'` for JSON null, NULL when the key is missing. */
  abstract jsonKeyType(sql: string, path: string): string;
  /** The type name `jsonKeyType` gives JSON null. */
  readonly jsonNullType: string = 'null';
  /** Django's `contains` / `contained_by` on JSON: both sides are JSON texts. */
  abstract jsonContains(lhs: string, rhs: string): string;
  abstract jsonContainedBy(lhs: string, rhs: string): string;

  // ------------------------------------------------------------------ pattern lookups and regular expressions

  /** `lhs <pattern lookup> rhs` where rhs is a placeholder bound to `patternParameter(lookup, text)`. */
  patternLookup(lookup: PatternLookup, lhs: string, rhs: string): string {
    const pattern = `${lhs} LIKE ${rhs} ESCAPE '\\'`;
    return lookup.startsWith('i') ? `LOWER(${lhs}) LIKE LOWER(${rhs}) ESCAPE '\\'` : pattern;
  }

  /** The bound value of a pattern lookup: the text with its wildcards escaped, wildcards around it. */
  patternParameter(lookup: PatternLookup, text: string): SqlValue {
    const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
    switch (lookup) {
      case 'contains':
      case 'icontains':
        return `%${escaped}%`;
      case 'startswith':
      case 'istartswith':
        return `${escaped}%`;
      case 'endswith':
      case 'iendswith':
        return `%${escaped}`;
      case 'iexact':
        return escaped;
    }
  }

  /** A pattern lookup whose right-hand side is an expression (`name__startswith: F('prefix')`). */
  patternExpressionLookup(lookup: PatternLookup, lhs: string, rhs: string): string {
    const [left, right] = lookup.startsWith('i') ? [`LOWER(${lhs})`, `LOWER(${rhs})`] : [lhs, rhs];
    switch (lookup) {
      case 'iexact':
        return `${left} = ${right}`;
      case 'contains':
      case 'icontains':
        return `POSITION(${right} IN ${left}) > 0`;
      case 'startswith':
      case 'istartswith':
        return `${left} LIKE ${right} || '%'`;
      case 'endswith':
      case 'iendswith':
        return `${left} LIKE '%' || ${right}`;
    }
  }

  /** `lhs` matches the regular expression `rhs`. */
  abstract regexLookup(lhs: string, rhs: string, caseInsensitive: boolean): string;

  // ------------------------------------------------------------------ statements

  /** How an INSERT reports the key the database gave the row (see InsertKeyReport). */
  abstract readonly insertKeyReport: InsertKeyReport;

  /**
   * The INSERT of one row into `table` with `columns` (none: every column takes its default), or of `rows`
   * rows in one statement (with columns); `ignoreConflicts` skips a row that would break a constraint;
   * `returning` names the key column the statement selects (one row back per row inserted, in order).
   */
  insertSql(table: string, columns: readonly string[], options: InsertSqlOptions): string {
    const into = `INSERT INTO ${this.quoteName(table)}`;
    const values = columns.length ? ` (${columns.map((column) => this.quoteName(column)).join(', ')}) VALUES ${this.insertRows(columns.length, options.rows ?? 1)}` : ' DEFAULT VALUES';
    const conflicts = options.ignoreConflicts ? ' ON CONFLICT DO NOTHING' : '';
    const returning = options.returning ? ` RETURNING ${this.quoteName(options.returning)}` : '';
    return `${into}${values}${conflicts}${returning}`;
  }

  /** `(?, ?), (?, ?)`: the VALUES rows of an INSERT of `rows` rows of `width` columns. */
  protected insertRows(width: number, rows: number): string {
    const row = `(${this.placeholders(width)})`;
    return rows === 1 ? row : Array<string>(rows).fill(row).join(', ');
  }

  /** The key the database gave an inserted row, from the statement's result (`insertKeyReport` 'afterInsert'). */
  abstract insertedKey(result: RunResult): number | bigint | null;

  /** The statement that shows how the database runs `sql`. */
  abstract explainSql(sql: string): string;

  /** The rows of `explainSql` as one text. */
  formatExplain(rows: readonly unknown[][]): string {
    return rows.map((row) => row.join(' ')).join('\n');
  }
}
