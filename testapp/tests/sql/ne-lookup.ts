/** A lookup in one file: `name__ne: 'x'` on every field, registered on Field. */
import { Field, OperatorLookup } from '../../../src';

export class NotEqualLookup extends OperatorLookup {
  static override readonly lookupName = 'ne';

  protected operator(lhs: string, rhs: string): string {
    return `${lhs} <> ${rhs}`;
  }
}

Field.registerLookup(NotEqualLookup);

declare module '../../../src' {
  interface RegisteredLookups {
    ne: unknown;
  }
}
