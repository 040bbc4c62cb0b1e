/**
 * aatomic(): commit, rollback across several awaited calls, nested savepoints, and isolation from
 * calls made outside the callback while the transaction is open.
 */
import { aatomic, captureQueries, close, configure, createSchema, QueryCancelled, TransactionManagementError, WorkerCrashed } from '../../../src';
import { getSettings } from '../../../src/conf';
import { Box, Pizza, Price, Topping } from '../../models';
import { MODELS, rejection, resetAndSeed } from './helpers';
import { boxWithPizza, crashWriter } from './units';
import { dropTestDatabase, testDatabase } from '../test-database';

jest.setTimeout(60_000);

beforeAll(async () => {
  configure({ database: testDatabase(), models: MODELS, workers: 2 });
  createSchema();
  await Box.aobjects.count();
});

afterAll(async () => {
  await close();
  dropTestDatabase();
});

beforeEach(() => resetAndSeed());

class Boom extends Error {}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

test('commit: the callback result is returned and every write is there', async () => {
  const result = await aatomic(async () => {
    const box = await Box.aobjects.create({ name: 'tx box' });
    const price = new Price({ amount: '5.00' });
    await price.asave();
    const pizza = await box.a.pizzaSet.create({ name: 'Tx', price });
    await pizza.a.toppings.add(await Topping.aobjects.get({ name: 'ham' }));
    return pizza.pk;
  });
  expect(result).toEqual(expect.any(Number));
  const pizza = await Pizza.aobjects.selectRelated('box').get({ pk: result });
  expect(pizza.box!.name).toBe('tx box');
  expect(await pizza.a.toppings.valuesList('name', { flat: true })).toEqual(['ham']);
});

test('reads inside the transaction see its own uncommitted writes', async () => {
  await aatomic(async () => {
    await Box.aobjects.create({ name: 'inside' });
    expect(await Box.aobjects.filter({ name: 'inside' }).count()).toBe(1);
    expect(await Box.objects.filter({ name: 'inside' }).acount()).toBe(1); // the twins join it too
  });
});

test('rollback across several awaited calls (creates, asave, update, delete, M2M, units of work)', async () => {
  const before = Box.objects.count();
  const hawaii = Pizza.objects.get({ name: 'Hawaii' });
  const error = await rejection(
    aatomic(async () => {
      await Box.aobjects.create({ name: 'doomed 1' });
      await Box.aobjects.create({ name: 'doomed 2' });
      hawaii.name = 'Renamed';
      await hawaii.asave();
      await Pizza.aobjects.filter({ name: 'Funghi' }).delete();
      await hawaii.a.toppings.clear();
      await Topping.aobjects.filter({ name: 'olive' }).update({ vegetarian: false });
      await boxWithPizza('doomed 3', 'Doomed', '1.00');
      // a helper that awaits deeper still belongs to the transaction
      await (async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        await Box.aobjects.create({ name: 'doomed 4' });
      })();
      throw new Boom('stop');
    }),
  );
  expect(error).toBeInstanceOf(Boom);
  expect(Box.objects.count()).toBe(before);
  expect(Box.objects.filter({ name__startswith: 'doomed' }).exists()).toBe(false);
  expect(Pizza.objects.get({ pk: hawaii.pk }).name).toBe('Hawaii');
  expect(Pizza.objects.filter({ name: 'Funghi' }).exists()).toBe(true);
  expect(Pizza.objects.get({ pk: hawaii.pk }).toppings.count()).toBe(2);
  expect(Topping.objects.get({ name: 'olive' }).vegetarian).toBe(true);
  expect(Pizza.objects.filter({ name: 'Doomed' }).exists()).toBe(false);
});

test('a database error inside rolls back the whole transaction', async () => {
  const error = await rejection(
    aatomic(async () => {
      await Topping.aobjects.create({ name: 'fresh' });
      await Topping.aobjects.create({ name: 'ham' }); // unique violation
    }),
  );
  expect(error.name).toBe('IntegrityError');
  expect(Topping.objects.filter({ name: 'fresh' }).exists()).toBe(false);
});

test('nested aatomic: an inner rollback keeps the outer work', async () => {
  await aatomic(async () => {
    await Box.aobjects.create({ name: 'outer 1' });
    const inner = await rejection(
      aatomic(async () => {
        await Box.aobjects.create({ name: 'inner' });
        expect(await Box.aobjects.filter({ name: 'inner' }).exists()).toBe(true);
        throw new Boom('inner');
      }),
    );
    expect(inner).toBeInstanceOf(Boom);
    expect(await Box.aobjects.filter({ name: 'inner' }).exists()).toBe(false);
    const kept = await aatomic(async () => Box.aobjects.create({ name: 'inner kept' }));
    expect(kept.pk).toEqual(expect.any(Number));
    await Box.aobjects.create({ name: 'outer 2' });
  });
  const names = Box.objects.filter({ name__in: ['outer 1', 'outer 2', 'inner', 'inner kept'] }).valuesList('name', { flat: true }).eval();
  expect([...names].sort()).toEqual(['inner kept', 'outer 1', 'outer 2']);
});

test('nested aatomic: an outer rollback also undoes committed inner blocks', async () => {
  await rejection(
    aatomic(async () => {
      await aatomic(async () => Box.aobjects.create({ name: 'inner done' }));
      throw new Boom('outer');
    }),
  );
  expect(Box.objects.filter({ name: 'inner done' }).exists()).toBe(false);
});

test('isolation: an outside call started while the transaction is open neither sees nor joins it', async () => {
  const gate = deferred();
  const events: string[] = [];
  // Started before (so outside of) the transaction's async context; it proceeds once the gate opens.
  const outside = (async () => {
    await gate.promise;
    const seen = await Box.aobjects.filter({ name: 'uncommitted' }).count();
    events.push(`outside read ${seen}`);
    const box = await Box.aobjects.create({ name: 'outside' });
    events.push('outside write done');
    return { seen, box };
  })();

  const error = await rejection(
    aatomic(async () => {
      await Box.aobjects.create({ name: 'uncommitted' });
      gate.resolve();
      // give the outside read time to run against the committed state
      for (let i = 0; i < 50 && events.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(events[0]).toBe('outside read 0');
      expect(await Box.aobjects.filter({ name: 'uncommitted' }).count()).toBe(1);
      events.push('transaction rolls back');
      throw new Boom('rollback');
    }),
  );
  expect(error).toBeInstanceOf(Boom);
  const { seen, box } = await outside;
  expect(seen).toBe(0);
  // the outside write was not rolled back with the transaction; with one writer it waited for it, with
  // several (PostgreSQL) it went to another writer meanwhile
  if (getSettings().writers === 1) expect(events).toEqual(['outside read 0', 'transaction rolls back', 'outside write done']);
  else expect([...events].sort()).toEqual(['outside read 0', 'outside write done', 'transaction rolls back']);
  expect(box.pk).toEqual(expect.any(Number));
  expect(Box.objects.filter({ name: 'outside' }).count()).toBe(1);
  expect(Box.objects.filter({ name: 'uncommitted' }).count()).toBe(0);
});

test('isolation: outside writes made during a committing transaction land too', async () => {
  const gate = deferred();
  const outside = (async () => {
    await gate.promise;
    return Promise.all([Box.aobjects.create({ name: 'outside A' }), Topping.aobjects.create({ name: 'outside B' })]);
  })();
  await aatomic(async () => {
    await Box.aobjects.create({ name: 'committed' });
    gate.resolve();
    await new Promise((resolve) => setTimeout(resolve, 30));
    await Box.aobjects.create({ name: 'committed 2' });
  });
  await outside;
  expect(Box.objects.filter({ name__in: ['committed', 'committed 2', 'outside A'] }).count()).toBe(3);
  expect(Topping.objects.filter({ name: 'outside B' }).exists()).toBe(true);
});

test('two concurrent transactions are serialised, each commits or rolls back on its own', async () => {
  const first = aatomic(async () => {
    await Box.aobjects.create({ name: 'T1 a' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await Box.aobjects.create({ name: 'T1 b' });
  });
  const second = aatomic(async () => {
    await Box.aobjects.create({ name: 'T2 a' });
    throw new Boom('T2');
  });
  const [one, two] = await Promise.allSettled([first, second]);
  expect(one.status).toBe('fulfilled');
  expect(two.status).toBe('rejected');
  const names = Box.objects.filter({ name__startswith: 'T' }).valuesList('name', { flat: true }).eval();
  expect([...names].sort()).toEqual(['T1 a', 'T1 b']);
});

test('all calls of a transaction run on the writer connection', async () => {
  const queries = await captureQueries(() =>
    aatomic(async () => {
      await Box.aobjects.count();
      await Box.aobjects.create({ name: 'captured' });
    }),
  );
  const labels = new Set(queries.map((query) => query.connection));
  expect(labels.size).toBe(1);
  expect([...labels][0]).toMatch(/^writer-\d+$/);
  expect(queries.map((query) => query.sql)).toEqual(expect.arrayContaining([expect.stringMatching(/^BEGIN/), expect.stringMatching(/^SELECT COUNT/), expect.stringMatching(/^INSERT INTO "box"/i), 'COMMIT']));
});

describe('all or nothing when the transaction is lost', () => {
  /** Cancels `call` once its batch has been sent (setImmediate callbacks run in order, after the pool's flush). */
  function cancelAfterSend<T>(make: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const call = make(controller.signal);
    setImmediate(() => controller.abort());
    return call;
  }

  test.each([false, true])('a call cancelled while it runs inside the block (block throws: %s): nothing commits', async (throws) => {
    const refused: Error[] = [];
    const error = await rejection(
      aatomic(async () => {
        await Box.aobjects.create({ name: 'lost 1' });
        const read = await rejection(cancelAfterSend((signal) => Box.aobjects.count({ signal })));
        expect(read).toBeInstanceOf(QueryCancelled);
        refused.push(await rejection(Box.aobjects.create({ name: 'lost 2' })));
        if (throws) throw new Boom('after the cancel');
      }),
    );
    expect(error).toBeInstanceOf(throws ? Boom : TransactionManagementError);
    expect(refused[0]).toBeInstanceOf(TransactionManagementError);
    expect(Box.objects.filter({ name__startswith: 'lost' }).count()).toBe(0);
    expect((await Box.aobjects.create({ name: 'after the lost block' })).pk).toEqual(expect.any(Number));
  });

  test('a call timing out while it runs inside the block: the block rejects and nothing commits', async () => {
    const error = await aatomic(async () => {
      await Box.aobjects.create({ name: 'timed 1' });
      await Box.aobjects.filter({ name__regex: '^(a|b|c)*$' }).count({ timeoutMs: 1 }).catch(() => undefined);
      await Box.aobjects.create({ name: 'timed 2' }).catch(() => undefined);
    }).then(
      () => null,
      (caught: Error) => caught,
    );
    // On a fast machine the count may finish within 1 ms; then the block commits both rows, never one.
    const rows = Box.objects.filter({ name__startswith: 'timed' }).count();
    if (error) {
      expect(error).toBeInstanceOf(TransactionManagementError);
      expect(rows).toBe(0);
    } else {
      expect(rows).toBe(2);
    }
  });

  test('the writer crashing inside the block: its calls reject, the block rejects, nothing commits', async () => {
    const seen: Error[] = [];
    const error = await rejection(
      aatomic(async () => {
        await Box.aobjects.create({ name: 'crashed 1' });
        seen.push(await rejection(crashWriter()));
        seen.push(await rejection(Box.aobjects.create({ name: 'crashed 2' })));
      }),
    );
    expect(seen[0]).toBeInstanceOf(WorkerCrashed);
    expect(seen[1]).toBeInstanceOf(TransactionManagementError);
    expect(error).toBeInstanceOf(TransactionManagementError);
    expect(Box.objects.filter({ name__startswith: 'crashed' }).count()).toBe(0);
    expect(await Box.aobjects.filter({ name: 'crashed 1' }).exists()).toBe(false);
  });

  test('nested blocks run side by side roll back only their own work', async () => {
    await aatomic(async () => {
      await Box.aobjects.create({ name: 'parent' });
      const [a, b] = await Promise.allSettled([
        aatomic(async () => {
          await Box.aobjects.create({ name: 'child A' });
          throw new Boom('A');
        }),
        aatomic(async () => {
          await Box.aobjects.create({ name: 'child B' });
        }),
      ]);
      expect(a.status).toBe('rejected');
      expect(b.status).toBe('fulfilled');
    });
    const names = Box.objects.filter({ name__in: ['parent', 'child A', 'child B'] }).valuesList('name', { flat: true }).eval();
    expect([...names].sort()).toEqual(['child B', 'parent']);
  });

  test("a parent's own calls made while a child block is open are not part of the child", async () => {
    const outcome = await aatomic(async () =>
      Promise.allSettled([
        aatomic(async () => {
          await Box.aobjects.create({ name: 'in child' });
          throw new Boom('child');
        }),
        Box.aobjects.create({ name: 'in parent' }),
      ]),
    );
    expect(outcome.map((result) => result.status)).toEqual(['rejected', 'fulfilled']);
    expect(Box.objects.filter({ name: 'in parent' }).count()).toBe(1);
    expect(Box.objects.filter({ name: 'in child' }).count()).toBe(0);
  });
});
