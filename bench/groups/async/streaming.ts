import type BetterSqlite3 from 'better-sqlite3';
import { Box } from '../../../testapp/models';
import { check, type BenchCase } from '../../lib/group';
import { seedBoxes } from '../../lib/pizzeria';
import { below, figureRow, formatMb, formatRate, formatRatio } from '../../lib/report';
import { createDatabase, withOrm, withRaw } from '../../lib/session';
import { median, peakRssDuring, type MemoryPeak } from '../../lib/timing';
import { GROUP, warmPool, WORKERS, type AsyncContext } from './context';

/**
 * 3d: `for await` over a million rows through aobjects: throughput and peak RSS growth, against raw
 * iterate(). RSS growth depends on when the collector runs, so each side streams several times.
 */

const ROWS = 1_000_000;
const REPETITIONS = 3;
const PROBE_EVERY = 10_000;
/** Every loop adds up the ids it sees, to show it saw every row once. */
const ID_SUM = (ROWS * (ROWS + 1)) / 2;

export const streaming: BenchCase<AsyncContext> = {
  name: 'streaming',
  async run() {
    const database = await createDatabase('streaming', (raw) => seedBoxes(raw, ROWS));
    const raw = await withRaw(database, (db) => repeat(() => streamRaw(db)));
    const threadorm = await withOrm(database, { workers: WORKERS }, async () => {
      await warmPool(() => Box.aobjects.all().slice(0, 2000).eval(), WORKERS);
      return repeat(streamAobjects);
    });
    const rate = (summary: Summary) => (ROWS * 1000) / summary.durationMs;
    const describe = (summary: Summary) =>
      `${formatRate(rate(summary), 'rows')}, RSS +${formatMb(summary.peakGrowthMb)} ` +
      `(max +${formatMb(summary.maxPeakGrowthMb)}, JS heap +${formatMb(summary.heapGrowthMb)})`;
    return [
      figureRow(
        GROUP,
        `for await, ${ROWS.toLocaleString('en-US')} rows vs iterate() (median of ${REPETITIONS})`,
        { subject: describe(threadorm), raw: describe(raw), ratio: formatRatio(rate(threadorm) / rate(raw)) },
        { target: below(64, ' MB'), label: 'RSS growth', checked: threadorm.peakGrowthMb },
      ),
    ];
  },
};

async function streamRaw(db: BetterSqlite3.Database): Promise<MemoryPeak> {
  const statement = db.prepare('SELECT id, name FROM box');
  let idSum = 0;
  const measured = await peakRssDuring((probe) => {
    for (const row of statement.iterate() as IterableIterator<{ id: number; name: string }>) {
      const box = { id: row.id, name: row.name };
      idSum += box.id;
      if (box.id % PROBE_EVERY === 0) probe();
    }
  });
  check(idSum === ID_SUM, 'raw iterate() missed rows');
  return measured;
}

async function streamAobjects(): Promise<MemoryPeak> {
  let idSum = 0;
  const measured = await peakRssDuring(async (probe) => {
    for await (const box of Box.aobjects.all()) {
      idSum += box.id;
      if (box.id % PROBE_EVERY === 0) probe();
    }
  });
  check(idSum === ID_SUM, 'for await over aobjects missed rows');
  return measured;
}

interface Summary extends MemoryPeak {
  maxPeakGrowthMb: number;
}

async function repeat(measure: () => Promise<MemoryPeak>): Promise<Summary> {
  const runs: MemoryPeak[] = [];
  for (let i = 0; i < REPETITIONS; i++) runs.push(await measure());
  return {
    peakGrowthMb: median(runs.map((run) => run.peakGrowthMb)),
    maxPeakGrowthMb: Math.max(...runs.map((run) => run.peakGrowthMb)),
    heapGrowthMb: median(runs.map((run) => run.heapGrowthMb)),
    durationMs: median(runs.map((run) => run.durationMs)),
  };
}
