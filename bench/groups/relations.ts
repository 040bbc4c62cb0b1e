import type BetterSqlite3 from 'better-sqlite3';
import { captureQueries } from '../../src';
import { Pizza } from '../../testapp/models';
import { check, defineGroup } from '../lib/group';
import { seedPizzeria } from '../lib/pizzeria';
import { atLeast, rateRow } from '../lib/report';
import { createDatabase, withOrm, withRaw } from '../lib/session';
import { compare } from '../lib/timing';

/** Group 2: loading 1,000 pizzas with their relations, against a hand-written join / IN query and assembly. */

interface Context {
  raw: BetterSqlite3.Database;
}

const GROUP = 'relations';
const TARGET = atLeast(0.5);
const PIZZAS = 1000;

interface RawPizza {
  id: number;
  name: string;
  boxId: number | null;
  priceId: number;
  toppings: Array<{ id: number; name: string; vegetarian: boolean }>;
}

export const relations = defineGroup<Context>({
  name: GROUP,
  title: '1,000 pizzas with relations: selectRelated / prefetchRelated vs raw join / IN + assembly',
  async within(body) {
    const database = await createDatabase(GROUP, seedPizzeria);
    await withOrm(database, {}, () => withRaw(database, (raw) => body({ raw })));
  },
  cases: [
    {
      name: 'selectRelated',
      async run({ raw }) {
        const statement = raw
          .prepare('SELECT p.id, p.name, p.box_id, p.price_id, b.id, b.name FROM pizza p LEFT JOIN box b ON b.id = p.box_id WHERE p.id <= ? ORDER BY p.name')
          .raw(true);
        const rawPizzas = () =>
          (statement.all(PIZZAS) as Array<[number, string, number | null, number, number | null, string | null]>).map(
            ([id, name, boxId, priceId, boxKey, boxName]) => ({ id, name, boxId, priceId, box: boxKey === null ? null : { id: boxKey, name: boxName } }),
          );
        const orm = () => Pizza.objects.selectRelated('box').filter({ id__lte: PIZZAS }).eval();
        const queries = captureQueries(() => void orm());
        const pizzas = orm();
        const expected = rawPizzas();
        check(queries.length === 1, `selectRelated('box') ran ${queries.length} queries instead of 1`);
        check(pizzas.map((p) => `${p.id}:${p.box?.name}`).join() === expected.map((p) => `${p.id}:${p.box?.name}`).join(), 'selectRelated() and the raw join disagree');
        const result = await compare(orm, rawPizzas, { durationMs: 500, unitsPerOp: PIZZAS });
        return [rateRow(GROUP, "selectRelated('box') vs LEFT JOIN + nesting", result, 'pizzas', TARGET)];
      },
    },
    {
      name: 'prefetchRelated',
      async run({ raw }) {
        const pizzaStatement = raw.prepare('SELECT id, name, box_id, price_id FROM pizza WHERE id <= ? ORDER BY name');
        const toppingStatements = new Map<number, BetterSqlite3.Statement>();
        /** The toppings of `count` pizzas: one statement per list length, prepared once. */
        const toppingsOf = (count: number) => {
          let statement = toppingStatements.get(count);
          if (!statement) {
            const marks = new Array(count).fill('?').join(', ');
            statement = raw
              .prepare(`SELECT pt.pizza_id, t.id, t.name, t.vegetarian FROM pizza_toppings pt JOIN topping t ON t.id = pt.topping_id WHERE pt.pizza_id IN (${marks}) ORDER BY t.name`)
              .raw(true);
            toppingStatements.set(count, statement);
          }
          return statement;
        };
        const rawPizzas = () => {
          const rows = pizzaStatement.all(PIZZAS) as Array<{ id: number; name: string; box_id: number | null; price_id: number }>;
          const byId = new Map<number, RawPizza>();
          const pizzas = rows.map((row) => {
            const pizza: RawPizza = { id: row.id, name: row.name, boxId: row.box_id, priceId: row.price_id, toppings: [] };
            byId.set(row.id, pizza);
            return pizza;
          });
          const ids = rows.map((row) => row.id);
          for (const [pizzaId, id, name, vegetarian] of toppingsOf(ids.length).all(...ids) as Array<[number, number, string, number]>) {
            byId.get(pizzaId)!.toppings.push({ id, name, vegetarian: vegetarian === 1 });
          }
          return pizzas;
        };
        const orm = () => Pizza.objects.prefetchRelated('toppings').filter({ id__lte: PIZZAS }).eval();
        const pizzas = orm();
        const expected = rawPizzas();
        const toppingNames = (names: string[]) => names.join('/');
        const queries = captureQueries(() => pizzas.map((p) => toppingNames(p.toppings.all().eval().map((t) => t.name))));
        check(queries.length === 0, `prefetched toppings still ran ${queries.length} queries`);
        check(
          pizzas.map((p) => toppingNames(p.toppings.all().eval().map((t) => t.name))).join() === expected.map((p) => toppingNames(p.toppings.map((t) => t.name))).join(),
          'prefetchRelated() and the raw IN query disagree',
        );
        const result = await compare(orm, rawPizzas, { durationMs: 500, unitsPerOp: PIZZAS });
        return [rateRow(GROUP, "prefetchRelated('toppings') vs IN query + grouping", result, 'pizzas', TARGET)];
      },
    },
  ],
});
