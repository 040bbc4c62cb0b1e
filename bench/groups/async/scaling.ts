import { check, type BenchCase } from '../../lib/group';
import { atLeast, figureRow, formatRatio, rateRow } from '../../lib/report';
import { rawWorkerPool, withOrm } from '../../lib/session';
import { compare, type Comparison } from '../../lib/timing';
import { asyncHeavyQuery, calibrateHeavyQuery, GROUP, HEAVY_COUNT_SQL, HEAVY_PATTERN, rawHeavyCount, warmPool, type AsyncContext } from './context';

/**
 * 3c: a CPU-heavy read run many times by concurrent callers through 1 and then 2 reader workers, next to
 * the same SQL in a bare piscina pool of as many better-sqlite3 workers (what the cores allow at all).
 */

const QUERY_MS = 25;
const CALLERS = 8;

export const scaling: BenchCase<AsyncContext> = {
  name: 'scaling',
  async run({ database, raw }) {
    const outer = calibrateHeavyQuery(raw, QUERY_MS);
    const expected = rawHeavyCount(raw)(outer);
    const measure = (workers: number): Promise<Comparison> =>
      withOrm(database, { workers }, async () => {
        const pool = rawWorkerPool(database, HEAVY_COUNT_SQL, workers);
        try {
          const query = () => asyncHeavyQuery(outer).count();
          const rawQuery = () => pool.run([outer, HEAVY_PATTERN]);
          await warmPool(query, CALLERS);
          await warmPool(rawQuery, CALLERS);
          check((await query()) === expected && (await rawQuery()).n === expected, 'the heavy query counts differ');
          return await compare(query, rawQuery, { durationMs: 1000, rounds: 3, concurrency: CALLERS });
        } finally {
          await pool.destroy();
        }
      });
    const one = await measure(1);
    const two = await measure(2);
    const name = (workers: number) => `~${QUERY_MS} ms read x${CALLERS} callers, ${workers} worker${workers > 1 ? 's' : ''} (raw: piscina)`;
    return [
      rateRow(GROUP, name(1), one, 'queries'),
      rateRow(GROUP, name(2), two, 'queries'),
      figureRow(
        GROUP,
        'speedup 2 workers / 1 worker',
        { subject: formatRatio(two.subject / one.subject), raw: formatRatio(two.reference / one.reference) },
        { target: atLeast(1.6, 'x'), label: 'speedup', checked: two.subject / one.subject },
      ),
    ];
  },
};
