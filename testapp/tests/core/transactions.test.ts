/**
 * Sync transactions (API.md section 3): atomic() commits, rolls back on throw, nests with savepoints;
 * onCommit() callbacks run after the outermost commit only, and never on rollback.
 */
import { atomic, captureQueries, IntegrityError, onCommit } from '../../../src';
import { Item, Shelf } from '../../inventory';
import { clearTables, useDatabase } from './helpers';

useDatabase();

beforeEach(() => clearTables(Item, Shelf));

const names = (): string[] => Item.objects.valuesList('name', { flat: true }).eval() as string[];

class Boom extends Error {}

describe('atomic()', () => {
  test('commits when the function returns, and passes its result through', () => {
    const result = atomic(() => {
      Item.objects.create({ name: 'a' });
      Item.objects.create({ name: 'b' });
      return 42;
    });
    expect(result).toBe(42);
    expect(names()).toEqual(['a', 'b']);
  });

  test('runs in one transaction: BEGIN ... COMMIT around the statements', () => {
    const queries = captureQueries(() =>
      atomic(() => {
        Item.objects.create({ name: 'a' });
      }),
    );
    const sql = queries.map((query) => query.sql);
    expect(sql[0]).toMatch(/^BEGIN/);
    expect(sql[sql.length - 1]).toBe('COMMIT');
    expect(sql.some((statement) => /^INSERT INTO "inventory_item"/.test(statement))).toBe(true);
  });

  test('rolls back every write and rethrows the same error when the function throws', () => {
    Item.objects.create({ name: 'before' });
    const boom = new Boom('stop');
    let caught: unknown;
    try {
      atomic(() => {
        Item.objects.create({ name: 'a' });
        Item.objects.filter({ name: 'before' }).update({ quantity: 9 });
        Item.objects.filter({ name: 'before' }).delete();
        throw boom;
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(boom);
    expect(names()).toEqual(['before']);
    expect(Item.objects.get({ name: 'before' }).quantity).toBe(0);
  });

  test('an IntegrityError inside rolls back the earlier writes', () => {
    Item.objects.create({ name: 'x', slug: 'taken' });
    expect(() =>
      atomic(() => {
        Item.objects.create({ name: 'y' });
        Item.objects.create({ name: 'z', slug: 'taken' });
      }),
    ).toThrow(IntegrityError);
    expect(names()).toEqual(['x']);
  });

  test('an inner atomic that fails rolls back to its savepoint and keeps the outer work', () => {
    atomic(() => {
      Item.objects.create({ name: 'outer1' });
      try {
        atomic(() => {
          Item.objects.create({ name: 'inner' });
          Item.objects.filter({ name: 'outer1' }).update({ quantity: 5 });
          throw new Boom('inner');
        });
      } catch (error) {
        if (!(error instanceof Boom)) throw error;
      }
      Item.objects.create({ name: 'outer2' });
    });
    expect(names()).toEqual(['outer1', 'outer2']);
    expect(Item.objects.get({ name: 'outer1' }).quantity).toBe(0);
  });

  test('an inner atomic that succeeds is undone when the outer one fails', () => {
    expect(() =>
      atomic(() => {
        atomic(() => Item.objects.create({ name: 'inner' }));
        expect(names()).toEqual(['inner']);
        throw new Boom('outer');
      }),
    ).toThrow(Boom);
    expect(names()).toEqual([]);
  });

  test('deep nesting: each level rolls back only itself', () => {
    atomic(() => {
      Item.objects.create({ name: 'l1' });
      atomic(() => {
        Item.objects.create({ name: 'l2' });
        try {
          atomic(() => {
            Item.objects.create({ name: 'l3' });
            throw new Boom('l3');
          });
        } catch {
          // level 3 is gone, level 2 goes on
        }
        atomic(() => Item.objects.create({ name: 'l3b' }));
      });
    });
    expect(names()).toEqual(['l1', 'l2', 'l3b']);
  });

  test('savepoints show in the statements', () => {
    const sql = captureQueries(() =>
      atomic(() => {
        try {
          atomic(() => {
            throw new Boom('x');
          });
        } catch {
          // expected
        }
      }),
    ).map((query) => query.sql);
    expect(sql.some((statement) => /^SAVEPOINT /.test(statement))).toBe(true);
    expect(sql.some((statement) => /^ROLLBACK TO /.test(statement))).toBe(true);
    expect(sql[sql.length - 1]).toBe('COMMIT');
  });

  test('refuses a function that returns a promise, and rolls back', () => {
    expect(() =>
      atomic((() => {
        Item.objects.create({ name: 'sync part' });
        return Promise.resolve();
      }) as () => unknown),
    ).toThrow(/aatomic/);
    expect(names()).toEqual([]);
  });

  test('the connection is usable after a rollback', () => {
    expect(() => atomic(() => {
      throw new Boom('x');
    })).toThrow(Boom);
    atomic(() => Item.objects.create({ name: 'after' }));
    expect(names()).toEqual(['after']);
  });
});

describe('onCommit()', () => {
  test('runs outside a transaction at once', () => {
    const calls: string[] = [];
    onCommit(() => calls.push('now'));
    expect(calls).toEqual(['now']);
  });

  test('runs only after the outermost commit, in registration order', () => {
    const calls: string[] = [];
    atomic(() => {
      onCommit(() => calls.push('outer'));
      atomic(() => {
        onCommit(() => calls.push('inner'));
      });
      expect(calls).toEqual([]);
      Item.objects.create({ name: 'a' });
      expect(calls).toEqual([]);
    });
    expect(calls).toEqual(['outer', 'inner']);
  });

  test('sees the committed data', () => {
    let seen: string[] = [];
    atomic(() => {
      Item.objects.create({ name: 'visible' });
      onCommit(() => {
        seen = names();
      });
    });
    expect(seen).toEqual(['visible']);
  });

  test('never runs when the transaction rolls back', () => {
    const calls: string[] = [];
    expect(() =>
      atomic(() => {
        onCommit(() => calls.push('outer'));
        atomic(() => onCommit(() => calls.push('inner')));
        throw new Boom('x');
      }),
    ).toThrow(Boom);
    expect(calls).toEqual([]);
    atomic(() => undefined);
    expect(calls).toEqual([]);
  });

  test('callbacks of a rolled-back savepoint are dropped; the others still run', () => {
    const calls: string[] = [];
    atomic(() => {
      onCommit(() => calls.push('kept'));
      try {
        atomic(() => {
          onCommit(() => calls.push('dropped'));
          throw new Boom('inner');
        });
      } catch {
        // expected
      }
      atomic(() => onCommit(() => calls.push('kept too')));
    });
    expect(calls).toEqual(['kept', 'kept too']);
  });
});
