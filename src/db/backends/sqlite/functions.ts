import type BetterSqlite3 from 'better-sqlite3';
import { sqlJsonContains } from './json-containment';
import { fromWallClock, toWallClock } from '../../time-zones';
import { addDecimals, compareDecimals, divideRoundHalfEven, formatDecimal, parseDecimal, rescale, type ScaledDecimal } from '../../decimal';

/**
 * SQL functions every connection gets: REGEXP (SQLite has the operator but no implementation) and exact
 * aggregates over DecimalField text values, so `Sum('amount')` never goes through a float.
 */
const KEY_SCALE = 40;
const KEY_WIDTH = 90;
const KEY_BASE = 10n ** BigInt(KEY_WIDTH);

/** Fixed-width digits, with negatives as their complement, so text order equals numeric order. */
function decimalSortKey(decimal: ScaledDecimal): string {
  const units = rescale(decimal, KEY_SCALE).units;
  return units < 0n ? `0${(KEY_BASE + units).toString().padStart(KEY_WIDTH, '0')}` : `1${units.toString().padStart(KEY_WIDTH, '0')}`;
}

interface AverageState {
  total: ScaledDecimal | null;
  count: number;
  places: number;
}

export function registerFunctions(db: BetterSqlite3.Database): void {
  const patterns = new Map<string, RegExp>();
  const compile = (pattern: string, flags: string): RegExp => {
    const key = flags + pattern;
    let regexp = patterns.get(key);
    if (!regexp) {
      regexp = new RegExp(pattern, flags);
      if (patterns.size > 256) patterns.clear();
      patterns.set(key, regexp);
    }
    return regexp;
  };
  const matcher = (flags: string) => (pattern: unknown, value: unknown) =>
    value === null || pattern === null ? null : compile(String(pattern), flags).test(String(value)) ? 1 : 0;
  db.function('regexp', { deterministic: true }, matcher('u'));
  db.function('threadorm_iregexp', { deterministic: true }, matcher('iu'));
  // JSONField contains / contained_by: SQLite has no JSON containment operator.
  db.function('threadorm_json_contains', { deterministic: true }, sqlJsonContains);
  db.function('threadorm_json_contained_by', { deterministic: true }, (value: unknown, container: unknown) => sqlJsonContains(container, value));

  // Datetimes in the configured time zone (configure({ timeZone })): its wall clock, and back to stored UTC text.
  db.function('threadorm_datetime_wall_clock', { deterministic: true }, (value: unknown, zone: unknown) =>
    value === null ? null : toWallClock(String(value), String(zone)),
  );
  db.function('threadorm_datetime_from_wall_clock', { deterministic: true }, (value: unknown, zone: unknown) =>
    value === null ? null : fromWallClock(String(value), String(zone)),
  );

  const parse = (value: unknown): ScaledDecimal | null =>
    value === null || value === undefined ? null : parseDecimal(String(value));

  /** A computed value (F() arithmetic gives REAL) as DecimalField text with `places` digits, rounded half-even. */
  db.function('threadorm_dec_quantize', { deterministic: true }, (value: unknown, places: unknown) => {
    const decimal = parse(value);
    return decimal ? formatDecimal(rescale(decimal, Number(places))) : null;
  });

  // A text key whose order is the numeric order of the decimal (for values beyond a double's 15 digits).
  db.function('threadorm_dec_key', { deterministic: true }, (value: unknown) => {
    const decimal = parse(value);
    return decimal ? decimalSortKey(decimal) : null;
  });

  db.aggregate('threadorm_dec_sum', {
    start: () => null as ScaledDecimal | null,
    step: (total: ScaledDecimal | null, value: unknown) => {
      const decimal = parse(value);
      if (!decimal) return total;
      return total ? addDecimals(total, decimal) : decimal;
    },
    result: (total: ScaledDecimal | null) => (total ? formatDecimal(total) : null),
  });

  // better-sqlite3's typings declare one step argument; the function really receives every SQL argument.
  db.aggregate('threadorm_dec_avg', <BetterSqlite3.AggregateOptions>(<unknown>{
    start: (): AverageState => ({ total: null, count: 0, places: 0 }),
    step: (state: AverageState, value: unknown, places: unknown) => {
      const decimal = parse(value);
      if (!decimal) return state;
      state.total = state.total ? addDecimals(state.total, decimal) : decimal;
      state.count += 1;
      state.places = Number(places);
      return state;
    },
    result: (state: AverageState) => {
      if (!state.total) return null;
      const scaled = rescale(state.total, state.places);
      return formatDecimal({ units: divideRoundHalfEven(scaled.units, BigInt(state.count)), scale: state.places });
    },
  }));

  for (const [name, keep] of [
    ['threadorm_dec_min', (order: number) => order < 0],
    ['threadorm_dec_max', (order: number) => order > 0],
  ] as const) {
    db.aggregate(name, {
      start: () => null as { text: string; decimal: ScaledDecimal } | null,
      step: (best: { text: string; decimal: ScaledDecimal } | null, value: unknown) => {
        const decimal = parse(value);
        if (!decimal) return best;
        if (!best || keep(compareDecimals(decimal, best.decimal))) return { text: String(value), decimal };
        return best;
      },
      result: (best: { text: string } | null) => (best ? best.text : null),
    });
  }
}
