import type { BaseOperations } from '../db/backends/base/operations';

/**
 * One cache of compiled plans, keyed by backend, model and query shape: the statements whose text depends
 * only on the model and on which fields take part (a model's SELECT, `get()` by equality, INSERT, the keyed
 * gets of the async layer; built in plans.ts), with their parameter slots (the fields whose values fill them,
 * in order) and their row plans. The compiler takes a query's row plan from here when the query selects a
 * model's plain row (`rows`), so the sync path, the workers and the main thread's hydration share one plan per
 * model and layout, and the row builder generated for it (hydrate.ts) is made once.
 *
 * Plans are kept per model Options, so close() then configure() (which rebuilds `_meta`) starts clean, and
 * at most PLANS_PER_MODEL per model, the oldest dropped first: shapes that come from user input (the keys
 * of `get()` lookups) cannot grow it without end.
 */

export const PLANS_PER_MODEL = 256;

const plansByBackend = new WeakMap<BaseOperations, WeakMap<object, Map<string, unknown>>>();

/**
 * The plan of `shape` for the model whose Options are `meta`, built by `build` the first time. A shape names
 * its kind first (`rows`, `select`, `get:<keys>`, `insert:<flags>`, `keyed:<field>`); `build` may return null for
 * "no plan of that shape" (a key that is not a field), which is remembered too.
 */
export function cachedPlan<P>(ops: BaseOperations, meta: object, shape: string, build: () => P): P {
  let byModel = plansByBackend.get(ops);
  if (!byModel) plansByBackend.set(ops, (byModel = new WeakMap()));
  let byShape = byModel.get(meta);
  if (!byShape) byModel.set(meta, (byShape = new Map()));
  const found = byShape.get(shape);
  if (found !== undefined) return found as P;
  const plan = build();
  if (byShape.size >= PLANS_PER_MODEL) byShape.delete(byShape.keys().next().value!);
  byShape.set(shape, plan);
  return plan;
}

/** How many plans a model holds for a backend (tests check the bound). */
export function cachedPlanCount(ops: BaseOperations, meta: object): number {
  return plansByBackend.get(ops)?.get(meta)?.size ?? 0;
}
