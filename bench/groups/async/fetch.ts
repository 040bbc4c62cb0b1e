import { Pizza } from '../../../testapp/models';
import { check, type BenchCase } from '../../lib/group';
import { atLeast, rateRow } from '../../lib/report';
import { withOrm } from '../../lib/session';
import { compare } from '../../lib/timing';
import { GROUP, WORKERS, warmPool, type AsyncContext } from './context';

/** Box 2 holds exactly 1,000 pizzas (see PIZZERIA). */
const BOX_OF_1000 = 2;
const CALLERS = 64;

/**
 * 3b: a 1,000-row fetch through aobjects (one caller, then 64 at once) against raw statement.all() mapped to
 * plain objects on the main thread, as the sync filter case does.
 */
export const fetch: BenchCase<AsyncContext> = {
  name: 'fetch',
  async run({ database, raw }) {
    const statement = raw.prepare('SELECT id, name, box_id, price_id FROM pizza WHERE box_id = ? ORDER BY name');
    const reference = () =>
      (statement.all(BOX_OF_1000) as Array<{ id: number; name: string; box_id: number | null; price_id: number }>).map((row) => ({
        id: row.id,
        name: row.name,
        boxId: row.box_id,
        priceId: row.price_id,
      }));
    return withOrm(database, { workers: WORKERS }, async () => {
      const fetch = () => Pizza.aobjects.filter({ box: BOX_OF_1000 }).orderBy('name').eval();
      const pizzas = await fetch();
      check(pizzas.length === 1000 && pizzas.map((p) => p.id).join() === reference().map((p) => p.id).join(), 'aobjects and the raw query return different rows');
      await warmPool(fetch, 4);
      const one = await compare(fetch, reference, { durationMs: 600, unitsPerOp: 1000, referenceOptions: { concurrency: 1 } });
      const many = await compare(fetch, reference, { durationMs: 600, unitsPerOp: 1000, concurrency: CALLERS, referenceOptions: { concurrency: 1 } });
      return [
        rateRow(GROUP, 'aobjects.filter() -> 1,000 instances, 1 caller, vs .all() + objects', one, 'rows', atLeast(0.9)),
        rateRow(GROUP, `same, ${CALLERS} callers`, many, 'rows', atLeast(0.9)),
      ];
    });
  },
};
