import { Pizza } from '../../../testapp/models';
import { check, cyclingIds, type BenchCase } from '../../lib/group';
import { PIZZERIA } from '../../lib/pizzeria';
import { atLeast, rateRow } from '../../lib/report';
import { rawWorkerPool, withOrm } from '../../lib/session';
import { compare, type CompareOptions, type Operation } from '../../lib/timing';
import { GROUP, WORKERS, warmPool, type AsyncContext } from './context';

/**
 * 3a: pk lookups from 64 concurrent callers against raw sync statement.get: through aobjects (with the
 * default pool of one reader per core, and with a single reader), and through a naive pool that sends
 * one piscina task per query.
 */

const CALLERS = 64;
const LOOKUP_SQL = 'SELECT id, name, box_id, price_id FROM pizza WHERE id = ?';
const OPTIONS: CompareOptions = { durationMs: 600, concurrency: CALLERS, referenceOptions: { concurrency: 1 } };

export const lookups: BenchCase<AsyncContext> = {
  name: 'lookups',
  async run({ database, raw }) {
    const statement = raw.prepare(LOOKUP_SQL);
    const rawGet = cyclingIds(PIZZERIA.pizzas);
    const reference = () => statement.get(rawGet());
    const measure = async (lookup: Operation) => {
      await warmPool(lookup, CALLERS);
      return compare(lookup, reference, OPTIONS);
    };

    const throughAobjects = (workers: number) =>
      withOrm(database, { workers }, async () => {
        const pizza = await Pizza.aobjects.get({ id: 42 });
        check(pizza instanceof Pizza && pizza.name === (statement.get(42) as { name: string }).name, 'aobjects.get() and statement.get() disagree on pizza 42');
        const nextId = cyclingIds(PIZZERIA.pizzas);
        return measure(() => Pizza.aobjects.get({ id: nextId() }));
      });
    const threadorm = await throughAobjects(WORKERS);
    const singleReader = await throughAobjects(1);

    const pool = rawWorkerPool(database, LOOKUP_SQL, WORKERS);
    try {
      const nextId = cyclingIds(PIZZERIA.pizzas);
      const naive = await measure(() => pool.run([nextId()]));
      return [
        rateRow(GROUP, `aobjects.get({ id }) x${CALLERS}, ${WORKERS} readers vs sync get`, threadorm, 'lookups', atLeast(1.0)),
        rateRow(GROUP, 'same, 1 reader', singleReader, 'lookups'),
        rateRow(GROUP, `baseline: piscina task per query, ${WORKERS} workers`, naive, 'lookups'),
      ];
    } finally {
      await pool.destroy();
    }
  },
};
