import type { SqlValue } from '../db/backends/base/types';

/** Compiled SQL with its parameters; printed, it reads as the statement with the parameters written in. */
export class CompiledSql {
  constructor(
    readonly sql: string,
    readonly params: readonly SqlValue[],
  ) {}

  /** Django's `str(qs.query)`: for reading and logging; run `sql` with `params` to execute it. */
  toString(): string {
    return inlineParameters(this.sql, this.params);
  }
}

/** A parameter as a SQLite literal. */
export function sqlLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (Buffer.isBuffer(value)) return `X'${value.toString('hex')}'`;
  return `'${value.replace(/'/g, "''")}'`;
}

/** Replaces each `?` placeholder outside quoted text with its parameter as a literal. */
export function inlineParameters(sql: string, params: readonly SqlValue[]): string {
  let result = '';
  let next = 0;
  let quote: string | null = null;
  for (const char of sql) {
    if (quote) {
      if (char === quote) quote = null;
      result += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      result += char;
    } else if (char === '?' && next < params.length) {
      result += sqlLiteral(params[next++]!);
    } else {
      result += char;
    }
  }
  return result;
}
