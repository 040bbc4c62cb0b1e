import { close, configure } from '../../../src';
import { Pizza } from '../../../testapp/models';
import { check, type BenchCase } from '../../lib/group';
import { atMost, figureRow, formatMs, formatRatio } from '../../lib/report';
import { MODELS, rawWorkerPool } from '../../lib/session';
import { elapsedMs, median } from '../../lib/timing';
import type { AsyncContext } from './context';
import { GROUP } from './context';

const ROUNDS = 5;

/**
 * 3e: how long a new pool takes to answer, from the TypeScript sources (as `npm run bench` runs): configure()
 * to the first aobjects.count(), one reader, whose thread loads the model modules through the esbuild hook.
 * Next to a bare piscina pool of one better-sqlite3 worker in plain JavaScript (bench/raw-worker.js).
 */
export const startup: BenchCase<AsyncContext> = {
  name: 'startup',
  async run({ database, raw }) {
    const pizzas = (raw.prepare('SELECT COUNT(*) AS n FROM pizza').get() as { n: number }).n;
    let counted = -1;
    const pool = async () => {
      configure({ database, models: MODELS, workers: 1 });
      try {
        counted = await Pizza.aobjects.count();
      } finally {
        await close();
      }
    };
    const rawPool = async () => {
      const piscina = rawWorkerPool(database, 'SELECT COUNT(*) AS n FROM pizza', 1);
      try {
        await piscina.run([]);
      } finally {
        await piscina.destroy();
      }
    };
    // The first start after a change transpiles the changed modules into the hook's cache: not what is measured.
    await pool();
    await rawPool();
    check(counted === pizzas, 'aobjects.count() and the raw count differ');
    const times: number[] = [];
    const rawTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      times.push(await elapsedMs(pool));
      rawTimes.push(await elapsedMs(rawPool));
    }
    const [ms, rawMs] = [median(times), median(rawTimes)];
    return [
      figureRow(
        GROUP,
        `configure() to the first answer, from the TypeScript sources (median of ${ROUNDS}; raw: bare piscina)`,
        { subject: formatMs(ms), raw: formatMs(rawMs), ratio: formatRatio(rawMs / ms) },
        { target: atMost(300, ' ms'), label: 'first answer', checked: ms },
      ),
    ];
  },
};
