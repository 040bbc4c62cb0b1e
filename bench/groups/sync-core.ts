import type BetterSqlite3 from 'better-sqlite3';
import { Choice, Pizza, Question } from '../../testapp/models';
import { check, cyclingIds, defineGroup } from '../lib/group';
import { PIZZERIA, seedPizzeria } from '../lib/pizzeria';
import { atLeast, rateRow } from '../lib/report';
import { createDatabase, withOrm, withRaw } from '../lib/session';
import { compare } from '../lib/timing';

/** Group 1: the sync core on the main thread against hand-written better-sqlite3. */

interface Context {
  raw: BetterSqlite3.Database;
  questionId: number;
}

const GROUP = 'sync';
const TARGET = atLeast(0.5);
const BULK_ROWS = 20_000;
/** Box 2 holds exactly 1,000 pizzas (see PIZZERIA). */
const BOX_OF_1000 = 2;

export const syncCore = defineGroup<Context>({
  name: GROUP,
  title: 'Sync core: Model.objects vs raw prepared statements',
  async within(body) {
    const database = await createDatabase(GROUP, seedPizzeria);
    await withOrm(database, {}, () => {
      const question = Question.objects.create({ questionText: 'Best pizza?', pubDate: new Date() });
      return withRaw(database, (raw) => body({ raw, questionId: question.id }));
    });
  },
  cases: [
    {
      name: 'get by pk',
      async run({ raw }) {
        const statement = raw.prepare('SELECT id, name, box_id, price_id FROM pizza WHERE id = ?');
        const nextId = cyclingIds(PIZZERIA.pizzas);
        const pizza = Pizza.objects.get({ id: 42 });
        check(pizza.name === (statement.get(42) as { name: string }).name, 'get() and statement.get() disagree on pizza 42');
        const result = await compare(
          () => Pizza.objects.get({ id: nextId() }),
          () => statement.get(nextId()),
          { durationMs: 400 },
        );
        return [rateRow(GROUP, 'get({ id }) vs statement.get(id)', result, 'lookups', TARGET)];
      },
    },
    {
      name: 'filter',
      async run({ raw }) {
        const statement = raw.prepare('SELECT id, name, box_id, price_id FROM pizza WHERE box_id = ? ORDER BY name');
        const rawPizzas = () =>
          (statement.all(BOX_OF_1000) as Array<{ id: number; name: string; box_id: number | null; price_id: number }>).map((row) => ({
            id: row.id,
            name: row.name,
            boxId: row.box_id,
            priceId: row.price_id,
          }));
        const pizzas = Pizza.objects.filter({ box: BOX_OF_1000 }).eval();
        check(pizzas.length === 1000, `expected 1,000 pizzas in box ${BOX_OF_1000}, got ${pizzas.length}`);
        check(pizzas.map((p) => p.id).join() === rawPizzas().map((p) => p.id).join(), 'filter() and the raw query return different rows');
        const result = await compare(
          () => Pizza.objects.filter({ box: BOX_OF_1000 }).eval(),
          rawPizzas,
          { durationMs: 500, unitsPerOp: 1000 },
        );
        return [rateRow(GROUP, 'filter() -> 1,000 instances vs .all() + objects', result, 'rows', TARGET)];
      },
    },
    {
      name: 'bulkCreate',
      async run({ raw, questionId }) {
        const input = Array.from({ length: BULK_ROWS }, (_, i) => ({ choiceText: `choice ${i}`, votes: i % 100 }));
        const insert = raw.prepare('INSERT INTO choice (question_id, choice_text, votes) VALUES (?, ?, ?)');
        const insertAll = raw.transaction((rows: typeof input) => {
          for (const row of rows) insert.run(questionId, row.choiceText, row.votes);
        });
        const empty = () => raw.exec('DELETE FROM choice');
        const created = Choice.objects.bulkCreate(input.map((values) => new Choice({ questionId, ...values })));
        check(created.every((choice) => typeof choice.id === 'number'), 'bulkCreate() left objects without a primary key');
        check(Choice.objects.count() === BULK_ROWS, `bulkCreate() did not write ${BULK_ROWS} rows`);
        const result = await compare(
          () => Choice.objects.bulkCreate(input.map((values) => new Choice({ questionId, ...values }))),
          () => insertAll(input),
          { durationMs: 800, unitsPerOp: BULK_ROWS, beforeEach: empty },
        );
        empty();
        return [rateRow(GROUP, `bulkCreate(${BULK_ROWS.toLocaleString('en-US')}) vs insert in a transaction`, result, 'rows', atLeast(0.8))];
      },
    },
  ],
});
