/**
 * Lifecycle: ':memory:' works with the pool, close() finishes queued work and lets the process exit,
 * configure() twice is an error, and close() then configure() starts clean.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ImproperlyConfigured, close, configure, createSchema } from '../../../src';
import { isConfigured } from '../../../src/conf';
import { Box } from '../../models';
import { MODELS, rejection, thrown } from './helpers';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Runs exit-script.ts in a fresh node process; rejects if it does not exit by itself in time. The script's
 * TypeScript loads through threadorm's own loader (esbuild, cached on disk), which the pool's threads then
 * inherit with the `-r` flag: under ts-node every one of them would type-strip every module again.
 */
function runScript(mode: string): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', join(ROOT, 'src', 'bootstrap-typescript.js'), join(__dirname, 'exit-script.ts'), mode],
      { cwd: ROOT, timeout: 90_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (error as { code?: number }).code ?? (error.killed ? null : 1) : 0, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

describe('close() lets the process exit', () => {
  test.each(['plain', 'cancel', 'crash', 'read-first'])('after %s use of the pool', async (mode) => {
    const result = await runScript(mode);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toEqual({
      mode,
      outcome: { plain: 'none', cancel: 'QueryCancelled', crash: 'WorkerCrashed', 'read-first': 'none' }[mode],
      count: 2,
      queued: true,
      removed: true,
    });
  });
});

describe('configure / close', () => {
  afterAll(async () => {
    await close();
  });

  test("':memory:' is one database shared by the main thread and the workers", async () => {
    configure({ database: ':memory:', models: MODELS, workers: 2 });
    createSchema();
    Box.objects.create({ name: 'sync' });
    await Box.aobjects.create({ name: 'async' });
    expect(await Box.aobjects.valuesList('name', { flat: true }).orderBy('name')).toEqual(['async', 'sync']);
    expect(Box.objects.count()).toBe(2);
  });

  test('configure() twice without close() is an error that says what to do', () => {
    const error = thrown(() => configure({ database: ':memory:', models: MODELS }));
    expect(error).toBeInstanceOf(ImproperlyConfigured);
    expect(error.message).toMatch(/close\(\)/);
  });

  test('close() finishes queued work; then async calls say configure() is needed', async () => {
    const queued = Array.from({ length: 20 }, (_, i) => Box.aobjects.create({ name: `queued ${i}` }));
    await close();
    const boxes = await Promise.all(queued);
    expect(boxes.every((box) => typeof box.pk === 'number')).toBe(true);
    const error = await rejection(async () => Box.aobjects.count());
    expect(error).toBeInstanceOf(ImproperlyConfigured);
  });

  test('close() then configure() starts clean (a new private database)', async () => {
    configure({ database: ':memory:', models: MODELS, workers: 1 });
    createSchema();
    expect(await Box.aobjects.count()).toBe(0);
    await Box.aobjects.create({ name: 'fresh' });
    expect(Box.objects.count()).toBe(1);
  });

  describe('close() then configure() leaves no plan cache behind', () => {
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['coalesced aobjects.get by key', async () => (await Promise.all([1, 2, 1].map((pk) => Box.aobjects.get({ pk })))).map((box) => box.name)],
      ['a single aobjects.get by key', async () => (await Box.aobjects.get({ pk: 2 })).name],
      ['sync get by equality', async () => Box.objects.get({ name: 'second' }).pk],
      ['sync create (insert shape)', async () => Box.objects.create({ name: 'third' }).pk],
      ['async eval (model select)', async () => (await Box.aobjects.orderBy('pk')).map((box) => box.name)],
    ];
    test.each(calls)('%s', async (_name, call) => {
      await close();
      const results: unknown[] = [];
      for (let round = 0; round < 2; round++) {
        configure({ database: ':memory:', models: MODELS, workers: 2 });
        createSchema();
        Box.objects.create({ name: 'first' });
        Box.objects.create({ name: 'second' });
        results.push(await call());
        await close();
      }
      expect(results[1]).toEqual(results[0]);
      expect(results[0]).toBeTruthy();
    });
  });

  test('a models module that fails in the workers rejects the calls with the reason, and close() works', async () => {
    await close();
    configure({ database: ':memory:', models: [...MODELS, require.resolve('./fixtures/fails-in-workers')], workers: 2 });
    createSchema();
    const errors = await Promise.all([rejection(Box.aobjects.count()), rejection(Box.aobjects.create({ name: 'never' }))]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(ImproperlyConfigured);
      expect(error.message).toMatch(/fails-in-workers/);
      expect(error.message).toMatch(/refuses to load in a worker/);
    }
    expect(await rejection(Box.aobjects.count())).toBeInstanceOf(ImproperlyConfigured);
    await close();
    expect(isConfigured()).toBe(false);
  });
});

