/**
 * Run by lifecycle.test.ts in a child process: uses the pool (plain, after a cancelled query, after a
 * worker crash, or starting with a read), then close(); the process must then exit by itself.
 */
import { existsSync } from 'node:fs';
import { close, configure, createSchema } from '../../../src';
import { getSettings } from '../../../src/conf';
import { Box } from '../../models';
import { MODELS } from './helpers';
import { crashWriter } from './units';

const SLOW_SQL = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000) SELECT max(x) AS id FROM c';

async function main(mode: string): Promise<void> {
  configure({ database: ':memory:', models: MODELS, workers: 2 });
  createSchema();
  const path = getSettings().databasePath;
  // A read before anything else waits for a reader that is still starting: nothing but the pending call
  // holds the event loop open then, and the process must not end with it unsettled.
  if (mode === 'read-first' && (await Box.aobjects.count()) !== 0) throw new Error('expected an empty table');
  await Promise.all([Box.aobjects.create({ name: 'a' }), Box.aobjects.create({ name: 'b' })]);
  let outcome = 'none';
  if (mode === 'cancel') {
    const controller = new AbortController();
    const slow = Box.aobjects.raw(SLOW_SQL, [], { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    outcome = await slow.then(() => 'finished', (error: Error) => error.name);
  } else if (mode === 'crash') {
    outcome = await crashWriter().then(() => 'finished', (error: Error) => error.name);
  }
  const count = await Box.aobjects.count();
  const pending = Box.aobjects.create({ name: 'queued before close' }); // close() must finish it
  await close();
  const queued = await pending.then((box) => typeof box.pk === 'number');
  process.stdout.write(JSON.stringify({ mode, outcome, count, queued, removed: !existsSync(path) }));
}

main(process.argv[2] ?? 'plain').catch((error) => {
  process.stderr.write(String(error?.stack ?? error));
  process.exitCode = 1;
});
