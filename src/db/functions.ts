import type BetterSqlite3 from 'better-sqlite3';
import { addDecimals, compareDecimals, divideRoundHalfEven, formatDecimal, parseDecimal, rescale, type ScaledDecimal } from './decimal';

/**
 * SQL functions every connection gets: REGEXP (SQLite has the operator but no implementation) and exact
 * aggregates over DecimalField text values, so `Sum('amount')` never goes through a float.
 */
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

  const parse = (value: unknown): ScaledDecimal | null =>
    value === null || value === undefined ? null : parseDecimal(String(value));

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
