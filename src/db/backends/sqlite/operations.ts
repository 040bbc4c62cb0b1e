import type { DecimalField } from '../../../models/fields/scalar';
import type { Field } from '../../../models/fields/base';
import {
  BaseOperations,
  type DatePart,
  type DateTruncKind,
  type DecimalAggregate,
  type InsertKeyReport,
  type InsertSqlOptions,
  type PatternLookup,
  type TimePart,
  type TimeTruncKind,
} from '../base/operations';
import type { RunResult, SqlValue } from '../base/types';

/**
 * SQLite's spelling. Dates and times are ISO text (`'2024-01-15'`, `'2024-01-15T08:05:00.000Z'`, `'08:05:00'`),
 * so most parts are read by position; decimals are exact text, computed by the `threadorm_dec_*` functions
 * that connection.ts registers (functions.ts).
 */
export class SqliteOperations extends BaseOperations {
  readonly vendor = 'sqlite';
  override readonly trueCondition = '1';
  override readonly falseCondition = '0';

  override limitOffset(low: number, high: number | null): string[] {
    // SQLite has no OFFSET without LIMIT; -1 is its "no limit".
    if (high === null && low) return [`LIMIT -1 OFFSET ${low}`];
    return super.limitOffset(low, high);
  }

  // ------------------------------------------------------------------ decimals (exact text)

  override numericOperand(sql: string, _field: Field): string {
    return `CAST(${sql} AS REAL)`;
  }

  /** Up to 15 digits a double holds a decimal exactly; longer ones compare through an exact, sortable text key. */
  override numericComparisonOperand(sql: string, field: Field): string {
    if (field.internalType === 'DecimalField' && (field as DecimalField).maxDigits > 15) return `threadorm_dec_key(${sql})`;
    return `CAST(${sql} AS REAL)`;
  }

  /** Arithmetic on decimals yields REAL: stored back as exact text with the field's places. */
  override decimalAssignment(sql: string, decimalPlaces: number): string {
    return `threadorm_dec_quantize(${sql}, ${decimalPlaces})`;
  }

  override decimalAggregate(aggregate: DecimalAggregate, decimalPlaces: number): { functionName: string; extraArguments: string } {
    return {
      functionName: `threadorm_dec_${aggregate.toLowerCase()}`,
      extraArguments: aggregate === 'AVG' ? `, ${decimalPlaces}` : '',
    };
  }

  // ------------------------------------------------------------------ dates and times

  dateExtract(part: DatePart, sql: string): string {
    switch (part) {
      case 'year':
        return substrInteger(sql, 1, 4);
      case 'month':
        return substrInteger(sql, 6, 2);
      case 'day':
        return substrInteger(sql, 9, 2);
      case 'quarter':
        return `((${substrInteger(sql, 6, 2)} + 2) / 3)`;
      case 'week':
        return strftimeInteger('%V', sql);
      case 'iso_year':
        return strftimeInteger('%G', sql);
      case 'week_day':
        // Django's numbering: 1 = Sunday ... 7 = Saturday.
        return `(${strftimeInteger('%w', sql)} + 1)`;
      case 'iso_week_day':
        return strftimeInteger('%u', sql);
    }
  }

  datetimeExtract(part: DatePart | TimePart, utcSql: string, timeZone: string): string {
    const sql = this.wallClock(utcSql, timeZone);
    switch (part) {
      case 'hour':
        return substrInteger(sql, 12, 2);
      case 'minute':
        return substrInteger(sql, 15, 2);
      case 'second':
        return substrInteger(sql, 18, 2);
      default:
        return this.dateExtract(part, sql);
    }
  }

  timeExtract(part: TimePart, sql: string): string {
    switch (part) {
      case 'hour':
        return substrInteger(sql, 1, 2);
      case 'minute':
        return substrInteger(sql, 4, 2);
      case 'second':
        return substrInteger(sql, 7, 2);
    }
  }

  /** `'YYYY-MM-DD'`, from the ISO text both DateField and DateTimeField store. */
  override dateTrunc(kind: DateTruncKind, sql: string): string {
    switch (kind) {
      case 'year':
        return `(substr(${sql}, 1, 4) || '-01-01')`;
      case 'month':
        return `(substr(${sql}, 1, 7) || '-01')`;
      case 'week':
        // Back to Monday: %w counts from Sunday = 0.
        return `date(substr(${sql}, 1, 10), '-' || ((CAST(strftime('%w', substr(${sql}, 1, 10)) AS INTEGER) + 6) % 7) || ' days')`;
      case 'day':
        return `substr(${sql}, 1, 10)`;
    }
  }

  /**
   * The stored form of a DateTimeField (`toISOString()`, UTC) with the smaller parts zeroed on the wall clock of
   * `timeZone`: truncated there, then turned back into the stored UTC form.
   */
  override datetimeTrunc(kind: DateTruncKind | TimeTruncKind, utcSql: string, timeZone: string): string {
    const sql = this.wallClock(utcSql, timeZone);
    let truncated: string;
    switch (kind) {
      case 'hour':
        truncated = `(substr(${sql}, 1, 13) || ':00:00.000Z')`;
        break;
      case 'minute':
        truncated = `(substr(${sql}, 1, 16) || ':00.000Z')`;
        break;
      case 'second':
        truncated = `(substr(${sql}, 1, 19) || '.000Z')`;
        break;
      default:
        truncated = `(${this.dateTrunc(kind, sql)} || 'T00:00:00.000Z')`;
    }
    return timeZone === 'UTC' ? truncated : `threadorm_datetime_from_wall_clock(${truncated}, ${this.literal(timeZone)})`;
  }

  datetimeCastDate(sql: string, timeZone: string): string {
    return `substr(${this.wallClock(sql, timeZone)}, 1, 10)`;
  }

  /** `'08:05:00'`, or `'08:05:00.250000'` with a fraction, so it compares with TimeField values and `'HH:MM[:SS]'` strings. */
  datetimeCastTime(utcSql: string, timeZone: string): string {
    const sql = this.wallClock(utcSql, timeZone);
    return `(CASE substr(${sql}, 20, 4) WHEN '.000' THEN substr(${sql}, 12, 8) ELSE substr(${sql}, 12, 12) || '000' END)`;
  }

  /**
   * A stored datetime as ISO text of the wall clock of `timeZone` (same positions as the stored form, so the
   * substr() parts above read it alike); UTC is the stored text itself.
   */
  private wallClock(sql: string, timeZone: string): string {
    return timeZone === 'UTC' ? sql : `threadorm_datetime_wall_clock(${sql}, ${this.literal(timeZone)})`;
  }

  // ------------------------------------------------------------------ JSON (the json1 functions)

  jsonPath(keys: readonly string[]): string {
    return '$' + keys.map((key) => (/^\d+$/.test(key) ? `[${key}]` : `."${key.replace(/["\\]/g, (c) => `\\${c}`)}"`)).join('');
  }

  jsonKeyValue(sql: string, path: string): string {
    return `json_extract(${sql}, ${path})`;
  }

  jsonKeyJson(sql: string, path: string): string {
    return `(${sql} -> ${path})`;
  }

  jsonHasKey(sql: string, path: string): string {
    return `json_type(${sql}, ${path}) IS NOT NULL`;
  }

  jsonHasKeys(sql: string, paths: string, all: boolean): string {
    return all
      ? `(SELECT coalesce(min(json_type(${sql}, p.value) IS NOT NULL), 1) FROM json_each(${paths}) AS p) = 1`
      : `(SELECT coalesce(max(json_type(${sql}, p.value) IS NOT NULL), 0) FROM json_each(${paths}) AS p) = 1`;
  }

  jsonKeyType(sql: string, path: string): string {
    return `json_type(${sql}, ${path})`;
  }

  jsonContains(lhs: string, rhs: string): string {
    return `threadorm_json_contains(${lhs}, ${rhs})`;
  }

  jsonContainedBy(lhs: string, rhs: string): string {
    return `threadorm_json_contained_by(${lhs}, ${rhs})`;
  }

  // ------------------------------------------------------------------ patterns: GLOB is case-sensitive, LIKE ASCII case-insensitive

  override patternLookup(lookup: PatternLookup, lhs: string, rhs: string): string {
    return lookup.startsWith('i') ? `${lhs} LIKE ${rhs} ESCAPE '\\'` : `${lhs} GLOB ${rhs}`;
  }

  override patternParameter(lookup: PatternLookup, text: string): SqlValue {
    if (lookup.startsWith('i')) return super.patternParameter(lookup, text);
    const escaped = text.replace(/[*?[]/g, (c) => `[${c}]`);
    switch (lookup) {
      case 'contains':
        return `*${escaped}*`;
      case 'startswith':
        return `${escaped}*`;
      default:
        return `*${escaped}`;
    }
  }

  override patternExpressionLookup(lookup: PatternLookup, lhs: string, rhs: string): string {
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
    }
  }

  /** REGEXP calls the `regexp` function connection.ts registers (JavaScript regular expressions). */
  regexLookup(lhs: string, rhs: string, caseInsensitive: boolean): string {
    return caseInsensitive ? `threadorm_iregexp(${rhs}, ${lhs})` : `${lhs} REGEXP ${rhs}`;
  }

  // ------------------------------------------------------------------ statements

  readonly insertKeyReport: InsertKeyReport = 'afterInsert';

  override insertSql(table: string, columns: readonly string[], options: InsertSqlOptions): string {
    const verb = options.ignoreConflicts ? 'INSERT OR IGNORE INTO' : 'INSERT INTO';
    const values = columns.length ? ` (${columns.map((column) => this.quoteName(column)).join(', ')}) VALUES ${this.insertRows(columns.length, options.rows ?? 1)}` : ' DEFAULT VALUES';
    const returning = options.returning ? ` RETURNING ${this.quoteName(options.returning)}` : '';
    return `${verb} ${this.quoteName(table)}${values}${returning}`;
  }

  insertedKey(result: RunResult): number | bigint | null {
    return result.lastInsertRowid;
  }

  explainSql(sql: string): string {
    return `EXPLAIN QUERY PLAN ${sql}`;
  }

  /** EXPLAIN QUERY PLAN rows are (id, parent, notused, detail). */
  override formatExplain(rows: readonly unknown[][]): string {
    return rows.map((row) => `${row[0]} ${row[1]} ${row[2]} ${row[3]}`).join('\n');
  }
}

const substrInteger = (sql: string, start: number, length: number) => `CAST(substr(${sql}, ${start}, ${length}) AS INTEGER)`;
const strftimeInteger = (format: string, sql: string) => `CAST(strftime('${format}', ${sql}) AS INTEGER)`;

export const sqliteOperations = new SqliteOperations();
