/**
 * Exact decimal arithmetic on strings, for DecimalField values and their aggregates.
 * A decimal is held as a scaled bigint: `'12.30'` is `{ units: 1230n, scale: 2 }`.
 */

export interface ScaledDecimal {
  units: bigint;
  scale: number;
}

const DECIMAL_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

export function parseDecimal(text: string): ScaledDecimal | null {
  const match = DECIMAL_PATTERN.exec(text.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return null;
  const [, sign, whole, fraction = '', exponentText] = match;
  const exponent = exponentText ? Number(exponentText) : 0;
  let digits = whole + fraction;
  let scale = fraction.length - exponent;
  if (scale < 0) {
    digits += '0'.repeat(-scale);
    scale = 0;
  }
  const units = BigInt(digits || '0');
  return { units: sign === '-' ? -units : units, scale };
}

export function rescale(value: ScaledDecimal, scale: number): ScaledDecimal {
  if (scale === value.scale) return value;
  if (scale > value.scale) return { units: value.units * 10n ** BigInt(scale - value.scale), scale };
  return { units: divideRoundHalfEven(value.units, 10n ** BigInt(value.scale - scale)), scale };
}

export function divideRoundHalfEven(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let quotient = n / d;
  const twiceRemainder = (n % d) * 2n;
  if (twiceRemainder > d || (twiceRemainder === d && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}

export function formatDecimal(value: ScaledDecimal): string {
  const negative = value.units < 0n;
  let digits = (negative ? -value.units : value.units).toString();
  if (value.scale > 0) {
    digits = digits.padStart(value.scale + 1, '0');
    digits = `${digits.slice(0, -value.scale)}.${digits.slice(-value.scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

export function compareDecimals(a: ScaledDecimal, b: ScaledDecimal): number {
  const scale = Math.max(a.scale, b.scale);
  const x = rescale(a, scale).units;
  const y = rescale(b, scale).units;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function addDecimals(a: ScaledDecimal, b: ScaledDecimal): ScaledDecimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale).units + rescale(b, scale).units, scale };
}

/** Number of digits before and after the point, as Django's DecimalValidator counts them. */
export function countDigits(value: ScaledDecimal): { whole: number; fraction: number } {
  const digits = (value.units < 0n ? -value.units : value.units).toString();
  const fraction = value.scale;
  const whole = Math.max(digits.length - fraction, 0);
  return { whole: digits === '0' ? 0 : whole, fraction };
}
