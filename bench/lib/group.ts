import type { Row } from './report';

/** One measured case; it returns its rows for the final table. */
export interface BenchCase<C> {
  name: string;
  run(context: C): Promise<Row[]>;
}

/**
 * A group of cases sharing one prepared database. `within` prepares it, runs `body` (the selected
 * cases) and cleans up, whatever happens.
 */
export interface BenchGroup<C> {
  name: string;
  title: string;
  within(body: (context: C) => Promise<void>): Promise<void>;
  cases: ReadonlyArray<BenchCase<C>>;
}

/** Declares a group with its context type checked against its cases. */
export function defineGroup<C>(group: BenchGroup<C>): BenchGroup<C> {
  return group;
}

/** Each benchmark first checks that threadorm and the raw reference produce the same thing. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`Benchmark sanity check failed: ${message}`);
}

/** 1, 2, …, count, 1, 2, … : the keys successive lookups ask for. */
export function cyclingIds(count: number): () => number {
  let id = 0;
  return () => (id = (id % count) + 1);
}
