/**
 * Several writers (configure({ writers })): on PostgreSQL, writes outside aatomic() spread over the free
 * writers and each aatomic() block holds one writer of its own, so blocks really run side by side; a writer
 * that crashes takes only its own block with it. On SQLite there is one writer, and asking for more is refused.
 */
import { aatomic, close, configure, createSchema, ImproperlyConfigured, TransactionManagementError, WorkerCrashed } from '../../../src';
import { getSettings } from '../../../src/conf';
import { getConnection } from '../../../src/db/connections';
import { Box } from '../../models';
import { MODELS, rejection } from './helpers';
import { crashWriter, writerThread } from './units';
import { dropTestDatabase, onPostgresql, testDatabase } from '../test-database';

jest.setTimeout(120_000);

const postgresqlTest: jest.It = onPostgresql ? test : test.skip;
const sqliteTest: jest.It = onPostgresql ? test.skip : test;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** What the server says about this database's other sessions (main-thread connection). */
function sessions(where: string): number {
  const rows = getConnection('test').selectRows(
    `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND ${where}`,
    [],
  );
  return Number(rows[0]![0]);
}

/** Polls the server until `where` matches `count` sessions: a barrier on the database's own state, not on time. */
async function untilSessions(where: string, count: number): Promise<void> {
  for (let attempt = 0; sessions(where) !== count; attempt++) {
    if (attempt > 3000) throw new Error(`never saw ${count} session(s) where ${where}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('on SQLite', () => {
  afterEach(async () => {
    await close();
  });

  sqliteTest('writers defaults to 1', () => {
    configure({ database: testDatabase(), models: MODELS });
    expect(getSettings().writers).toBe(1);
  });

  sqliteTest('writers above 1 is refused with an error that names the option and the database', () => {
    expect(() => configure({ database: testDatabase(), models: MODELS, writers: 2 })).toThrow(ImproperlyConfigured);
    expect(() => configure({ database: testDatabase(), models: MODELS, writers: 2 })).toThrow(/writers: SQLite lets 1 connection\(s\) write at once/);
  });

  test('writers must be a positive integer', () => {
    expect(() => configure({ database: ':memory:', models: MODELS, writers: 0 })).toThrow(/writers must be a positive integer; got 0/);
    expect(() => configure({ database: ':memory:', models: MODELS, writers: 1.5 })).toThrow(/writers must be a positive integer; got 1.5/);
  });
});

describe('on PostgreSQL', () => {
  beforeAll(async () => {
    if (!onPostgresql) return;
    configure({ database: testDatabase(), models: MODELS, workers: 1 });
    createSchema();
    await Promise.all([Box.aobjects.count(), writerThread()]); // start the pool
  });

  afterAll(async () => {
    if (!onPostgresql) return;
    await close();
    dropTestDatabase();
  });

  postgresqlTest('writers defaults to 2', () => {
    expect(getSettings().writers).toBe(2);
  });

  postgresqlTest('the writes of one turn spread over the writers', async () => {
    const threads = new Set(await Promise.all(Array.from({ length: 8 }, () => writerThread())));
    expect(threads.size).toBe(2);
  });

  postgresqlTest('two aatomic() blocks run at once: one waits in the database for a row lock the other holds', async () => {
    const box = await Box.aobjects.create({ name: 'contended' });
    const firstHoldsLock = deferred();
    const order: string[] = [];
    const first = aatomic(async () => {
      await Box.aobjects.filter({ pk: box.pk }).update({ name: 'first' });
      firstHoldsLock.resolve();
      // The second block is inside its transaction on another connection, blocked on this block's row lock.
      await untilSessions("wait_event_type = 'Lock'", 1);
      expect(sessions("xact_start IS NOT NULL AND state IN ('active', 'idle in transaction')")).toBe(2);
      order.push('first commits');
    });
    const second = aatomic(async () => {
      await firstHoldsLock.promise;
      const updated = await Box.aobjects.filter({ pk: box.pk }).update({ name: 'second' });
      order.push('second updated');
      return updated;
    });
    await first;
    expect(await second).toBe(1);
    expect(order).toEqual(['first commits', 'second updated']);
    expect(Box.objects.get({ pk: box.pk }).name).toBe('second');
  });

  postgresqlTest('a write outside any block goes to a free writer while a block holds the other', async () => {
    const gate = deferred();
    // Started before (so outside of) the block's async context: it is no call of the block.
    const outside = (async () => {
      await gate.promise;
      return Box.aobjects.create({ name: 'outside' });
    })();
    await aatomic(async () => {
      await Box.aobjects.create({ name: 'inside' });
      gate.resolve();
      await outside; // with one writer this would wait for the block, which waits for it
      expect(Box.objects.filter({ name: 'outside' }).count()).toBe(1);
      expect(Box.objects.filter({ name: 'inside' }).count()).toBe(0); // not committed yet
    });
    expect(Box.objects.filter({ name: 'inside' }).count()).toBe(1);
  });

  postgresqlTest('a writer crashing inside one block loses that block only; the block beside it commits', async () => {
    const bothOpen = { first: deferred(), second: deferred() };
    const crashed = deferred();
    const seen: unknown[] = [];
    const failing = aatomic(async () => {
      await Box.aobjects.create({ name: 'lost 1' });
      bothOpen.first.resolve();
      await bothOpen.second.promise;
      seen.push(await rejection(crashWriter()));
      crashed.resolve();
      seen.push(await rejection(Box.aobjects.create({ name: 'lost 2' })));
    });
    const surviving = aatomic(async () => {
      await Box.aobjects.create({ name: 'kept 1' });
      bothOpen.second.resolve();
      await bothOpen.first.promise;
      await crashed.promise;
      await Box.aobjects.create({ name: 'kept 2' });
    });
    const error = await rejection(failing);
    await surviving;
    expect(error).toBeInstanceOf(TransactionManagementError);
    expect(seen[0]).toBeInstanceOf(WorkerCrashed);
    expect(seen[1]).toBeInstanceOf(TransactionManagementError);
    expect(Box.objects.filter({ name__startswith: 'lost' }).count()).toBe(0);
    expect(Box.objects.filter({ name__startswith: 'kept' }).count()).toBe(2);
    // The crashed writer was replaced: both writers answer again.
    const threads = new Set(await Promise.all(Array.from({ length: 8 }, () => writerThread())));
    expect(threads.size).toBe(2);
    expect((await Box.aobjects.create({ name: 'after the crash' })).pk).toEqual(expect.any(Number));
  });
});
