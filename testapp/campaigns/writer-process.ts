/**
 * The process the SIGKILL campaign kills: it keeps eight async writes in flight on the database given
 * as its first argument (creates, aatomic blocks of k rows, bulk creates of k rows) and prints a line
 * for each once it resolved. A printed acknowledgement is a promise the database must keep after the
 * kill; a block or bulk write announced with `begin` must be there entirely or not at all.
 *
 * Usage: writer-process.ts DATABASE SEED RUN
 * Lines: `begin block|bulk ID K`, `ack create NAME`, `ack block|bulk ID K`.
 */
import { aatomic, configure } from '../../src';
import { Box } from '../models';
import { Random } from './harness';

const [database, seed, run] = process.argv.slice(2) as [string, string, string];
configure({ database, models: [require.resolve('../models')], workers: 1 });
const random = new Random(Number(seed));
const IN_FLIGHT = 8;
let next = 0;

/** Writes to a pipe are synchronous on Linux: once a line is printed, the parent can read it even if killed next. */
function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

const rowNames = (id: string, k: number) => Array.from({ length: k }, (_, j) => `${id}-${j}`);

async function oneWrite(): Promise<void> {
  const id = `${run}-${next++}`;
  const roll = random.next();
  if (roll < 0.5) {
    const name = `kc-${id}`;
    await Box.aobjects.create({ name });
    print(`ack create ${name}`);
  } else if (roll < 0.8) {
    const block = `kb-${id}`;
    const k = random.int(2, 6);
    print(`begin block ${block} ${k}`);
    await aatomic(async () => {
      for (const name of rowNames(block, k)) await Box.aobjects.create({ name });
    });
    print(`ack block ${block} ${k}`);
  } else {
    const bulk = `kk-${id}`;
    const k = random.int(20, 200);
    print(`begin bulk ${bulk} ${k}`);
    await Box.aobjects.bulkCreate(rowNames(bulk, k).map((name) => new Box({ name })));
    print(`ack bulk ${bulk} ${k}`);
  }
}

async function lane(): Promise<void> {
  for (;;) await oneWrite();
}

print('ready');
Promise.all(Array.from({ length: IN_FLIGHT }, lane)).catch((error: unknown) => {
  process.stderr.write(`writer process failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(2);
});
