/**
 * Configuration and lifecycle (API.md sections 1, 6 and 7): configure / close, mainThread 'forbid',
 * captureQueries and the debug switch. Each test configures and closes on its own.
 */
import { existsSync } from 'node:fs';
import {
  atomic,
  captureQueries,
  close,
  configure,
  createSchema,
  ImproperlyConfigured,
  Model,
  CharField,
  Count,
  schemaStatements,
  SynchronousOnlyOperation,
} from '../../../src';
import { getSettings } from '../../../src/conf';
import { Item } from '../../inventory';
import { Pizza } from '../../models';
import { MODEL_MODULES } from './helpers';

const memory = (extra: Record<string, unknown> = {}) => configure({ database: ':memory:', models: MODEL_MODULES, workers: 1, ...extra });

afterEach(async () => {
  await close();
});

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('configure() and close()', () => {
  test('configure() imports the model modules and createSchema() makes their tables', () => {
    memory();
    const statements = schemaStatements().join('\n');
    expect(statements).toMatch(/CREATE TABLE IF NOT EXISTS "inventory_item"/);
    expect(statements).toMatch(/CREATE TABLE IF NOT EXISTS "pizza"/);
    expect(statements).toMatch(/CREATE TABLE IF NOT EXISTS "pizza_toppings"/);
    createSchema();
    createSchema(); // IF NOT EXISTS: a second call is harmless
    Item.objects.create({ name: 'x' });
    expect(Item.objects.count()).toBe(1);
    expect(Pizza.objects.count()).toBe(0);
  });

  test('configure() twice without close() is ImproperlyConfigured, and the first configuration stays', () => {
    memory();
    createSchema();
    Item.objects.create({ name: 'kept' });
    const error = caught(() => memory());
    expect(error).toBeInstanceOf(ImproperlyConfigured);
    expect(error.message).toMatch(/already configured/);
    expect(error.message).toMatch(/close\(\)/);
    expect(Item.objects.valuesList('name', { flat: true }).eval()).toEqual(['kept']);
  });

  test('close() then configure() starts clean: a new ":memory:" database', async () => {
    memory();
    createSchema();
    Item.objects.create({ name: 'old' });
    const firstPath = getSettings().databasePath;
    expect(existsSync(firstPath)).toBe(true);
    await close();
    expect(existsSync(firstPath)).toBe(false);
    memory();
    createSchema();
    expect(Item.objects.count()).toBe(0);
    Item.objects.create({ name: 'new' });
    expect(Item.objects.valuesList('name', { flat: true }).eval()).toEqual(['new']);
  });

  test('close() twice is harmless', async () => {
    memory();
    await close();
    await close();
  });

  test('sync calls before configure() are ImproperlyConfigured naming the call', () => {
    const error = caught(() => Item.objects.count());
    expect(error).toBeInstanceOf(ImproperlyConfigured);
    expect(error.message).toMatch(/Item\.objects\.count\(\)/);
    expect(error.message).toMatch(/configure/);
  });

  test('bad options are ImproperlyConfigured', () => {
    expect(() => configure({ database: '' })).toThrow(ImproperlyConfigured);
    expect(() => configure({ database: ':memory:', workers: 0 })).toThrow(ImproperlyConfigured);
    expect(() => configure({ database: ':memory:', mainThread: 'sometimes' as never })).toThrow(ImproperlyConfigured);
    expect(() => configure({ database: ':memory:', queryTimeoutMs: -1 })).toThrow(ImproperlyConfigured);
    expect(() => configure({ database: ':memory:', models: ['/nonexistent/models.ts'] })).toThrow(/cannot import the models module/);
  });

  test('a file database keeps its rows across close() and configure()', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const directory = mkdtempSync(join(tmpdir(), 'threadorm-core-'));
    const file = join(directory, 'db.sqlite3');
    try {
      configure({ database: file, models: MODEL_MODULES, workers: 1 });
      createSchema();
      Item.objects.create({ name: 'persisted', big: 2n ** 60n });
      await close();
      configure({ database: file, models: MODEL_MODULES, workers: 1 });
      expect(Item.objects.get({ name: 'persisted' }).big).toBe(2n ** 60n);
    } finally {
      await close();
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('two different models under one label is ImproperlyConfigured', () => {
    memory();
    class Impostor extends Model {
      static fields = { name: new CharField({ maxLength: 5 }) };
      static meta = { label: 'Item' };
    }
    const error = caught(() => Impostor._meta);
    expect(error).toBeInstanceOf(ImproperlyConfigured);
    expect(error.message).toMatch(/'Item'/);
  });
});

describe("mainThread: 'forbid'", () => {
  test('every sync call that touches the database throws SynchronousOnlyOperation naming the call', () => {
    memory({ mainThread: 'forbid' });
    const checks: Array<[RegExp, () => unknown]> = [
      [/Item\.objects\.eval\(\)/, () => Item.objects.filter({ name: 'x' }).eval()],
      [/Item\.objects\.count\(\)/, () => Item.objects.count()],
      [/Item\.objects\.get\(\)/, () => Item.objects.get({ pk: 1 })],
      [/Item\.objects\.exists\(\)/, () => Item.objects.exists()],
      [/Item\.objects\.update\(\)/, () => Item.objects.update({ quantity: 1 })],
      [/Item\.objects\.delete\(\)/, () => Item.objects.all().delete()],
      [/Item\.objects\.aggregate\(\)/, () => Item.objects.aggregate({ n: Count('id') })],
      [/Item\.objects\.first\(\)/, () => Item.objects.first()],
      [/Item\.objects\.raw\(\)/, () => Item.objects.raw('SELECT 1')],
      [/Item\.save\(\)/, () => new Item({ name: 'x' }).save()],
      [/Item\.objects\.create|Item\.save\(\)/, () => Item.objects.create({ name: 'x' })],
      [/createSchema\(\)/, () => createSchema()],
      [/atomic\(\)/, () => atomic(() => 1)],
    ];
    for (const [name, call] of checks) {
      const error = caught(call);
      expect([String(name), error]).toEqual([String(name), expect.any(SynchronousOnlyOperation)]);
      expect([String(name), error.message]).toEqual([String(name), expect.stringMatching(name)]);
      expect(error.message).toMatch(/aobjects/);
      expect(error.message).toMatch(/asave/);
    }
  });

  test('iteration is refused too, but chaining is allowed', () => {
    memory({ mainThread: 'forbid' });
    const qs = Item.objects.filter({ name: 'x' }).orderBy('-quantity').values('name');
    expect(() => [...qs]).toThrow(SynchronousOnlyOperation);
    expect(qs.toSql().sql).toMatch(/^SELECT/);
  });
});

describe('captureQueries()', () => {
  test('returns the statements with their parameters', () => {
    memory();
    createSchema();
    const queries = captureQueries(() => {
      Item.objects.create({ name: 'a', quantity: 7 });
      Item.objects.filter({ quantity__gt: 5, name__startswith: 'a' }).count();
    });
    expect(queries).toHaveLength(2);
    expect(queries[0]!.sql).toMatch(/^INSERT INTO "inventory_item"/);
    expect(queries[0]!.params).toContain('a');
    expect(queries[0]!.params).toContain(7);
    expect(queries[1]!.sql).toMatch(/^SELECT COUNT\(\*\)/);
    expect(queries[1]!.params).toEqual([5, 'a*']);
  });

  test('works with async functions and only counts what ran inside', async () => {
    memory();
    createSchema();
    Item.objects.count();
    const queries = await captureQueries(async () => {
      Item.objects.count();
      await new Promise((resolve) => setTimeout(resolve, 1));
      Item.objects.exists();
    });
    expect(queries).toHaveLength(2);
    Item.objects.count();
    expect(queries).toHaveLength(2);
  });

  test('rethrows errors of the function', () => {
    memory();
    createSchema();
    expect(() =>
      captureQueries(() => {
        throw new RangeError('inside');
      }),
    ).toThrow(RangeError);
    expect(captureQueries(() => Item.objects.count())).toHaveLength(1);
  });
});

describe('debug switch', () => {
  function stderrDuring(fn: () => void): string {
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      fn();
      return spy.mock.calls.map((call) => String(call[0])).join('');
    } finally {
      spy.mockRestore();
    }
  }

  test('configure({ debug: true }) logs each statement with its duration', () => {
    memory({ debug: true });
    const log = stderrDuring(() => {
      createSchema();
      Item.objects.filter({ name: 'logged' }).count();
    });
    expect(log).toMatch(/\[threadorm main/);
    expect(log).toMatch(/\d+\.\d{3} ms SELECT COUNT\(\*\) FROM "inventory_item"/);
    expect(log).toMatch(/\["logged"\]/);
  });

  test('no log without the switch', () => {
    const previous = process.env.THREADORM_DEBUG;
    delete process.env.THREADORM_DEBUG;
    try {
      memory();
      const log = stderrDuring(() => {
        createSchema();
        Item.objects.count();
      });
      expect(log).not.toMatch(/threadorm/);
    } finally {
      if (previous !== undefined) process.env.THREADORM_DEBUG = previous;
    }
  });

  test('THREADORM_DEBUG=1 turns the log on', () => {
    const previous = process.env.THREADORM_DEBUG;
    process.env.THREADORM_DEBUG = '1';
    try {
      memory();
      const log = stderrDuring(() => {
        createSchema();
        Item.objects.count();
      });
      expect(log).toMatch(/ms SELECT COUNT\(\*\)/);
    } finally {
      if (previous === undefined) delete process.env.THREADORM_DEBUG;
      else process.env.THREADORM_DEBUG = previous;
    }
  });
});

describe('nested captureQueries', () => {
  it('reports the inner statements to the enclosing capture too', async () => {
    configure({ database: ':memory:', models: MODEL_MODULES });
    createSchema();
    try {
      let inner: unknown[] = [];
      const outer = captureQueries(() => {
        Item.objects.count();
        inner = captureQueries(() => Item.objects.exists());
      });
      expect(inner).toHaveLength(1);
      expect(outer).toHaveLength(2);
    } finally {
      await close();
    }
  });
});
