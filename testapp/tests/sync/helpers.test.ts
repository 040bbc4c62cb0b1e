import { threadId } from 'node:worker_threads';
import { asyncToSync, captureQueries, close, configure, createSchema, ImproperlyConfigured, syncToAsync } from '../../../src';
import { findSyncFunction } from '../../../src/sync';
import { Box, Pizza, Price } from '../../models';
import { boxNamesViaAsync, countBoxes, createThenFail, failAsync, moveAndRename, priceOf, slowDouble } from './units';

jest.setTimeout(30_000);

/** A unit defined at the top of a test file: jest runs the file as its main module, so it is refused. */
let definedInTestFile: unknown;
try {
  definedInTestFile = syncToAsync(() => 1);
} catch (error) {
  definedInTestFile = error;
}

beforeAll(() => {
  configure({ database: ':memory:', models: [require.resolve('../../models')], workers: 2 });
  createSchema();
});

afterAll(() => close());

beforeEach(() => {
  Pizza.objects.delete();
  Price.objects.delete();
  Box.objects.delete();
});

describe('syncToAsync', () => {
  it('runs a multi-query unit of work in a pool worker, with instances crossing both ways', async () => {
    const small = Box.objects.create({ name: 'small' });
    const large = Box.objects.create({ name: 'large' });
    const pizza = Pizza.objects.create({ name: 'Margherita', box: small, price: Price.objects.create({ amount: '8.00' }) });

    const result = await moveAndRename(pizza, large, 'Marinara');

    expect(result.threadId).not.toBe(threadId);
    expect(result.pizza).toBeInstanceOf(Pizza);
    expect(result.pizza.name).toBe('Marinara');
    expect(result.pizza.boxId).toBe(large.pk);
    expect(result.boxes).toBe(2);
    const stored = Pizza.objects.get({ pk: pizza.pk });
    expect([stored.name, stored.boxId]).toEqual(['Marinara', large.pk]);
  });

  it('costs one thread hop for the whole unit', async () => {
    const box = Box.objects.create({ name: 'a' });
    const pizza = Pizza.objects.create({ name: 'P', box, price: Price.objects.create({ amount: '1.00' }) });
    const statements = await captureQueries(() => moveAndRename(pizza, box, 'Q'));
    expect(statements.length).toBeGreaterThanOrEqual(3);
    expect(new Set(statements.map((statement) => statement.connection)).size).toBe(1);
    expect(statements[0]!.connection).toMatch(/^writer-/);
  });

  it('rolls the unit back when it throws, and rejects with the error', async () => {
    await expect(createThenFail('ghost')).rejects.toThrow('no ghost today');
    expect(Box.objects.filter({ name: 'ghost' }).exists()).toBe(false);
  });

  it('runs read-only units on a reader', async () => {
    Box.objects.create({ name: 'x' });
    const statements = await captureQueries(async () => expect(await countBoxes()).toBe(1));
    expect(statements.map((statement) => statement.connection)).toEqual([expect.stringMatching(/^reader-/)]);
  });

  it('returns related instances loaded in the worker', async () => {
    const price = Price.objects.create({ amount: '12.50' });
    const pizza = Pizza.objects.create({ name: 'P', price });
    const loaded = await priceOf(pizza);
    expect(loaded).toBeInstanceOf(Price);
    expect(loaded.amount).toBe('12.50');
  });

  it('refuses, where it is defined, a unit defined inside a function', () => {
    const local = () => syncToAsync(() => 1);
    expect(local).toThrow(ImproperlyConfigured);
    expect(local).toThrow(/syncToAsync\(\): it is called inside a function \(local\(\) in .*helpers\.test\.ts\)/);
    expect(local).toThrow(/at module level, in a module of its own/);
  });

  it('refuses a unit defined in a class initializer, even at module level: importing its module throws', () => {
    expect(() => require('./misplaced-units')).toThrow(/syncToAsync\(\): it is called inside a function \(a class field initializer in .*misplaced-units\.ts\)/);
  });

  it('refuses a unit defined at the top of a test file, which no worker may import', () => {
    expect(definedInTestFile).toBeInstanceOf(ImproperlyConfigured);
    expect((definedInTestFile as Error).message).toMatch(/^syncToAsync\(\): .*helpers\.test\.ts is the program's entry script/);
  });

  it('a worker that cannot find a unit says which one and why', () => {
    const file = require.resolve('./units');
    expect(() => findSyncFunction(`${file}#99(gone)`, file)).toThrow(/cannot run .*units\.ts#99\(gone\): it is not defined when its module is imported/);
    const missing = `${__dirname}/no-such-units.ts`;
    expect(() => findSyncFunction(`${missing}#0`, missing)).toThrow(/the worker cannot import .*no-such-units\.ts \(Cannot find module/);
  });
});

describe('asyncToSync', () => {
  it('awaits an async function synchronously', () => {
    expect(slowDouble(21)).toBe(42);
    expect(slowDouble(2)).toBe(4);
  });

  it('can use the async ORM inside', () => {
    Box.objects.create({ name: 'b' });
    Box.objects.create({ name: 'a' });
    expect(boxNamesViaAsync()).toEqual(['a', 'b']);
  });

  it('refuses a function defined inside a function', () => {
    const local = () => asyncToSync(async () => 1);
    expect(local).toThrow(/^asyncToSync\(\): it is called inside a function \(local\(\) in /);
  });

  it('rethrows the error of the async function', () => {
    expect(() => failAsync('bad input')).toThrow(TypeError);
    expect(() => failAsync('bad input')).toThrow('bad input');
  });
});
