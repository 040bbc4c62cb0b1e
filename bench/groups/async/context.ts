import type BetterSqlite3 from 'better-sqlite3';
import { availableParallelism } from 'node:os';
import { Pizza } from '../../../testapp/models';
import { PIZZERIA } from '../../lib/pizzeria';
import { elapsedSyncMs, median, throughput, type Operation } from '../../lib/timing';

/** What every async case gets: the seeded pizzeria file and a raw connection to it for the references. */
export interface AsyncContext {
  database: string;
  raw: BetterSqlite3.Database;
}

export const GROUP = 'async';

/** Reader workers for the cases that do not vary it: threadorm's default, one per core. */
export const WORKERS = availableParallelism();

/**
 * Starts the pool and warms it: the workers' code is cold at first (and on a first run their TypeScript is
 * compiled and cached). `operation` should be the kind of call about to be measured.
 */
export async function warmPool(operation: Operation, concurrency = 16): Promise<void> {
  await Promise.all(Array.from({ length: concurrency }, operation));
  await throughput(operation, { durationMs: 300, concurrency });
}

/**
 * A CPU-bound read with a tunable cost: the first `outer` pizzas, each joined with every pizza that
 * shares its box (about 1,000), the joined names matched by GLOB. Returns the number of joined rows.
 */
export function heavyQuery(outer: number) {
  return Pizza.objects.filter(heavyLookups(outer));
}

export function asyncHeavyQuery(outer: number) {
  return Pizza.aobjects.filter(heavyLookups(outer));
}

function heavyLookups(outer: number) {
  return { id__lte: outer, box__pizza__name__contains: 'zz' };
}

/** heavyQuery(outer).count() written by hand; parameters: outer, GLOB pattern. */
export const HEAVY_COUNT_SQL = 'SELECT COUNT(*) AS n FROM pizza p JOIN pizza q ON q.box_id = p.box_id WHERE p.id <= ? AND q.name GLOB ?';
export const HEAVY_PATTERN = '*zz*';

export function rawHeavyCount(raw: BetterSqlite3.Database): (outer: number) => number {
  const statement = raw.prepare(HEAVY_COUNT_SQL).pluck();
  return (outer) => statement.get(outer, HEAVY_PATTERN) as number;
}

/** The `outer` that makes the heavy query take about `targetMs` here and now (its cost is linear in `outer`). */
export function calibrateHeavyQuery(raw: BetterSqlite3.Database, targetMs: number): number {
  const count = rawHeavyCount(raw);
  const probe = 500;
  count(probe);
  const ms = median(Array.from({ length: 3 }, () => elapsedSyncMs(() => count(probe))));
  return Math.min(PIZZERIA.pizzas, Math.max(1, Math.round((probe * targetMs) / ms)));
}
