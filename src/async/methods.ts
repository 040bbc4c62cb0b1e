import type { QueryOptions } from '../models/async-bridge';
import { asyncMethodNamed, type AsyncMethod, type AsyncMethodSpec, type AsyncTarget } from '../models/async-methods';
import type { Role } from './protocol';

/**
 * How the async layer reads the async method table (src/models/async-methods.ts): where a call's
 * `{ signal, timeoutMs }` is, and what a worker agrees to run.
 */

const NO_OPTIONS: QueryOptions = {};

/**
 * Separates the `{ signal, timeoutMs }` at `slot` (see AsyncMethodSpec.options), which stays on this thread,
 * from the arguments sent; other keys of that argument (a method's own options) are sent. Without one, the
 * arguments come back as they are (not copied: this runs for every async call).
 */
export function splitQueryOptions(args: readonly unknown[], slot: AsyncMethodSpec['options']): [readonly unknown[], QueryOptions] {
  if (slot === null) return [args, NO_OPTIONS];
  const index = slot === 'last' ? args.length - 1 : slot;
  const value = args[index];
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !('signal' in value || 'timeoutMs' in value)) {
    return [args, NO_OPTIONS];
  }
  const { signal, timeoutMs, ...rest } = value as QueryOptions & Record<string, unknown>;
  const plain = args.slice(0, index);
  if (Object.keys(rest).length || index < args.length - 1) plain.push(rest);
  for (let i = index + 1; i < args.length; i++) plain.push(args[i]);
  return [plain, { signal, timeoutMs }];
}

const TARGET_NAMES: Record<AsyncTarget, string> = {
  manager: 'a model manager',
  queryset: 'a queryset',
  related: 'a related manager',
  instance: 'a model instance',
};

/**
 * Worker side: the table's method `name` for a call on `target` that reached a worker of `role`, or an
 * error naming it, before anything of the call runs: a name the table does not have (`constructor`,
 * `hydrate`), one not callable on that target, or a write that reached a read-only reader.
 */
export function permittedMethod(name: string, target: AsyncTarget, role: Role): AsyncMethod {
  const method = asyncMethodNamed(name);
  const call = `'${String(name)}' on ${TARGET_NAMES[target]}`;
  if (!method) throw new TypeError(`A pool worker refused ${call}: it is not a method of the async method table.`);
  if (!method.on.includes(target)) {
    throw new TypeError(`A pool worker refused ${call}: the async method table allows it only on ${method.on.map((on) => TARGET_NAMES[on]).join(', ')}.`);
  }
  if (method.writes && role === 'reader') throw new TypeError(`A pool worker refused ${call}: it writes, and was sent to a read-only reader.`);
  return method;
}

/**
 * The built-in chaining calls a worker replays to rebuild a queryset (the steps QuerySet records); besides
 * them, only the custom methods of the queryset's own class are replayed (models/custom-methods.ts).
 */
const CHAIN_METHODS: ReadonlySet<string> = new Set([
  'all', 'filter', 'exclude', 'orderBy', 'reverse', 'distinct', 'values', 'valuesList', 'annotate', 'alias', 'selectRelated',
  'prefetchRelated', 'defer', 'only', 'using', 'none', 'union', 'intersection', 'difference', 'slice', 'and', 'or', 'selectForUpdate',
  'dates', 'datetimes', 'fetchMode',
]);

export function isChainMethod(name: string): boolean {
  return CHAIN_METHODS.has(name);
}
