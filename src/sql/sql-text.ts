import type { BaseOperations } from '../db/backends/base/operations';
import type { SqlValue } from '../db/backends/base/types';
import { currentOperations } from './backend';

/** Compiled SQL with its parameters; printed, it reads as the statement with the parameters written in. */
export class CompiledSql {
  constructor(
    readonly sql: string,
    readonly params: readonly SqlValue[],
    /** The backend the statement was compiled for: it spells the literals of `toString()`. */
    private readonly ops: BaseOperations,
  ) {}

  /** Django's `str(qs.query)`: for reading and logging; run `sql` with `params` to execute it. */
  toString(): string {
    return inlineParameters(this.sql, this.params, this.ops);
  }
}

/** Replaces each parameter marker outside quoted text with its parameter as a literal. */
export function inlineParameters(sql: string, params: readonly SqlValue[], ops: BaseOperations = currentOperations()): string {
  const marker = ops.placeholder();
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
    } else if (char === marker && next < params.length) {
      result += ops.literal(params[next++]!);
    } else {
      result += char;
    }
  }
  return result;
}
