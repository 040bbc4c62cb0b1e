import { Choice, Question } from '../../../testapp/models';
import { check, type BenchCase } from '../../lib/group';
import { atLeast, rateRow } from '../../lib/report';
import { withOrm } from '../../lib/session';
import { compare } from '../../lib/timing';
import { GROUP, WORKERS, type AsyncContext } from './context';

const BULK_ROWS = 20_000;

/** 3c: aobjects.bulkCreate of 20,000 rows against a raw prepared INSERT in one transaction. */
export const bulk: BenchCase<AsyncContext> = {
  name: 'bulkCreate',
  async run({ database, raw }) {
    return withOrm(database, { workers: WORKERS }, async () => {
      const question = await Question.aobjects.create({ questionText: 'Bulk?', pubDate: new Date() });
      const questionId = question.id;
      const input = Array.from({ length: BULK_ROWS }, (_, i) => ({ choiceText: `choice ${i}`, votes: i % 100 }));
      const insert = raw.prepare('INSERT INTO choice (question_id, choice_text, votes) VALUES (?, ?, ?)');
      const insertAll = raw.transaction((rows: typeof input) => {
        for (const row of rows) insert.run(questionId, row.choiceText, row.votes);
      });
      const empty = () => raw.exec('DELETE FROM choice');
      const created = await Choice.aobjects.bulkCreate(input.map((values) => new Choice({ questionId, ...values })));
      check(created.every((choice) => typeof choice.id === 'number'), 'aobjects.bulkCreate() left objects without a primary key');
      check((await Choice.aobjects.count()) === BULK_ROWS, `aobjects.bulkCreate() did not write ${BULK_ROWS} rows`);
      const result = await compare(
        () => Choice.aobjects.bulkCreate(input.map((values) => new Choice({ questionId, ...values }))),
        () => insertAll(input),
        { durationMs: 800, unitsPerOp: BULK_ROWS, beforeEach: empty },
      );
      empty();
      return [rateRow(GROUP, `aobjects.bulkCreate(${BULK_ROWS.toLocaleString('en-US')}) vs insert in a transaction`, result, 'rows', atLeast(0.5))];
    });
  },
};
