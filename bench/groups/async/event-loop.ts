import { check, type BenchCase } from '../../lib/group';
import { atMost, figureRow, formatMs, formatRatio } from '../../lib/report';
import { rawWorkerPool, withOrm } from '../../lib/session';
import { eventLoopDelayDuring, median, sleep, type LoopDelay, type Operation } from '../../lib/timing';
import {
  asyncHeavyQuery,
  calibrateHeavyQuery,
  GROUP,
  HEAVY_COUNT_SQL,
  HEAVY_PATTERN,
  heavyQuery,
  rawHeavyCount,
  warmPool,
  WORKERS,
  type AsyncContext,
} from './context';

/**
 * 3b: the main thread's event-loop delay while a ~500 ms query runs through aobjects (next to the same SQL
 * in a bare better-sqlite3 piscina worker) and through the sync API (next to raw better-sqlite3 on the main thread).
 */

const QUERY_MS = 500;
const REPETITIONS = 3;

/** Measured in this order, round after round. */
const SUBJECTS = ['idle', 'async', 'rawWorker', 'sync', 'raw'] as const;
type Subject = (typeof SUBJECTS)[number];

export const eventLoop: BenchCase<AsyncContext> = {
  name: 'event loop',
  async run({ database, raw }) {
    const outer = calibrateHeavyQuery(raw, QUERY_MS);
    const rawCount = rawHeavyCount(raw);
    return withOrm(database, { workers: WORKERS }, async () => {
      const pool = rawWorkerPool(database, HEAVY_COUNT_SQL, 1);
      try {
        await warmPool(() => asyncHeavyQuery(10).count(), WORKERS);
        await warmPool(() => pool.run([10, HEAVY_PATTERN]), 1);
        const expected = rawCount(outer);
        check((await asyncHeavyQuery(outer).count()) === expected && heavyQuery(outer).count() === expected, 'the heavy query counts differ');
        const subjects: Record<Subject, Operation> = {
          // The same wait without a query: what the machine alone does to the loop.
          idle: () => sleep(QUERY_MS),
          async: () => asyncHeavyQuery(outer).count(),
          rawWorker: () => pool.run([outer, HEAVY_PATTERN]),
          sync: () => heavyQuery(outer).count(),
          raw: () => rawCount(outer),
        };
        const samples = new Map<Subject, LoopDelay[]>(SUBJECTS.map((subject) => [subject, []]));
        for (let repetition = 0; repetition < REPETITIONS; repetition++) {
          for (const subject of SUBJECTS) samples.get(subject)!.push(await eventLoopDelayDuring(subjects[subject]));
        }
        const [idle, async, rawWorker, sync, rawSync] = SUBJECTS.map((subject) => summarise(samples.get(subject)!));
        const versus = (delay: LoopDelay, reference: LoopDelay) => ({
          subject: describeDelay(delay),
          raw: describeDelay(reference),
          ratio: formatRatio(reference.durationMs / delay.durationMs),
        });
        return [
          figureRow(GROUP, `loop delay, ${formatMs(rawSync.durationMs)} aobjects count (raw: piscina worker)`, versus(async, rawWorker), {
            target: atMost(2, ' ms'),
            label: 'p99',
            checked: async.p99Ms,
          }),
          figureRow(GROUP, 'loop delay, same count through sync objects', versus(sync, rawSync)),
          figureRow(GROUP, `loop delay, idle ${QUERY_MS} ms (noise floor)`, {
            subject: `p99 ${formatMs(idle.p99Ms)}, max ${formatMs(idle.maxMs)}`,
            raw: '',
          }),
        ];
      } finally {
        await pool.destroy();
      }
    });
  },
};

/** The median of each figure over the repetitions. */
export function summarise(delays: readonly LoopDelay[]): LoopDelay {
  return {
    p99Ms: median(delays.map((delay) => delay.p99Ms)),
    maxMs: median(delays.map((delay) => delay.maxMs)),
    durationMs: median(delays.map((delay) => delay.durationMs)),
  };
}

export function describeDelay(delay: LoopDelay): string {
  return `p99 ${formatMs(delay.p99Ms)}, max ${formatMs(delay.maxMs)}, query ${formatMs(delay.durationMs)}`;
}
